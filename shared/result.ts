/**
 * Errors cross process boundaries as data, never as thrown objects: Electron's context bridge drops
 * Error properties, and JSON over HTTP has no Error type at all.
 */
export const ERROR_CODES = [
  'INVALID_INPUT', // arguments failed validation
  'UNKNOWN_METHOD', // not on the API allow-list
  'NO_STUDY', // no study is open
  'NOT_A_STUDY', // folder is not a DermaQuant study
  'STUDY_EXISTS', // tried to create a study where one already is
  'STUDY_TOO_NEW', // written by a newer DermaQuant
  'STUDY_READ_ONLY', // the study folder or database cannot be written
  'STUDY_CORRUPT', // database damaged
  'NOT_FOUND', // an id that does not exist
  'CONFLICT', // e.g. a subject code already in use
  'UNSUPPORTED_FORMAT', // a file type DermaQuant cannot decode
  'CORRUPT_IMAGE', // a file that claims to be an image but cannot be decoded
  'IMAGE_TOO_LARGE', // over the pixel limit
  'NOT_AN_IMAGE', // not an image at all
  'FILE_NOT_FOUND',
  'DISK_FULL',
  'LOCKED', // image locked against edits
  'ANALYSIS_FAILED',
  'CANCELLED',
  'FORBIDDEN', // refused by a transport's security checks (token, Host, origin of the caller)
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  /** One sentence a user can act on: what went wrong, with which file, and what to do. */
  message: string;
  /** Optional machine-readable detail (e.g. the file name, the validation path). */
  detail?: Record<string, string | number | boolean | null>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, detail?: ApiError['detail']): Result<never> => ({
  ok: false,
  error: detail ? { code, message, detail } : { code, message },
});
