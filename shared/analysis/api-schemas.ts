/**
 * Schemas of the analysis methods of the service API (shared/api.ts spreads them in). Inputs are
 * validated at every boundary; outputs describe what the caller receives.
 */
import { z } from 'zod';
import type { MeasureOutcome } from './measure';
import { AnalysisProtocol } from './protocol';
import {
  EncodedMaskSchema,
  MAX_MASK_RUNS,
  MAX_NUMBERS_PER_SAVE,
  MAX_RING_NUMBERS,
  MAX_RINGS_PER_SHAPE,
} from '../annotations/types';

const Id = z.number().int().positive();
const Vector = z.tuple([z.number(), z.number(), z.number()]);
/** A polygon as rings of flat [x0, y0, x1, y1, ...] points in full-resolution image pixels. */
const PolygonRings = z
  .array(z.array(z.number().finite()).min(6, 'a ring needs at least 3 points').max(MAX_RING_NUMBERS))
  .min(1)
  .max(MAX_RINGS_PER_SHAPE);

/** Most painted masks in one region, per list (each is already bounded by EncodedMaskSchema). */
export const MAX_REGION_MASKS = 64;

export const AnalysisRegionInput = z
  .object({
    include: z.array(PolygonRings).max(MAX_RINGS_PER_SHAPE).nullable(),
    exclude: z.array(PolygonRings).max(MAX_RINGS_PER_SHAPE).default([]),
    /** Painted areas (RLE masks) unioned with `include`; with `include` null they alone are the region. */
    includeMasks: z.array(EncodedMaskSchema).max(MAX_REGION_MASKS).default([]),
    /** Painted areas subtracted from the region, like `exclude`. */
    excludeMasks: z.array(EncodedMaskSchema).max(MAX_REGION_MASKS).default([]),
  })
  .refine(
    (r) => [...(r.include ?? []), ...r.exclude].flat().length <= MAX_RINGS_PER_SHAPE,
    `a region has at most ${MAX_RINGS_PER_SHAPE} rings in all`,
  )
  .refine(
    (r) => [...(r.include ?? []), ...r.exclude].flat(2).length <= MAX_NUMBERS_PER_SAVE,
    `a region has at most ${MAX_NUMBERS_PER_SAVE} coordinates in all`,
  )
  .refine(
    (r) =>
      [...r.includeMasks, ...r.excludeMasks].reduce((runs, m) => runs + m.counts.length, 0) <= MAX_MASK_RUNS,
    `a region's masks have at most ${MAX_MASK_RUNS} runs in all`,
  );

/** Client-chosen id of a running analysis, so it can be cancelled and its progress events matched. */
export const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a job id');

export const NamedStainSchema = z.object({ name: z.string(), od: Vector });

export const StainPresetInfo = z.object({
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  stains: z.array(NamedStainSchema),
  target: z.string(),
});
export type StainPresetInfo = z.infer<typeof StainPresetInfo>;

/**
 * The manual corrections a measurement applied (ANALYSIS.md step 5): whether they were applied, and the
 * ids of the stored annotations used, so the figure can be traced back to the marks.
 */
export const AppliedCorrections = z.object({
  applied: z.boolean(),
  /** "Stained collagen" marks (added to the stain). */
  stainedMarks: z.array(z.string()),
  /** "Not stained" marks (removed from the stain). */
  notStainedMarks: z.array(z.string()),
});
export type AppliedCorrections = z.infer<typeof AppliedCorrections>;

export const MeasurementRecord = z.object({
  id: Id,
  imageId: Id,
  imageSha256: z.string(),
  algorithmVersion: z.string(),
  params: z.custom<MeasureOutcome['params']>(),
  measurement: z.custom<MeasureOutcome['measurement']>(),
  corrections: AppliedCorrections,
  elapsedMs: z.number(),
  createdAt: z.string(),
});
export type MeasurementRecord = z.infer<typeof MeasurementRecord>;

export const StudyProtocol = z.object({
  protocol: AnalysisProtocol.nullable(),
  locked: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type StudyProtocol = z.infer<typeof StudyProtocol>;

export const analysisApiSchema = {
  /** Built-in stain presets and those saved (calibrated) in the open study. */
  listStainPresets: { input: z.object({}), output: z.array(StainPresetInfo) },
  /**
   * Measure an image's stained area and store the measurement. Without a protocol, the study's protocol
   * is used (and locked, so every image of the study is measured alike), or the defaults when it has none.
   * The manual corrections come from the image's stored annotations, never from the caller; with
   * `applyCorrections` false the automatic figure alone is measured (and recorded as such).
   */
  analyzeImage: {
    input: z.object({
      imageId: Id,
      protocol: AnalysisProtocol.optional(),
      region: AnalysisRegionInput.nullable().default(null),
      jobId: JobId.optional(),
      /** Default true (optional rather than defaulted, so direct callers such as the CLI may omit it). */
      applyCorrections: z.boolean().optional(),
    }),
    output: MeasurementRecord,
  },
  /** The study's analysis protocol (null until one is set) and whether analyses have locked it. */
  getAnalysisProtocol: { input: z.object({}), output: StudyProtocol },
  /** Set the study's protocol; refused (LOCKED) once images were measured with it, unless `unlock`. */
  setAnalysisProtocol: {
    input: z.object({ protocol: AnalysisProtocol, unlock: z.boolean().default(false) }),
    output: StudyProtocol,
  },
  /** Stop a running analysis; `cancelled` is false when no such job is running. */
  cancelAnalysis: { input: z.object({ jobId: JobId }), output: z.object({ cancelled: z.boolean() }) },
  /** Stain vectors from the image: a region of pure stain, or a Macenko-style two-stain estimate. */
  calibrateStain: {
    input: z.object({
      imageId: Id,
      method: z.enum(['region', 'macenko']),
      region: AnalysisRegionInput.nullable().default(null),
      /** Save the result as a study preset with this name. */
      saveAs: z.string().trim().min(1).max(64).nullable().default(null),
    }),
    output: z.object({ stains: z.array(NamedStainSchema), pixels: z.number(), saved: z.boolean() }),
  },
} as const;
