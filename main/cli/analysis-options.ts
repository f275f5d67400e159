/**
 * The analysis options every analysis command shares (CLI.md): parsing them, and the protocol they
 * describe. `analyze` and `compare` take them all; `study protocol` takes the protocol part.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AnalysisProtocolInput } from '../../shared/analysis/protocol';
import { UsageError } from './cli-io';

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

/**
 * The options that make an analysis protocol (stain, channel, threshold, tissue, white point, smoothing,
 * object and hole sizes): what `study protocol` stores for every image of a study.
 */
export function addProtocolOptions(command: Command): Command {
  return command
    .option('--stain <preset>', 'stain preset: purple, hed, he, h-dab, masson', 'purple')
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
    );
}

/** The analysis options of CLI.md for `analyze` and `compare`: a protocol plus the per-run options. */
export function addAnalysisOptions(command: Command): Command {
  return addProtocolOptions(command)
    .option('--study <dir>', 'a study whose saved (calibrated) stain presets --stain may name')
    .option(
      '--roi <file.geojson>',
      'analyse inside these polygons (QuPath GeoJSON; class "Exclude" subtracts)',
    )
    .option(
      '--um-per-px <x>',
      'calibration in micrometres per pixel (default: read from the file)',
      parsePositive('micrometres per pixel'),
    )
    .addOption(
      new Option('--workers <n>', 'worker threads (0: this thread)').argParser(parseCount(0)).hideHelp(),
    )
    .addOption(
      new Option('--band-rows <n>', 'rows per band (tile height)').argParser(parseCount(1)).hideHelp(),
    );
}

export type NamedStainInput = { name: string; od: [number, number, number] };

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
