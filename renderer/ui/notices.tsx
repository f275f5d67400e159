import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiError } from '../../shared/result';

export interface Notice {
  id: number;
  kind: 'error' | 'success' | 'info';
  title: string;
  message: string;
}

interface NoticeApi {
  /** Show an error from a Result: stays until dismissed, because a lab user must be able to read it. */
  showError(title: string, error: ApiError): void;
  /** A short confirmation that goes away by itself. */
  showSuccess(message: string): void;
}

const NoticeContext = createContext<NoticeApi | null>(null);

export function useNotices(): NoticeApi {
  const value = useContext(NoticeContext);
  if (!value) throw new Error('useNotices() used outside <NoticeProvider>');
  return value;
}

const SUCCESS_VISIBLE_MS = 4000;

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const push = useCallback(
    (notice: Omit<Notice, 'id'>) => {
      const id = nextId.current++;
      // Keep the list short: the newest five are enough to read, older ones are stale.
      setNotices((all) => [...all.slice(-4), { ...notice, id }]);
      if (notice.kind !== 'error') setTimeout(() => dismiss(id), SUCCESS_VISIBLE_MS);
    },
    [dismiss],
  );
  const api = useMemo<NoticeApi>(
    () => ({
      showError: (title, error) => push({ kind: 'error', title, message: error.message }),
      showSuccess: (message) => push({ kind: 'success', title: '', message }),
    }),
    [push],
  );

  return (
    <NoticeContext.Provider value={api}>
      {children}
      <div className="notices" aria-live="polite" data-testid="notices">
        {notices.map((n) => (
          <div
            key={n.id}
            className={`notice notice-${n.kind}`}
            role={n.kind === 'error' ? 'alert' : 'status'}
            data-testid={`notice-${n.kind}`}
          >
            <div className="notice-text">
              {n.title && <strong>{n.title}</strong>}
              <span>{n.message}</span>
            </div>
            <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}
