/**
 * importAnnotations: the areas of a QuPath GeoJSON, ImageJ .roi or RoiSet .zip file added to an
 * image's annotations. The file is read by shared/formats/annotation-file.ts, each shape classed by
 * shared/annotations/import-classes.ts and checked against the image by prepareGeometry (the check
 * every autosave passes: clipped to the image, self-crossing outlines split, the rest refused); what is
 * refused is reported, not fatal. New classes and shapes are written in one transaction, so a failure
 * leaves the study as it was.
 */
import { randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { AnnotationImportReport, SkippedShape } from '../../../shared/api-annotation-import';
import { importClassFor, type ClassTarget } from '../../../shared/annotations/import-classes';
import {
  AnnotationSchema,
  geometryNumbers,
  MAX_NUMBERS_PER_SAVE,
  type Annotation,
  type AnnotationClass,
} from '../../../shared/annotations/types';
import {
  MAX_ANNOTATION_FILE_BYTES,
  readAnnotationFile,
  type FileShape,
} from '../../../shared/formats/annotation-file';
import { UserError } from '../errors';
import type { StoredImage } from '../study/repositories';
import type { ServiceContext } from '../study/service-context';
import { STAGING_DIR } from '../study/study-files';
import type { OpenStudy } from '../study/study-session';
import { studySubfolder } from '../study/study-paths';
import type { Services } from '../types';
import { refuseIfLocked } from './annotation-methods';
import { toApiClass } from './class-methods';
import { GeometryBudget } from './geometry-budget';
import { prepareGeometry } from './prepare-geometry';
import { shapesExtentWarning } from './import-extent';

/** Most shapes one import adds (as many as one autosave may hold). */
export const MAX_IMPORTED_SHAPES = 10_000;

/** The staged file's bytes, refused unread when it is larger than any annotation file. */
async function readStaged(file: string, fileName: string): Promise<Uint8Array> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat?.isFile()) {
    throw new UserError(
      'FILE_NOT_FOUND',
      `The upload of ${fileName} was not found (it was already imported or has expired): add the file again.`,
      { file: fileName },
    );
  }
  if (stat.size > MAX_ANNOTATION_FILE_BYTES) {
    throw new UserError(
      'INVALID_INPUT',
      `${fileName} is larger than ${MAX_ANNOTATION_FILE_BYTES / 1024 ** 2} MB, more than an annotation file holds. Nothing was imported.`,
      { file: fileName },
    );
  }
  return fsp.readFile(file);
}

interface PlannedShape {
  annotation: Annotation;
  target: ClassTarget;
  adjusted: boolean;
}

/** Each shape checked against the image and classed; what cannot be stored goes to `skipped`. */
function planShapes(
  shapes: readonly FileShape[],
  image: StoredImage,
  classes: readonly AnnotationClass[],
  chosen: AnnotationClass | undefined,
  skipped: SkippedShape[],
): PlannedShape[] {
  // One budget for the whole file, as for one save: many shapes must not add up to a long stall.
  const budget = new GeometryBudget();
  const planned: PlannedShape[] = [];
  for (const shape of shapes) {
    const skip = (reason: string) => skipped.push({ source: shape.source, name: shape.name || null, reason });
    const target = importClassFor(shape.className, shape.colour, classes, chosen);
    if (!target) {
      skip('this study has no built-in class for it (the study may be damaged)');
      continue;
    }
    // The limits every stored annotation keeps (points per outline, holes), whoever made it.
    const checked = AnnotationSchema.safeParse({
      id: randomUUID(),
      classId: 'existing' in target ? target.existing.id : 1,
      kind: shape.kind,
      geometry: shape.geometry,
      name: shape.name.slice(0, 200),
    });
    if (!checked.success) {
      skip(checked.error.issues[0]?.message ?? 'it is not a valid annotation');
      continue;
    }
    const prepared = prepareGeometry(checked.data.geometry, image, budget);
    if (!prepared.ok) {
      skip(prepared.reason);
      continue;
    }
    planned.push({
      annotation: { ...checked.data, geometry: prepared.geometry },
      target,
      adjusted: prepared.adjusted,
    });
  }
  return planned;
}

function refuseEmpty(fileName: string, skipped: readonly SkippedShape[]): never {
  const reasons = skipped
    .slice(0, 3)
    .map((s) => `${s.source}${s.name ? ` (${s.name})` : ''}: ${s.reason}`)
    .join('; ');
  throw new UserError(
    'INVALID_INPUT',
    `Nothing in ${fileName} could be imported${reasons ? ` (${reasons}${skipped.length > 3 ? '; …' : ''})` : ''}. Nothing was changed.`,
    { file: fileName },
  );
}

function refuseTooMuch(fileName: string, planned: readonly PlannedShape[]): void {
  const numbers = planned.reduce((sum, p) => sum + geometryNumbers(p.annotation.geometry), 0);
  if (planned.length > MAX_IMPORTED_SHAPES || numbers > MAX_NUMBERS_PER_SAVE) {
    throw new UserError(
      'INVALID_INPUT',
      `${fileName} holds ${planned.length} shapes with ${numbers} coordinates, more than one import takes (${MAX_IMPORTED_SHAPES} shapes, ${MAX_NUMBERS_PER_SAVE} coordinates): split the file. Nothing was changed.`,
      { file: fileName },
    );
  }
}

/** Writes the new classes and the shapes in one transaction; answers the classes made. */
function writeImport(
  study: OpenStudy,
  image: StoredImage,
  planned: PlannedShape[],
  now: string,
): { created: AnnotationClass[]; classOf: (p: PlannedShape) => AnnotationClass } {
  const created = new Map<string, AnnotationClass>();
  study.db
    .transaction(() => {
      refuseIfLocked(study, image.id, 'import annotations onto it');
      for (const p of planned) {
        if ('existing' in p.target || created.has(p.target.create.key)) continue;
        const { name, colour, key } = p.target.create;
        created.set(key, toApiClass(study.repos.annotationClasses.insert(name, colour, now)));
      }
      for (const p of planned) {
        const cls = 'existing' in p.target ? p.target.existing : created.get(p.target.create.key)!;
        p.annotation = { ...p.annotation, classId: cls.id };
        const { id, classId, kind, geometry, name } = p.annotation;
        study.repos.annotations.upsert({ key: id, imageId: image.id, classId, kind, geometry, name }, now);
      }
    })
    .immediate();
  const classOf = (p: PlannedShape) =>
    'existing' in p.target ? p.target.existing : created.get(p.target.create.key)!;
  return { created: [...created.values()], classOf };
}

export function importAnnotationMethods(ctx: ServiceContext): Pick<Services, 'importAnnotations'> {
  const { session, events } = ctx;
  return {
    async importAnnotations({ imageId, upload, classId }): Promise<AnnotationImportReport> {
      const study = await session.requireWritable();
      const staged = path.join(await studySubfolder(study.dir, STAGING_DIR), upload.uploadId);
      try {
        const image = study.repos.images.getOrThrow(imageId);
        refuseIfLocked(study, image.id, 'import annotations onto it');
        const classes = study.repos.annotationClasses.list().map(toApiClass);
        const chosen = classId === undefined ? undefined : classes.find((c) => c.id === classId);
        if (classId !== undefined && !chosen) {
          throw new UserError(
            'NOT_FOUND',
            `There is no annotation class with id ${classId} in this study: reload the class list. Nothing was imported.`,
          );
        }
        const fileName = upload.fileName;
        const file = readAnnotationFile(await readStaged(staged, fileName), fileName);
        if (!file.ok) {
          throw new UserError(file.error.code, `${file.error.message} Nothing was imported.`, {
            file: fileName,
          });
        }
        const skipped: SkippedShape[] = [...file.value.skipped];
        const planned = planShapes(file.value.shapes, image, classes, chosen, skipped);
        if (planned.length === 0) refuseEmpty(fileName, skipped);
        refuseTooMuch(fileName, planned);
        const warning = shapesExtentWarning(file.value.shapes, image);
        const { created, classOf } = writeImport(study, image, planned, ctx.now());
        // The editor and the stain panel of this image re-read its regions.
        events.emit('annotations-changed', { imageId: image.id });
        return {
          fileName,
          format: file.value.format,
          imported: planned.map((p) => ({
            id: p.annotation.id,
            name: p.annotation.name,
            classId: classOf(p).id,
            className: classOf(p).name,
            adjusted: p.adjusted,
          })),
          createdClasses: created,
          skipped,
          warnings: warning ? [warning] : [],
        };
      } finally {
        // Staged bytes are only a vehicle: imported or refused, they are removed.
        await fsp.rm(staged, { force: true });
      }
    },
  };
}
