/**
 * How the PDF report writes numbers. The report is set in the PDF standard fonts (WinAnsi encoding), so
 * only characters of that encoding are used: a hyphen for minus, "µm²", "×". Every function takes null
 * for an undefined figure and leaves the wording of "n/a" to the caller, which knows the reason.
 */

const grouped = (v: number, decimals: number) =>
  v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** A count of pixels: whole, grouped by thousands. */
export const formatPx = (v: number): string => grouped(Math.round(v), 0);

/** Decimals an area needs: small areas keep their fraction, large ones are whole. */
const areaDecimals = (v: number) => (Math.abs(v) < 100 ? 2 : Math.abs(v) < 10_000 ? 1 : 0);

/** An area in µm². */
export const formatArea = (v: number): string => grouped(v, areaDecimals(v));

const sign = (v: number) => (v > 0 ? '+' : v < 0 ? '-' : '');

/** A signed change: "+1,234" or "-0.52" (a plus sign says the stain grew). */
export const formatSigned = (v: number, format: (abs: number) => string): string => {
  const text = format(Math.abs(v));
  // A change that rounds to zero gets no sign: "-0.00" would claim a direction the figure cannot show.
  return /[1-9]/.test(text) ? `${sign(v)}${text}` : text;
};

/** A 0..1 fraction as a percentage: 0.1234 -> "12.34 %". */
export const formatPercentOfFraction = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

/** A change of a fraction in percentage points: 0.12 -> 0.18 is "+6.00 pp". */
export const formatPoints = (points: number): string => `${formatSigned(points, (a) => a.toFixed(2))} pp`;

export const formatRelative = (percent: number): string => `${formatSigned(percent, (a) => a.toFixed(1))} %`;

export const formatFold = (fold: number): string => `${fold.toFixed(3)}×`;

/** A p-value as journals print it: three decimals, four below 0.01, and a bound below 0.0001. */
export const formatP = (p: number): string =>
  p < 0.0001 ? '< 0.0001' : p < 0.01 ? p.toFixed(4) : p.toFixed(3);

/** A test statistic or a value in a table of statistics: four significant digits. */
export const formatStatistic = (v: number): string => {
  const rounded = Number(v.toPrecision(4));
  return Math.abs(rounded) >= 1e5 ? grouped(rounded, 0) : String(rounded);
};

/** An optical density: three decimals. */
export const formatOD = (od: number): string => od.toFixed(3);

/** "2026-11-25 14:03 UTC" from an ISO date-time: unambiguous in every locale. */
export const formatTimestamp = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
