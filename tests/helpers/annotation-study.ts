import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { createServices, type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import type { ApiInput, ApiMethod, ApiOutput } from '../../shared/api';
import type { Annotation } from '../../shared/annotations/types';
import type { ImageRecord } from '../../shared/domain';
import type { Result } from '../../shared/result';
import { writePng } from './synthetic-images';

/** Call a method the way every transport does (allow-list, input validation, errors as data). */
export function call<M extends ApiMethod>(
  services: Services,
  method: M,
  input: ApiInput<M>,
): Promise<Result<ApiOutput<M>>> {
  return dispatch(services, method, input) as Promise<Result<ApiOutput<M>>>;
}

/** The value of a call that must succeed. */
export async function must<M extends ApiMethod>(
  services: Services,
  method: M,
  input: ApiInput<M>,
): Promise<ApiOutput<M>> {
  const result = await call(services, method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

export const polygonShape = (outer: number[], classId: number, extra: Partial<Annotation> = {}) =>
  ({
    id: randomUUID(),
    classId,
    kind: 'polygon',
    name: '',
    geometry: { type: 'polygons', polygons: [{ outer, holes: [] }] },
    ...extra,
  }) as Annotation;

export const rectangle = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];

export interface StudyImages {
  services: Services;
  dir: string;
  images: ImageRecord[];
  classes: { roi: number; exclude: number; stained: number; unstained: number };
}

/**
 * A study with one subject and a timepoint per image, each image a real PNG (sharp) imported through
 * the services. `pixels` may be given per image (raw RGB), otherwise a synthetic tissue pattern is used.
 */
export async function studyWithImages(
  root: string,
  specs: { width: number; height: number; rgb?: Uint8Array }[],
): Promise<StudyImages> {
  const dir = path.join(root, 'study');
  const services = createServices({ studyDir: dir });
  await services.createStudy({ name: 'Annotations' });
  const subject = await services.addSubject({ code: 'P01' });
  const images: ImageRecord[] = [];
  for (const [index, spec] of specs.entries()) {
    const file = path.join(root, `image-${index}.png`);
    if (spec.rgb) {
      await sharp(Buffer.from(spec.rgb), { raw: { width: spec.width, height: spec.height, channels: 3 } })
        .png()
        .toFile(file);
    } else {
      await writePng(file, { width: spec.width, height: spec.height, seed: index });
    }
    const timepoint = await services.addTimepoint({
      subjectId: subject.id,
      label: `session ${index}`,
      session: index,
      date: null,
    });
    const outcome = await services.importFiles(timepoint.id, [
      { path: file, fileName: `image-${index}.png` },
    ]);
    const image = outcome.imported[0];
    if (!image) throw new Error(`image ${index} was not imported: ${JSON.stringify(outcome.failed)}`);
    images.push(image);
  }
  const list = await services.listAnnotationClasses({});
  const byRole = (role: string) => list.find((c) => c.role === role)!.id;
  return {
    services,
    dir,
    images,
    classes: {
      roi: byRole('roi'),
      exclude: byRole('exclude'),
      stained: byRole('stained'),
      unstained: byRole('unstained'),
    },
  };
}

/** The audit trail of images (imports left out), read through a second, read-only connection. */
export function auditRows(
  studyDir: string,
): { kind: string; entityId: number; detail: Record<string, unknown> }[] {
  const db = new Database(path.join(studyDir, 'study.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        "SELECT kind, entity_id AS entityId, detail FROM audit_event WHERE entity = 'image' AND kind <> 'image-imported' ORDER BY id",
      )
      .all() as { kind: string; entityId: number; detail: string }[];
    return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}
