/**
 * analyzeImageFile: decode an image and measure its stained area, in this thread and worker threads.
 * The file is only read. Decoding, hashing and starting the workers overlap, and so do decoding and the
 * bands: the common PNG row by row as it inflates (StreamedPngExecutor), big TIFF/SVS strip by strip
 * (StripExecutor), everything else through sharp as two row ranges decoded at once (SplitDecodeExecutor).
 * Bad input (unknown preset, parallel vectors, ROI off the image...) is refused before decoding.
 */
import { createHash, webcrypto } from 'node:crypto';
import fsp from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { AnalysisInputError } from '../../../shared/analysis/errors';
import { haloRows } from '../../../shared/analysis/kernel';
import {
  measureStain,
  precheck,
  type BandExecutor,
  type MeasureOutcome,
  type StainMeasurement,
} from '../../../shared/analysis/measure';
import {
  ALGORITHM_VERSION,
  parseProtocol,
  type AnalysisProtocolInput,
  type ResolvedParams,
} from '../../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import { UserError } from '../errors';
import { decodeToSharedPixels, probeForAnalysis, undecodable } from './decode-pixels';
import { PngDataError, planPngRows } from '../images/png-rows';
import { StreamedPngExecutor } from './streamed-png-executor';
import type { ProbedImage } from '../images/probe';
import { SplitDecodeExecutor, splitRowFor } from './split-decode-executor';
import { StripExecutor } from './strip-executor';
import { availableCores, defaultHelperCount, startPool, type AnalysisWorkerPool } from './worker-pool';

/** Default band: about 260 000 pixels: small per-band buffers, and enough bands to keep every worker busy. */
export const DEFAULT_BAND_PIXELS = 1 << 18;
/**
 * Bands of a PNG read row by row are smaller: this thread runs them between the inflater's chunks, and
 * the inflater waits while a band runs.
 */
export const STREAMED_BAND_PIXELS = 1 << 16;
/**
 * TIFF and SVS files from this size up are decoded strip by strip (bounded memory); smaller images, and
 * PNG and JPEG (which libvips reads from the top), are decoded in memory as two row ranges at once.
 */
export const STRIP_MODE_MIN_PIXELS = 48_000_000;
/** A strip holds about this many bytes of decoded RGB. */
export const STRIP_BYTES = 32 * 1024 * 1024;

/** Rows per strip (a multiple of the band height), or null to decode the whole image. */
export function stripRowsFor(
  probed: Pick<ProbedImage, 'format' | 'width' | 'height'>,
  bandRows: number,
  requested: number | undefined,
): number | null {
  const randomAccess = probed.format === 'tiff' || probed.format === 'svs';
  const wanted =
    requested ??
    (randomAccess && probed.width * probed.height >= STRIP_MODE_MIN_PIXELS
      ? Math.floor(STRIP_BYTES / (probed.width * 3))
      : null);
  if (wanted === null) return null;
  return Math.max(1, Math.floor(wanted / bandRows)) * bandRows;
}

/** Below this size the bands run in the calling thread unless workers are asked for. */
export const IN_THREAD_MAX_PIXELS = 8_000_000;
/**
 * Threads of its own pay off for an analysis only from this many cores. Measured on two cores (bench,
 * 2026-11-26): a helper thread made the kernel 1.4x faster, but starting it and sharing the cores with
 * libvips' decoding cost more (16.8 MP JPEG 146 -> 102 ms, 67 MP JPEG 468 -> 426 ms, 67 MP tiled TIFF
 * 663 -> 655 ms in this thread alone). A pool passed in (the services keep one) has no start-up to pay.
 */
export const OWN_THREADS_MIN_CORES = 4;

/** Helper threads to start for one analysis by default. */
function defaultOwnWorkers(large: boolean, decodedRowByRow: boolean, afterPasses: boolean): number {
  if (!large || availableCores() < OWN_THREADS_MIN_CORES) return 0;
  // A PNG read row by row has its first pass run in this thread as rows arrive: threads only help the
  // passes after it (automatic white point or threshold).
  return !decodedRowByRow || afterPasses ? defaultHelperCount() : 0;
}
/** Default pixel limit (the services pass their own): 10 gigapixels, a 40x whole-slide scan. */
export const DEFAULT_ANALYSIS_MAX_PIXELS = 10_000_000_000;

export interface AnalysisProgress {
  phase: 'decode' | 'analyse';
  done: number;
  total: number;
}

export interface AnalyzeFileOptions {
  /** Calibration to use instead of the file's own (e.g. --um-per-px, or the study's record). */
  umPerPx?: number | null;
  region?: AnalysisRegion | null;
  /**
   * Worker threads; 0 runs the bands in this thread (no copy to shared memory, no thread start-up: the
   * CLI's choice for small images). Default: threads from IN_THREAD_MAX_PIXELS up on machines with
   * OWN_THREADS_MIN_CORES cores or more, this thread otherwise.
   */
  workers?: number;
  /**
   * Decode and analyse strip by strip with about this many rows per strip (rounded to whole bands);
   * default: strips for TIFF/SVS of STRIP_MODE_MIN_PIXELS and more, the whole image otherwise.
   */
  stripRows?: number;
  /**
   * A pool to borrow instead of starting threads (the services keep one); left running afterwards.
   * null: run in this thread.
   */
  pool?: AnalysisWorkerPool | null;
  /**
   * Who decodes a PNG: 'auto' reads the common PNG (8-bit RGB or grey, not interlaced, no profile) row
   * by row so bands start while it inflates (png-rows.ts), anything else through sharp; 'sharp' always
   * uses sharp. The pixels, and so the numbers, are the same (tests compare the two).
   */
  pngDecoder?: 'auto' | 'sharp';
  /** Rows per band; default: about DEFAULT_BAND_PIXELS pixels. */
  bandRows?: number;
  maxImagePixels?: number;
  signal?: AbortSignal;
  onProgress?: (progress: AnalysisProgress) => void;
}

export interface FileAnalysis {
  image: {
    path: string;
    sha256: string;
    width: number;
    height: number;
    umPerPx: number | null;
    umPerPxSource: 'given' | 'file' | null;
  };
  params: ResolvedParams;
  measurement: StainMeasurement;
  algorithmVersion: string;
  elapsedMs: number;
}

/**
 * Files up to this size are hashed whole by WebCrypto, which works on the libuv thread pool: the calling
 * thread stays free for the bands (and, for a PNG read row by row, for rebuilding rows). Larger files are
 * hashed as a stream, never held in memory.
 */
const WHOLE_FILE_HASH_MAX_BYTES = 64 * 1024 * 1024;
/** Streamed hashing reads in pieces of this size (each update runs in this thread). */
const HASH_READ_BYTES = 1024 * 1024;

export async function sha256OfFile(file: string): Promise<string> {
  const { size } = await fsp.stat(file);
  if (size <= WHOLE_FILE_HASH_MAX_BYTES) {
    const digest = await webcrypto.subtle.digest('SHA-256', await fsp.readFile(file));
    return Buffer.from(digest).toString('hex');
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: HASH_READ_BYTES }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function toUserError(err: unknown, file: string): unknown {
  if (err instanceof AnalysisInputError) {
    const message = err.code === 'CANCELLED' ? `The analysis of ${file} was cancelled.` : err.message;
    return new UserError(err.code, message, { file });
  }
  return err;
}

/**
 * toUserError for a failure reading an image's stored copy (`file`): messages name the stored copy's
 * path, but the user knows the image by its original name, so that name replaces the path.
 */
export function storedCopyError(err: unknown, file: string | null, fileName: string): unknown {
  const error = toUserError(err, fileName);
  if (error instanceof UserError && file && error.message.includes(file)) {
    return new UserError(error.code, error.message.split(file).join(fileName), error.detail);
  }
  return error;
}

/** A failure of the row-by-row PNG reader, worded as sharp's decoding failures are. */
function pngReadError(err: unknown, file: string): unknown {
  if (err instanceof PngDataError) return undecodable(file, err.message);
  const zlibCode = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_'))
    return undecodable(file, (err as Error).message);
  return err;
}

function abortPromise(signal: AbortSignal | undefined, file: string): Promise<never> | null {
  if (!signal) return null;
  return new Promise((_, reject) => {
    const cancel = () =>
      reject(new UserError('CANCELLED', `The analysis of ${file} was cancelled.`, { file }));
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  });
}

export async function analyzeImageFile(
  file: string,
  protocolInput: AnalysisProtocolInput | undefined,
  options: AnalyzeFileOptions = {},
): Promise<FileAnalysis> {
  const started = performance.now();
  const maxImagePixels = options.maxImagePixels ?? DEFAULT_ANALYSIS_MAX_PIXELS;
  let ownPool: AnalysisWorkerPool | null = null;
  let streamed: StreamedPngExecutor | null = null;
  const aborted = abortPromise(options.signal, file);
  const work = async (): Promise<FileAnalysis> => {
    const protocol = parseProtocol(protocolInput ?? {});
    const probed = await probeForAnalysis(file, maxImagePixels);
    const umPerPx = options.umPerPx ?? probed.calibration?.umPerPx ?? null;
    const geometry = { width: probed.width, height: probed.height, umPerPx };
    let checked: ResolvedParams;
    try {
      checked = precheck(protocol, geometry, options.region ?? null);
    } catch (err) {
      if (err instanceof AnalysisInputError && /region of interest/.test(err.message)) {
        throw new AnalysisInputError(err.code, `${file}: ${err.message}`);
      }
      throw err;
    }
    const stopIfCancelled = (): void => {
      if (options.signal?.aborted) throw new AnalysisInputError('CANCELLED', 'cancelled');
    };
    stopIfCancelled();
    options.onProgress?.({ phase: 'decode', done: 0, total: 1 });
    const pngPlan =
      probed.format === 'png' && options.pngDecoder !== 'sharp' && options.stripRows === undefined
        ? await planPngRows(file, probed)
        : null;
    const large = probed.width * probed.height >= IN_THREAD_MAX_PIXELS;
    const afterPasses = protocol.white === 'auto' || checked.threshold.method !== 'fixed';
    const workers =
      options.pool !== undefined
        ? (options.pool?.size ?? 0)
        : (options.workers ?? defaultOwnWorkers(large, pngPlan !== null, afterPasses));
    // Start the threads and the hash while the image decodes.
    if (workers > 0 && options.pool === undefined) ownPool = startPool(workers);
    const pool = options.pool ?? ownPool;
    const hashing = sha256OfFile(file);
    hashing.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    const bandPixels = pngPlan ? STREAMED_BAND_PIXELS : DEFAULT_BAND_PIXELS;
    const bandRows = options.bandRows ?? Math.max(8, Math.floor(bandPixels / probed.width));
    const stripRows = pngPlan ? null : stripRowsFor(probed, bandRows, options.stripRows);
    let executor: BandExecutor;
    if (pngPlan) {
      // The common PNG: bands start as its rows are inflated.
      streamed = new StreamedPngExecutor(pool, file, pngPlan, (err) => pngReadError(err, file));
      executor = streamed;
    } else if (stripRows !== null) {
      // Large random-access files: strip by strip, never the whole image in memory.
      executor = new StripExecutor(
        pool,
        probed.width,
        probed.height,
        stripRows,
        (range, forWorkers, reuse) =>
          decodeToSharedPixels(file, probed, maxImagePixels, forWorkers, range, reuse),
        () => Boolean(options.signal?.aborted),
      );
    } else {
      // Two row ranges decoded at once: the top one is analysed while libvips finishes the bottom one.
      executor = new SplitDecodeExecutor(
        pool,
        probed.height,
        splitRowFor(probed.height, bandRows),
        haloRows(checked),
        (range) => decodeToSharedPixels(file, probed, maxImagePixels, false, range),
        () => Boolean(options.signal?.aborted),
      );
    }
    options.onProgress?.({ phase: 'decode', done: 1, total: 1 });
    const outcome: MeasureOutcome = await measureStain(executor, geometry, protocol, options.region ?? null, {
      bandRows,
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ phase: 'analyse', done, total }),
    });
    const sha256 = await hashing;
    return {
      image: {
        path: file,
        sha256,
        width: probed.width,
        height: probed.height,
        umPerPx,
        umPerPxSource: options.umPerPx ? 'given' : umPerPx ? 'file' : null,
      },
      params: outcome.params,
      measurement: outcome.measurement,
      algorithmVersion: ALGORITHM_VERSION,
      elapsedMs: Math.round(performance.now() - started),
    };
  };
  try {
    return await (aborted ? Promise.race([work(), aborted]) : work());
  } catch (err) {
    throw toUserError(err, file);
  } finally {
    (streamed as StreamedPngExecutor | null)?.stop();
    if (ownPool) await (ownPool as AnalysisWorkerPool).terminate();
  }
}
