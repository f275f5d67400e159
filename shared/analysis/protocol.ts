/**
 * The analysis protocol (what the user chooses) and its resolution into the exact parameters the kernel
 * runs with (what every measurement records). Resolution is pure and cheap: callers run it once before
 * decoding anything, so a bad preset or threshold is refused before any work.
 */
import { z } from 'zod';
import { validationMessage } from '../validation-message';
import { AnalysisInputError } from './errors';
import { odOfColour, type Rgb } from './optical-density';
import { canonicalChannelName, findPreset, PRESET_NAMES } from './presets';
import {
  buildStainMatrix,
  unmixingColumn,
  type NamedStain,
  type StainMatrix,
  type Vec3,
} from './stain-matrix';

/** Bump when any change could alter a measured number; every stored measurement records it. */
export const ALGORITHM_VERSION = 'dermaquant-stain-1.0.0';

export const MAX_THRESHOLD_OD = 3;
export const DEFAULT_THRESHOLD_OD = 0.15;
export const DEFAULT_TISSUE_THRESHOLD_OD = 0.15;
/** Largest smoothing sigma in px, whatever unit it was given in (the schema's px limit). */
export const MAX_SMOOTHING_SIGMA_PX = 100;

const Triple = z.tuple([z.number(), z.number(), z.number()]);
const Colour = z.tuple([
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
]);

export const ThresholdSpec = z.discriminatedUnion('method', [
  z.object({ method: z.literal('fixed'), od: z.number() }),
  z.object({ method: z.literal('otsu') }),
  z.object({ method: z.literal('triangle') }),
]);
export type ThresholdSpec = z.infer<typeof ThresholdSpec>;

export const AnalysisProtocol = z.object({
  /** A built-in preset name (purple, hed, he, h-dab, masson). */
  stain: z.string().trim().min(1).max(64).default('purple'),
  /** Explicit stain vectors (a calibrated or saved preset): replace the preset's stains. */
  stains: z
    .array(z.object({ name: z.string().trim().min(1).max(64), od: Triple }))
    .min(2)
    .max(3)
    .nullable()
    .default(null),
  /** Colours of pure stain (--stain-rgb): the first replaces the target stain, a second the counterstain. */
  stainColours: z.array(Colour).max(2).default([]),
  /** Channel measured; null = the preset's target stain. */
  channel: z.string().trim().min(1).max(64).nullable().default(null),
  threshold: ThresholdSpec.default({ method: 'fixed', od: DEFAULT_THRESHOLD_OD }),
  /** Denominator: detected tissue or everything; null = tissue without an ROI, the ROI as drawn with one. */
  tissue: z.enum(['auto', 'none']).nullable().default(null),
  tissueThresholdOD: z.number().min(0).max(3).default(DEFAULT_TISSUE_THRESHOLD_OD),
  white: z.union([z.literal('default'), z.literal('auto'), Colour]).default('default'),
  smoothing: z
    .object({ sigma: z.number().positive().max(100), unit: z.enum(['px', 'um']) })
    .nullable()
    .default(null),
  /** Remove stained objects smaller than this (um2 when calibrated, px otherwise). */
  minObjectArea: z.number().positive().nullable().default(null),
  /** Fill holes in the stain smaller than this (um2 when calibrated, px otherwise). */
  maxHoleArea: z.number().positive().nullable().default(null),
});
export type AnalysisProtocol = z.output<typeof AnalysisProtocol>;
export type AnalysisProtocolInput = z.input<typeof AnalysisProtocol>;

export interface ResolvedParams {
  algorithmVersion: string;
  stain: {
    preset: string;
    names: [string, string, string];
    vectors: [Vec3, Vec3, Vec3];
    derivedThird: boolean;
    source: string;
  };
  channel: string;
  channelIndex: number;
  /** inverse(S) column of the measured channel. */
  unmixing: Vec3;
  threshold: { method: 'fixed' | 'otsu' | 'triangle'; od: number | null };
  /** 'auto' = detected tissue, 'none' = everything (inside the ROI when there is one). */
  tissue: 'auto' | 'none';
  tissueThresholdOD: number;
  white: { mode: 'default' | 'auto' | 'custom'; rgb: Rgb; note: string | null };
  smoothingSigmaPx: number | null;
  minObjectAreaPx: number | null;
  maxHoleAreaPx: number | null;
  /** The unit the user's sizes were given in: um2 when the image is calibrated, px otherwise. */
  areaUnit: 'um2' | 'px';
  umPerPx: number | null;
}

export interface ResolveContext {
  umPerPx: number | null;
  hasRoi: boolean;
  /** The white point to use; for white 'auto' the caller estimates it first (255 for a dry run). */
  white: Rgb;
  whiteNote?: string | null;
}

function stainsOf(
  protocol: AnalysisProtocol,
  white: Rgb,
): { preset: string; stains: NamedStain[]; target: string; source: string } {
  if (protocol.stains) {
    return {
      preset: protocol.stain,
      stains: protocol.stains.map((s) => ({ name: canonicalChannelName(s.name), od: [...s.od] as Vec3 })),
      target: canonicalChannelName(protocol.stains[0]!.name),
      source: 'stain vectors given with the protocol',
    };
  }
  const preset = findPreset(protocol.stain);
  if (!preset) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `Unknown stain preset "${protocol.stain}". Choose one of ${PRESET_NAMES.join(', ')}, give the colour of the pure stain (--stain-rgb R,G,B), or name a preset saved in the study (--study DIR).`,
    );
  }
  const colours = protocol.stainColours;
  let stains: NamedStain[] = preset.stains.map((s) => ({ name: s.name, od: [...s.od] as Vec3 }));
  let target = preset.target;
  if (colours.length > 0) {
    // The first colour replaces the preset's target stain; a second colour replaces its counterstain,
    // otherwise the preset's first non-target stain stays as counterstain. The third row is derived.
    const counterstain = preset.stains.find((s) => s.name !== preset.target)!;
    stains = [
      { name: 'custom', od: odOfColour(colours[0] as Rgb, white) },
      colours[1]
        ? { name: 'custom-2', od: odOfColour(colours[1] as Rgb, white) }
        : { name: counterstain.name, od: [...counterstain.od] as Vec3 },
    ];
    target = 'custom';
  }
  return {
    preset: preset.name,
    stains,
    target,
    source:
      colours.length > 0
        ? `${preset.source}; custom colour(s) ${colours.map((c) => c.join(',')).join(' and ')}`
        : preset.source,
  };
}

function areaToPx(value: number | null, umPerPx: number | null): number | null {
  if (value === null) return null;
  return umPerPx ? value / (umPerPx * umPerPx) : value;
}

export function resolveProtocol(protocol: AnalysisProtocol, context: ResolveContext): ResolvedParams {
  const { preset, stains, target, source } = stainsOf(protocol, context.white);
  const matrix: StainMatrix = buildStainMatrix(stains);
  const channel = protocol.channel ? canonicalChannelName(protocol.channel) : target;
  const channelIndex = matrix.names.indexOf(channel);
  if (channelIndex < 0) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `Unknown channel "${protocol.channel}" for stain "${preset}": its channels are ${matrix.names.join(', ')}.`,
    );
  }
  const threshold = protocol.threshold;
  if (threshold.method === 'fixed' && !(threshold.od > 0 && threshold.od <= MAX_THRESHOLD_OD)) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `The threshold ${threshold.od} OD is out of range: give an optical density above 0 and at most ${MAX_THRESHOLD_OD} (e.g. 0.15).`,
    );
  }
  let smoothingSigmaPx: number | null = null;
  if (protocol.smoothing) {
    if (protocol.smoothing.unit === 'um' && !context.umPerPx) {
      throw new AnalysisInputError(
        'INVALID_INPUT',
        'Smoothing is given in um but the image has no calibration: give --um-per-px or the sigma in px.',
      );
    }
    smoothingSigmaPx =
      protocol.smoothing.unit === 'um'
        ? protocol.smoothing.sigma / context.umPerPx!
        : protocol.smoothing.sigma;
    // A sigma in um can become thousands of px on a finely sampled image: cap the kernel it implies.
    if (smoothingSigmaPx > MAX_SMOOTHING_SIGMA_PX) {
      throw new AnalysisInputError(
        'INVALID_INPUT',
        `Smoothing of ${protocol.smoothing.sigma} um is ${Math.round(smoothingSigmaPx)} px on this image (${context.umPerPx} um/px), over the limit of ${MAX_SMOOTHING_SIGMA_PX} px: give a smaller sigma.`,
      );
    }
  }
  const whiteMode = protocol.white === 'default' ? 'default' : protocol.white === 'auto' ? 'auto' : 'custom';
  return {
    algorithmVersion: ALGORITHM_VERSION,
    stain: {
      preset,
      names: matrix.names,
      vectors: matrix.vectors,
      derivedThird: matrix.derivedThird,
      source,
    },
    channel,
    channelIndex,
    unmixing: unmixingColumn(matrix, channelIndex),
    threshold: { method: threshold.method, od: threshold.method === 'fixed' ? threshold.od : null },
    tissue: protocol.tissue ?? (context.hasRoi ? 'none' : 'auto'),
    tissueThresholdOD: protocol.tissueThresholdOD,
    white: { mode: whiteMode, rgb: context.white, note: context.whiteNote ?? null },
    smoothingSigmaPx,
    minObjectAreaPx: areaToPx(protocol.minObjectArea, context.umPerPx),
    maxHoleAreaPx: areaToPx(protocol.maxHoleArea, context.umPerPx),
    areaUnit: context.umPerPx ? 'um2' : 'px',
    umPerPx: context.umPerPx,
  };
}

/** The white point a protocol asks for before any estimate: 255, or the user's own. */
export function declaredWhite(protocol: AnalysisProtocol): Rgb {
  return Array.isArray(protocol.white) ? ([...protocol.white] as Rgb) : [255, 255, 255];
}

/** Parse a protocol, turning a zod failure into a clear input error. */
export function parseProtocol(input: unknown): AnalysisProtocol {
  const parsed = AnalysisProtocol.safeParse(input ?? {});
  if (!parsed.success) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      validationMessage('Invalid analysis protocol', parsed.error),
    );
  }
  return parsed.data;
}
