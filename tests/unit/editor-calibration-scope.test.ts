import { describe, expect, it } from 'vitest';
import type { ImageRecord, StudyView } from '../../shared/domain';
import { imagesInScope, sameObjective, scopeCountText } from '../../renderer/editor/calibration-scope';

let nextId = 1;
function image(over: Partial<ImageRecord>): ImageRecord {
  const id = nextId++;
  return {
    id,
    timepointId: 1,
    sha256: 'a'.repeat(64),
    fileName: `img${id}.tif`,
    format: 'tiff',
    width: 1200,
    height: 900,
    byteSize: 1,
    bitDepth: 8,
    channels: 3,
    pages: 1,
    umPerPx: null,
    calibrationSource: null,
    stain: null,
    previewWidth: 600,
    previewHeight: 450,
    locked: false,
    importedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

function view(images: ImageRecord[]): StudyView {
  return {
    study: { name: 'S' } as StudyView['study'],
    subjects: [
      {
        id: 1,
        code: 'S01',
        timepoints: [{ id: 1, subjectId: 1, label: 'T', session: null, date: null, images }],
      } as unknown as StudyView['subjects'][number],
    ],
  };
}

describe('same objective', () => {
  const calibrated = image({ umPerPx: 0.5, calibrationSource: 'file' });
  it('matches the same pixel size within 1e-4, whatever the dimensions', () => {
    expect(sameObjective(calibrated, image({ umPerPx: 0.50004, width: 10 }))).toBe(true);
    expect(sameObjective(calibrated, image({ umPerPx: 0.51 }))).toBe(false);
  });
  it('matches uncalibrated images only with the same dimensions and format', () => {
    expect(sameObjective(calibrated, image({}))).toBe(true);
    expect(sameObjective(calibrated, image({ width: 1201 }))).toBe(false);
    expect(sameObjective(calibrated, image({ format: 'png' }))).toBe(false);
  });
  it('an uncalibrated image matches no calibrated one', () => {
    expect(sameObjective(image({}), image({ umPerPx: 0.5 }))).toBe(false);
  });
});

describe('images in a calibration scope', () => {
  const target = image({ umPerPx: 0.5 });
  const paired = image({ format: 'png', width: 1600 });
  const sameSize = image({ umPerPx: 0.5 });
  const sameShape = image({});
  const other = image({ umPerPx: 0.25, format: 'jpeg' });
  const locked = image({ locked: true, fileName: 'locked.tif' });
  const study = view([target, paired, sameSize, sameShape, other, locked]);

  it('this image only, or with its pair', () => {
    expect(imagesInScope('image', target, paired, study).alsoImageIds).toEqual([]);
    expect(imagesInScope('pair', target, paired, study).alsoImageIds).toEqual([paired.id]);
  });
  it('the same objective leaves out other sizes and locked images, and says so', () => {
    const scope = imagesInScope('objective', target, paired, study);
    expect(scope.alsoImageIds).toEqual([sameSize.id, sameShape.id]);
    expect(scope.lockedNames).toEqual(['locked.tif']);
    expect(scopeCountText(scope)).toBe('this image and 2 others; 1 locked image left unchanged (locked.tif)');
  });
  it('the whole study is every other unlocked image', () => {
    const scope = imagesInScope('study', target, paired, study);
    expect(scope.alsoImageIds).toEqual([paired.id, sameSize.id, sameShape.id, other.id]);
  });
  it('without the study view the wide scopes cover nothing yet', () => {
    expect(imagesInScope('study', target, paired, null).alsoImageIds).toEqual([]);
    expect(scopeCountText({ alsoImageIds: [], lockedNames: [] })).toBe('this image only');
  });
});
