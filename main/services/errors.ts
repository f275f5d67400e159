import { randomBytes } from 'node:crypto';
import type { ApiError, ErrorCode } from '../../shared/result';
import { isSqliteFamily, sqliteCode } from './study/sqlite-errors';

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

const DISK_FULL: ApiError = {
  code: 'DISK_FULL',
  message: 'The disk is full: free some space and try again. Nothing was changed.',
};

const FILE_TOO_BIG_FOR_DISK: ApiError = {
  code: 'DISK_FULL',
  message:
    "The disk holding the study cannot store a file this large (its file system limits the size of one file, e.g. FAT32's 4 GB): move the study to a disk formatted as NTFS, APFS or ext4 and try again. Nothing was changed.",
};

const DISK_WRITE_FAILED: ApiError = {
  code: 'DISK_FULL',
  message:
    'The disk holding the study could not be written (it may be full, disconnected or failing): check the disk and try again. The change was not saved.',
};

const READ_ONLY: ApiError = {
  code: 'STUDY_READ_ONLY',
  message:
    'The study folder cannot be written (read-only or no permission). Copy the study somewhere writable to change it.',
};

const CORRUPT: ApiError = {
  code: 'STUDY_CORRUPT',
  message:
    'The study database is damaged (SQLite reports it as malformed or not a database). Restore study.sqlite from a backup (the backups folder holds one taken before each upgrade).',
};

/** SQLite write-side I/O failures: the data did not reach the disk (full, removed, failing). */
const SQLITE_WRITE_IO = ['WRITE', 'FSYNC', 'DIR_FSYNC', 'TRUNCATE', 'SHMSIZE'].map(
  (s) => `SQLITE_IOERR_${s}`,
);

/** Known system failures with a specific user-facing error, or null. */
function knownSystemError(code: string): ApiError | null {
  if (code === 'ENOSPC' || code === 'EDQUOT' || isSqliteFamily(code, 'SQLITE_FULL')) return DISK_FULL;
  if (code === 'EFBIG') return FILE_TOO_BIG_FOR_DISK;
  if (SQLITE_WRITE_IO.some((family) => isSqliteFamily(code, family))) return DISK_WRITE_FAILED;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || isSqliteFamily(code, 'SQLITE_READONLY')) {
    return READ_ONLY;
  }
  if (isSqliteFamily(code, 'SQLITE_CORRUPT') || isSqliteFamily(code, 'SQLITE_NOTADB')) return CORRUPT;
  return null;
}

/**
 * Map a thrown value to an ApiError. UserErrors pass through; known system failures (full disk,
 * read-only folder, damaged database) become specific errors. Anything else is a bug or an unforeseen
 * failure: the caller gets a fixed message (a raw message can carry SQL or absolute paths, which mean
 * nothing to a user and should not cross to a web page), and the full error goes to stderr under a
 * short reference the message quotes, so a report can be matched to the log.
 */
export function toApiError(err: unknown, context = 'a request'): ApiError {
  if (err instanceof UserError) {
    return err.detail
      ? { code: err.code, message: err.message, detail: err.detail }
      : { code: err.code, message: err.message };
  }
  const known = knownSystemError(sqliteCode(err));
  if (known) return { ...known };
  const reference = randomBytes(4).toString('hex');
  console.error(`[dermaquant] ${context} failed (reference ${reference}):`, err);
  return {
    code: 'INTERNAL',
    message: `DermaQuant hit an unexpected internal error (reference ${reference}); the details are in its console output. Try again, and if it happens again, report it with that output.`,
    detail: { reference },
  };
}
