/**
 * The annotation editor end to end: the real UI in Chromium, driven with the real mouse and keyboard,
 * against the real services through the browser-mode HTTP bridge, on a real SQLite study with two
 * synthetic tissue images (a calibrated TIFF "before", an uncalibrated PNG "after"). Each step checks
 * the numbers the measurement panel shows against geometry computed here from the camera.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { signedRingArea } from '../../shared/geometry/measure';
import { tissuePng, tissueTiff } from './helpers/synthetic-tissue';
import { drag, imagePointAt, readCamera, screenAt } from './helpers/viewer';
import { missingPrerequisites, screenshot, startWebSession, type WebSession } from './helpers/web-session';

const BEFORE = { width: 1200, height: 900, blobs: 6, seed: 7 };
const AFTER = { width: 1600, height: 1100, blobs: 14, seed: 11 };
const BEFORE_UM_PER_PX = 0.5;

type Role = 'before' | 'after';
type ClassRole = 'roi' | 'exclude' | 'stained';

/** A study with one subject and the two images, made with the real services before the server starts. */
async function prepareStudy(studyDir: string, filesDir: string) {
  const beforeFile = path.join(filesDir, 'baseline.tif');
  const afterFile = path.join(filesDir, 'week12.png');
  await writeFile(beforeFile, await tissueTiff(BEFORE, BEFORE_UM_PER_PX));
  await writeFile(afterFile, await tissuePng(AFTER));
  const services = createServices({ studyDir });
  try {
    await services.createStudy({ name: 'Editor e2e' });
    const subject = await services.addSubject({ code: 'S01' });
    const ids: number[] = [];
    for (const [label, file, name] of [
      ['Baseline', beforeFile, 'baseline.tif'],
      ['Week 12', afterFile, 'week12.png'],
    ] as const) {
      const timepoint = await services.addTimepoint({
        subjectId: subject.id,
        label,
        session: null,
        date: null,
      });
      const outcome = await services.importFiles(timepoint.id, [{ path: file, fileName: name }]);
      const image = outcome.imported[0];
      if (!image) throw new Error(`${name} was not imported: ${JSON.stringify(outcome.failed)}`);
      ids.push(image.id);
    }
    return { beforeId: ids[0]!, afterId: ids[1]! };
  } finally {
    services.close();
  }
}

const prerequisiteProblem = missingPrerequisites();

describe('annotation editor in browser mode', () => {
  let session: WebSession;
  let page: Page;
  let root: string;
  let pairHash: string;

  const classPx = async (role: Role, classRole: ClassRole) =>
    Number(
      await page
        .getByTestId(`measurements-${role}`)
        .locator(`[data-testid="class-area"][data-role="${classRole}"]`)
        .getAttribute('data-px'),
    );
  const classUm2 = (role: Role, classRole: ClassRole) =>
    page
      .getByTestId(`measurements-${role}`)
      .locator(`[data-testid="class-area"][data-role="${classRole}"] [data-testid="area-um2"]`)
      .textContent();
  const fraction = async (role: Role) =>
    Number(
      await page
        .getByTestId(`measurements-${role}`)
        .getByTestId('stained-fraction')
        .getAttribute('data-fraction'),
    );
  const saved = (role: Role) =>
    expect.poll(() => page.getByTestId(`save-status-${role}`).getAttribute('data-status')).toBe('saved');
  const message = () => page.getByTestId('editor-message').textContent();

  async function pickTool(key: string, testId: string) {
    await page.keyboard.press(key);
    await expect.poll(() => page.getByTestId(`tool-${testId}`).getAttribute('aria-pressed')).toBe('true');
  }

  beforeAll(async () => {
    if (prerequisiteProblem) throw new Error(prerequisiteProblem);
    root = await mkdtemp(path.join(os.tmpdir(), 'dq-e2e-editor-'));
    const studyDir = path.join(root, 'study');
    const { beforeId, afterId } = await prepareStudy(studyDir, root);
    pairHash = `#/pair/${beforeId}/${afterId}`;
    session = await startWebSession({ studyDir });
    page = session.page;
    await page.getByTestId('study-screen').waitFor();
    await page.evaluate((hash) => (window.location.hash = hash), pairHash);
    await page.getByTestId('pair-view').waitFor();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="stage-after"]')?.getAttribute('data-camera'),
    );
  });

  afterAll(async () => {
    await session?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('shows the tools, the classes and an empty measurement panel per image', async () => {
    await page.getByTestId('measurements-before').waitFor();
    await page.getByTestId('measurements-after').waitFor();
    for (const role of ['before', 'after'] as const) {
      for (const c of ['roi', 'exclude', 'stained'] as const) expect(await classPx(role, c)).toBe(0);
    }
    expect(await page.getByTestId('calibration-value-before').textContent()).toContain('0.5 µm/px');
    expect(await page.getByTestId('calibration-value-after').textContent()).toContain('Not calibrated');
    // Tooltips carry the shortcut.
    expect(await page.getByTestId('tool-polygon').getAttribute('title')).toMatch(/^Polygon \(P\)/);
    expect(await page.getByTestId('tool-brush').getAttribute('title')).toMatch(/^Brush \(B\)/);
    await screenshot(page, 'editor-01-pair-with-editor');
  });

  it('draws a polygon with clicks and a double-click, and the panel shows its area', async () => {
    await pickTool('p', 'polygon');
    const c = await readCamera(page, 'before');
    const corners = [
      screenAt(c, 200, 150),
      screenAt(c, 900, 180),
      screenAt(c, 1000, 700),
      screenAt(c, 300, 760),
    ];
    for (const p of corners.slice(0, 3)) await page.mouse.click(p.x, p.y);
    await page.mouse.dblclick(corners[3]!.x, corners[3]!.y);
    const ring = corners.flatMap((p) => {
      const q = imagePointAt(c, p);
      return [q.x, q.y];
    });
    const expected = Math.abs(signedRingArea(ring));
    // The shape's own outline area (shoelace) is exact; the class area counts pixel centres, so it
    // differs from it only along the boundary.
    await expect
      .poll(async () =>
        Number(
          await page.getByTestId('selection-before').getByTestId('selection-area').getAttribute('data-px'),
        ),
      )
      .toBeCloseTo(expected, 3);
    await expect.poll(() => classPx('before', 'roi')).toBeGreaterThan(0);
    expect(Math.abs((await classPx('before', 'roi')) - expected) / expected).toBeLessThan(0.005);
    // Calibrated at 0.5 µm/px: µm² = px / 4.
    const um2 = Number((await classUm2('before', 'roi'))!.replace(/,/g, ''));
    expect(um2).toBeCloseTo((await classPx('before', 'roi')) * BEFORE_UM_PER_PX ** 2, 0);
    await saved('before');
    await screenshot(page, 'editor-02-polygon');
  });

  it('draws an exclusion rectangle; the analysed area is the region of interest minus it', async () => {
    await pickTool('r', 'rectangle');
    await page.getByTestId('class-select').selectOption({ label: 'Exclude' });
    const c = await readCamera(page, 'before');
    const from = screenAt(c, 400, 300);
    const to = screenAt(c, 600, 500);
    await drag(page, from, to);
    const a = imagePointAt(c, from);
    const b = imagePointAt(c, to);
    const expected = Math.abs((b.x - a.x) * (b.y - a.y));
    await expect.poll(() => classPx('before', 'exclude')).toBeGreaterThan(0);
    expect(Math.abs((await classPx('before', 'exclude')) - expected) / expected).toBeLessThan(0.01);
    // No stain yet: a fraction of exactly zero over ROI minus exclusion.
    expect(await fraction('before')).toBe(0);
    await saved('before');
  });

  it('paints with the brush, erases, and undoes and redoes each stroke exactly', async () => {
    await pickTool('b', 'brush');
    expect(await page.getByTestId('class-select').locator('option:checked').textContent()).toBe(
      'Stained collagen',
    );
    await page.getByTestId('brush-size').fill('60');
    const c = await readCamera(page, 'before');
    await drag(page, screenAt(c, 250, 600), screenAt(c, 900, 600), 12);
    await expect.poll(() => classPx('before', 'stained')).toBeGreaterThan(0);
    await saved('before');
    const painted = await classPx('before', 'stained');
    // A 60 px wide band 650 px long plus the round caps: about 60 * 650 + pi * 30^2.
    expect(painted).toBeGreaterThan(0.9 * (60 * 650 + Math.PI * 900));
    expect(painted).toBeLessThan(1.1 * (60 * 650 + Math.PI * 900));
    expect(await fraction('before')).toBeGreaterThan(0);

    await pickTool('e', 'eraser');
    await drag(page, screenAt(c, 500, 520), screenAt(c, 500, 680), 6);
    await expect.poll(() => classPx('before', 'stained')).toBeLessThan(painted);
    // The panel follows a stroke every 50 ms: read the final number once the stroke is saved.
    await saved('before');
    const erased = await classPx('before', 'stained');
    await screenshot(page, 'editor-03-brush-and-eraser');

    await page.keyboard.press('Control+z');
    await expect.poll(() => classPx('before', 'stained')).toBe(painted);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => classPx('before', 'stained')).toBe(erased);
    await page.keyboard.press('Control+z');
    await expect.poll(() => classPx('before', 'stained')).toBe(painted);
    await page.keyboard.press('Control+y');
    await expect.poll(() => classPx('before', 'stained')).toBe(erased);
    await saved('before');
  });

  it('Alt swaps the brush to erasing', async () => {
    await pickTool('b', 'brush');
    const before = await classPx('before', 'stained');
    const c = await readCamera(page, 'before');
    await page.keyboard.down('Alt');
    await drag(page, screenAt(c, 300, 560), screenAt(c, 300, 640), 4);
    await page.keyboard.up('Alt');
    await expect.poll(() => classPx('before', 'stained')).toBeLessThan(before);
    await page.keyboard.press('Control+z');
    await expect.poll(() => classPx('before', 'stained')).toBe(before);
  });

  it('Escape cancels the gesture in progress; undo is refused while drawing', async () => {
    const roi = await classPx('before', 'roi');
    const stained = await classPx('before', 'stained');
    const c = await readCamera(page, 'before');

    await pickTool('p', 'polygon');
    await page.mouse.click(screenAt(c, 100, 100).x, screenAt(c, 100, 100).y);
    await page.mouse.click(screenAt(c, 150, 400).x, screenAt(c, 150, 400).y);
    await page.keyboard.press('Control+z');
    await expect.poll(message).toContain('Cannot undo while drawing');
    // Backspace takes the last corner back; Escape drops the rest.
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Escape');

    await pickTool('b', 'brush');
    await page.mouse.move(screenAt(c, 700, 300).x, screenAt(c, 700, 300).y);
    await page.mouse.down();
    await page.mouse.move(screenAt(c, 800, 320).x, screenAt(c, 800, 320).y, { steps: 5 });
    await expect.poll(() => classPx('before', 'stained')).toBeGreaterThan(stained);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    await expect.poll(() => classPx('before', 'stained')).toBe(stained);
    expect(await classPx('before', 'roi')).toBe(roi);

    // Escape touched neither undo nor redo: the last undo step is still the eraser's redo.
    await page.keyboard.press('Control+z');
    await expect.poll(() => classPx('before', 'stained')).toBeGreaterThan(stained);
    await page.keyboard.press('Control+y');
    await expect.poll(() => classPx('before', 'stained')).toBe(stained);
    await saved('before');
  });

  it('fills a stained blob with the magic wand, wider when dragged away from the seed', async () => {
    await pickTool('w', 'wand');
    // The synthetic "after" image has purple blobs; find one by its colour on the stage canvas.
    const seed = await page.getByTestId('stage-after').evaluate((el) => {
      const canvas = el.querySelector('canvas') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const { width, height } = canvas;
      const data = ctx.getImageData(0, 0, width, height).data;
      const ratio = width / el.clientWidth;
      let best = { x: 0, y: 0, score: -Infinity };
      for (let y = 0; y < height; y += 2) {
        for (let x = 0; x < width; x += 2) {
          const i = (y * width + x) * 4;
          // The blobs' stain absorbs red more than blue; the pink counterstain the other way round.
          const score = data[i + 2]! - data[i]!;
          if (score > best.score) best = { x, y, score };
        }
      }
      const box = el.getBoundingClientRect();
      return { x: Math.round(box.left + best.x / ratio), y: Math.round(box.top + best.y / ratio) };
    });
    await page.mouse.click(seed.x, seed.y);
    await expect.poll(() => classPx('after', 'stained')).toBeGreaterThan(0);
    await saved('after');
    const plain = await classPx('after', 'stained');
    await page.keyboard.press('Control+z');
    await expect.poll(() => classPx('after', 'stained')).toBe(0);
    await drag(page, seed, { x: seed.x + 60, y: seed.y }, 10);
    await expect.poll(() => classPx('after', 'stained')).toBeGreaterThan(plain);
    expect(await message()).toMatch(/tolerance \d+/);
    await saved('after');
    await screenshot(page, 'editor-04-magic-wand');
  });

  it('calibrates the after image from a line along a scale bar, then shows µm²', async () => {
    expect(await classUm2('after', 'stained')).toBe('—');
    await pickTool('c', 'calibrate');
    const c = await readCamera(page, 'after');
    const from = screenAt(c, 100, 1000);
    const to = screenAt(c, 500, 1000);
    await drag(page, from, to, 6);
    await page.getByTestId('calibration-form').waitFor();
    const lengthPx = Math.abs(imagePointAt(c, to).x - imagePointAt(c, from).x);
    await screenshot(page, 'editor-05-calibration-line');
    await page.getByTestId('calibration-length').fill('200');
    await page.getByTestId('calibration-apply').click();
    await expect
      .poll(() => page.getByTestId('calibration-value-after').textContent())
      .toContain('from scale bar');
    const shown = Number(
      /([\d.]+) µm\/px/.exec((await page.getByTestId('calibration-value-after').textContent())!)![1],
    );
    expect(shown).toBeCloseTo(200 / lengthPx, 3);
    const px = await classPx('after', 'stained');
    const um2 = Number((await classUm2('after', 'stained'))!.replace(/,/g, ''));
    expect(Math.abs(um2 - px * (200 / lengthPx) ** 2) / um2).toBeLessThan(0.01);
    // The before image kept its own calibration from the file.
    expect(await page.getByTestId('calibration-value-before').textContent()).toContain('0.5 µm/px');
  });

  it('locks an image: edits are refused with a message, and allowed again after unlocking', async () => {
    await page.getByTestId('lock-before').click();
    await expect.poll(() => page.getByTestId('lock-before').getAttribute('aria-pressed')).toBe('true');
    const stained = await classPx('before', 'stained');
    await pickTool('b', 'brush');
    const c = await readCamera(page, 'before');
    await drag(page, screenAt(c, 700, 250), screenAt(c, 800, 250), 4);
    await expect.poll(message).toContain('locked');
    expect(await classPx('before', 'stained')).toBe(stained);
    await screenshot(page, 'editor-06-locked');

    await page.getByTestId('lock-before').click();
    await expect.poll(() => page.getByTestId('lock-before').getAttribute('aria-pressed')).toBe('false');
    await drag(page, screenAt(c, 700, 250), screenAt(c, 800, 250), 4);
    await expect.poll(() => classPx('before', 'stained')).toBeGreaterThan(stained);
    await saved('before');
  });

  it('copies the region of interest to the paired image', async () => {
    const roi = await classPx('before', 'roi');
    expect(await classPx('after', 'roi')).toBe(0);
    await page.getByTestId('copy-roi-before').click();
    await expect.poll(() => classPx('after', 'roi')).toBeGreaterThan(0);
    // Same pixel coordinates and the outline lies inside both images: the same area.
    expect(await classPx('after', 'roi')).toBe(roi);
    expect(await message()).toContain('Copied 1 region of interest');
    await screenshot(page, 'editor-07-roi-copied');
  });

  it('detects stain inside the region of interest as an editable mask', async () => {
    await pickTool('d', 'detect');
    const c = await readCamera(page, 'after');
    const stainedBefore = await classPx('after', 'stained');
    const inside = screenAt(c, 600, 450);
    await page.mouse.click(inside.x, inside.y);
    await expect.poll(() => message(), { timeout: 30_000 }).toMatch(/Detected [\d,]+ stained pixels/);
    await expect.poll(() => classPx('after', 'stained')).toBeGreaterThan(stainedBefore);
    await saved('after');
    await screenshot(page, 'editor-08-detected');
  });

  /** Area of the user's class; its row shows once the class has an area on that image. */
  const userPx = async (role: Role) => {
    const row = page
      .getByTestId(`measurements-${role}`)
      .locator('[data-testid="class-area"][data-role="user"]');
    return (await row.count()) === 0 ? 0 : Number(await row.getAttribute('data-px'));
  };

  it('adds a class of the user’s own, and draws an ellipse and a freehand lasso in it', async () => {
    await pickTool('o', 'ellipse');
    await page.getByTestId('class-add').click();
    await page.getByTestId('class-name').fill('Vessel');
    await page.getByTestId('class-colour').fill('#0b7285');
    await page.getByTestId('class-add-submit').click();
    await expect
      .poll(() => page.getByTestId('class-select').locator('option:checked').textContent())
      .toBe('Vessel');

    const c = await readCamera(page, 'after');
    const from = screenAt(c, 1100, 200);
    const to = screenAt(c, 1400, 500);
    await drag(page, from, to);
    const a = imagePointAt(c, from);
    const b = imagePointAt(c, to);
    const ellipse = (Math.PI * Math.abs(b.x - a.x) * Math.abs(b.y - a.y)) / 4;
    await expect.poll(() => userPx('after')).toBeGreaterThan(0);
    expect(Math.abs((await userPx('after')) - ellipse) / ellipse).toBeLessThan(0.01);
    expect(await page.getByTestId('selection-after').textContent()).toContain('Ellipse');

    await pickTool('l', 'lasso');
    const centre = { x: 1250, y: 800 };
    const start = screenAt(c, centre.x + 100, centre.y);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 48; i++) {
      const p = screenAt(
        c,
        centre.x + 100 * Math.cos((i * Math.PI) / 24),
        centre.y + 100 * Math.sin((i * Math.PI) / 24),
      );
      await page.mouse.move(p.x, p.y);
    }
    await page.mouse.up();
    await expect.poll(() => userPx('after')).toBeGreaterThan(ellipse * 1.2);
    const lasso = (await userPx('after')) - ellipse;
    // Screen positions are whole pixels (about 3.6 image px here): the circle is only approximately one.
    expect(Math.abs(lasso - Math.PI * 100 ** 2) / (Math.PI * 100 ** 2)).toBeLessThan(0.05);
    expect(await page.getByTestId('selection-after').textContent()).toContain('Freehand outline');
    await saved('after');
    await screenshot(page, 'editor-09a-user-class-ellipse-lasso');
  });

  it('selects, moves, reshapes and deletes shapes with the select tool', async () => {
    await pickTool('v', 'select');
    const c = await readCamera(page, 'after');
    const total = await userPx('after');
    const ellipseAt = screenAt(c, 1250, 350);
    await page.mouse.click(ellipseAt.x, ellipseAt.y);
    await expect.poll(() => page.getByTestId('selection-after').textContent()).toContain('Ellipse');
    const area = Number(
      await page.getByTestId('selection-after').getByTestId('selection-area').getAttribute('data-px'),
    );

    // Move it up by 100 image px: same area, new place.
    await drag(page, ellipseAt, screenAt(c, 1250, 250), 6);
    await saved('after');
    // Moved by whole screen pixels (fractions of image pixels): the pixel count may differ at the rim.
    expect(Math.abs((await userPx('after')) - total) / total).toBeLessThan(0.001);
    const moved = await userPx('after');
    expect(
      Number(await page.getByTestId('selection-after').getByTestId('selection-area').getAttribute('data-px')),
    ).toBeCloseTo(area, 6);
    const oldSpot = screenAt(c, 1250, 470);
    await page.mouse.click(oldSpot.x, oldSpot.y);
    await page.getByTestId('selection-after').waitFor({ state: 'detached' });
    const newSpot = screenAt(c, 1250, 150);
    await page.mouse.click(newSpot.x, newSpot.y);
    await expect.poll(() => page.getByTestId('selection-after').textContent()).toContain('Ellipse');

    // Delete, and undo the deletion.
    await page.keyboard.press('Delete');
    await expect.poll(() => userPx('after')).toBeLessThan(moved);
    await page.keyboard.press('Control+z');
    await expect.poll(() => userPx('after')).toBe(moved);

    // Reshape the exclusion rectangle on the before image by its bottom-right corner.
    const b = await readCamera(page, 'before');
    const inside = screenAt(b, 500, 400);
    await page.mouse.click(inside.x, inside.y);
    await expect.poll(() => page.getByTestId('selection-before').textContent()).toContain('Rectangle');
    await drag(page, screenAt(b, 600, 500), screenAt(b, 700, 560), 6);
    const expected = (700 - 400) * (560 - 300);
    await expect
      .poll(async () => Math.abs((await classPx('before', 'exclude')) - expected) / expected)
      .toBeLessThan(0.03);
    await saved('before');
    await screenshot(page, 'editor-09b-reshaped');
  });

  it('pans with Space+drag and with the middle button while a drawing tool is active', async () => {
    await pickTool('b', 'brush');
    const stained = await classPx('before', 'stained');
    const c0 = await readCamera(page, 'before');
    const centre = { x: Math.round(c0.left + c0.width / 2), y: Math.round(c0.top + c0.height / 2) };
    await page.keyboard.down(' ');
    await drag(page, centre, { x: centre.x + 80, y: centre.y + 40 }, 5);
    await page.keyboard.up(' ');
    const c1 = await readCamera(page, 'before');
    // The pan follows the pointer (within a pixel of how the drag's first move is split).
    expect(Math.abs(c1.x - c0.x - 80)).toBeLessThanOrEqual(2);
    expect(Math.abs(c1.y - c0.y - 40)).toBeLessThanOrEqual(2);

    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(centre.x - 50, centre.y, { steps: 5 });
    await page.mouse.up({ button: 'middle' });
    const c2 = await readCamera(page, 'before');
    expect(Math.abs(c2.x - c1.x + 50)).toBeLessThanOrEqual(2);
    // Nothing was painted by either drag.
    expect(await classPx('before', 'stained')).toBe(stained);
    await page.keyboard.press('f');
  });

  it('splits a self-crossing outline, refuses one without area, and clips one partly outside', async () => {
    await pickTool('p', 'polygon');
    expect(await page.getByTestId('class-select').locator('option:checked').textContent()).toBe('Vessel');
    const c = await readCamera(page, 'before');
    const click = async (x: number, y: number) => {
      const p = screenAt(c, x, y);
      await page.mouse.click(p.x, p.y);
    };
    expect(await userPx('before')).toBe(0);
    // A bow tie: two triangles of 200 x 100 / 2 each.
    await click(100, 80);
    await click(300, 280);
    await click(300, 80);
    await click(100, 280);
    await page.keyboard.press('Enter');
    await expect.poll(message).toContain('crossed itself');
    expect(await message()).toContain('2 separate parts');
    await expect.poll(() => userPx('before')).toBeGreaterThan(0);
    expect(Math.abs((await userPx('before')) - 20_000) / 20_000).toBeLessThan(0.05);
    const bowTie = await userPx('before');

    // Three corners on one line: no area, nothing stored.
    await click(100, 850);
    await click(300, 850);
    await click(500, 850);
    await page.keyboard.press('Enter');
    await expect.poll(message).toMatch(/not saved/);
    await page.keyboard.press('Escape');
    expect(await userPx('before')).toBe(bowTie);

    // A rectangle over the image's bottom-right corner keeps only the part inside.
    await pickTool('r', 'rectangle');
    const from = screenAt(c, 1100, 800);
    const to = screenAt(c, 1300, 1000);
    await drag(page, from, to);
    await expect.poll(message).toContain('outside the image was cut off');
    // Unclipped it would be 200 x 200 image px; inside the image about 100 x 100 are left.
    const outline = Number(
      await page.getByTestId('selection-before').getByTestId('selection-area').getAttribute('data-px'),
    );
    const a = imagePointAt(c, from);
    expect(Math.abs(outline - (1200 - a.x) * (900 - a.y)) / outline).toBeLessThan(0.08);
    await expect
      .poll(async () => Math.abs((await userPx('before')) - bowTie - outline) / outline)
      .toBeLessThan(0.02);
    await saved('before');
    await screenshot(page, 'editor-09c-repaired-and-clipped');
  });

  it('opens the help overlay with ? and closes it with Escape', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('help-overlay').waitFor();
    expect(await page.getByTestId('help-overlay').textContent()).toContain('Magic wand');
    await screenshot(page, 'editor-09-help');
    await page.keyboard.press('Escape');
    await page.getByTestId('help-overlay').waitFor({ state: 'detached' });
  });

  it('finds everything again after a reload', async () => {
    const values: Record<string, number> = {};
    await saved('before');
    await saved('after');
    for (const role of ['before', 'after'] as const)
      for (const c of ['roi', 'exclude', 'stained'] as const) values[`${role}-${c}`] = await classPx(role, c);
    await page.reload();
    await page.getByTestId('measurements-after').waitFor();
    for (const role of ['before', 'after'] as const)
      for (const c of ['roi', 'exclude', 'stained'] as const)
        await expect.poll(() => classPx(role, c)).toBe(values[`${role}-${c}`]);
    expect(await page.getByTestId('calibration-value-after').textContent()).toContain('from scale bar');
    await screenshot(page, 'editor-10-after-reload');
    expect(session.pageProblems).toEqual([]);
  });
});
