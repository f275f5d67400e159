import fs from 'node:fs';
import path from 'node:path';
import { strToU8 } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import type { Annotation } from '../../shared/annotations/types';
import { multiPolygonArea } from '../../shared/geometry/measure';
import {
  call,
  must,
  polygonShape,
  rectangle,
  studyWithImages,
  type StudyImages,
} from '../helpers/annotation-study';
import { qupathRectangles, writeImageJRoi, writeRoiSet } from '../helpers/imagej-roi-writer';
import { sharedDataDir, sharedImage } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const areaOf = (a: Annotation) =>
  a.geometry.type === 'polygons' ? multiPolygonArea(a.geometry.polygons) : NaN;
const stagingDir = (dir: string) => path.join(dir, '.staging');
const geojsonDir = path.join(sharedDataDir, 'geojson');
const roiDir = path.join(sharedDataDir, 'roi');
const cmu1 = sharedImage('CMU-1-small-region_skin_HE.svs');

describe('importing annotation files into an image (real SQLite study, real sharp images)', () => {
  const tempDir = useTempDirs('dq-annotation-import-');
  const open: Services[] = [];
  afterEach(() => {
    for (const services of open.splice(0)) services.close();
  });

  async function study(): Promise<StudyImages> {
    const made = await studyWithImages(tempDir(), [{ width: 200, height: 150 }]);
    open.push(made.services);
    return made;
  }

  /** Stages the bytes as a transport does, then imports them through the dispatcher. */
  async function importBytes(made: StudyImages, bytes: Uint8Array, fileName: string, classId?: number) {
    const upload = await made.services.stageUpload(bytes, fileName);
    return call(made.services, 'importAnnotations', { imageId: made.images[0]!.id, upload, classId });
  }

  const stored = async (made: StudyImages) =>
    (await must(made.services, 'getImageAnnotations', { imageId: made.images[0]!.id })).annotations;

  it('GeoJSON: classes mapped, a new class made in the file’s colour, clipped, outside shapes skipped, extent warned', async () => {
    const made = await study();
    const events: number[] = [];
    made.services.onEvent((name, payload) => {
      if (name === 'annotations-changed') events.push((payload as { imageId: number }).imageId);
    });
    const text = qupathRectangles([
      { box: [10, 10, 110, 60], className: 'Region*', name: 'dermis' },
      { box: [20, 20, 30, 30], className: 'Ignore*' },
      { box: [150, 100, 250, 200], className: 'Vessel', color: [10, 200, 30] },
      { box: [40, 40, 50, 50], className: 'vessel', color: [1, 2, 3] },
      { box: [500, 500, 600, 600], className: 'Stained collagen' },
    ]);
    const result = await importBytes(made, strToU8(text), 'slide.geojson');
    if (!result.ok) throw new Error(result.error.message);
    const report = result.value;
    expect(report.format).toBe('geojson');
    expect(report.imported.map((i) => [i.className, i.adjusted])).toEqual([
      ['Region of interest', false],
      ['Exclude', false],
      ['Vessel', true],
      ['Vessel', false],
    ]);
    expect(report.createdClasses).toMatchObject([{ name: 'Vessel', colour: '#0ac81e', role: null }]);
    expect(report.skipped).toEqual([
      { source: 'feature 5', name: null, reason: 'It lies wholly outside the 200 x 150 px image.' },
    ]);
    expect(report.warnings[0]).toMatch(/x 10 to 600, y 10 to 600, beyond this 200 x 150 px image/);

    const annotations = await stored(made);
    expect(annotations.map((a) => [a.id, a.classId])).toEqual(report.imported.map((i) => [i.id, i.classId]));
    expect(annotations.map(areaOf)).toEqual([5000, 100, 50 * 50, 100]);
    expect(annotations[0]).toMatchObject({ name: 'dermis', classId: made.classes.roi });
    expect(events).toEqual([made.images[0]!.id]);
    // The staged bytes are gone once imported.
    expect(fs.readdirSync(stagingDir(made.dir))).toEqual([]);
  });

  it('one ImageJ .roi: the region of interest by default, or the chosen class', async () => {
    const made = await study();
    const roi = writeImageJRoi('polygon', [10, 10, 60, 10, 60, 40, 10, 40], { name: 'dermis' });
    const first = await importBytes(made, roi, 'dermis.roi');
    expect(first.ok && first.value.imported).toMatchObject([{ name: 'dermis', classId: made.classes.roi }]);
    const second = await importBytes(made, roi, 'dermis.roi', made.classes.exclude);
    expect(second.ok && second.value.imported).toMatchObject([{ classId: made.classes.exclude }]);
    const annotations = await stored(made);
    expect(annotations.map((a) => [a.kind, a.classId, areaOf(a)])).toEqual([
      ['polygon', made.classes.roi, 1500],
      ['polygon', made.classes.exclude, 1500],
    ]);
    // Two imports of one file are two sets of shapes, with ids of their own.
    expect(new Set(annotations.map((a) => a.id)).size).toBe(2);
  });

  it('a RoiSet.zip made with fflate: areas imported in order, points and lines skipped with the reason', async () => {
    const made = await study();
    const zip = writeRoiSet({
      '0001-0010.roi': writeImageJRoi('rect', [5, 5, 45, 25], { name: 'box' }),
      '0002-0020.roi': writeImageJRoi('oval', [50, 50, 90, 90]),
      '0003-0030.roi': writeImageJRoi('point', [12, 12, 30, 30]),
      '0004-0040.roi': writeImageJRoi('polyline', [0, 0, 40, 40, 80, 10]),
    });
    const result = await importBytes(made, zip, 'RoiSet.zip');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.format).toBe('imagej-roiset');
    expect(result.value.imported.map((i) => i.name)).toEqual(['box', '']);
    expect(result.value.skipped.map((s) => [s.source, s.reason])).toEqual([
      ['0003-0030.roi', 'a point selection encloses no area (ImageJ point)'],
      ['0004-0040.roi', 'a line selection encloses no area (ImageJ polyline)'],
    ]);
    expect(result.value.warnings).toEqual([]);
    const annotations = await stored(made);
    expect(annotations.map((a) => a.kind)).toEqual(['rectangle', 'ellipse']);
    expect(areaOf(annotations[0]!)).toBe(800);
    expect(areaOf(annotations[1]!)).toBeCloseTo(Math.PI * 400, -1);
  });

  it('refused on a locked image, with nothing written and the staged file removed', async () => {
    const made = await study();
    await must(made.services, 'setImageLock', { imageId: made.images[0]!.id, locked: true });
    const result = await importBytes(made, writeImageJRoi('rect', [5, 5, 45, 25]), 'box.roi');
    expect(result).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await stored(made)).toEqual([]);
    expect(fs.readdirSync(stagingDir(made.dir))).toEqual([]);
  });

  it('nothing is written when the file cannot be read, has nothing to import, or names an unknown class', async () => {
    const made = await study();
    const existing = polygonShape(rectangle(1, 1, 20, 20), made.classes.roi);
    await must(made.services, 'saveAnnotationChanges', {
      imageId: made.images[0]!.id,
      put: [existing],
      remove: [],
    });
    const classesBefore = await must(made.services, 'listAnnotationClasses', {});
    const broken =
      '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1]]]}}]}';
    const outcomes = [
      await importBytes(made, strToU8(broken), 'broken.geojson'),
      await importBytes(made, strToU8('{ "type": "Feature", '), 'cut.geojson'),
      await importBytes(made, strToU8('not an annotation file'), 'notes.txt'),
      await importBytes(made, writeRoiSet({ 'p.roi': writeImageJRoi('point', [3, 3]) }), 'points.zip'),
      await importBytes(
        made,
        strToU8(qupathRectangles([{ box: [300, 300, 400, 400], className: 'Brand new' }])),
        'elsewhere.geojson',
      ),
      await importBytes(made, writeImageJRoi('rect', [5, 5, 45, 25]), 'box.roi', 9999),
    ];
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'INVALID_INPUT',
      'UNSUPPORTED_FORMAT',
      'UNSUPPORTED_FORMAT',
      'INVALID_INPUT',
      'INVALID_INPUT',
      'NOT_FOUND',
    ]);
    const messages = outcomes.map((o) => (o.ok ? '' : o.error.message));
    expect(messages[0]).toMatch(/broken\.geojson has a malformed part .*Nothing was imported\./);
    expect(messages[3]).toMatch(/Nothing in points\.zip could be imported \(p\.roi: a point selection/);
    expect(messages[4]).toMatch(/feature 1: It lies wholly outside the 200 x 150 px image/);
    expect(await stored(made)).toEqual([existing]);
    // No class was made for "Brand new": the refusal came before the transaction.
    expect(await must(made.services, 'listAnnotationClasses', {})).toEqual(classesBefore);
    expect(fs.readdirSync(stagingDir(made.dir))).toEqual([]);
  });

  it('a missing upload is named; input is validated at the boundary', async () => {
    const made = await study();
    const result = await call(made.services, 'importAnnotations', {
      imageId: made.images[0]!.id,
      upload: { uploadId: 'a'.repeat(24), fileName: 'gone.geojson' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
    const bad = await call(made.services, 'importAnnotations', {
      imageId: made.images[0]!.id,
      upload: { uploadId: '../../study.sqlite', fileName: 'x.geojson' },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it.skipIf(!fs.existsSync(roiDir))(
    'the real read-roi files: areas import onto a 200 x 150 image',
    async () => {
      const made = await study();
      const imported: string[] = [];
      for (const name of ['polygon', 'rectangle', 'oval', 'freehand', 'composite-oval-in-rect', 'point']) {
        const result = await importBytes(
          made,
          fs.readFileSync(path.join(roiDir, `${name}.roi`)),
          `${name}.roi`,
        );
        if (result.ok) imported.push(...result.value.imported.map((i) => `${name}:${i.className}`));
        else imported.push(`${name}:${result.error.code}`);
      }
      expect(imported).toEqual([
        'polygon:Region of interest',
        'rectangle:Region of interest',
        'oval:Region of interest',
        'freehand:Region of interest',
        'composite-oval-in-rect:Region of interest',
        'point:INVALID_INPUT',
      ]);
    },
  );

  it.skipIf(!fs.existsSync(geojsonDir) || !fs.existsSync(cmu1))(
    'the CMU-1 skin slide with its QuPath-layout GeoJSON: Tissue to the ROI class, Epidermis and Dermis made',
    async () => {
      const root = tempDir();
      const services = createServices({ studyDir: path.join(root, 'study') });
      open.push(services);
      await services.createStudy({ name: 'Real' });
      const subject = await services.addSubject({ code: 'S01' });
      const timepoint = await services.addTimepoint({
        subjectId: subject.id,
        label: 'baseline',
        session: 0,
        date: null,
      });
      const outcome = await services.importFiles(timepoint.id, [
        { path: cmu1, fileName: path.basename(cmu1) },
      ]);
      const image = outcome.imported[0]!;
      const file = 'CMU-1-small-region_skin_annotations_qupath-format_SYNTHETIC.geojson';
      const upload = await services.stageUpload(fs.readFileSync(path.join(geojsonDir, file)), file);
      const report = await must(services, 'importAnnotations', { imageId: image.id, upload });
      expect(report.imported.map((i) => i.className)).toEqual([
        'Region of interest',
        'Epidermis',
        'Dermis',
        'Dermis',
      ]);
      expect(report.createdClasses.map((c) => [c.name, c.colour])).toEqual([
        ['Epidermis', '#a05aa0'],
        ['Dermis', '#ff8ca0'],
      ]);
      expect(report.warnings).toEqual([]);
      expect(report.skipped).toEqual([]);
    },
  );
});
