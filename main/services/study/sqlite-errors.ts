/** better-sqlite3 throws SqliteError with a string `code` such as 'SQLITE_CONSTRAINT_UNIQUE'. */
export function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export const isUniqueViolation = (err: unknown): boolean =>
  sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY';
