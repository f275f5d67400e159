/**
 * Live preview for the renderer's stain panel: classify the pixels of a (downsampled or visible) region
 * in this thread, with the same kernel and decision tables as the full analysis, into a mask to draw as
 * an overlay: 0 = not analysed, 1 = analysed, 2 = stained. The exact figure still comes from the worker
 * analysis of the full-resolution image; the preview only has to follow the slider quickly.
 */
import { prepareKernel, stainLimits, type PixelBuffer, type PreparedKernel } from './kernel';
import type { ResolvedParams } from './protocol';
import type { AnalysisRegion } from './region';
import { RegionRows } from './region';

export interface PreviewMask {
  mask: Uint8Array;
  analysedPx: number;
  stainedPx: number;
}

/**
 * Classify every pixel at a fixed threshold (automatic thresholds: pass the one the full analysis found,
 * or run measurePixels on the preview first). Smoothing is not applied: a preview stays instant.
 */
export function previewMask(
  image: PixelBuffer,
  params: ResolvedParams,
  region: AnalysisRegion | null,
  threshold: number,
  prepared: PreparedKernel = prepareKernel({ ...params, smoothingSigmaPx: null }, region),
): PreviewMask {
  const { width, height, channels, data } = image;
  const { tissueLimit, stainFlip } = prepared;
  const stainLimit = stainLimits(prepared, threshold);
  const rows = region ? new RegionRows(region, width, 0, height) : null;
  const mask = new Uint8Array(width * height);
  let analysedPx = 0;
  let stainedPx = 0;
  for (let y = 0; y < height; y++) {
    const spans = rows ? rows.spans(y) : [0, width];
    for (let s = 0; s < spans.length; s += 2) {
      for (let x = spans[s]!, xe = spans[s + 1]!; x < xe; x++) {
        const p = (y * width + x) * channels;
        const rg = (data[p]! << 8) | data[p + 1]!;
        const b = data[p + 2]!;
        if (b >= tissueLimit[rg]!) continue;
        analysedPx++;
        if ((b ^ stainFlip) < stainLimit[rg]!) {
          mask[y * width + x] = 2;
          stainedPx++;
        } else {
          mask[y * width + x] = 1;
        }
      }
    }
  }
  return { mask, analysedPx, stainedPx };
}
