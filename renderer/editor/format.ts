/** Numbers as the measurement panel shows them. */

export const formatPx = (px: number): string => Math.round(px).toLocaleString('en-US');

/** µm² with sensible precision: whole numbers above 100, three significant digits below. */
export function formatUm2(px: number, umPerPx: number): string {
  const um2 = px * umPerPx * umPerPx;
  if (um2 === 0) return '0';
  if (um2 >= 100) return Math.round(um2).toLocaleString('en-US');
  return Number(um2.toPrecision(3)).toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

export function formatPercent(fraction: number | null): string {
  if (fraction === null) return '—';
  const percent = fraction * 100;
  return `${percent.toFixed(percent !== 0 && percent < 1 ? 2 : 1)} %`;
}
