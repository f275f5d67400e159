import type { ApiError, ErrorCode } from '../../shared/result';

/**
 * The one error type services throw for problems a user can act on. The dispatcher turns it into
 * `{ ok: false, error }`; the CLI prints its message and exits 1.
 */
export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ApiError['detail'],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Map a thrown value to an ApiError. Known system failures (full disk, read-only folder) become
 * specific user-facing errors rather than a generic internal error.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof UserError) {
    return err.detail
      ? { code: err.code, message: err.message, detail: err.detail }
      : { code: err.code, message: err.message };
  }
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') {
    return {
      code: 'DISK_FULL',
      message: 'The disk is full: free some space and try again. Nothing was changed.',
    };
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_READONLY') {
    return {
      code: 'STUDY_READ_ONLY',
      message:
        'The study folder cannot be written (read-only or no permission). Copy the study somewhere writable to change it.',
    };
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return {
      code: 'STUDY_CORRUPT',
      message: `The study database is damaged (${message}). Restore it from a backup.`,
    };
  }
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}
