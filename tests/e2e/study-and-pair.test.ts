/**
 * The walking skeleton end to end: the real UI in Chromium against the real services through the
 * browser-mode HTTP bridge (`node out/web.cjs`), with real sharp decoding and a real SQLite study in a
 * temporary folder. Screenshots go to tests/output/screenshots/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page, Route } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tissueJpeg, tissuePng, tissueTiff } from './helpers/synthetic-tissue';
import { centrePixel, dropFiles, imagePointAt, readCamera, relativeCentre } from './helpers/viewer';
import { missingPrerequisites, screenshot, startWebSession, type WebSession } from './helpers/web-session';

const BEFORE = { width: 1200, height: 900, blobs: 6, seed: 7 };
const AFTER = { width: 1600, height: 1100, blobs: 14, seed: 11 };
const BEFORE_UM_PER_PX = 0.5;

const prerequisiteProblem = missingPrerequisites();

describe('browser mode: study, import, pair view', () => {
  let session: WebSession;
  let page: Page;
  let files: string;
  const file = (name: string) => path.join(files, name);

  beforeAll(async () => {
    if (prerequisiteProblem) throw new Error(prerequisiteProblem);
    files = await mkdtemp(path.join(os.tmpdir(), 'dq-e2e-files-'));
    await writeFile(file('baseline-S01.tif'), await tissueTiff(BEFORE, BEFORE_UM_PER_PX));
    await writeFile(file('week12-S01.png'), await tissuePng(AFTER));
    await writeFile(file('notes.txt'), 'Biopsy notes: not an image.\n');
    session = await startWebSession();
    page = session.page;
  });

  afterAll(async () => {
    await session?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  const timepoint = (label: string) => page.locator(`[data-testid="timepoint"][data-label="${label}"]`);

  async function importThroughPicker(label: string, paths: string[]) {
    const chooser = page.waitForEvent('filechooser');
    await timepoint(label).getByTestId('import-button').click();
    await (await chooser).setFiles(paths);
  }

  it('creates a study from the start screen', async () => {
    await page.getByTestId('start-screen').waitFor();
    await screenshot(page, '01-start-screen');
    await page.getByTestId('study-name-input').fill('Microneedling pilot');
    await page.getByTestId('create-study').click();
    await page.getByTestId('study-screen').waitFor();
    expect(await page.getByTestId('study-title').textContent()).toContain('Microneedling pilot');
    await page.getByTestId('no-subjects').waitFor();
  });

  it('adds a subject with two timepoints, and renames them inline', async () => {
    await page.getByTestId('subject-code-input').fill('S01');
    await page.getByTestId('add-subject').click();
    const subject = page.getByTestId('subject');
    await subject.waitFor();

    const addTimepoint = async (label: string, session: string, date: string) => {
      await page.getByTestId('add-timepoint-label').fill(label);
      await page.getByTestId('add-timepoint-session').fill(session);
      await page.getByTestId('add-timepoint-date').fill(date);
      await page.getByTestId('add-timepoint-submit').click();
      await timepoint(label).waitFor();
    };
    await addTimepoint('Baseline', '0', '2025-01-15');
    await addTimepoint('Week 12', '3', '2025-04-09');
    expect(await timepoint('Week 12').textContent()).toContain('Session 3 · 2025-04-09');

    await page.getByTestId('subject-code-rename').click();
    await page.getByTestId('subject-code-input').last().fill('DQ-001');
    await page.getByTestId('subject-code-input').last().press('Enter');
    await expect.poll(() => page.getByTestId('subject-code').textContent()).toBe('DQ-001');

    // A code already in use is refused with the server's message, and nothing changes.
    await page.getByTestId('subject-code-input').first().fill('DQ-001');
    await page.getByTestId('add-subject').click();
    const notice = page.getByTestId('notice-error');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('DQ-001');
    await screenshot(page, '02a-duplicate-subject-refused');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.getByTestId('subject').count()).toBe(1);

    await timepoint('Week 12').getByTestId('edit-timepoint-open').click();
    await page.getByTestId('edit-timepoint-label').fill('Week 12 (after)');
    await page.getByTestId('edit-timepoint-submit').click();
    await timepoint('Week 12 (after)').waitFor();
    expect(await timepoint('Week 12 (after)').textContent()).toContain('Session 3 · 2025-04-09');
  });

  it('imports a calibrated TIFF and a PNG through the file picker and shows thumbnails', async () => {
    await importThroughPicker('Baseline', [file('baseline-S01.tif')]);
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toBe('1 image imported.');
    await importThroughPicker('Week 12 (after)', [file('week12-S01.png')]);
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toBe('1 image imported.');

    for (const [label, name] of [
      ['Baseline', 'baseline-S01.tif'],
      ['Week 12 (after)', 'week12-S01.png'],
    ] as const) {
      const tile = timepoint(label).getByTestId('image-tile');
      await expect.poll(() => tile.count()).toBe(1);
      expect(await tile.getByTestId('image-name').textContent()).toBe(name);
      // The thumbnail really loaded (a broken image has naturalWidth 0).
      await expect
        .poll(() => tile.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
        .toBeGreaterThan(0);
    }
    expect(await timepoint('Baseline').getByTestId('calibration-value').textContent()).toBe(
      `${BEFORE_UM_PER_PX} µm/px from file`,
    );
    expect(await timepoint('Baseline').textContent()).toContain('1,200 × 900 px');
    expect(await timepoint('Week 12 (after)').getByTestId('calibration-value').textContent()).toBe(
      'Not calibrated',
    );
    await screenshot(page, '02-study-with-images');
  });

  it('reports a text file with the server’s own message, and a duplicate without copying it', async () => {
    // Pass the upload and import requests through a route to keep a copy of what the server answered
    // (Chromium may drop fetch() response bodies from its inspector cache).
    const answers: Record<string, unknown>[] = [];
    const pattern = /\/(upload|api\/importImages)(\?|$)/;
    const record = async (route: Route) => {
      const response = await route.fetch();
      answers.push((await response.json()) as Record<string, unknown>);
      await route.fulfill({ response });
    };
    await page.route(pattern, record);
    await importThroughPicker('Baseline', [file('notes.txt')]);
    await page.getByTestId('import-failure').waitFor();
    await page.unroute(pattern, record);

    // The message shown is the one the server sent for this file, whichever step refused it.
    const serverMessages = answers.flatMap((body) => {
      if (body.ok === false) return [(body.error as { message: string }).message];
      const failed = (body.value as { failed?: { fileName: string; message: string }[] }).failed ?? [];
      return failed.filter((f) => f.fileName === 'notes.txt').map((f) => f.message);
    });
    expect(serverMessages).toHaveLength(1);
    const shown = await page.getByTestId('import-failure-message').textContent();
    expect(shown).toBe(serverMessages[0]);
    expect(shown).toMatch(/notes\.txt|not an image|image/i);
    expect(await page.getByTestId('import-summary').textContent()).toBe(
      '0 images imported, 1 file not imported.',
    );
    await screenshot(page, '03-import-error');
    await expect.poll(() => timepoint('Baseline').getByTestId('image-tile').count()).toBe(1);

    await importThroughPicker('Week 12 (after)', [file('week12-S01.png')]);
    await page.getByTestId('import-duplicate').waitFor();
    expect(await page.getByTestId('import-summary').textContent()).toBe(
      '0 images imported, 1 duplicate recognised.',
    );
    await expect.poll(() => timepoint('Week 12 (after)').getByTestId('image-tile').count()).toBe(1);
  });

  it('opens the default pair side by side, with labels, a scale bar and a "not calibrated" note', async () => {
    expect(await page.getByTestId('pair-before').locator('option:checked').textContent()).toBe(
      'Baseline · baseline-S01.tif',
    );
    expect(await page.getByTestId('pair-after').locator('option:checked').textContent()).toBe(
      'Week 12 (after) · week12-S01.png',
    );
    await page.getByTestId('open-pair').click();
    await page.getByTestId('pair-view').waitFor();
    expect(page.url()).toMatch(/#\/pair\/\d+\/\d+$/);

    const beforeLabel = await page.getByTestId('pane-before-label').textContent();
    expect(beforeLabel).toContain('DQ-001');
    expect(beforeLabel).toContain('Baseline');
    expect(beforeLabel).toContain('baseline-S01.tif');
    expect(await page.getByTestId('pane-after-label').textContent()).toContain('week12-S01.png');

    await expect.poll(() => page.getByTestId('stage-before').getAttribute('data-camera')).not.toBe('');
    await expect.poll(() => page.getByTestId('stage-after').getAttribute('data-camera')).not.toBe('');
    // Both images are drawn: the centre of each synthetic section is stained tissue, not the grey backdrop.
    for (const role of ['before', 'after'] as const) {
      await expect
        .poll(async () => {
          const [r = 0, g = 0, b = 0, a = 0] = await centrePixel(page, role);
          return a === 255 && g < r - 20 && g < b - 20;
        })
        .toBe(true);
    }
    await page.getByTestId('pane-before').getByTestId('scale-bar').waitFor();
    await page.getByTestId('pane-after').getByTestId('not-calibrated').waitFor();

    // Fitted in sync: the same image-pixel scale in both, each image centred.
    const before = await readCamera(page, 'before');
    const after = await readCamera(page, 'after');
    expect(before.scale).toBeCloseTo(after.scale, 9);
    expect(relativeCentre(before, BEFORE).x).toBeCloseTo(0.5, 6);
    expect(relativeCentre(after, AFTER).y).toBeCloseTo(0.5, 6);
    await screenshot(page, '04-pair-fitted');
  });

  it('zooms at the pointer with the wheel, and the other image follows while Sync is on', async () => {
    const before0 = await readCamera(page, 'before');
    // Whole pixels: wheel events report integer client coordinates.
    const pointer = {
      x: Math.round(before0.left + before0.width * 0.3),
      y: Math.round(before0.top + before0.height * 0.6),
    };
    const underPointer = imagePointAt(before0, pointer);
    await page.mouse.move(pointer.x, pointer.y);
    await page.mouse.wheel(0, -400);
    await expect
      .poll(async () => (await readCamera(page, 'before')).scale)
      .toBeGreaterThan(before0.scale * 1.5);

    const before1 = await readCamera(page, 'before');
    const after1 = await readCamera(page, 'after');
    // Zoom at the pointer: the image point under it stays under it.
    const stillUnder = imagePointAt(before1, pointer);
    expect(stillUnder.x).toBeCloseTo(underPointer.x, 1);
    expect(stillUnder.y).toBeCloseTo(underPointer.y, 1);
    // The other image: same image-pixel scale, same relative position.
    expect(after1.scale).toBeCloseTo(before1.scale, 9);
    expect(relativeCentre(after1, AFTER).x).toBeCloseTo(relativeCentre(before1, BEFORE).x, 6);
    expect(relativeCentre(after1, AFTER).y).toBeCloseTo(relativeCentre(before1, BEFORE).y, 6);
    const readouts = [
      await page.getByTestId('zoom-before').textContent(),
      await page.getByTestId('zoom-after').textContent(),
    ];
    expect(readouts[0]).toMatch(/^\d[\d.,]*%$/);
    expect(readouts[1]).toBe(readouts[0]);

    // Dragging pans; the other pane keeps the same relative position.
    const after1Centre = relativeCentre(after1, AFTER);
    await page.mouse.move(after1.left + 300, after1.top + 300);
    await page.mouse.down();
    await page.mouse.move(after1.left + 200, after1.top + 360, { steps: 5 });
    await page.mouse.up();
    const after2 = await readCamera(page, 'after');
    const before2 = await readCamera(page, 'before');
    expect(after2.x - after1.x).toBeCloseTo(-100, 0);
    expect(after2.y - after1.y).toBeCloseTo(60, 0);
    expect(relativeCentre(after2, AFTER).x).not.toBeCloseTo(after1Centre.x, 3);
    expect(relativeCentre(before2, BEFORE).x).toBeCloseTo(relativeCentre(after2, AFTER).x, 6);
    expect(relativeCentre(before2, BEFORE).y).toBeCloseTo(relativeCentre(after2, AFTER).y, 6);
    await page.getByTestId('pane-before').getByTestId('scale-bar').waitFor();
    await screenshot(page, '05-pair-zoomed-in-sync');
  });

  it('lets the two diverge when Sync is off, and realigns when it is back on', async () => {
    await page.getByTestId('sync-toggle').uncheck();
    const after0 = await readCamera(page, 'after');
    const before0 = await readCamera(page, 'before');
    await page.mouse.move(before0.left + before0.width / 2, before0.top + before0.height / 2);
    await page.mouse.wheel(0, 300);
    await expect.poll(async () => (await readCamera(page, 'before')).scale).toBeLessThan(before0.scale * 0.7);
    expect(await readCamera(page, 'after')).toEqual(after0);
    expect(await page.getByTestId('zoom-before').textContent()).not.toBe(
      await page.getByTestId('zoom-after').textContent(),
    );
    await screenshot(page, '06-pair-not-synced');

    await page.getByTestId('sync-toggle').check();
    const before1 = await readCamera(page, 'before');
    const after1 = await readCamera(page, 'after');
    expect(after1.scale).toBeCloseTo(before1.scale, 9);
    expect(relativeCentre(after1, AFTER).x).toBeCloseTo(relativeCentre(before1, BEFORE).x, 6);

    await page.getByTestId('one-to-one').click();
    expect((await readCamera(page, 'before')).scale).toBe(1);
    expect(await page.getByTestId('zoom-after').textContent()).toBe('100%');
    await page.getByTestId('fit').click();
    expect((await readCamera(page, 'before')).scale).toBeCloseTo((await readCamera(page, 'after')).scale, 9);
    expect((await readCamera(page, 'before')).scale).toBeLessThan(1);
  });

  it('keeps the study, the images and the pair across a reload', async () => {
    const pairUrl = page.url();
    await page.reload();
    await page.getByTestId('pair-view').waitFor();
    expect(page.url()).toBe(pairUrl);
    expect(await page.getByTestId('pane-before-label').textContent()).toContain('baseline-S01.tif');
    expect(await page.getByTestId('pane-after-label').textContent()).toContain('week12-S01.png');
    await expect.poll(() => page.getByTestId('stage-after').getAttribute('data-camera')).not.toBe('');

    await page.getByTestId('back').click();
    await page.getByTestId('study-screen').waitFor();
    expect(await page.getByTestId('subject-code').textContent()).toBe('DQ-001');
    expect(await timepoint('Baseline').getByTestId('image-name').textContent()).toBe('baseline-S01.tif');
    expect(await timepoint('Week 12 (after)').getByTestId('image-name').textContent()).toBe('week12-S01.png');
  });

  it('edits a calibration, and the pair view then shows a scale bar on both images', async () => {
    const after = timepoint('Week 12 (after)');
    await after.getByTestId('calibration-edit').click();
    await after.getByTestId('calibration-input').fill('0.4');
    await after.getByTestId('calibration-input').press('Enter');
    await expect.poll(() => after.getByTestId('calibration-value').textContent()).toBe('0.4 µm/px typed in');

    await page.getByTestId('open-pair').click();
    await page.getByTestId('pane-after').getByTestId('scale-bar').waitFor();
    expect(await page.getByTestId('pane-after').getByTestId('not-calibrated').count()).toBe(0);
    // Same image-pixel scale, different µm per pixel: the bars differ in length for the same µm.
    const bars = await page.getByTestId('scale-bar').evaluateAll((els) =>
      els.map((el) => ({
        um: Number(el.getAttribute('data-length-um')),
        px: (el.firstElementChild as HTMLElement).offsetWidth,
      })),
    );
    expect(bars).toHaveLength(2);
    for (const bar of bars)
      expect([1, 2, 5].includes(bar.um / 10 ** Math.floor(Math.log10(bar.um)))).toBe(true);
    const pxPerUm = bars.map((b) => b.px / b.um);
    expect(pxPerUm[0]! / pxPerUm[1]!).toBeCloseTo(0.4 / 0.5, 1);
    await screenshot(page, '07-pair-both-calibrated');
  });

  it('imports files dropped onto a timepoint, and onto the window into the selected timepoint', async () => {
    await page.getByTestId('back').click();
    await page.getByTestId('study-screen').waitFor();
    const jpeg = (seed: number) => tissueJpeg({ width: 800, height: 600, blobs: 4, seed });

    await dropFiles(timepoint('Baseline'), [
      { name: 'baseline-field2.jpg', type: 'image/jpeg', bytes: await jpeg(21) },
    ]);
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toBe('1 image imported.');
    await expect.poll(() => timepoint('Baseline').getByTestId('image-tile').count()).toBe(2);

    // Select the other timepoint, then drop on the page background: the files go to the selection.
    await timepoint('Week 12 (after)').getByTestId('timepoint-label').click();
    const hovering = [{ name: 'x.jpg', type: 'image/jpeg', bytes: Buffer.from('') }];
    await dropFiles(page.locator('.study-toolbar h1'), hovering, ['dragenter', 'dragover']);
    expect(await page.getByTestId('window-drop-hint').textContent()).toContain(
      'anywhere else imports into DQ-001 · Week 12 (after)',
    );
    await screenshot(page, '08a-dragging-files-over-the-window');
    await dropFiles(page.locator('.study-toolbar h1'), hovering, ['dragleave']);
    expect(await page.getByTestId('window-drop-hint').count()).toBe(0);
    await dropFiles(page.locator('.study-toolbar h1'), [
      { name: 'week12-field2.jpg', type: 'image/jpeg', bytes: await jpeg(22) },
    ]);
    await expect.poll(() => timepoint('Week 12 (after)').getByTestId('image-tile').count()).toBe(2);
    expect(await page.getByTestId('import-report').locator('h2').textContent()).toBe(
      'Import into DQ-001 · Week 12 (after)',
    );
    expect(await timepoint('Baseline').getByTestId('image-tile').count()).toBe(2);
    await screenshot(page, '08-study-after-drops');
  });

  it('shows a change made by another client at once, through the server-sent event stream', async () => {
    // A script (like the CLI or a second window) adds a subject; this page was not reloaded.
    const token = new URL(session.url).searchParams.get('token');
    const response = await fetch(new URL('/api/addSubject', session.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ code: 'DQ-002' }),
    });
    expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
    await page.locator('[data-testid="subject"][data-code="DQ-002"]').waitFor({ timeout: 5000 });
  });

  it('raised no console errors or uncaught exceptions in the page', () => {
    expect(session.pageProblems).toEqual([]);
  });
});
