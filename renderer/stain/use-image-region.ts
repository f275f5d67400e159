/**
 * The analysis region of an image, read from its annotations (regions of interest, exclusions and the
 * manual corrections), and
 * read again when the study changes, when the editor saves this image's annotations ('annotations-changed')
 * or when the caller asks (measuring again).
 */
import { useEffect, useState } from 'react';
import type { ApiError } from '../../shared/result';
import type { AppApi } from '../api/client';
import { regionOfAnnotations, type ImageRegion } from './analysis-region';

export type RegionState =
  | { status: 'loading' }
  | { status: 'ready'; value: ImageRegion; key: string }
  | { status: 'failed'; error: ApiError };

/** A burst of editor gestures (autosaved one by one) ends in one re-read, and so one analysis. */
export const ANNOTATION_SETTLE_MS = 500;

export function useImageRegion(appApi: AppApi, imageId: number, refreshCount: number): RegionState {
  const [state, setState] = useState<{ imageId: number; value: RegionState } | null>(null);
  const [studyChanges, setStudyChanges] = useState(0);

  useEffect(
    () =>
      appApi.on('study-changed', (e) => e.reason !== 'measurement-added' && setStudyChanges((n) => n + 1)),
    [appApi],
  );

  // The editor autosaves after every gesture: wait until the edits pause, then read once. A changed
  // region gives a new key, which recomputes the preview and starts a new exact analysis (cancelling
  // the superseded one); an unchanged region (another class edited) keeps its state and costs nothing.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = appApi.on('annotations-changed', (e) => {
      if (e.imageId !== imageId) return;
      clearTimeout(timer);
      timer = setTimeout(() => setStudyChanges((n) => n + 1), ANNOTATION_SETTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [appApi, imageId]);

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
      const key = JSON.stringify([value.region, value.marks]);
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
