import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportOutcome, StudyView } from '../../shared/domain';
import { LATEST_SCHEMA_VERSION } from '../../main/services/study/migrations';
import { ensureMainBuilt } from '../helpers/build-main';
import { cliBundle, hasSharedData, repoRoot, sharedImage } from '../helpers/paths';
import { canUseReadOnlyBindMount, runWithReadOnlyFolder } from '../helpers/read-only';
import { writeJpeg, writePng } from '../helpers/synthetic-images';
import { useTempDirs } from '../helpers/temp-dir';

/** Run the bundled CLI as a user would: a separate node process, real files, real exit codes. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [cliBundle, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const readOnlyMountWorks = canUseReadOnlyBindMount();

// The bundle as `npm run build:main` makes it (its externals included), built once under the shared lock:
// a build of its own here raced the other test files and left out/ without bundle.mjs's externals.
beforeAll(() => ensureMainBuilt(), 120_000);

describe('dermaquant CLI: help and usage', () => {
  it('prints help and the version with exit 0, through the bin shim too', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('study');
    const addHelp = cli('study', 'add', '--help');
    expect(addHelp.status).toBe(0);
    for (const option of ['--subject', '--timepoint', '--session', '--date', '--um-per-px', '--json']) {
      expect(addHelp.stdout).toContain(option);
    }
    expect(cli('--version').stdout.trim()).toBe('0.1.0');
    const shim = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'main/cli/dermaquant.cjs'), 'study', '--help'],
      {
        encoding: 'utf8',
      },
    );
    expect(shim.status).toBe(0);
    expect(shim.stdout).toContain('init');
  });

  it('exits 2 on bad usage with a message on stderr and nothing on stdout', () => {
    const cases = [
      ['bogus'],
      ['study'],
      ['study', 'add', '/tmp/x', 'a.png'],
      ['study', 'add', '/tmp/x', '--subject', 'S', '--timepoint', 'T', '--session', 'two', 'a.png'],
      ['study', 'add', '/tmp/x', '--subject', 'S', '--timepoint', 'T', '--date', '2024-02-30', 'a.png'],
      ['study', 'add', '/tmp/x', '--subject', 'S', '--timepoint', 'T', '--um-per-px', '-1', 'a.png'],
      ['study', 'list'],
      ['study', 'init', '/tmp/x', '--bogus-option'],
    ];
    for (const args of cases) {
      const result = cli(...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toBe('');
      expect(result.stdout, args.join(' ')).toBe('');
    }
  });
});

describe('dermaquant study init / add / list', () => {
  const tempDir = useTempDirs();

  it('creates a study, adds images (creating subject and timepoint) and lists it, in text and JSON', async () => {
    const root = tempDir();
    const dir = path.join(root, 'pilot');
    const a = await writePng(path.join(root, 'a.png'), { width: 60, height: 40, seed: 1 });
    const b = await writeJpeg(path.join(root, 'b.jpg'), { width: 50, height: 30, seed: 2 });

    const init = cli('study', 'init', dir, '--name', 'Pilot study');
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(`Created study "Pilot study" in ${dir}`);

    const add = cli(
      'study',
      'add',
      dir,
      '--subject',
      'P01',
      '--timepoint',
      'before',
      '--session',
      '0',
      '--date',
      '2024-01-15',
      a,
      b,
    );
    expect(add.status).toBe(0);
    expect(add.stdout).toMatch(/imported\s+a\.png\s+60 x 40 px/);
    expect(add.stdout).toMatch(/imported\s+b\.jpg\s+50 x 30 px/);

    const after = cli(
      'study',
      'add',
      dir,
      '--subject',
      'p01',
      '--timepoint',
      'after 3',
      '--um-per-px',
      '0.5',
      '--json',
      a,
    );
    expect(after.status).toBe(0);
    expect(after.stderr).toBe('');
    // The same bytes again: recognised as a duplicate of the image already in "before".
    const afterJson = JSON.parse(after.stdout) as ImportOutcome & { subject: { code: string } };
    expect(afterJson.subject.code).toBe('P01');
    expect(afterJson.imported).toEqual([]);
    expect(afterJson.duplicates.map((d) => d.fileName)).toEqual(['a.png']);

    const c = await writePng(path.join(root, 'c.png'), { width: 20, height: 20, seed: 3 });
    const typed = JSON.parse(
      cli(
        'study',
        'add',
        dir,
        '--subject',
        'P01',
        '--timepoint',
        'after 3',
        '--um-per-px',
        '0.5',
        '--json',
        c,
      ).stdout,
    ) as ImportOutcome;
    expect(typed.imported[0]).toMatchObject({ umPerPx: 0.5, calibrationSource: 'typed' });

    const list = cli('study', 'list', dir);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('Study "Pilot study"');
    expect(list.stdout).toMatch(/before \(session 0, 2024-01-15, 2 images\)/);
    expect(list.stdout).toMatch(/after 3 \(1 image\)/);

    const json = cli('study', 'list', dir, '--json');
    expect(json.status).toBe(0);
    expect(json.stderr).toBe('');
    const view = StudyView.parse(JSON.parse(json.stdout));
    expect(view.study).toMatchObject({
      name: 'Pilot study',
      schemaVersion: LATEST_SCHEMA_VERSION,
      readOnly: false,
    });
    expect(view.subjects.map((s) => [s.code, s.timepoints.map((t) => [t.label, t.images.length])])).toEqual([
      [
        'P01',
        [
          ['before', 2],
          ['after 3', 1],
        ],
      ],
    ]);
    expect(fs.readdirSync(path.join(dir, 'images'))).toHaveLength(3);
  });

  it('keeps the good files of a batch, names each failed file on stderr and exits 1', async () => {
    const root = tempDir();
    const dir = path.join(root, 's');
    expect(cli('study', 'init', dir).status).toBe(0);
    const good = await writePng(path.join(root, 'good.png'), { width: 30, height: 30 });
    const text = path.join(root, 'notes.txt');
    fs.writeFileSync(text, 'hello');
    const result = cli(
      'study',
      'add',
      dir,
      '--subject',
      'S1',
      '--timepoint',
      'before',
      '--json',
      good,
      text,
      path.join(root, 'missing.tif'),
    );
    expect(result.status).toBe(1);
    const outcome = ImportOutcome.parse(JSON.parse(result.stdout));
    expect(outcome.imported.map((i) => i.fileName)).toEqual(['good.png']);
    expect(outcome.failed.map((f) => f.code)).toEqual(['NOT_AN_IMAGE', 'FILE_NOT_FOUND']);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^dermaquant: notes\.txt is not an image/);
    expect(lines[1]).toMatch(/^dermaquant: missing\.tif was not found/);
    const view = StudyView.parse(JSON.parse(cli('study', 'list', dir, '--json').stdout));
    expect(view.subjects[0]?.timepoints[0]?.images.map((i) => i.fileName)).toEqual(['good.png']);
  });

  it('refuses a folder that is not a study with one line and exit 1 (JSON error document with --json)', () => {
    const dir = tempDir();
    const text = cli('study', 'list', dir);
    expect(text.status).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr.trim().split('\n')).toHaveLength(1);
    expect(text.stderr).toContain(`${dir} is not a DermaQuant study`);
    const json = cli('study', 'list', dir, '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'NOT_A_STUDY' } });
    const add = cli('study', 'add', dir, '--subject', 'S', '--timepoint', 'T', 'x.png');
    expect(add.status).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a study from a newer version, and init where a study exists', () => {
    const dir = path.join(tempDir(), 's');
    expect(cli('study', 'init', dir).status).toBe(0);
    const again = cli('study', 'init', dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('There is already a study');
    const db = new Database(path.join(dir, 'study.sqlite'));
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const result = cli('study', 'list', dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    expect(result.stderr).toContain('Update DermaQuant');
  });

  it.skipIf(!readOnlyMountWorks)(
    'lists a study on a read-only mount and refuses to add to it (exit 1)',
    async () => {
      const root = tempDir();
      const dir = path.join(root, 's');
      const image = await writePng(path.join(root, 'i.png'), { width: 20, height: 20 });
      expect(cli('study', 'init', dir).status).toBe(0);
      expect(cli('study', 'add', dir, '--subject', 'S', '--timepoint', 'T', image).status).toBe(0);
      const before = fs.readFileSync(path.join(dir, 'study.sqlite'));
      const list = runWithReadOnlyFolder(dir, [process.execPath, cliBundle, 'study', 'list', dir]);
      expect(list.status).toBe(0);
      expect(list.stdout).toContain('read-only');
      const second = await writePng(path.join(root, 'j.png'), { width: 20, height: 20, seed: 5 });
      const add = runWithReadOnlyFolder(dir, [
        process.execPath,
        cliBundle,
        'study',
        'add',
        dir,
        '--subject',
        'S',
        '--timepoint',
        'T',
        second,
      ]);
      expect(add.status).toBe(1);
      expect(add.stderr).toContain(`The study ${dir} is read-only`);
      expect(fs.readFileSync(path.join(dir, 'study.sqlite'))).toEqual(before);
      expect(fs.readdirSync(path.join(dir, 'images'))).toHaveLength(1);
    },
  );
  if (!readOnlyMountWorks)
    console.warn(
      'cli-study: read-only mount test skipped: `unshare --mount --map-root-user` is not available.',
    );

  it.skipIf(!hasSharedData)(
    'imports the real SVS and OME-TIFF with their calibration and refuses the JPEG 2000 SVS',
    () => {
      const dir = path.join(tempDir(), 'real');
      expect(cli('study', 'init', dir).status).toBe(0);
      const result = cli(
        'study',
        'add',
        dir,
        '--subject',
        'CMU',
        '--timepoint',
        'before',
        sharedImage('CMU-1-small-region_skin_HE.svs'),
        sharedImage('OS-1-detail_HE.ome.tif'),
        sharedImage('TCGA-CR-7395-01A-01-TS1_HE_pyramid_j2k.svs'),
      );
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /imported\s+CMU-1-small-region_skin_HE\.svs\s+2220 x 2967 px, 8-bit, 0\.499 um\/px, svs/,
      );
      expect(result.stdout).toMatch(
        /imported\s+OS-1-detail_HE\.ome\.tif\s+1101 x 1101 px, 8-bit, 0\.2271 um\/px, tiff/,
      );
      expect(result.stderr).toContain(
        'TCGA-CR-7395-01A-01-TS1_HE_pyramid_j2k.svs is a JPEG 2000-compressed SVS',
      );
    },
  );
});
