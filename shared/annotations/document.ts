/**
 * The annotations of one image as the editor holds them: stored annotations, except that masks are
 * live TiledMasks so the brush can paint tile by tile. Only the history (history.ts) changes a document;
 * `toStored` gives the JSON form that is saved.
 */
import { TiledMask } from './tiled-mask';
import type { Annotation, AnnotationGeometry, EncodedMask } from './types';

export type VectorGeometry = Exclude<AnnotationGeometry, { type: 'mask' }>;
export type DocGeometry = VectorGeometry | { type: 'mask'; mask: TiledMask };

export interface DocAnnotation {
  id: string;
  classId: number;
  kind: Annotation['kind'];
  name: string;
  geometry: DocGeometry;
}

/**
 * A frozen copy of an annotation as history keeps it: masks encoded (immutable, compact), vector
 * points copied, so later edits to the document never reach into the history.
 */
export type AnnotationSnapshot = Annotation;

export const cloneVectorGeometry = (geometry: VectorGeometry): VectorGeometry =>
  geometry.type === 'polygons'
    ? {
        type: 'polygons',
        polygons: geometry.polygons.map((p) => ({ outer: [...p.outer], holes: p.holes.map((h) => [...h]) })),
      }
    : { type: geometry.type, points: [...geometry.points] };

const cloneEncoded = (mask: EncodedMask): EncodedMask => ({ ...mask, counts: [...mask.counts] });

export class AnnotationDocument {
  private readonly items = new Map<string, DocAnnotation>();

  constructor(
    readonly imageWidth: number,
    readonly imageHeight: number,
    stored: readonly Annotation[] = [],
  ) {
    for (const annotation of stored) this.restore(annotation);
  }

  get(id: string): DocAnnotation | undefined {
    return this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** In insertion order: later shapes draw on top. */
  values(): DocAnnotation[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  /** The live mask of a mask annotation (undefined for other kinds or unknown ids). */
  mask(id: string): TiledMask | undefined {
    const geometry = this.items.get(id)?.geometry;
    return geometry?.type === 'mask' ? geometry.mask : undefined;
  }

  /** The stored, JSON-safe form of one annotation (masks encoded and cropped); shares no arrays with the document. */
  toStored(id: string): Annotation | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    const geometry: AnnotationGeometry =
      item.geometry.type === 'mask'
        ? { type: 'mask', mask: item.geometry.mask.encode() }
        : cloneVectorGeometry(item.geometry);
    return { id: item.id, classId: item.classId, kind: item.kind, name: item.name, geometry };
  }

  allStored(): Annotation[] {
    return [...this.items.keys()].map((id) => this.toStored(id) as Annotation);
  }

  /** Position of an annotation in drawing order, or -1. */
  indexOf(id: string): number {
    let index = 0;
    for (const key of this.items.keys()) {
      if (key === id) return index;
      index++;
    }
    return -1;
  }

  /**
   * Puts an annotation in from its stored form, replacing one with the same id in place, or inserting it
   * at `position` in drawing order (default: on top). For the history: undoing a delete puts the shape
   * back where it was.
   */
  restore(snapshot: AnnotationSnapshot, position = Infinity): void {
    const geometry: DocGeometry =
      snapshot.geometry.type === 'mask'
        ? { type: 'mask', mask: TiledMask.decode(snapshot.geometry.mask, this.imageWidth, this.imageHeight) }
        : cloneVectorGeometry(snapshot.geometry);
    const item: DocAnnotation = {
      id: snapshot.id,
      classId: snapshot.classId,
      kind: snapshot.kind,
      name: snapshot.name,
      geometry,
    };
    if (this.items.has(snapshot.id) || position >= this.items.size) {
      this.items.set(snapshot.id, item);
      return;
    }
    const entries = [...this.items.entries()];
    entries.splice(Math.max(0, position), 0, [snapshot.id, item]);
    this.items.clear();
    for (const [key, value] of entries) this.items.set(key, value);
  }

  /** Removes an annotation. For the history. */
  remove(id: string): void {
    this.items.delete(id);
  }
}

/** A frozen copy of a stored annotation (snapshots must not share arrays with the caller). */
export const cloneSnapshot = (annotation: Annotation): AnnotationSnapshot => ({
  ...annotation,
  geometry:
    annotation.geometry.type === 'mask'
      ? { type: 'mask', mask: cloneEncoded(annotation.geometry.mask) }
      : cloneVectorGeometry(annotation.geometry),
});
