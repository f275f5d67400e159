/**
 * "Detect in region": the stain analysis of a stored image inside one region, at full resolution, with
 * the stained pixels returned as a mask the editor can correct. It runs the analysis engine itself
 * (decode, worker pool, measureStain), so the mask holds exactly the pixels an analysis of the same
 * region counts: same white point, threshold, smoothing and size filters.
 */
import { DEFAULT_BAND_PIXELS, IN_THREAD_MAX_PIXELS } from '../analysis/analyze-file';
import { decodeToSharedPixels, probeForAnalysis } from '../analysis/decode-pixels';
import { AnalysisWorkerPool, defaultWorkerCount } from '../analysis/worker-pool';
import type { BandMeasure, BandRuns } from '../../../shared/analysis/kernel';
import {
  inThreadExecutor,
  measureStain,
  type BandExecutor,
  type BandJob,
} from '../../../shared/analysis/measure';
import type { AnalysisProtocol } from '../../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import { applySizeFilters } from '../../../shared/analysis/size-filters';
import { TiledMask } from '../../../shared/annotations/tiled-mask';
import type { EncodedMask } from '../../../shared/annotations/types';
import type { MultiPolygon } from '../../../shared/geometry/types';

export interface RegionDetection {
  /** Stained pixels at scale 1, cropped to their bounding box (empty mask when none). */
  mask: EncodedMask;
  stainedPx: number;
  analyzedPx: number;
}

/**
 * Runs the bands on another executor, asking every measure pass for its stained runs (which the
 * engine otherwise collects only for the size filters) and keeping them in band order.
 */
class StainedRunCapture implements BandExecutor {
  readonly bands: { y0: number; runs: BandRuns }[] = [];

  constructor(private readonly inner: BandExecutor) {}

  setup(...args: Parameters<BandExecutor['setup']>): Promise<void> {
    return this.inner.setup(...args);
  }

  async runAll(jobs: BandJob[], onJobDone: () => void): Promise<unknown[]> {
    const asked = jobs.map((job) => (job.pass === 'measure' ? { ...job, collectRuns: true } : job));
    const results = await this.inner.runAll(asked, onJobDone);
    asked.forEach((job, index) => {
      if (job.pass !== 'measure') return;
      const runs = (results[index] as BandMeasure).runs;
      if (!runs) throw new Error('detect in region: a measure band returned no runs');
      this.bands.push({ y0: job.y0, runs });
    });
    return results;
  }
}

/** Paints the captured runs (before size filters) into the mask. */
function paintRuns(mask: TiledMask, bands: StainedRunCapture['bands']): void {
  for (const { y0, runs } of bands) {
    let run = 0;
    for (let row = 0; row < runs.rowRunCount.length; row++) {
      for (let k = 0; k < runs.rowRunCount[row]!; k++, run++) {
        mask.fillRow(y0 + row, runs.runStart[run]!, runs.runEnd[run]!, 1);
      }
    }
  }
}

export interface DetectOptions {
  /** Calibration of the stored image (sizes in um2 in the protocol need it). */
  umPerPx: number | null;
  maxImagePixels: number;
  /** Worker threads, 0 = this thread; default as for an analysis: threads for large images only. */
  workers?: number;
}

/** The stained pixels of `file` inside `polygons` (already clipped to the image). */
export async function detectStainInPolygons(
  file: string,
  protocol: AnalysisProtocol,
  polygons: MultiPolygon,
  options: DetectOptions,
): Promise<RegionDetection> {
  const region: AnalysisRegion = { include: polygons.map((p) => [p.outer, ...p.holes]), exclude: [] };
  const probed = await probeForAnalysis(file, options.maxImagePixels);
  const geometry = { width: probed.width, height: probed.height, umPerPx: options.umPerPx };
  const workers =
    options.workers ?? (probed.width * probed.height >= IN_THREAD_MAX_PIXELS ? defaultWorkerCount() : 0);
  const pool = workers > 0 ? new AnalysisWorkerPool(workers) : null;
  try {
    const pixels = await decodeToSharedPixels(file, probed, options.maxImagePixels, pool !== null);
    pool?.loadImage(pixels);
    const capture = new StainedRunCapture(pool ?? inThreadExecutor(pixels));
    const outcome = await measureStain(capture, geometry, protocol, region, {
      bandRows: Math.max(8, Math.floor(DEFAULT_BAND_PIXELS / pixels.width)),
    });
    const mask = new TiledMask(pixels.width, pixels.height, 1);
    const { minObjectAreaPx, maxHoleAreaPx } = outcome.params;
    if (minObjectAreaPx === null && maxHoleAreaPx === null) {
      paintRuns(mask, capture.bands);
    } else {
      applySizeFilters(
        { width: pixels.width, height: pixels.height, bands: capture.bands },
        minObjectAreaPx,
        maxHoleAreaPx,
        (y, x0, x1) => mask.fillRow(y, x0, x1, 1),
      );
    }
    const stainedPx = mask.count();
    // The mask and the measurement come from the same runs; a difference would be a bug, never data.
    if (stainedPx !== outcome.measurement.stainedAreaPx) {
      throw new Error(
        `detect in region: the mask holds ${stainedPx} px but the analysis counted ${outcome.measurement.stainedAreaPx}`,
      );
    }
    return { mask: mask.encode(), stainedPx, analyzedPx: outcome.measurement.analyzedAreaPx };
  } finally {
    await pool?.terminate();
  }
}
