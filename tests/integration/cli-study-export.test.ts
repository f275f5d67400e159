/**
 * `dermaquant study export` as a child process on a real analysed study: the CSV's rows, pooled rows and
 * formula neutralisation; GeoJSON files that the QuPath importer reads back; atomic writes that never
 * replace an existing file without --force.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { parseQuPathGeoJson } from '../../shared/formats/geojson-import';
import { must, polygonShape, rectangle } from '../helpers/annotation-study';
import { ensureMainBuilt } from '../helpers/build-main';
import { runCli as cli, runCliJson as cliJson, writeStainedBlockPng } from '../helpers/cli-run';
import { useTempDirs } from '../helpers/temp-dir';

beforeAll(() => ensureMainBuilt(), 120_000);

/** Subject "=S01" (a formula if not neutralised), timepoint "@pre" with two images and "post" with one. */
async function exportStudy(root: string): Promise<string> {
  const dir = path.join(root, 'study');
  cli('study', 'init', dir, '--name', '+Pilot');
  const [a, b, c] = await Promise.all(
    [600, 400, 1800].map((px, i) => writeStainedBlockPng(path.join(root, `img${i}.png`), px, i)),
  );
  cli(
    'study',
    'add',
    dir,
    '--subject',
    '=S01',
    '--timepoint',
    '@pre',
    '--session',
    '0',
    '--date',
    '2025-01-15',
    '--um-per-px',
    '0.5',
    a!,
    b!,
  );
  cli('study', 'add', dir, '--subject', '=S01', '--timepoint', 'post', '--session', '3', c!);
  cli('study', 'protocol', dir, '--threshold', '0.15', '--tissue', 'none');
  expect(cli('study', 'analyze', dir).status).toBe(0);
  return dir;
}

const csvLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);

describe('dermaquant study export', () => {
  const tempDir = useTempDirs('dq-cli-export-');

  it('writes one row per image and per pooled timepoint, neutralising formula cells', async () => {
    const root = tempDir();
    const dir = await exportStudy(root);
    const file = path.join(root, 'results.csv');
    const run = cliJson('study', 'export', dir, '--csv', file);
    expect(run.status, run.stderr).toBe(0);
    expect(run.json).toEqual({ csv: { file, images: 3 } });
    const [header, ...rows] = csvLines(file);
    expect(header).toBe(
      'study,subject,timepoint,session,date,row,images,file_name,image_sha256,um_per_px,stained_area_px,analyzed_area_px,stained_fraction,stained_area_um2,analyzed_area_um2,mean_stained_od,algorithm_version,measured_at',
    );
    const cells = rows.map((r) => r.split(','));
    expect(cells.map((c) => c.slice(0, 8))).toEqual([
      ["'+Pilot", "'=S01", "'@pre", '0', '2025-01-15', 'image', '1', 'img0.png'],
      ["'+Pilot", "'=S01", "'@pre", '0', '2025-01-15', 'image', '1', 'img1.png'],
      ["'+Pilot", "'=S01", "'@pre", '0', '2025-01-15', 'pooled', '2', ''],
      ["'+Pilot", "'=S01", 'post', '3', '', 'image', '1', 'img2.png'],
      ["'+Pilot", "'=S01", 'post', '3', '', 'pooled', '1', ''],
    ]);
    expect(cells[0]![8]).toMatch(/^[0-9a-f]{64}$/);
    // um/px, stained px, analysed px, fraction, stained um2, analysed um2
    expect(cells[0]!.slice(9, 15)).toEqual(['0.5', '600', '10000', '0.06', '150', '2500']);
    expect(cells[2]!.slice(9, 15)).toEqual(['', '1000', '20000', '0.05', '250', '5000']);
    expect(cells[3]!.slice(9, 15)).toEqual(['', '1800', '10000', '0.18', '', '']);
  }, 60_000);

  it('never replaces an existing file without --force, and leaves no temporary file', async () => {
    const root = tempDir();
    const dir = await exportStudy(root);
    const out = path.join(root, 'out');
    fs.mkdirSync(out);
    const file = path.join(out, 'results.csv');
    fs.writeFileSync(file, 'keep me');
    const refused = cliJson('study', 'export', dir, '--csv', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `${file} already exists: nothing was written. Pass --force to replace it`,
    );
    expect(refused.json).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');

    expect(cli('study', 'export', dir, '--csv', file, '--force').status).toBe(0);
    expect(csvLines(file)).toHaveLength(6);
    expect(fs.readdirSync(out)).toEqual(['results.csv']);

    const missingFolder = cli('study', 'export', dir, '--csv', path.join(root, 'nope', 'r.csv'));
    expect(missingFolder.status).toBe(1);
    expect(missingFolder.stderr).toContain('does not exist: create it first');
    const folder = cli('study', 'export', dir, '--csv', out);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toContain('is a folder');
    const none = cli('study', 'export', dir);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    const notStudy = cli('study', 'export', out, '--csv', path.join(root, 'x.csv'));
    expect(notStudy.status).toBe(1);
    expect(fs.existsSync(path.join(root, 'x.csv'))).toBe(false);
  }, 60_000);

  it('writes one QuPath GeoJSON file per image that the importer reads back', async () => {
    const root = tempDir();
    const dir = await exportStudy(root);
    const services = createServices({ studyDir: dir });
    try {
      const view = (await must(services, 'getStudy', {}))!;
      const image = view.subjects[0]!.timepoints[0]!.images[0]!;
      const classes = await must(services, 'listAnnotationClasses', {});
      const roi = classes.find((c) => c.role === 'roi')!;
      const stained = classes.find((c) => c.role === 'stained')!;
      const mask = {
        id: 'painted-1',
        classId: stained.id,
        kind: 'mask' as const,
        name: '',
        // 3 x 2 mask pixels at scale 2 from (10, 10): runs 0 x1, 1 x5 -> 5 mask pixels = 20 image px.
        geometry: {
          type: 'mask' as const,
          mask: { scale: 2, left: 5, top: 5, width: 3, height: 2, counts: [1, 5] },
        },
      };
      await must(services, 'saveAnnotationChanges', {
        imageId: image.id,
        put: [polygonShape(rectangle(0, 0, 50, 40), roi.id, { name: 'dermis' }), mask],
        remove: [],
      });
    } finally {
      services.close();
    }
    const out = path.join(root, 'geojson');
    const run = cli('study', 'export', dir, '--geojson', out);
    expect(run.status, run.stderr).toBe(0);
    const files = fs.readdirSync(out).sort();
    expect(files).toEqual(['=S01_@pre_img0.geojson', '=S01_@pre_img1.geojson', '=S01_post_img2.geojson']);
    const text = fs.readFileSync(path.join(out, files[0]!), 'utf8');
    const raw = JSON.parse(text);
    expect(raw.type).toBe('FeatureCollection');
    expect(raw.features[0].properties).toMatchObject({
      objectType: 'annotation',
      name: 'dermis',
      classification: { name: 'Region of interest' },
      measurements: { 'Area µm^2': 2000 * 0.25 },
    });
    const parsed = parseQuPathGeoJson(text, files[0]!);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.skipped).toEqual([]);
    expect(parsed.value.features.map((f) => f.classification?.name)).toEqual([
      'Region of interest',
      'Stained collagen',
    ]);
    expect(raw.features[1].properties.measurements['Area µm^2']).toBe(20 * 0.25);

    const again = cli('study', 'export', dir, '--geojson', out);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(cli('study', 'export', dir, '--geojson', out, '--force').status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(files);
  }, 60_000);
});
