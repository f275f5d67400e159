/**
 * `dermaquant analyze IMAGE [options] [--json]` (CLI.md), and the analysis options every analysis
 * command shares (also meant for `study protocol`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AnalysisProtocolInput } from '../../../shared/analysis/protocol';
import { regionFromFeatures } from '../../../shared/analysis/roi';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import { parseQuPathGeoJson } from '../../../shared/formats/geojson-import';
import { findPreset } from '../../../shared/analysis/presets';
import { createServices } from '../../services';
import { UserError } from '../../services/errors';
import {
  analyzeImageFile,
  type AnalysisProgress,
  type FileAnalysis,
} from '../../services/analysis/analyze-file';
import { commandAction, UsageError, type CommandOutput } from '../cli-io';
import type { RegisterCommands } from '../registry';

export interface AnalysisCliOptions {
  stain: string;
  stainRgb: [number, number, number][];
  channel?: string;
  threshold?: number;
  autoThreshold?: 'otsu' | 'triangle';
  tissue?: 'auto' | 'none';
  tissueThreshold?: number;
  roi?: string;
  umPerPx?: number;
  white?: 'auto' | [number, number, number];
  smooth?: { sigma: number; unit: 'px' | 'um' };
  minObject?: number;
  fillHoles?: number;
  study?: string;
  workers?: number;
  bandRows?: number;
  json?: boolean;
}

function parseNumber(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`expected ${what}, got "${value}".`);
    return n;
  };
}

function parsePositive(what: string) {
  const asNumber = parseNumber(what);
  return (value: string): number => {
    const n = asNumber(value);
    if (!(n > 0)) throw new InvalidArgumentError(`expected ${what} above 0, got "${value}".`);
    return n;
  };
}

function parseCount(minimum: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < minimum) {
      throw new InvalidArgumentError(`expected a whole number of at least ${minimum}.`);
    }
    return Number(value);
  };
}

function parseColour(value: string): [number, number, number] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 3 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new InvalidArgumentError(
      `expected a colour as R,G,B with values 0 to 255 (e.g. 140,80,170), got "${value}".`,
    );
  }
  return parts.map(Number) as [number, number, number];
}

function collectColour(value: string, previous: [number, number, number][] = []): [number, number, number][] {
  if (previous.length >= 2)
    throw new InvalidArgumentError('at most two --stain-rgb colours (a stain and a counterstain).');
  return [...previous, parseColour(value)];
}

function parseWhite(value: string): 'auto' | [number, number, number] {
  return value.trim().toLowerCase() === 'auto' ? 'auto' : parseColour(value);
}

function parseSigma(value: string): { sigma: number; unit: 'px' | 'um' } {
  const match = /^\s*([0-9]*\.?[0-9]+)\s*(px|um|µm)?\s*$/i.exec(value);
  const sigma = match ? Number(match[1]) : NaN;
  if (!match || !(sigma > 0) || sigma > 100) {
    throw new InvalidArgumentError(
      `expected a Gaussian sigma above 0 and at most 100, in px or um (e.g. 1.5 or 2um), got "${value}".`,
    );
  }
  return { sigma, unit: match[2] && match[2].toLowerCase() !== 'px' ? 'um' : 'px' };
}

/** Add the analysis options of CLI.md (and a few more of the protocol) to a command. */
export function addAnalysisOptions(command: Command): Command {
  return command
    .option('--stain <preset>', 'stain preset: purple, hed, he, h-dab, masson', 'purple')
    .option('--study <dir>', 'a study whose saved (calibrated) stain presets --stain may name')
    .option(
      '--stain-rgb <r,g,b>',
      'colour of pure target stain (repeat for a counterstain)',
      collectColour,
      [],
    )
    .option('--channel <name>', "stain channel measured (default: the preset's target)")
    .option(
      '--threshold <od>',
      'fixed threshold in optical density (default 0.15)',
      parseNumber('an optical density'),
    )
    .addOption(
      new Option('--auto-threshold <method>', 'automatic threshold on the analysed region').choices([
        'otsu',
        'triangle',
      ]),
    )
    .addOption(
      new Option(
        '--tissue <mode>',
        'denominator: detected tissue or the whole image (default auto; none inside an ROI)',
      ).choices(['auto', 'none']),
    )
    .option(
      '--tissue-threshold <od>',
      'summed OD above which a pixel is tissue (default 0.15)',
      parseNumber('an optical density'),
    )
    .option(
      '--roi <file.geojson>',
      'analyse inside these polygons (QuPath GeoJSON; class "Exclude" subtracts)',
    )
    .option(
      '--um-per-px <x>',
      'calibration in micrometres per pixel (default: read from the file)',
      parsePositive('micrometres per pixel'),
    )
    .option(
      '--white <r,g,b|auto>',
      'white point: 255 (default), R,G,B, or auto (estimated from the background)',
      parseWhite,
    )
    .option('--smooth <sigma>', 'Gaussian prefilter sigma, in px or um (e.g. 1.5 or 2um)', parseSigma)
    .option(
      '--min-object <area>',
      'remove stained objects smaller than this (um2; px when uncalibrated)',
      parsePositive('an area'),
    )
    .option(
      '--fill-holes <area>',
      'fill holes in the stain smaller than this (um2; px when uncalibrated)',
      parsePositive('an area'),
    )
    .addOption(
      new Option('--workers <n>', 'worker threads (0: this thread)').argParser(parseCount(0)).hideHelp(),
    )
    .addOption(
      new Option('--band-rows <n>', 'rows per band (tile height)').argParser(parseCount(1)).hideHelp(),
    );
}

/**
 * With --study, a --stain that is not built in may name a preset calibrated and saved in that study:
 * its vectors go into the protocol (the study is only read).
 */
export async function studyPresetStains(options: AnalysisCliOptions): Promise<NamedStainInput[] | null> {
  if (!options.study || findPreset(options.stain)) return null;
  const services = createServices({ studyDir: null });
  try {
    await services.openStudy(options.study);
    const preset = (await services.listStainPresets({})).find(
      (p) => !p.builtIn && p.name.toLowerCase() === options.stain.trim().toLowerCase(),
    );
    return preset ? preset.stains.map((s) => ({ name: s.name, od: s.od })) : null;
  } finally {
    services.close();
  }
}

type NamedStainInput = { name: string; od: [number, number, number] };

/** The protocol the options describe; conflicting options are a usage error (exit 2). */
export function protocolFromOptions(
  options: AnalysisCliOptions,
  savedStains: NamedStainInput[] | null = null,
): AnalysisProtocolInput {
  if (options.threshold !== undefined && options.autoThreshold !== undefined) {
    throw new UsageError('give either --threshold or --auto-threshold, not both.');
  }
  return {
    stain: options.stain,
    stains: savedStains,
    stainColours: options.stainRgb,
    channel: options.channel ?? null,
    threshold:
      options.autoThreshold !== undefined
        ? { method: options.autoThreshold }
        : options.threshold !== undefined
          ? { method: 'fixed', od: options.threshold }
          : undefined,
    tissue: options.tissue ?? null,
    ...(options.tissueThreshold !== undefined ? { tissueThresholdOD: options.tissueThreshold } : {}),
    white: options.white ?? 'default',
    smoothing: options.smooth ?? null,
    minObjectArea: options.minObject ?? null,
    maxHoleArea: options.fillHoles ?? null,
  };
}

export interface LoadedRoi {
  file: string;
  region: AnalysisRegion;
  includePolygons: number;
  excludePolygons: number;
  skipped: number;
}

/** Read a QuPath GeoJSON file into a region (ROI polygons minus "Exclude" ones). */
export async function loadRoi(file: string): Promise<LoadedRoi> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      'FILE_NOT_FOUND',
      err.code === 'ENOENT'
        ? `The ROI file ${file} does not exist: check the path.`
        : `The ROI file ${file} cannot be read (${err.message}).`,
      { file },
    );
  });
  const parsed = parseQuPathGeoJson(text, file);
  if (!parsed.ok) throw new UserError(parsed.error.code, parsed.error.message, { file });
  const region = regionFromFeatures(parsed.value);
  const includePolygons = region.include?.length ?? 0;
  if (includePolygons === 0 && region.exclude.length === 0) {
    throw new UserError(
      'INVALID_INPUT',
      `The ROI file ${file} holds no polygon: draw or export a polygon annotation.`,
      { file },
    );
  }
  return {
    file,
    region,
    includePolygons,
    excludePolygons: region.exclude.length,
    skipped: parsed.value.skipped.length,
  };
}

/** Progress on stderr: a bar that redraws itself on a terminal, nothing when stderr is a file or pipe. */
export function progressReporter(label: string): {
  update: (p: AnalysisProgress) => void;
  finish: () => void;
} {
  if (!process.stderr.isTTY) return { update: () => {}, finish: () => {} };
  let shown = false;
  return {
    update: (p) => {
      const fraction = p.phase === 'decode' ? 0 : p.done / Math.max(1, p.total);
      const width = 24;
      const filled = Math.round(fraction * width);
      const text = p.phase === 'decode' ? 'decoding' : `${Math.round(fraction * 100)}%`;
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
      shown = true;
    },
    finish: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The JSON document CLI.md specifies for one image. */
export function analysisJson(result: FileAnalysis, roi: LoadedRoi | null) {
  const m = result.measurement;
  return {
    image: {
      path: result.image.path,
      sha256: result.image.sha256,
      width: result.image.width,
      height: result.image.height,
      umPerPx: result.image.umPerPx,
    },
    params: {
      ...result.params,
      umPerPxSource: result.image.umPerPxSource,
      roi: roi
        ? { file: roi.file, includePolygons: roi.includePolygons, excludePolygons: roi.excludePolygons }
        : null,
    },
    stainedAreaPx: m.stainedAreaPx,
    analyzedAreaPx: m.analyzedAreaPx,
    stainedFraction: m.stainedFraction,
    stainedFractionReason: m.stainedFractionReason,
    stainedAreaUm2: m.stainedAreaUm2,
    analyzedAreaUm2: m.analyzedAreaUm2,
    meanStainedOD: m.meanStainedOD,
    objectsRemoved: m.objectsRemoved,
    holesFilled: m.holesFilled,
    algorithmVersion: result.algorithmVersion,
    elapsedMs: result.elapsedMs,
  };
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

export function describeAnalysis(result: FileAnalysis, output: CommandOutput, label = ''): void {
  const { image, params, measurement: m } = result;
  const scale = image.umPerPx ? `${fmt(image.umPerPx, 4)} um/px` : 'uncalibrated';
  const threshold = params.threshold.od === null ? 'none (no split)' : `${fmt(params.threshold.od, 3)} OD`;
  output.line(`${label}${path.basename(image.path)}  ${image.width} x ${image.height} px, ${scale}`);
  output.line(
    `  stain ${params.stain.preset}, channel ${params.channel}, threshold ${threshold} (${params.threshold.method}), denominator ${params.tissue === 'auto' ? 'detected tissue' : 'all pixels'}`,
  );
  const um2 = (v: number | null) => (v === null ? '' : ` (${fmt(v)} um2)`);
  output.line(
    `  stained ${fmt(m.stainedAreaPx, 0)} px${um2(m.stainedAreaUm2)} of ${fmt(m.analyzedAreaPx, 0)} px analysed${um2(m.analyzedAreaUm2)}`,
  );
  output.line(
    m.stainedFraction === null
      ? `  stained fraction: undefined (${m.stainedFractionReason})`
      : `  stained fraction ${fmt(m.stainedFraction * 100, 2)} %, mean stained OD ${m.meanStainedOD === null ? 'n/a' : fmt(m.meanStainedOD, 3)}`,
  );
}

/** Analyse one image with the CLI options (shared by analyze and compare). */
export async function analyzeWithOptions(
  image: string,
  options: AnalysisCliOptions,
  roi: LoadedRoi | null,
  label: string,
  output: CommandOutput,
  savedStains: NamedStainInput[] | null = null,
): Promise<FileAnalysis> {
  const progress = progressReporter(label || path.basename(image));
  try {
    const result = await analyzeImageFile(path.resolve(image), protocolFromOptions(options, savedStains), {
      umPerPx: options.umPerPx ?? null,
      region: roi?.region ?? null,
      workers: options.workers,
      bandRows: options.bandRows,
      onProgress: progress.update,
    });
    if (result.measurement.stainedFraction === null) {
      output.note(`dermaquant: warning: ${image}: ${result.measurement.stainedFractionReason}.`);
    }
    return result;
  } finally {
    progress.finish();
  }
}

export const registerAnalyzeCommand: RegisterCommands = (program) => {
  const command = program
    .command('analyze')
    .description('measure the stained area of one image')
    .argument('<image>', 'image file (JPEG, PNG, TIFF, SVS)');
  addAnalysisOptions(command)
    .option('--json', 'print one JSON document on stdout')
    .action(
      commandAction(async (output, image: string, options: AnalysisCliOptions) => {
        protocolFromOptions(options); // usage errors before any work
        const roi = options.roi ? await loadRoi(options.roi) : null;
        const saved = await studyPresetStains(options);
        const result = await analyzeWithOptions(image, options, roi, '', output, saved);
        output.result(analysisJson(result, roi));
        describeAnalysis(result, output);
      }),
    );
};
