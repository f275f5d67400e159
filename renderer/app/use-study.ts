import { useCallback, useEffect, useRef, useState } from 'react';
import type { StudyView } from '../../shared/domain';
import type { ApiError } from '../../shared/result';
import { useAppApi } from '../api/api-context';

export type StudyState =
  { status: 'loading' } | { status: 'failed'; error: ApiError } | { status: 'ready'; view: StudyView | null };

/**
 * The open study as the server sees it. Every change re-reads the whole view in one round trip: the
 * study is small, and one source of truth beats patching local copies.
 */
export function useStudy(): {
  state: StudyState;
  refresh: () => Promise<void>;
  setView: (v: StudyView) => void;
} {
  const { api, on } = useAppApi();
  const [state, setState] = useState<StudyState>({ status: 'loading' });
  // Answers can arrive out of order (an event and a user action at once): keep only the newest.
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    const result = await api.getStudy({});
    if (mine !== generation.current) return;
    setState(result.ok ? { status: 'ready', view: result.value } : { status: 'failed', error: result.error });
  }, [api]);

  const setView = useCallback((view: StudyView) => {
    generation.current++;
    setState({ status: 'ready', view });
  }, []);

  useEffect(() => {
    void refresh();
    return on('study-changed', () => void refresh());
  }, [refresh, on]);

  return { state, refresh, setView };
}
