import { describe, expect, it } from 'vitest';
import { csvField, objectsToCsv, toCsv } from '../../shared/formats/csv';

/** A small RFC 4180 reader, so the tests check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV writing', () => {
  it('neutralises cells that would run as formulas with a leading apostrophe', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('S-01')).toBe('S-01');
  });

  it('writes numbers as numbers, negatives included, and empties for null and non-finite values', () => {
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(1e-7)).toBe('1e-7');
    expect(csvField(NaN)).toBe('');
    expect(csvField(Infinity)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it('quotes commas, quotes and line breaks so the cells read back exactly', () => {
    const rows = [
      ['S-01', 'baseline, left arm', 'said "fine"', 'two\nlines', 0.125],
      ['=cmd|calc', '', 'µm² ok', 'a\r\nb', -3],
    ];
    const text = toCsv(['subject', 'timepoint', 'note', 'multi', 'value'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['subject', 'timepoint', 'note', 'multi', 'value'],
      ['S-01', 'baseline, left arm', 'said "fine"', 'two\nlines', '0.125'],
      ["'=cmd|calc", '', 'µm² ok', 'a\r\nb', '-3'],
    ]);
  });

  it('adds a byte order mark only when asked, and builds rows from objects', () => {
    const items = [{ code: 'S1', fraction: 0.1 }];
    const columns = [
      { header: 'Subject', value: (r: (typeof items)[0]) => r.code },
      { header: 'Stained fraction', value: (r: (typeof items)[0]) => r.fraction },
    ];
    expect(objectsToCsv(items, columns)).toBe('Subject,Stained fraction\r\nS1,0.1\r\n');
    expect(objectsToCsv(items, columns, { bom: true }).startsWith('\uFEFFSubject')).toBe(true);
  });
});
