/**
 * Annotations as stored and exchanged: zod schemas (validated at every boundary) and their types.
 * Coordinates are full-resolution image pixels. Vector shapes (polygon, rectangle, ellipse, freehand)
 * are polygons of flat points; brush, eraser, magic wand and detection results are masks, cropped to
 * their bounds and run-length encoded (see rle.ts), never strokes.
 */
import { z } from 'zod';
import { runsLength } from './rle';

/**
 * Size limits of one annotation, far above anything drawn or imported (a 50 000-point freehand outline,
 * a mask of a 46 000 x 46 000 px region at full resolution) and low enough that checking, repairing
 * and storing it stays quick and in bounded memory, whoever sends it.
 */
export const MAX_RING_NUMBERS = 100_000;
/** Outlines plus holes of one annotation (or of one analysis region). */
export const MAX_RINGS_PER_SHAPE = 1_000;
/** Mask pixels (width x height) of one encoded mask: 2^31. */
export const MAX_MASK_PIXELS = 2 ** 31;
/** Runs of one encoded mask: a detection of very speckled stain over a whole slide stays well below. */
export const MAX_MASK_RUNS = 4_000_000;
/** Coordinates and mask runs of one autosave, all annotations together. */
export const MAX_NUMBERS_PER_SAVE = 4_000_000;

const FlatPoints = z
  .array(z.number().finite('coordinates must be finite numbers'))
  .max(MAX_RING_NUMBERS, `an outline or line has at most ${MAX_RING_NUMBERS / 2} points`)
  .refine((points) => points.length % 2 === 0, 'points come in x, y pairs');

export const PolygonSchema = z.object({
  outer: FlatPoints,
  holes: z
    .array(FlatPoints)
    .max(MAX_RINGS_PER_SHAPE - 1, `a polygon has at most ${MAX_RINGS_PER_SHAPE - 1} holes`)
    .default([]),
});

/** Largest mask downsampling: one mask pixel covering 64 x 64 image pixels. */
export const MAX_MASK_SCALE = 64;
/** Mask coordinates stay far inside the integers a double holds exactly. */
const MaskExtent = z.number().int().min(0).max(MAX_MASK_PIXELS);

/**
 * A binary mask on a grid anchored at the image origin: mask pixel (i, j) covers image pixels
 * [i * scale, (i + 1) * scale) x [j * scale, (j + 1) * scale). Only the bounding box of the set pixels
 * is stored (`left`, `top`, `width`, `height` in mask pixels); `counts` are row-major runs over it.
 */
export const EncodedMaskSchema = z
  .object({
    scale: z.number().int().min(1).max(MAX_MASK_SCALE),
    left: MaskExtent,
    top: MaskExtent,
    width: MaskExtent,
    height: MaskExtent,
    counts: z
      .array(z.number().int().min(0).max(MAX_MASK_PIXELS))
      .max(MAX_MASK_RUNS, `a mask has at most ${MAX_MASK_RUNS} runs`),
  })
  .refine(
    (m) => m.width * m.height <= MAX_MASK_PIXELS,
    `a mask covers at most ${MAX_MASK_PIXELS} mask pixels (width x height); use a coarser scale`,
  )
  .refine(
    (m) => runsLength(m.counts) === m.width * m.height,
    'the mask runs do not add up to width x height',
  );
export type EncodedMask = z.infer<typeof EncodedMaskSchema>;

export const AnnotationGeometrySchema = z.discriminatedUnion('type', [
  /** Areas drawn as outlines: one or more simple polygons with holes. */
  z.object({
    type: z.literal('polygons'),
    polygons: z
      .array(PolygonSchema)
      .min(1)
      .max(MAX_RINGS_PER_SHAPE)
      .refine(
        (polygons) => polygons.reduce((rings, p) => rings + 1 + p.holes.length, 0) <= MAX_RINGS_PER_SHAPE,
        `a shape has at most ${MAX_RINGS_PER_SHAPE} outlines and holes together`,
      ),
  }),
  /** Areas painted or detected. */
  z.object({ type: z.literal('mask'), mask: EncodedMaskSchema }),
  /** Point marks (counted, no area). */
  z.object({ type: z.literal('points'), points: FlatPoints }),
  /** An open line (ImageJ polyline, a calibration line along a scale bar). */
  z.object({ type: z.literal('line'), points: FlatPoints }),
]);
export type AnnotationGeometry = z.infer<typeof AnnotationGeometrySchema>;

/** The tool that made a shape (the study database's `annotation.kind`), which decides how it is edited. */
export const AnnotationKindSchema = z.enum([
  'polygon',
  'rectangle',
  'ellipse',
  'freehand',
  'mask',
  'point',
  'polyline',
]);
export type AnnotationKind = z.infer<typeof AnnotationKindSchema>;

/**
 * What the measurements do with a class: ROI areas are measured in, exclusions cut out, stained marks
 * are added to the automatic stain and unstained ("Not stained") marks taken out of it (corrections).
 */
export const ClassRoleSchema = z.enum(['roi', 'exclude', 'stained', 'unstained']).nullable();
export type ClassRole = z.infer<typeof ClassRoleSchema>;

export const AnnotationClassSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().trim().min(1).max(100),
  /** '#rrggbb'. */
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is written #rrggbb'),
  role: ClassRoleSchema,
});
export type AnnotationClass = z.infer<typeof AnnotationClassSchema>;

/** Coordinates plus mask runs of a geometry: what a save's total limit counts. */
export function geometryNumbers(geometry: AnnotationGeometry): number {
  switch (geometry.type) {
    case 'polygons':
      return geometry.polygons.reduce(
        (sum, p) => sum + p.outer.length + p.holes.reduce((h, hole) => h + hole.length, 0),
        0,
      );
    case 'mask':
      return geometry.mask.counts.length;
    default:
      return geometry.points.length;
  }
}

/** Which geometry each kind carries, so a rectangle is never stored as a mask by mistake. */
export const GEOMETRY_OF_KIND: Record<AnnotationKind, AnnotationGeometry['type']> = {
  polygon: 'polygons',
  rectangle: 'polygons',
  ellipse: 'polygons',
  freehand: 'polygons',
  mask: 'mask',
  point: 'points',
  polyline: 'line',
};

export const AnnotationSchema = z
  .object({
    /** The editor's key for the annotation (the database id as text once stored, or a new UUID). */
    id: z.string().min(1).max(64),
    classId: z.number().int().positive(),
    kind: AnnotationKindSchema,
    geometry: AnnotationGeometrySchema,
    name: z.string().max(200).default(''),
  })
  .refine((a) => GEOMETRY_OF_KIND[a.kind] === a.geometry.type, {
    message: 'the geometry does not fit the kind of annotation',
    path: ['geometry', 'type'],
  });
export type Annotation = z.infer<typeof AnnotationSchema>;
