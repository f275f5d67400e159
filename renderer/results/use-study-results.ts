import { useCallback, useEffect, useRef, useState } from 'react';
import type { StudyResults } from '../../shared/api-study-results';
import type { ApiError } from '../../shared/result';
import { useAppApi } from '../api/api-context';

export type ResultsState =
  { status: 'loading' } | { status: 'failed'; error: ApiError } | { status: 'ready'; results: StudyResults };

/** The study's results (protocol and every image's current measurement), read again on every change. */
export function useStudyResults(): { state: ResultsState; refresh: () => Promise<void> } {
  const { api, on } = useAppApi();
  const [state, setState] = useState<ResultsState>({ status: 'loading' });
  // Answers can arrive out of order during an analysis (one change per image): keep only the newest.
  const generation = useRef(0);
  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    const result = await api.listStudyResults({});
    if (mine !== generation.current) return;
    setState(
      result.ok ? { status: 'ready', results: result.value } : { status: 'failed', error: result.error },
    );
  }, [api]);
  useEffect(() => {
    void refresh();
    return on('study-changed', () => void refresh());
  }, [refresh, on]);
  return { state, refresh };
}
