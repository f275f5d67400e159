/**
 * The analysis passes over an image, independent of where bands run: in this thread (the renderer's live
 * preview, tests) or in worker threads (main/services/analysis). Bands are merged in row order and sums
 * are kept per row, so results are bit-identical for any band size and any number of workers.
 */
import { applyCorrections, FilteredStain, type CorrectionPieces } from './corrections';
import { AnalysisInputError } from './errors';
import type { BandMeasure, PixelBuffer } from './kernel';
import { runBandJob, type BandJob } from './band-jobs';
import { AMOUNT_SCALE, prepareKernel } from './kernel';
import { whiteFromBrightHistogram } from './optical-density';
import { declaredWhite, resolveProtocol, type AnalysisProtocol, type ResolvedParams } from './protocol';
import { hasIncludedArea, regionPixelCount, type AnalysisRegion } from './region';
import { applySizeFilters } from './size-filters';
import { HISTOGRAM_BINS, otsuBin, thresholdOfBin, triangleBin } from './thresholds';

export type { BandJob } from './band-jobs';

/** Where bands run. `setup` is called once the parameters are final, before any non-white job. */
export interface BandExecutor {
  setup(params: ResolvedParams, region: AnalysisRegion | null): Promise<void>;
  /** Run the jobs (in any order, on any thread); answer their results in the order of `jobs`. */
  runAll(jobs: BandJob[], onJobDone: () => void): Promise<unknown[]>;
}

export interface StainMeasurement {
  stainedAreaPx: number;
  analyzedAreaPx: number;
  /** Stained / analysed pixels, 0..1; null when nothing was analysed (see stainedFractionReason). */
  stainedFraction: number | null;
  stainedFractionReason: string | null;
  stainedAreaUm2: number | null;
  analyzedAreaUm2: number | null;
  /** Mean (unsmoothed) amount of the measured stain over stained pixels, in OD units; null when none. */
  meanStainedOD: number | null;
  objectsRemoved: number;
  holesFilled: number;
  /** Pixels the manual corrections made stained (marked stained, not stained automatically). */
  manualAddedPx: number;
  /** Pixels the manual corrections made unstained (stained automatically, marked not stained). */
  manualRemovedPx: number;
}

export interface MeasureOutcome {
  /** Every parameter as run, with the automatic threshold and white point filled in. */
  params: ResolvedParams;
  measurement: StainMeasurement;
}

export interface MeasureOptions {
  /** Rows per band (the tile size). */
  bandRows: number;
  /** Structural AbortSignal (shared/ sees no DOM or Node types). */
  signal?: { readonly aborted: boolean };
  onProgress?: (done: number, total: number) => void;
}

export function planBands(height: number, bandRows: number): [number, number][] {
  const rows = Math.max(1, Math.floor(bandRows));
  const bands: [number, number][] = [];
  for (let y = 0; y < height; y += rows) bands.push([y, Math.min(height, y + rows)]);
  return bands;
}

function throwIfAborted(signal: { readonly aborted: boolean } | undefined): void {
  if (signal?.aborted) throw new AnalysisInputError('CANCELLED', 'The analysis was cancelled.');
}

/** Check a protocol against an image before decoding it: unknown preset, bad channel, ROI off the image. */
export function precheck(
  protocol: AnalysisProtocol,
  image: { width: number; height: number; umPerPx: number | null },
  region: AnalysisRegion | null,
): ResolvedParams {
  const params = resolveProtocol(protocol, {
    umPerPx: image.umPerPx,
    hasRoi: hasIncludedArea(region),
    white: declaredWhite(protocol),
  });
  if (region && hasIncludedArea(region) && regionPixelCount(region, image.width, image.height) === 0) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `The region of interest covers no pixel of the ${image.width} x ${image.height} image (outside it, empty, or wholly excluded): ` +
        'check that its coordinates are full-resolution pixels of this image.',
    );
  }
  return params;
}

export async function measureStain(
  executor: BandExecutor,
  image: { width: number; height: number; umPerPx: number | null },
  protocol: AnalysisProtocol,
  region: AnalysisRegion | null,
  options: MeasureOptions,
): Promise<MeasureOutcome> {
  const { width, height, umPerPx } = image;
  let params = precheck(protocol, image, region);
  const bands = planBands(height, options.bandRows);
  const cleanup = params.minObjectAreaPx !== null || params.maxHoleAreaPx !== null;
  const passes = 1 + (protocol.white === 'auto' ? 1 : 0) + (params.threshold.method === 'fixed' ? 0 : 1);
  const total = passes * bands.length;
  let done = 0;
  const tick = (): void => {
    done++;
    options.onProgress?.(done, total);
  };
  const run = async <T>(jobs: BandJob[]): Promise<T[]> => {
    throwIfAborted(options.signal);
    const results = (await executor.runAll(jobs, tick)) as T[];
    throwIfAborted(options.signal);
    return results;
  };

  if (protocol.white === 'auto') {
    const histograms = await run<Float64Array>(bands.map(([y0, y1]) => ({ pass: 'white', y0, y1 })));
    const sum = new Float64Array(3 * 256);
    for (const h of histograms) for (let i = 0; i < sum.length; i++) sum[i]! += h[i]!;
    const estimate = whiteFromBrightHistogram(sum, width * height);
    params = resolveProtocol(protocol, {
      umPerPx,
      hasRoi: hasIncludedArea(region),
      white: estimate.rgb,
      whiteNote: estimate.note,
    });
  }
  await executor.setup(params, region);

  let threshold = params.threshold.od;
  if (params.threshold.method !== 'fixed') {
    const histograms = await run<Float64Array>(bands.map(([y0, y1]) => ({ pass: 'histogram', y0, y1 })));
    const sum = new Float64Array(HISTOGRAM_BINS);
    for (const h of histograms) for (let i = 0; i < HISTOGRAM_BINS; i++) sum[i]! += h[i]!;
    const bin = params.threshold.method === 'otsu' ? otsuBin(sum) : triangleBin(sum);
    // No split exists (empty region or a single value): nothing is stained above the top bin.
    threshold = bin === null ? Number.POSITIVE_INFINITY : thresholdOfBin(bin);
    params = { ...params, threshold: { ...params.threshold, od: bin === null ? null : threshold } };
  }

  const measures = await run<BandMeasure>(
    bands.map(([y0, y1]) => ({ pass: 'measure', y0, y1, threshold: threshold!, collectRuns: cleanup })),
  );
  let analysedPx = 0;
  let stainedPx = 0;
  let rowStainedOD: Float64Array = new Float64Array(height);
  for (const m of measures) {
    analysedPx += m.analysedPx;
    stainedPx += m.stainedPx;
    rowStainedOD.set(m.rowStainedOD, m.y0);
  }
  let objectsRemoved = 0;
  let holesFilled = 0;
  const pieces = measures.flatMap((m): CorrectionPieces[] => (m.corrections ? [m.corrections] : []));
  // With size filters, whether a marked pixel ends up stained automatically is known only afterwards.
  const filteredStain = cleanup && pieces.length > 0 ? new FilteredStain(pieces) : null;
  if (cleanup) {
    const filtered = applySizeFilters(
      { width, height, bands: measures.map((m) => ({ y0: m.y0, runs: m.runs! })) },
      params.minObjectAreaPx,
      params.maxHoleAreaPx,
      filteredStain?.onStainedSpan,
    );
    ({ stainedPx, rowStainedOD, objectsRemoved, holesFilled } = filtered);
  }
  // Step 5: the manual corrections, last (corrections.ts).
  const manual = applyCorrections(pieces, filteredStain, rowStainedOD);
  stainedPx += manual.addedPx - manual.removedPx;
  // Integer sums (1 / AMOUNT_SCALE OD units): exact, whatever the order.
  let stainedOD = 0;
  for (let y = 0; y < height; y++) stainedOD += rowStainedOD[y]!;
  stainedOD /= AMOUNT_SCALE;
  return {
    params,
    measurement: summarise(analysedPx, stainedPx, stainedOD, umPerPx, params, {
      objectsRemoved,
      holesFilled,
      manualAddedPx: manual.addedPx,
      manualRemovedPx: manual.removedPx,
    }),
  };
}

function summarise(
  analysedPx: number,
  stainedPx: number,
  stainedOD: number,
  umPerPx: number | null,
  params: ResolvedParams,
  counts: Pick<StainMeasurement, 'objectsRemoved' | 'holesFilled' | 'manualAddedPx' | 'manualRemovedPx'>,
): StainMeasurement {
  const pxArea = umPerPx ? umPerPx * umPerPx : null;
  let reason: string | null = null;
  if (analysedPx === 0) {
    reason =
      params.tissue === 'auto'
        ? `no tissue was detected (no pixel has a summed OD above ${params.tissueThresholdOD}); check the image or analyse it with --tissue none`
        : 'the analysed region is empty';
  }
  return {
    stainedAreaPx: stainedPx,
    analyzedAreaPx: analysedPx,
    stainedFraction: analysedPx > 0 ? stainedPx / analysedPx : null,
    stainedFractionReason: reason,
    stainedAreaUm2: pxArea === null ? null : stainedPx * pxArea,
    analyzedAreaUm2: pxArea === null ? null : analysedPx * pxArea,
    meanStainedOD: stainedPx > 0 ? stainedOD / stainedPx : null,
    ...counts,
  };
}

/** An executor that runs every band in the calling thread. */
export function inThreadExecutor(image: PixelBuffer): BandExecutor {
  let prepared: ReturnType<typeof prepareKernel> | null = null;
  return {
    setup(params, region) {
      prepared = prepareKernel(params, region);
      return Promise.resolve();
    },
    runAll(jobs, onJobDone) {
      return Promise.resolve(
        jobs.map((job) => {
          const result = runBandJob(image, prepared, job);
          onJobDone();
          return result;
        }),
      );
    },
  };
}

/** Measure pixels already in memory (renderer preview, tests): the same passes as the worker runner. */
export function measurePixels(
  image: PixelBuffer,
  protocol: AnalysisProtocol,
  region: AnalysisRegion | null,
  options: Partial<MeasureOptions> & { umPerPx?: number | null } = {},
): Promise<MeasureOutcome> {
  return measureStain(
    inThreadExecutor(image),
    { width: image.width, height: image.height, umPerPx: options.umPerPx ?? null },
    protocol,
    region,
    { ...options, bandRows: options.bandRows ?? image.height },
  );
}
