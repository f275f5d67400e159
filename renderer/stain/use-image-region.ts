/**
 * The analysis region of an image, read from its annotations (regions of interest and exclusions), and
 * read again when the study changes or the caller asks (e.g. before measuring again after editing).
 */
import { useEffect, useState } from 'react';
import type { ApiError } from '../../shared/result';
import type { AppApi } from '../api/client';
import { regionOfAnnotations, type ImageRegion } from './analysis-region';

export type RegionState =
  | { status: 'loading' }
  | { status: 'ready'; value: ImageRegion; key: string }
  | { status: 'failed'; error: ApiError };

export function useImageRegion(appApi: AppApi, imageId: number, refreshCount: number): RegionState {
  const [state, setState] = useState<{ imageId: number; value: RegionState } | null>(null);
  const [studyChanges, setStudyChanges] = useState(0);

  useEffect(
    () =>
      appApi.on('study-changed', (e) => e.reason !== 'measurement-added' && setStudyChanges((n) => n + 1)),
    [appApi],
  );

  useEffect(() => {
    let current = true;
    void Promise.all([
      appApi.api.listAnnotationClasses({}),
      appApi.api.getImageAnnotations({ imageId }),
    ]).then(([classes, annotations]) => {
      if (!current) return;
      if (!classes.ok || !annotations.ok) {
        const error = !classes.ok ? classes.error : !annotations.ok ? annotations.error : null;
        setState({ imageId, value: { status: 'failed', error: error! } });
        return;
      }
      const value = regionOfAnnotations(annotations.value.annotations, classes.value);
      const key = JSON.stringify(value.region);
      // Unchanged regions keep their state object, so nothing downstream recomputes.
      setState((previous) =>
        previous?.imageId === imageId && previous.value.status === 'ready' && previous.value.key === key
          ? previous
          : { imageId, value: { status: 'ready', value, key } },
      );
    });
    return () => {
      current = false;
    };
  }, [appApi, imageId, refreshCount, studyChanges]);

  return state?.imageId === imageId ? state.value : { status: 'loading' };
}
