/**
 * Annotations as stored and exchanged: zod schemas (validated at every boundary) and their types.
 * Coordinates are full-resolution image pixels. Vector shapes (polygon, rectangle, ellipse, freehand)
 * are polygons of flat points; brush, eraser, magic wand and detection results are masks, cropped to
 * their bounds and run-length encoded (see rle.ts), never strokes.
 */
import { z } from 'zod';
import { runsLength } from './rle';

const FlatPoints = z
  .array(z.number().finite('coordinates must be finite numbers'))
  .refine((points) => points.length % 2 === 0, 'points come in x, y pairs');

export const PolygonSchema = z.object({ outer: FlatPoints, holes: z.array(FlatPoints).default([]) });

/** Largest mask downsampling: one mask pixel covering 64 x 64 image pixels. */
export const MAX_MASK_SCALE = 64;

/**
 * A binary mask on a grid anchored at the image origin: mask pixel (i, j) covers image pixels
 * [i * scale, (i + 1) * scale) x [j * scale, (j + 1) * scale). Only the bounding box of the set pixels
 * is stored (`left`, `top`, `width`, `height` in mask pixels); `counts` are row-major runs over it.
 */
export const EncodedMaskSchema = z
  .object({
    scale: z.number().int().min(1).max(MAX_MASK_SCALE),
    left: z.number().int().min(0),
    top: z.number().int().min(0),
    width: z.number().int().min(0),
    height: z.number().int().min(0),
    counts: z.array(z.number().int().min(0)),
  })
  .refine(
    (m) => runsLength(m.counts) === m.width * m.height,
    'the mask runs do not add up to width x height',
  );
export type EncodedMask = z.infer<typeof EncodedMaskSchema>;

export const AnnotationGeometrySchema = z.discriminatedUnion('type', [
  /** Areas drawn as outlines: one or more simple polygons with holes. */
  z.object({ type: z.literal('polygons'), polygons: z.array(PolygonSchema).min(1) }),
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

/** What the measurements do with a class: ROI areas are measured in, exclusions cut out, stained counted. */
export const ClassRoleSchema = z.enum(['roi', 'exclude', 'stained']).nullable();
export type ClassRole = z.infer<typeof ClassRoleSchema>;

export const AnnotationClassSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().trim().min(1).max(100),
  /** '#rrggbb'. */
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is written #rrggbb'),
  role: ClassRoleSchema,
});
export type AnnotationClass = z.infer<typeof AnnotationClassSchema>;

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
