import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../main/services/study/migrations';
import { closeStudyDatabase, openStudyDatabase } from '../../main/services/study/open-database';
import type { Result } from '../../shared/result';
import { studyWithImages } from '../helpers/annotation-study';
import { writePng } from '../helpers/synthetic-images';
import { useTempDirs } from '../helpers/temp-dir';

// A study folder can come from anyone: its database can name any file and any part of it can be a link
// to elsewhere. Each case plants one such trap in a real study and checks that nothing outside the
// study folder is read, written or deleted.
const tempDir = useTempDirs('dq-hostile-');
const open: Services[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const services of open.splice(0)) services.close();
});

const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);

/** A study with one imported 64 x 48 PNG, closed, plus a folder outside it for the traps to point at. */
async function closedStudy() {
  const root = tempDir();
  const { services, dir, images } = await studyWithImages(root, [{ width: 64, height: 48 }]);
  services.close();
  const outside = path.join(root, 'outside');
  fs.mkdirSync(outside);
  const image = images[0]!;
  return { dir, outside, image, previewFile: path.join(dir, 'cache', `${image.sha256}.preview.jpg`) };
}

function reopen(dir: string): Services {
  const services = createServices({ studyDir: dir });
  open.push(services);
  return services;
}

function editDatabase(dir: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path.join(dir, 'study.sqlite'));
  try {
    db.pragma('foreign_keys = OFF');
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

const region = { outer: [2, 2, 60, 2, 60, 44, 2, 44], holes: [] };

describe('a study database that names files outside the study', () => {
  it('a stored name that climbs out of images/ is refused before any path is built', async () => {
    const { dir, outside, image, previewFile } = await closedStudy();
    // A real image outside the study: without the check, its preview would be built and served.
    await writePng(path.join(outside, 'private.png'), { width: 40, height: 30, seed: 9 });
    editDatabase(dir, 'UPDATE image SET stored_name = ? WHERE id = ?', '../../outside/private.png', image.id);
    fs.rmSync(previewFile);
    const services = reopen(dir);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);

    await expect(services.imageAsset(image.id, 'preview')).rejects.toMatchObject({ code: 'STUDY_CORRUPT' });
    expect(fs.existsSync(previewFile)).toBe(false);
    for (const [method, input] of [
      ['detectStainInRegion', { imageId: image.id, region }],
      ['analyzeImage', { imageId: image.id }],
      ['getImageAnnotations', { imageId: image.id }],
    ] as const) {
      const result = await dispatch(services, method, input);
      expect(codeOf(result), method).toBe('STUDY_CORRUPT');
      expect(result.ok ? '' : result.error.message).toMatch(/damaged or was edited.*backup/);
    }
    // The study still opens: the damaged image is left out of the view, the rest is shown.
    const view = await services.getStudy({});
    expect(view?.subjects[0]?.timepoints[0]?.images).toEqual([]);
    expect(view?.subjects[0]?.code).toBe('P01');
  });

  it('a hash that is a path is refused (it names the cached previews too)', async () => {
    const { dir, outside, image } = await closedStudy();
    const sha = `../outside/${'a'.repeat(53)}`; // 64 characters, as the schema's CHECK asks
    expect(sha).toHaveLength(64);
    editDatabase(
      dir,
      'UPDATE image SET sha256 = ?, stored_name = ? WHERE id = ?',
      sha,
      `${sha}.png`,
      image.id,
    );
    const services = reopen(dir);
    await expect(services.imageAsset(image.id, 'preview')).rejects.toMatchObject({ code: 'STUDY_CORRUPT' });
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('the schema cannot use virtual tables (trusted_schema off): a planted view learns nothing', async () => {
    const { dir } = await closedStudy();
    // The subjects become a view over a pragma listing the database files (their absolute paths).
    const db = new Database(path.join(dir, 'study.sqlite'));
    db.pragma('foreign_keys = OFF');
    db.exec(`DROP TABLE subject;
      CREATE VIEW subject AS SELECT seq AS id, file AS code, '' AS notes, '' AS created_at FROM pragma_database_list;`);
    db.close();
    const services = reopen(dir);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await dispatch(services, 'getStudy', {});
    expect(JSON.stringify(result)).not.toContain('study.sqlite');
    expect(codeOf(result)).toBe('INTERNAL');
  });
});

describe('links inside the study folder', () => {
  it('a stored copy that is a link to a file outside is not read', async () => {
    const { dir, outside, image, previewFile } = await closedStudy();
    const stored = path.join(dir, 'images', `${image.sha256}.png`);
    await writePng(path.join(outside, 'private.png'), { width: 64, height: 48, seed: 5 });
    fs.rmSync(stored);
    fs.symlinkSync(path.join(outside, 'private.png'), stored);
    fs.rmSync(previewFile);
    const services = reopen(dir);
    const asset = await services.imageAsset(image.id, 'preview').then(
      () => 'served',
      (err: { code: string; message: string }) => err,
    );
    expect(asset).toMatchObject({ code: 'STUDY_CORRUPT', message: expect.stringMatching(/leads outside/) });
    expect(fs.existsSync(previewFile)).toBe(false);
    expect(codeOf(await dispatch(services, 'detectStainInRegion', { imageId: image.id, region }))).toBe(
      'STUDY_CORRUPT',
    );
  });

  it('cache/ linked elsewhere: no preview is written through it', async () => {
    const { dir, outside, image } = await closedStudy();
    fs.rmSync(path.join(dir, 'cache'), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, 'cache'));
    const services = reopen(dir);
    await expect(services.imageAsset(image.id, 'preview')).rejects.toMatchObject({ code: 'STUDY_CORRUPT' });
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('.staging linked elsewhere: an upload neither writes there nor deletes the old files there', async () => {
    const { dir, outside } = await closedStudy();
    const keep = path.join(outside, 'thesis.docx');
    fs.writeFileSync(keep, 'two years of work');
    const old = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000);
    fs.utimesSync(keep, old, old); // older than a stale upload
    fs.symlinkSync(outside, path.join(dir, '.staging'));
    const services = reopen(dir);
    await expect(services.stageUpload(new Uint8Array([1, 2, 3]), 'a.png')).rejects.toMatchObject({
      code: 'STUDY_CORRUPT',
    });
    expect(fs.readdirSync(outside)).toEqual(['thesis.docx']);
    const staged = { uploadId: 'A'.repeat(24), fileName: 'a.png' };
    expect(codeOf(await dispatch(services, 'importImages', { timepointId: 1, uploads: [staged] }))).toBe(
      'STUDY_CORRUPT',
    );
  });

  it('backups/ linked elsewhere: the backup before a migration is not written through it', async () => {
    const { dir, outside } = await closedStudy();
    fs.symlinkSync(outside, path.join(dir, 'backups'));
    const next = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'test: a later schema',
      up: (db: Database.Database) => db.exec('CREATE TABLE later (id INTEGER PRIMARY KEY) STRICT'),
    };
    await expect(openStudyDatabase(dir, false, { migrations: [...MIGRATIONS, next] })).rejects.toMatchObject({
      code: 'STUDY_CORRUPT',
    });
    expect(fs.readdirSync(outside)).toEqual([]);
    const db = await openStudyDatabase(dir, false);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('trusted_schema', { simple: true })).toBe(0);
    closeStudyDatabase(db);
  });
});
