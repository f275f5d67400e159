/**
 * `dermaquant study annotations --import` as a child process on a real study: a QuPath GeoJSON
 * imported into an image named by file name (classes mapped, one made, a shape outside skipped), a
 * RoiSet into the chosen class, and the refusals (locked image, unknown image or class) with exit 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { must } from '../helpers/annotation-study';
import { ensureMainBuilt } from '../helpers/build-main';
import { runCli as cli, runCliJson as cliJson, writeStainedBlockPng } from '../helpers/cli-run';
import { qupathRectangles, writeImageJRoi, writeRoiSet } from '../helpers/imagej-roi-writer';
import { useTempDirs } from '../helpers/temp-dir';

beforeAll(() => ensureMainBuilt(), 120_000);

const importCli = (dir: string, ...args: string[]) => cli('study', 'annotations', dir, ...args);
const importCliJson = (dir: string, ...args: string[]) => cliJson('study', 'annotations', dir, ...args);

describe('dermaquant study annotations --import (child process, real study)', () => {
  const tempDir = useTempDirs('dq-cli-annotations-');

  async function studyWithImage(root: string): Promise<string> {
    const dir = path.join(root, 'study');
    expect(cli('study', 'init', dir).status).toBe(0);
    const png = await writeStainedBlockPng(path.join(root, 'slide.png'), 500);
    expect(cli('study', 'add', dir, '--subject', 'S01', '--timepoint', 'pre', png).status).toBe(0);
    return dir;
  }

  it('imports a GeoJSON by image file name and prints the report; a RoiSet into a chosen class', async () => {
    const root = tempDir();
    const dir = await studyWithImage(root);
    const geojson = path.join(root, 'qupath.geojson');
    fs.writeFileSync(
      geojson,
      qupathRectangles([
        { box: [0, 0, 50, 50], className: 'Tissue', name: 'dermis' },
        { box: [10, 10, 20, 20], className: 'Vessel', color: [0, 0, 255] },
        { box: [200, 200, 300, 300], className: 'Exclude' },
      ]),
    );
    const run = importCliJson(dir, '--image', 'SLIDE.PNG', '--import', geojson);
    expect(run.status, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      image: { fileName: 'slide.png' },
      format: 'geojson',
      imported: [{ className: 'Region of interest', name: 'dermis' }, { className: 'Vessel' }],
      createdClasses: [{ name: 'Vessel', colour: '#0000ff' }],
      skipped: [{ source: 'feature 3', reason: 'It lies wholly outside the 100 x 100 px image.' }],
    });
    expect(run.stderr).toMatch(/warning: The shapes span x 0 to 300/);

    const zip = path.join(root, 'RoiSet.zip');
    fs.writeFileSync(zip, writeRoiSet({ '0001.roi': writeImageJRoi('rect', [60, 60, 90, 90]) }));
    const text = importCli(dir, '--image', '1', '--import', zip, '--class', 'exclude');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('imported 1 shape from RoiSet.zip into slide.png\n  Exclude\n');

    const services = createServices({ studyDir: dir });
    try {
      const stored = await must(services, 'getImageAnnotations', { imageId: 1 });
      expect(stored.annotations.map((a) => a.kind)).toEqual(['polygon', 'polygon', 'rectangle']);
    } finally {
      services.close();
    }
  });

  it('exit 1 with one line for a locked image, an unknown image or class, or a file that is not annotations', async () => {
    const root = tempDir();
    const dir = await studyWithImage(root);
    const roi = path.join(root, 'box.roi');
    fs.writeFileSync(roi, writeImageJRoi('rect', [5, 5, 45, 25]));
    const unknownImage = importCli(dir, '--image', 'other.png', '--import', roi);
    expect([unknownImage.status, unknownImage.stderr]).toEqual([
      1,
      expect.stringMatching(/^dermaquant: No image of the study is named other\.png/),
    ]);
    const unknownClass = importCli(dir, '--image', 'slide.png', '--import', roi, '--class', 'Nope');
    expect(unknownClass.stderr).toMatch(/no class named "Nope"; its classes are "Region of interest"/);
    const notAnnotations = importCli(dir, '--image', 'slide.png', '--import', path.join(root, 'slide.png'));
    expect([notAnnotations.status, notAnnotations.stderr]).toEqual([
      1,
      expect.stringMatching(/slide\.png is not an annotation file/),
    ]);

    const services = createServices({ studyDir: dir });
    await must(services, 'setImageLock', { imageId: 1, locked: true });
    services.close();
    const locked = importCliJson(dir, '--image', 'slide.png', '--import', roi);
    expect(locked.status).toBe(1);
    expect(locked.json).toMatchObject({ error: { code: 'LOCKED' } });
    expect(importCli(dir, '--image', 'slide.png').status).toBe(2);
  });
});
