/**
 * The value axis of the paired chart: round tick values (1, 2 or 5 times a power of ten) covering the
 * data. Measures that cannot go below zero (a fraction, an area) start at 0, so the picture does not
 * exaggerate a change by cutting the axis.
 */
export interface AxisScale {
  min: number;
  max: number;
  ticks: number[];
}

function niceStep(span: number, most: number): number {
  const raw = span / most;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((s) => s * power >= raw) ?? 10) * power;
}

export function axisScale(values: readonly number[], most = 6): AxisScale {
  const top = Math.max(0, ...values);
  const bottom = Math.min(0, ...values);
  if (top === bottom) return { min: 0, max: 1, ticks: [0, 0.5, 1] };
  const step = niceStep(top - bottom, most);
  // Integers times the step, rounded, so floating-point drift never prints 0.30000000000000004.
  const at = (i: number) => Number((i * step).toPrecision(12));
  const first = Math.floor(bottom / step + 1e-9);
  const last = Math.ceil(top / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(at(i));
  return { min: at(first), max: at(last), ticks };
}
