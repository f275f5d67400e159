/**
 * The annotation editor's method group (issue 4): classes, the annotations of an image (read, and
 * autosaved after each gesture), locking, copying to the paired image and "detect in region".
 * Annotation ids are the editor's own stable keys; every geometry is checked against its image here,
 * whoever sends it.
 */
import { randomUUID } from 'node:crypto';
import type { ApiParsedInput } from '../../../shared/api';
import { parseProtocol } from '../../../shared/analysis/protocol';
import { AnnotationSchema, type Annotation } from '../../../shared/annotations/types';
import { storedCopyError } from '../analysis/analyze-file';
import { withStudyPreset } from '../analysis/analysis-services';
import { UserError } from '../errors';
import { toImageRecord, type StoredAnnotation, type StoredImage } from '../study/repositories';
import type { ServiceContext } from '../study/service-context';
import type { OpenStudy } from '../study/study-session';
import { storedImageFile } from '../study/study-paths';
import type { Services } from '../types';
import { classMethods } from './class-methods';
import { geometryOnImage } from './copy-geometry';
import { detectStainInPolygons } from './detect-in-region';
import { GeometryBudget } from './geometry-budget';
import { prepareGeometry } from './prepare-geometry';

type AnnotationMethods = Pick<
  Services,
  | 'listAnnotationClasses'
  | 'addAnnotationClass'
  | 'updateAnnotationClass'
  | 'getImageAnnotations'
  | 'saveAnnotationChanges'
  | 'setImageLock'
  | 'copyAnnotations'
  | 'detectStainInRegion'
>;

/** Refuses a change to a locked image; re-read inside the transaction so another process cannot slip by. */
export function refuseIfLocked(study: OpenStudy, imageId: number, change: string): void {
  const image = study.repos.images.getOrThrow(imageId);
  if (image.locked) {
    throw new UserError(
      'LOCKED',
      `The image ${image.fileName} is locked against edits: unlock it to ${change}. Nothing was saved.`,
      { file: image.fileName },
    );
  }
}

/** Stored rows in the API's form; a row no schema accepts (damage, tampering) is left out, not sent. */
function toApiAnnotation(stored: StoredAnnotation): Annotation | null {
  const parsed = AnnotationSchema.safeParse({
    id: stored.key,
    classId: stored.classId,
    kind: stored.kind,
    geometry: stored.geometry,
    name: stored.name,
  });
  if (parsed.success) return parsed.data;
  console.warn(`[dermaquant] annotation ${stored.key} of image ${stored.imageId} is unreadable; skipped.`);
  return null;
}

/** An image's stored annotations in the API's form (unreadable rows left out). */
export const storedAnnotationsOf = (study: OpenStudy, imageId: number): Annotation[] =>
  study.repos.annotations.listForImage(imageId).flatMap((row) => {
    const annotation = toApiAnnotation(row);
    return annotation ? [annotation] : [];
  });

const describe = (a: Annotation) => (a.name ? `The ${a.kind} "${a.name}"` : `The ${a.kind} ${a.id}`);

function unknownClasses(study: OpenStudy, classIds: readonly number[]): number[] {
  const known = new Set(study.repos.annotationClasses.list().map((c) => c.id));
  return [...new Set(classIds)].filter((id) => !known.has(id));
}

const unknownClassError = (ids: number[]) =>
  new UserError(
    'INVALID_INPUT',
    `There is no annotation class with id ${ids.join(', ')} in this study: reload the class list and choose a class. Nothing was saved.`,
  );

/** Checks a batch of changes and prepares each geometry; throws before anything is written. */
function prepareChanges(
  study: OpenStudy,
  image: StoredImage,
  input: ApiParsedInput<'saveAnnotationChanges'>,
) {
  const ids = new Set<string>();
  for (const annotation of input.put) {
    if (ids.has(annotation.id)) {
      throw new UserError('INVALID_INPUT', `The annotation id ${annotation.id} appears twice in one save.`);
    }
    ids.add(annotation.id);
  }
  const both = input.remove.find((id) => ids.has(id));
  if (both !== undefined) {
    throw new UserError('INVALID_INPUT', `The annotation ${both} is both saved and deleted in one save.`);
  }
  const missing = unknownClasses(
    study,
    input.put.map((a) => a.classId),
  );
  if (missing.length > 0) throw unknownClassError(missing);
  // One budget for the whole save: many shapes must not add up to a long stall either.
  const budget = new GeometryBudget();
  return input.put.map((annotation) => {
    const holder = study.repos.annotations.get(annotation.id);
    if (holder && holder.imageId !== image.id) {
      throw new UserError(
        'CONFLICT',
        `The annotation id ${annotation.id} already belongs to another image (id ${holder.imageId}): give the new shape its own id. Nothing was saved.`,
      );
    }
    const check = prepareGeometry(annotation.geometry, image, budget);
    if (!check.ok) {
      throw new UserError(
        'INVALID_INPUT',
        `${describe(annotation)} on ${image.fileName} cannot be saved: ${check.reason} Nothing was saved.`,
        { file: image.fileName, annotation: annotation.id },
      );
    }
    return { annotation: { ...annotation, geometry: check.geometry }, adjusted: check.adjusted };
  });
}

export function annotationMethods(ctx: ServiceContext): AnnotationMethods {
  const { session, events } = ctx;

  return {
    ...classMethods(ctx),

    async getImageAnnotations({ imageId }) {
      const study = await session.require();
      const image = study.repos.images.getOrThrow(imageId);
      return { imageId, locked: image.locked, annotations: storedAnnotationsOf(study, imageId) };
    },

    async saveAnnotationChanges(input) {
      const study = await session.requireWritable();
      const image = study.repos.images.getOrThrow(input.imageId);
      refuseIfLocked(study, image.id, 'change its annotations');
      const prepared = prepareChanges(study, image, input);
      const savedAt = ctx.now();
      let removed = 0;
      study.db
        .transaction(() => {
          refuseIfLocked(study, image.id, 'change its annotations');
          for (const { annotation } of prepared) {
            const { id, classId, kind, geometry, name } = annotation;
            study.repos.annotations.upsert(
              { key: id, imageId: image.id, classId, kind, geometry, name },
              savedAt,
            );
          }
          for (const key of input.remove) if (study.repos.annotations.delete(image.id, key)) removed++;
        })
        .immediate();
      // Views measuring inside this image's regions (the stain panel) re-read them.
      if (prepared.length + removed > 0) events.emit('annotations-changed', { imageId: image.id });
      return {
        savedAt,
        count: prepared.length + removed,
        adjusted: prepared.filter((p) => p.adjusted).map((p) => p.annotation),
      };
    },

    async setImageLock({ imageId, locked, reason }) {
      const study = await session.requireWritable();
      study.repos.images.getOrThrow(imageId);
      // Read and change under the write lock (immediate), so two windows or processes locking at once
      // record one change, not two.
      const changedNow = study.db
        .transaction(() => {
          if (study.repos.images.getOrThrow(imageId).locked === locked) return false;
          study.repos.images.setLocked(imageId, locked);
          study.repos.audit.record({
            at: ctx.now(),
            kind: locked ? 'image-locked' : 'image-unlocked',
            entity: 'image',
            entityId: imageId,
            detail: { reason },
          });
          return true;
        })
        .immediate();
      if (changedNow) {
        events.emit('study-changed', { reason: locked ? 'image-locked' : 'image-unlocked' });
        // getImageAnnotations answers the lock too: an open editor of this image must hear of it.
        events.emit('annotations-changed', { imageId });
      }
      return toImageRecord(study.repos.images.getOrThrow(imageId));
    },

    async copyAnnotations({ fromImageId, toImageId, classIds }) {
      const study = await session.requireWritable();
      if (fromImageId === toImageId) {
        throw new UserError(
          'INVALID_INPUT',
          'Annotations are copied from one image to another: choose a different target image.',
        );
      }
      const source = study.repos.images.getOrThrow(fromImageId);
      const target = study.repos.images.getOrThrow(toImageId);
      refuseIfLocked(study, target.id, 'copy annotations onto it');
      const missing = unknownClasses(study, classIds);
      if (missing.length > 0) throw unknownClassError(missing);
      const wanted = new Set(classIds);
      const copies = study.repos.annotations.listForImage(source.id).flatMap((row) => {
        const annotation = wanted.has(row.classId) ? toApiAnnotation(row) : null;
        const geometry = annotation && geometryOnImage(annotation.geometry, source, target);
        return annotation && geometry ? [{ ...annotation, geometry }] : [];
      });
      const now = ctx.now();
      study.db
        .transaction(() => {
          refuseIfLocked(study, target.id, 'copy annotations onto it');
          for (const { classId, kind, geometry, name } of copies) {
            const key = randomUUID();
            study.repos.annotations.upsert({ key, imageId: target.id, classId, kind, geometry, name }, now);
          }
        })
        .immediate();
      if (copies.length > 0) events.emit('annotations-changed', { imageId: target.id });
      return { copied: copies.length };
    },

    async detectStainInRegion({ imageId, region, protocol: given }) {
      const study = await session.require();
      const image = study.repos.images.getOrThrow(imageId);
      const prepared = prepareGeometry({ type: 'polygons', polygons: [region] }, image);
      if (!prepared.ok || prepared.geometry.type !== 'polygons') {
        const reason = prepared.ok ? '' : prepared.reason;
        throw new UserError(
          'INVALID_INPUT',
          `The region to detect stain in on ${image.fileName} cannot be used: ${reason} Draw the region again inside the image.`,
          { file: image.fileName },
        );
      }
      const file = await storedImageFile(study.dir, image);
      try {
        // Direct callers skip the dispatcher's validation: parse here as well.
        const settings = given ?? study.repos.protocol.get()?.params ?? {};
        const protocol = withStudyPreset(study, parseProtocol(settings));
        return await detectStainInPolygons(file, protocol, prepared.geometry.polygons, {
          umPerPx: image.umPerPx,
          maxImagePixels: ctx.limits.maxImagePixels,
        });
      } catch (err) {
        throw storedCopyError(err, file, image.fileName);
      }
    },
  };
}
