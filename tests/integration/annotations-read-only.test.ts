import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { call, must, polygonShape, rectangle, studyWithImages } from '../helpers/annotation-study';
import { canUseImmutableAttribute, setImmutable } from '../helpers/read-only';
import { hashTree, useTempDirs } from '../helpers/temp-dir';

const immutableWorks = canUseImmutableAttribute();
if (!immutableWorks) {
  console.warn(
    'annotations-read-only: skipped, `chattr +i` is not available here (needs root on ext4 or similar).',
  );
}

describe.skipIf(!immutableWorks)('annotations of a read-only study (immutable folder)', () => {
  const tempDir = useTempDirs('dq-annotations-ro-');
  let immutable: string[] = [];
  afterEach(() => {
    setImmutable(immutable, false);
    immutable = [];
  });

  it('reads annotations and detects stain, and refuses every change with STUDY_READ_ONLY, changing nothing', async () => {
    const made = await studyWithImages(tempDir(), [
      { width: 120, height: 90 },
      { width: 120, height: 90 },
    ]);
    const [imageId, pairedId] = made.images.map((i) => i.id) as [number, number];
    const roi = polygonShape(rectangle(10, 10, 100, 80), made.classes.roi);
    await must(made.services, 'saveAnnotationChanges', { imageId, put: [roi], remove: [] });
    made.services.close();
    const snapshot = hashTree(made.dir);
    immutable = ['', 'study.sqlite', 'images', 'cache'].map((name) => path.join(made.dir, name));
    setImmutable(immutable, true);

    const services = createServices({ studyDir: made.dir });
    try {
      expect(await must(services, 'getImageAnnotations', { imageId })).toEqual({
        imageId,
        locked: false,
        annotations: [roi],
      });
      expect(await must(services, 'listAnnotationClasses', {})).toHaveLength(4);
      const region = { outer: rectangle(10, 10, 100, 80), holes: [] };
      const detected = await must(services, 'detectStainInRegion', { imageId, region });
      expect(detected.analyzedPx).toBe(90 * 70);

      const attempts = [
        ['saveAnnotationChanges', { imageId, put: [roi], remove: [] }],
        ['saveAnnotationChanges', { imageId, put: [], remove: [roi.id] }],
        ['setImageLock', { imageId, locked: true, reason: '' }],
        ['copyAnnotations', { fromImageId: imageId, toImageId: pairedId, classIds: [made.classes.roi] }],
        ['addAnnotationClass', { name: 'Elastin', colour: '#123456' }],
        ['updateAnnotationClass', { classId: made.classes.roi, name: 'Dermis', colour: '#123456' }],
        ['setCalibration', { imageId, umPerPx: 0.5, source: 'typed', alsoImageIds: [pairedId] }],
      ] as const;
      for (const [method, input] of attempts) {
        const result = await call(services, method, input as never);
        expect(result, method).toMatchObject({ ok: false, error: { code: 'STUDY_READ_ONLY' } });
        expect(!result.ok && result.error.message, method).toMatch(/Copy the study to a writable folder/);
      }
    } finally {
      services.close();
    }
    setImmutable(immutable, false);
    immutable = [];
    expect(hashTree(made.dir)).toEqual(snapshot);
  });
});
