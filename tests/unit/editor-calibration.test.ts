/**
 * The calibration tool's arithmetic and the panel's number formats.
 */
import { describe, expect, it } from 'vitest';
import { parseLengthUm, umPerPxFromLine } from '../../renderer/editor/calibration';
import { formatPercent, formatPx, formatUm2 } from '../../renderer/editor/format';

describe('calibration from a scale bar', () => {
  it('reads typed lengths leniently', () => {
    for (const [text, value] of [
      ['100', 100],
      [' 250 µm', 250],
      ['50um', 50],
      ['12,5', 12.5],
      ['1e3', 1000],
      ['200 microns', 200],
    ] as const) {
      expect(parseLengthUm(text)).toEqual({ ok: true, value });
    }
  });

  it('refuses what is not a length, with the text in the message', () => {
    for (const text of ['', 'abc', '-5', '0', 'Infinity', '12 mm']) {
      const result = parseLengthUm(text);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_INPUT');
        expect(result.error.message).toContain(`“${text.trim()}”`);
      }
    }
  });

  it('divides the length by the line and keeps within the API limit', () => {
    expect(umPerPxFromLine('200', 400)).toEqual({ ok: true, value: 0.5 });
    const short = umPerPxFromLine('200', 1);
    expect(!short.ok && short.error.message).toMatch(/too short/);
    const huge = umPerPxFromLine('50000', 20);
    expect(!huge.ok && huge.error.message).toMatch(/2500 µm per pixel, above the 1000 µm\/px limit/);
  });
});

describe('panel numbers', () => {
  it('formats pixels, µm² and percentages', () => {
    expect(formatPx(1234567.4)).toBe('1,234,567');
    expect(formatUm2(400, 0.5)).toBe('100');
    expect(formatUm2(4_000_000, 0.5)).toBe('1,000,000');
    expect(formatUm2(3, 0.5)).toBe('0.75');
    expect(formatUm2(0, 0.5)).toBe('0');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(0.1234)).toBe('12.3 %');
    expect(formatPercent(0.00123)).toBe('0.12 %');
    expect(formatPercent(0)).toBe('0.0 %');
  });
});
