/**
 * The calibration tool's arithmetic: a line drawn along a scale bar and its typed length in µm give
 * µm per pixel. Typed text is read leniently (a comma decimal, a trailing "µm") and refused with a
 * message when it is not a usable length.
 */
import { fail, ok, type Result } from '../../shared/result';

/** The API's bound (shared/api.ts setCalibration). */
export const MAX_UM_PER_PX = 1000;

export function parseLengthUm(text: string): Result<number> {
  const cleaned = text
    .trim()
    .replace(/\s*(µm|um|μm|microns?)$/i, '')
    .replace(',', '.');
  const value = cleaned === '' ? NaN : Number(cleaned);
  if (!Number.isFinite(value) || value <= 0) {
    return fail(
      'INVALID_INPUT',
      `“${text.trim()}” is not a length: type the scale bar’s length in µm, e.g. 100.`,
    );
  }
  return ok(value);
}

export function umPerPxFromLine(lengthUmText: string, lengthPx: number): Result<number> {
  const length = parseLengthUm(lengthUmText);
  if (!length.ok) return length;
  if (!(lengthPx >= 2)) {
    return fail(
      'INVALID_INPUT',
      'The line is too short to calibrate from: draw it along the whole scale bar.',
    );
  }
  const umPerPx = length.value / lengthPx;
  if (umPerPx > MAX_UM_PER_PX) {
    return fail(
      'INVALID_INPUT',
      `${length.value} µm over ${lengthPx.toFixed(1)} px is ${umPerPx.toFixed(0)} µm per pixel, above the ${MAX_UM_PER_PX} µm/px limit: check the length you typed.`,
    );
  }
  return ok(umPerPx);
}
