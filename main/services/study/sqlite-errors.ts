/** better-sqlite3 throws SqliteError with a string `code` such as 'SQLITE_CONSTRAINT_UNIQUE'. */
export function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Whether `code` is the primary result code `family` or one of its extended codes. better-sqlite3
 * reports extended codes (SQLITE_READONLY_DBMOVED, SQLITE_CORRUPT_INDEX, SQLITE_IOERR_FSYNC, ...), so
 * an exact comparison with the primary code misses most real failures.
 */
export function isSqliteFamily(code: string, family: string): boolean {
  return code === family || code.startsWith(`${family}_`);
}

export const isUniqueViolation = (err: unknown): boolean =>
  sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY';
