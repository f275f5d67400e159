/**
 * An image's annotations as analysis input, by class role: outlines as polygons (rings of flat points)
 * and painted shapes as their encoded masks. Shared by the renderer (regions of interest and exclusions
 * it sends, the live preview's corrections) and the services (the corrections they read from the study).
 */
import type { Annotation, AnnotationClass, ClassRole, EncodedMask } from '../annotations/types';
import type { AnalysisRegion } from './region';

type Rings = number[][];

export interface RoleShapes {
  /** One entry per outlined polygon: its outer ring, then its holes. */
  polygons: Rings[];
  masks: EncodedMask[];
  /** Ids of the annotations these came from (the study's annotation keys). */
  ids: string[];
}

const ringsOfAnnotation = (annotation: Annotation): Rings[] =>
  annotation.geometry.type === 'polygons'
    ? annotation.geometry.polygons
        .filter((p) => p.outer.length >= 6)
        .map((p) => [p.outer, ...p.holes.filter((hole) => hole.length >= 6)])
    : [];

/** The area shapes of the annotations whose class has `role` (points and lines have no area). */
export function shapesWithRole(
  annotations: readonly Annotation[],
  classes: readonly Pick<AnnotationClass, 'id' | 'role'>[],
  role: NonNullable<ClassRole>,
): RoleShapes {
  const classIds = new Set(classes.filter((c) => c.role === role).map((c) => c.id));
  const shapes: RoleShapes = { polygons: [], masks: [], ids: [] };
  for (const annotation of annotations) {
    if (!classIds.has(annotation.classId)) continue;
    const before = shapes.polygons.length + shapes.masks.length;
    if (annotation.geometry.type === 'mask') shapes.masks.push(annotation.geometry.mask);
    else shapes.polygons.push(...ringsOfAnnotation(annotation));
    if (shapes.polygons.length + shapes.masks.length > before) shapes.ids.push(annotation.id);
  }
  return shapes;
}

/** The editor's corrections: "Stained collagen" marks add to the stain, "Not stained" marks remove. */
export interface ManualMarks {
  stained: RoleShapes;
  notStained: RoleShapes;
}

export const manualMarks = (
  annotations: readonly Annotation[],
  classes: readonly Pick<AnnotationClass, 'id' | 'role'>[],
): ManualMarks => ({
  stained: shapesWithRole(annotations, classes, 'stained'),
  notStained: shapesWithRole(annotations, classes, 'unstained'),
});

export const hasMarks = (marks: ManualMarks): boolean =>
  marks.stained.ids.length > 0 || marks.notStained.ids.length > 0;

/** The region with the marks attached (a region of the whole image when there was none). */
export function withManualMarks(region: AnalysisRegion | null, marks: ManualMarks): AnalysisRegion | null {
  if (!hasMarks(marks)) return region;
  return {
    ...(region ?? { include: null, exclude: [] }),
    addStained: marks.stained.polygons,
    addStainedMasks: marks.stained.masks,
    removeStained: marks.notStained.polygons,
    removeStainedMasks: marks.notStained.masks,
  };
}
