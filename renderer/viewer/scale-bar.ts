/** Round lengths a microscopist expects on a scale bar: 1, 2, 5 × 10^k µm. */
const STEPS = [5, 2, 1];

export interface ScaleBarSpec {
  lengthUm: number;
  lengthPx: number;
  label: string;
}

/**
 * The longest round length whose bar fits in `maxPx` screen pixels (so the bar is between 40 % and
 * 100 % of it). `screenPxPerUm` = camera scale / (µm per image pixel).
 */
export function scaleBarFor(screenPxPerUm: number, maxPx = 140): ScaleBarSpec | null {
  if (!(screenPxPerUm > 0) || !Number.isFinite(screenPxPerUm)) return null;
  const maxUm = maxPx / screenPxPerUm;
  const power = Math.pow(10, Math.floor(Math.log10(maxUm)));
  const step = STEPS.find((s) => s * power <= maxUm) ?? 1;
  // Rounding removes binary noise such as 0.30000000000000004.
  const lengthUm = Number((step * power).toPrecision(6));
  return { lengthUm, lengthPx: lengthUm * screenPxPerUm, label: formatLength(lengthUm) };
}

export function formatLength(um: number): string {
  if (um >= 1000) return `${Number((um / 1000).toPrecision(6))} mm`;
  return `${um} µm`;
}
