import { useCallback, useEffect, useRef, useState } from 'react';
import type { StudyAnalysisOutcome, StudyImageRef } from '../../shared/api-study-analysis';
import type { ApiError } from '../../shared/result';
import { useAppApi } from '../api/api-context';

export type AnalysisRun =
  | { status: 'idle' }
  | {
      status: 'running';
      jobId: string;
      done: number;
      total: number;
      current: StudyImageRef | null;
      cancelling: boolean;
    }
  | { status: 'finished'; outcome: StudyAnalysisOutcome }
  | { status: 'failed'; error: ApiError };

/** A job id the service accepts (letters, digits, - and _), unique enough for one window. */
function newJobId(): string {
  const random =
    typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `results-${random}`;
}

/** "Analyse all": the service's analyzeStudy with its per-image progress events, and cancel. */
export function useStudyAnalysis() {
  const { api, on } = useAppApi();
  const [run, setRun] = useState<AnalysisRun>({ status: 'idle' });
  const jobRef = useRef<string | null>(null);

  useEffect(
    () =>
      on('study-analysis-progress', (event) => {
        if (event.jobId !== jobRef.current) return;
        setRun((r) =>
          r.status === 'running'
            ? {
                ...r,
                done: event.done,
                total: event.total,
                current: event.step === 'measuring' ? event.image : r.current,
              }
            : r,
        );
      }),
    [on],
  );

  const start = useCallback(
    async (redo: boolean) => {
      const jobId = newJobId();
      jobRef.current = jobId;
      setRun({ status: 'running', jobId, done: 0, total: 0, current: null, cancelling: false });
      const result = await api.analyzeStudy({ jobId, redo });
      jobRef.current = null;
      setRun(
        result.ok ? { status: 'finished', outcome: result.value } : { status: 'failed', error: result.error },
      );
    },
    [api],
  );

  const cancel = useCallback(async () => {
    const jobId = jobRef.current;
    if (!jobId) return;
    setRun((r) => (r.status === 'running' ? { ...r, cancelling: true } : r));
    await api.cancelAnalysis({ jobId });
  }, [api]);

  const dismiss = useCallback(() => setRun({ status: 'idle' }), []);
  return { run, start, cancel, dismiss };
}
