/**
 * Manual corrections in the real UI (Chromium, browser mode): painting with the brush in the class
 * "Not stained" over detected stain is autosaved, the panel re-reads the marks, and the exact stained
 * figure drops by exactly the pixels the marks removed, shown as "Manual corrections".
 */
import type { Page } from 'playwright';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSlide, type Slide, type Vec3 } from '../helpers/beer-lambert';
import { openPairStudy, type apiOf } from './helpers/http-api';
import { drag, readCamera, screenAt } from './helpers/viewer';
import { missingPrerequisites, startWebSession, type WebSession } from './helpers/web-session';

// The `purple` preset's vectors (shared/analysis/presets.ts).
const PURPLE: Vec3 = [0.44, 0.85, 0.3];
const PINK: Vec3 = [0.07, 0.99, 0.11];

const slide = (seed: number): Slide =>
  makeSlide({
    width: 900,
    height: 700,
    target: PURPLE,
    counter: PINK,
    targetAmount: 0.6,
    counterAmount: 0.3,
    tissue: 'full',
    blobs: [{ cx: 450, cy: 350, r: 160 }],
    noise: 1,
    seed,
  });

const BEFORE = slide(31);
const AFTER = slide(32);

const png = (s: Slide) =>
  sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } })
    .png()
    .toBuffer();

/** "12,345 px" -> 12345. */
const pxOf = (text: string) => Number(text.replace(/[^0-9]/g, ''));

const prerequisiteProblem = missingPrerequisites();

describe.skipIf(prerequisiteProblem !== null)('manual corrections in the stain panel', () => {
  let session: WebSession;
  let page: Page;
  let api: ReturnType<typeof apiOf>;
  let ids = { before: 0, after: 0 };

  const status = () => page.getByTestId('stain-status-before').getAttribute('data-status');
  const cell = (key: string) => page.getByTestId(`stain-before-${key}`).innerText();

  beforeAll(async () => {
    session = await startWebSession();
    page = session.page;
    ({ api, ids } = await openPairStudy(session, 'Corrections', await png(BEFORE), await png(AFTER)));
  }, 120_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('painting "Not stained" over detected stain lowers the exact stained figure by the pixels removed', async () => {
    await page.getByTestId('tissue-toggle').uncheck();
    await expect.poll(status, { timeout: 30_000 }).toBe('exact');
    const automatic = pxOf(await cell('stainedPx'));
    // The painted disc, found exactly by the automatic analysis.
    expect(automatic).toBe(BEFORE.truthCount);
    expect(await cell('manual')).toBe('none');

    await page.getByTestId('tool-brush').click();
    await expect.poll(() => page.getByTestId('tool-brush').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('class-select').selectOption({ label: 'Not stained' });
    await page.getByTestId('brush-size').fill('60');
    const c = await readCamera(page, 'before');
    // A stroke across the middle of the disc, starting and ending outside it.
    await drag(page, screenAt(c, 200, 350), screenAt(c, 700, 350), 12);
    await expect.poll(() => page.getByTestId('save-status-before').getAttribute('data-status')).toBe('saved');

    await expect
      .poll(() => page.getByTestId('stain-region-before').innerText(), { timeout: 15_000 })
      .toContain('1 Not stained mark removed');
    // The exact figure after the panel re-read the marks: automatic minus what they removed.
    await expect
      .poll(async () => `${await status()} ${await cell('manual')}`, { timeout: 30_000 })
      .toMatch(/^exact \+0 px \/ −[0-9,]+ px$/);
    const removed = pxOf((await cell('manual')).split('/')[1]!);
    const corrected = pxOf(await cell('stainedPx'));
    expect(removed).toBeGreaterThan(0.8 * 60 * 320);
    expect(corrected).toBe(automatic - removed);

    // The stored mark is what the service applied: a painted mask of the "Not stained" class.
    const classes = await api.call<{ id: number; role: string | null }[]>('listAnnotationClasses', {});
    const notStained = classes.find((cls) => cls.role === 'unstained')!.id;
    const stored = await api.call<{ annotations: { classId: number; kind: string }[] }>(
      'getImageAnnotations',
      { imageId: ids.before },
    );
    expect(stored.annotations.map((a) => [a.classId, a.kind])).toEqual([[notStained, 'mask']]);

    // Outside the repository: a picture of the changed panel, to look at.
    await page
      .getByTestId('stain-numbers')
      .screenshot({ path: '/tmp/dermaquant-stain-corrections-panel.png' });
    await page.screenshot({ path: '/tmp/dermaquant-stain-corrections-page.png' });
  });

  it('raised no console errors or uncaught exceptions in the page', () => {
    expect(session.pageProblems).toEqual([]);
  });
});
