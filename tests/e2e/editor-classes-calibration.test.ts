/**
 * The editor's calibration scope and class manager end to end: the real UI in Chromium through the
 * browser-mode HTTP bridge, real mouse and keyboard, a real SQLite study of two subjects (four
 * synthetic images: two 1200 × 900 TIFFs at 0.5 µm/px, an uncalibrated PNG and an uncalibrated JPEG).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { tissueJpeg, tissuePng, tissueTiff } from './helpers/synthetic-tissue';
import { drag, imagePointAt, readCamera, screenAt } from './helpers/viewer';
import { missingPrerequisites, screenshot, startWebSession, type WebSession } from './helpers/web-session';

const TIFF = { width: 1200, height: 900, blobs: 6, seed: 7 };

/** Subject, timepoint label, file name, bytes: imported with the real services before the server starts. */
async function prepareStudy(studyDir: string, filesDir: string) {
  const files = [
    ['S01', 'Baseline', 's01-base.tif', await tissueTiff(TIFF, 0.5)],
    ['S01', 'Week 12', 's01-w12.png', await tissuePng({ width: 1600, height: 1100, blobs: 14, seed: 11 })],
    ['S02', 'Baseline', 's02-base.tif', await tissueTiff({ ...TIFF, seed: 3 }, 0.5)],
    ['S02', 'Week 12', 's02-w12.jpg', await tissueJpeg({ width: 800, height: 600, blobs: 5, seed: 5 })],
  ] as const;
  const services = createServices({ studyDir });
  try {
    await services.createStudy({ name: 'Editor scope e2e' });
    const subjects = new Map<string, number>();
    const ids: Record<string, number> = {};
    for (const [code, label, name, bytes] of files) {
      if (!subjects.has(code)) subjects.set(code, (await services.addSubject({ code })).id);
      const timepoint = await services.addTimepoint({
        subjectId: subjects.get(code)!,
        label,
        session: null,
        date: null,
      });
      const file = path.join(filesDir, name);
      await writeFile(file, bytes);
      const outcome = await services.importFiles(timepoint.id, [{ path: file, fileName: name }]);
      const image = outcome.imported[0];
      if (!image) throw new Error(`${name} was not imported: ${JSON.stringify(outcome.failed)}`);
      ids[name] = image.id;
    }
    return ids;
  } finally {
    services.close();
  }
}

const prerequisiteProblem = missingPrerequisites();

describe('editor: calibration scope and class manager', () => {
  let session: WebSession;
  let page: Page;
  let root: string;
  let ids: Record<string, number>;
  let pairHash: string;

  async function pickTool(key: string, testId: string) {
    await page.keyboard.press(key);
    await expect.poll(() => page.getByTestId(`tool-${testId}`).getAttribute('aria-pressed')).toBe('true');
  }

  async function openPair() {
    await page.evaluate((hash) => (window.location.hash = hash), pairHash);
    await page.getByTestId('pair-view').waitFor();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="stage-before"]')?.getAttribute('data-camera'),
    );
    await page.getByTestId('measurements-before').waitFor();
  }

  /** Draws a horizontal scale-bar line on the before image; answers its length in image pixels. */
  async function drawScaleBar(y: number): Promise<number> {
    await pickTool('c', 'calibrate');
    const c = await readCamera(page, 'before');
    const from = screenAt(c, 100, y);
    const to = screenAt(c, 700, y);
    await drag(page, from, to, 6);
    await page.getByTestId('calibration-form').waitFor();
    return Math.abs(imagePointAt(c, to).x - imagePointAt(c, from).x);
  }

  /** The calibration each image tile of the study screen shows, by file name. */
  async function studyCalibrations(): Promise<Record<string, string>> {
    await page.evaluate(() => (window.location.hash = '#/'));
    await page.getByTestId('study-screen').waitFor();
    const shown: Record<string, string> = {};
    for (const [name, id] of Object.entries(ids)) {
      const tile = page.locator(`[data-testid="image-tile"][data-image-id="${id}"]`);
      shown[name] = (await tile.getByTestId('calibration-value').textContent()) ?? '';
    }
    return shown;
  }

  /** Mean RGB of a small square of the page around a screen point, read from a real screenshot. */
  async function colourAt(point: { x: number; y: number }): Promise<number[]> {
    const png = await page.screenshot({ clip: { x: point.x - 3, y: point.y - 3, width: 6, height: 6 } });
    const { channels } = await sharp(png).stats();
    return channels.slice(0, 3).map((c) => Math.round(c.mean));
  }

  beforeAll(async () => {
    if (prerequisiteProblem) throw new Error(prerequisiteProblem);
    root = await mkdtemp(path.join(os.tmpdir(), 'dq-e2e-editor-scope-'));
    const studyDir = path.join(root, 'study');
    ids = await prepareStudy(studyDir, root);
    pairHash = `#/pair/${ids['s01-base.tif']}/${ids['s01-w12.png']}`;
    session = await startWebSession({ studyDir });
    page = session.page;
    await page.getByTestId('study-screen').waitFor();
    await openPair();
  });

  afterAll(async () => {
    await session?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('offers each scope with the number of images it changes; "same objective" changes only those', async () => {
    expect(await page.getByTestId('calibration-value-before').textContent()).toContain('from file');
    const lengthPx = await drawScaleBar(800);
    const count = (scope: string) => page.getByTestId(`calibration-scope-count-${scope}`).textContent();
    await expect.poll(() => count('study')).toBe('(this image and 3 others)');
    expect(await count('image')).toBe('(this image only)');
    expect(await count('pair')).toBe('(this image and 1 other)');
    // Same pixel size (0.5 µm/px): the other subject's TIFF; the PNG and JPEG differ in size and format.
    expect(await count('objective')).toBe('(this image and 1 other)');
    await page.getByTestId('calibration-scope-objective').check();
    await page.getByTestId('calibration-length').fill('240');
    await screenshot(page, 'editor-10-calibration-scope');
    await page.getByTestId('calibration-apply').click();
    const expected = `${Number((240 / lengthPx).toPrecision(4))} µm/px`;
    await expect
      .poll(() => page.getByTestId('calibration-value-before').textContent())
      .toBe(`${expected} (from scale bar)`);
    expect(await page.getByTestId('calibration-value-after').textContent()).toBe('Not calibrated');
    const shown = await studyCalibrations();
    expect(shown['s01-base.tif']).toBe(`${expected} from scale bar`);
    expect(shown['s02-base.tif']).toBe(`${expected} from scale bar`);
    expect(shown['s01-w12.png']).toBe('Not calibrated');
    expect(shown['s02-w12.jpg']).toBe('Not calibrated');
  });

  it('calibrates every image of the study from one scale bar, shown on the study screen', async () => {
    await openPair();
    const lengthPx = await drawScaleBar(700);
    await page.getByTestId('calibration-scope-study').check();
    await page.getByTestId('calibration-length').fill('300');
    await page.getByTestId('calibration-apply').click();
    const expected = `${Number((300 / lengthPx).toPrecision(4))} µm/px`;
    await expect
      .poll(() => page.getByTestId('calibration-value-after').textContent())
      .toBe(`${expected} (from scale bar)`);
    expect(await page.getByTestId('calibration-value-before').textContent()).toBe(
      `${expected} (from scale bar)`,
    );
    expect(await page.getByTestId('editor-message').textContent()).toContain('and 3 others calibrated');
    await screenshot(page, 'editor-11-calibrated-study-wide');
    const shown = await studyCalibrations();
    for (const name of Object.keys(ids)) expect(shown[name], name).toBe(`${expected} from scale bar`);
    await screenshot(page, 'editor-12-study-screen-calibrated');
  });

  it('renames and recolours a user class (kept after a reload), refuses a taken name, hides and shows its shapes', async () => {
    await openPair();
    await pickTool('r', 'rectangle');
    await page.getByTestId('class-add').click();
    await page.getByTestId('class-name').fill('Vessels');
    await page.getByTestId('class-colour').fill('#ff0000');
    await page.getByTestId('class-add-submit').click();
    await expect
      .poll(() => page.getByTestId('class-select').locator('option:checked').textContent())
      .toBe('Vessels');
    const c = await readCamera(page, 'before');
    const centre = screenAt(c, 600, 450);
    const untouched = await colourAt(centre);
    await drag(page, screenAt(c, 450, 330), screenAt(c, 750, 570));
    await expect.poll(() => page.getByTestId('save-status-before').getAttribute('data-status')).toBe('saved');
    const red = await colourAt(centre);
    expect(red[0]! - red[2]!).toBeGreaterThan(untouched[0]! - untouched[2]! + 20);

    await page.getByTestId('class-manager').locator('summary').click();
    const row = page.locator('[data-testid^="class-row-"][data-class-name="Vessels"]');
    await row.getByTestId('class-row-name').fill('stained COLLAGEN');
    await expect.poll(() => row.getByTestId('class-row-problem').textContent()).toMatch(/already taken/);
    expect(await row.getByTestId('class-row-save').isDisabled()).toBe(true);
    await screenshot(page, 'editor-13-class-name-taken');
    await row.getByTestId('class-row-name').fill('Blood vessels');
    await row.getByTestId('class-row-colour').fill('#0000ff');
    await row.getByTestId('class-row-save').click();
    const renamed = page.locator('[data-testid^="class-row-"][data-class-name="Blood vessels"]');
    await renamed.waitFor();
    expect(await renamed.getByTestId('class-row-role').textContent()).toMatch(/your own class/);
    await expect
      .poll(async () => (await colourAt(centre))[2]! - (await colourAt(centre))[0]!)
      .toBeGreaterThan(20);
    const blue = await colourAt(centre);

    await page.reload();
    await page.getByTestId('pair-view').waitFor();
    await page.getByTestId('measurements-before').waitFor();
    await page.getByTestId('class-manager').locator('summary').click();
    const reloaded = page.locator('[data-testid^="class-row-"][data-class-name="Blood vessels"]');
    await reloaded.waitFor();
    expect(await reloaded.getByTestId('class-row-colour').inputValue()).toBe('#0000ff');
    expect(await page.locator('[data-class-name="Vessels"]').count()).toBe(0);
    // Built-in classes keep their role.
    expect(await page.locator('[data-testid="class-row-role"]').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/region measured in/),
        expect.stringMatching(/counted as stain/),
      ]),
    );

    await expect.poll(() => colourAt(centre)).toEqual(blue);
    await reloaded.getByTestId('class-row-visible').uncheck();
    await expect.poll(() => colourAt(centre)).toEqual(untouched);
    expect(await page.getByTestId('class-manager').locator('summary').textContent()).toContain('1 hidden');
    await screenshot(page, 'editor-14-class-hidden');
    // Hidden is view only: the shape is still measured.
    expect(await reloaded.getByTestId('class-row-role').textContent()).toContain('still measured');
    await reloaded.getByTestId('class-row-visible').check();
    await expect.poll(() => colourAt(centre)).toEqual(blue);
    await screenshot(page, 'editor-15-class-shown');
    expect(session.pageProblems).toEqual([]);
  });

  it('hides and shows a class’s painted masks too, without changing what is measured', async () => {
    await page.locator('body').click({ position: { x: 600, y: 20 } });
    await pickTool('b', 'brush');
    expect(await page.getByTestId('class-select').locator('option:checked').textContent()).toBe(
      'Stained collagen',
    );
    await page.getByTestId('brush-size').fill('80');
    const c = await readCamera(page, 'after');
    const spot = screenAt(c, 300, 800);
    const untouched = await colourAt(spot);
    await drag(page, screenAt(c, 200, 800), screenAt(c, 400, 800), 6);
    await expect.poll(() => page.getByTestId('save-status-after').getAttribute('data-status')).toBe('saved');
    const painted = await colourAt(spot);
    expect(painted).not.toEqual(untouched);
    const measured = await page.getByTestId('summary-after').textContent();
    const stainedRow = page.locator('[data-testid^="class-row-"][data-class-name="Stained collagen"]');
    await stainedRow.getByTestId('class-row-visible').uncheck();
    await expect.poll(() => colourAt(spot)).toEqual(untouched);
    expect(await page.getByTestId('summary-after').textContent()).toBe(measured);
    await stainedRow.getByTestId('class-row-visible').check();
    await expect.poll(() => colourAt(spot)).toEqual(painted);
    expect(session.pageProblems).toEqual([]);
  });
});
