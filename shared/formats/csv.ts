/**
 * CSV writing (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a comma, quote,
 * CR or LF, quotes doubled inside).
 *
 * Formula injection: a text cell that starts with = + - @ (or a tab or carriage return, which some
 * spreadsheets skip before reading a formula) would run as a formula when the file is opened in Excel
 * or LibreOffice. Such cells get a leading apostrophe ('), the OWASP recommendation: spreadsheets show
 * the text as typed and do not evaluate it. Numbers are written as numbers (a negative number is data,
 * not a formula); non-finite numbers and null become empty cells.
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Neutralises a text cell that a spreadsheet would take for a formula. */
export const neutraliseFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** One field, neutralised and quoted as needed. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, so Excel reads µm² and accented names correctly. Default false. */
  bom?: boolean;
}

/** A whole CSV document: the header row, then one line per row, each ended by CRLF. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
  options: CsvOptions = {},
): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/** A CSV document from objects and a column list (header plus how to read each cell). */
export const objectsToCsv = <T>(
  items: readonly T[],
  columns: readonly CsvColumn<T>[],
  options: CsvOptions = {},
): string =>
  toCsv(
    columns.map((c) => c.header),
    items.map((item) => columns.map((c) => c.value(item))),
    options,
  );
