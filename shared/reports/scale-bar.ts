/**
 * A scale bar for a figure of a calibrated image: the longest round length (1, 2 or 5 times a power of
 * ten, in µm) that fits in a quarter of the figure's width, so it is readable and never crowds the image.
 */
export interface ScaleBar {
  /** Length on the page, in the figure's own units (PDF points). */
  length: number;
  label: string;
}

export function scaleBar(umPerPx: number | null, imageWidthPx: number, figureWidth: number): ScaleBar | null {
  if (!umPerPx || umPerPx <= 0 || imageWidthPx <= 0 || figureWidth <= 0) return null;
  const umPerUnit = (umPerPx * imageWidthPx) / figureWidth;
  const most = (figureWidth / 4) * umPerUnit;
  let best: number | null = null;
  for (let power = Math.floor(Math.log10(most)) - 1; power <= Math.ceil(Math.log10(most)); power++) {
    for (const step of [1, 2, 5]) {
      const um = step * 10 ** power;
      if (um <= most * (1 + 1e-9) && (best === null || um > best)) best = um;
    }
  }
  if (best === null) return null;
  const label =
    best >= 1000 ? `${Number((best / 1000).toPrecision(3))} mm` : `${Number(best.toPrecision(3))} µm`;
  return { length: best / umPerUnit, label };
}
