/**
 * The exact numbers: the full-resolution analysis on the Node side (analyzeImage), started once the
 * settings have been still for a moment. A newer request cancels the running one (cancelAnalysis), and
 * progress comes from the 'analysis-progress' events of its job.
 */
import { useEffect, useState } from 'react';
import type { MeasurementRecord } from '../../shared/analysis/api-schemas';
import type { ApiInput } from '../../shared/api';
import type { ApiError } from '../../shared/result';
import type { AppApi } from '../api/client';

export type ExactState =
  | { status: 'waiting' }
  | { status: 'running'; done: number; total: number }
  | { status: 'done'; record: MeasurementRecord }
  | { status: 'failed'; error: ApiError };

/** Long enough that a slider drag does not start an analysis per step, short enough to feel prompt. */
export const SETTLE_MS = 400;

let jobCounter = 0;
const newJobId = (imageId: number) =>
  `stain-${imageId}-${Date.now().toString(36)}-${(jobCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * `request` is null while the inputs are not ready (no analysis); `key` identifies the request (the
 * protocol, the region and a retry counter), so a new key starts a new analysis and an old answer is
 * never shown for new settings.
 */
export function useExactAnalysis(
  appApi: AppApi,
  request: ApiInput<'analyzeImage'> | null,
  key: string,
): ExactState {
  const [state, setState] = useState<{ key: string; value: ExactState } | null>(null);
  useEffect(() => {
    if (!request) return;
    let current = true;
    let jobId: string | null = null;
    let unsubscribe: (() => void) | null = null;
    const set = (value: ExactState) => current && setState({ key, value });
    const timer = setTimeout(() => {
      const id = newJobId(request.imageId);
      jobId = id;
      set({ status: 'running', done: 0, total: 0 });
      unsubscribe = appApi.on('analysis-progress', (p) => {
        if (p.jobId === id) set({ status: 'running', done: p.done, total: p.total });
      });
      void appApi.api.analyzeImage({ ...request, jobId: id }).then((result) => {
        unsubscribe?.();
        if (jobId === id) jobId = null;
        if (result.ok) set({ status: 'done', record: result.value });
        else if (result.error.code !== 'CANCELLED') set({ status: 'failed', error: result.error });
      });
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
      unsubscribe?.();
      // Superseded: stop the work on the Node side too, rather than let it finish unseen.
      if (jobId) void appApi.api.cancelAnalysis({ jobId });
    };
    // `key` stands for the request, whose identity changes on every render of the caller.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [appApi, key]);
  return state?.key === key ? state.value : { status: 'waiting' };
}
