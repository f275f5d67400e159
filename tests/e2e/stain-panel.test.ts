/**
 * The stain panel end to end: the real UI in Chromium against the real services (browser mode), on
 * synthetic Beer-Lambert slides whose stained pixels are known, so the exact numbers the panel shows are
 * checked against ground truth. The study is set up through the HTTP API (the import UI has its own
 * suite); everything the test checks is done through the page with real mouse and keyboard input.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSlide, type Blob, type Slide, type Vec3 } from '../helpers/beer-lambert';
import { readCamera } from './helpers/viewer';
import { apiOf } from './helpers/http-api';
import { missingPrerequisites, screenshot, startWebSession, type WebSession } from './helpers/web-session';

// The `purple` preset's own vectors (shared/analysis/presets.ts): the slides are stained with exactly
// the stains the default protocol unmixes, so at any threshold between 0 and the painted amount the
// stained pixels are exactly the painted ones.
const PURPLE: Vec3 = [0.44, 0.85, 0.3];
const PINK: Vec3 = [0.07, 0.99, 0.11];
const TARGET_AMOUNT = 0.6;
const UM_PER_PX = 0.5;

const discs = (list: [number, number, number][]): Blob[] => list.map(([cx, cy, r]) => ({ cx, cy, r }));
const slide = (
  width: number,
  height: number,
  blobs: Blob[],
  seed: number,
  tissue: 'ellipse' | 'none' = 'ellipse',
) =>
  makeSlide({
    width,
    height,
    target: PURPLE,
    counter: PINK,
    targetAmount: TARGET_AMOUNT,
    counterAmount: 0.3,
    tissue,
    blobs,
    noise: 1,
    seed,
  });

const BEFORE = slide(
  900,
  700,
  discs([
    [300, 250, 40],
    [560, 420, 55],
    [450, 330, 25],
  ]),
  3,
);
const AFTER = slide(
  1000,
  800,
  discs([
    [300, 300, 70],
    [620, 450, 80],
    [500, 250, 45],
    [380, 560, 50],
    [700, 300, 30],
  ]),
  5,
);
const BLANK = slide(600, 500, [], 9, 'none');

/** Ground truth inside a rectangle with integer corners (pixel centres inside = [x0, x1) x [y0, y1)). */
function truthInRect(s: Slide, x0: number, y0: number, x1: number, y1: number) {
  let stained = 0;
  let tissue = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      stained += s.truth[y * s.width + x]!;
      tissue += s.tissue[y * s.width + x]!;
    }
  }
  return { stained, tissue };
}

const png = (s: Slide) =>
  sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } })
    .png()
    .toBuffer();

const grouped = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const prerequisiteProblem = missingPrerequisites();

/** The text of a figure cell (value plus its n/a reason, if any). */
const cell = (page: Page, testId: string) => page.getByTestId(testId).innerText();

async function waitForExact(page: Page) {
  for (const role of ['before', 'after'] as const) {
    await expect
      .poll(() => page.getByTestId(`stain-status-${role}`).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('exact');
  }
}

interface OverlayReading {
  /** Layer pixels with any overlay (alpha above 0). */
  count: number;
  /** Summed alpha over the strongest alpha: the covered area in layer pixels. */
  area: number;
  /** The colour of the most opaque pixel (its alpha is the opacity). */
  colour: number[];
  maxAlpha: number;
}

/** The overlay as drawn on a pane's overlay layer, read back from its canvas. */
function overlayPixels(page: Page, role: 'before' | 'after'): Promise<OverlayReading> {
  return page.getByTestId(`stain-overlay-${role}`).evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the overlay layer has no 2D context');
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    let alphaSum = 0;
    let maxAlpha = 0;
    let colour: number[] = [];
    for (let i = 3; i < data.length; i += 4) {
      const alpha = data[i]!;
      if (alpha === 0) continue;
      count++;
      alphaSum += alpha;
      if (alpha > maxAlpha) {
        maxAlpha = alpha;
        colour = [data[i - 3]!, data[i - 2]!, data[i - 1]!];
      }
    }
    return { count, area: maxAlpha > 0 ? alphaSum / maxAlpha : 0, colour, maxAlpha };
  });
}

/** The stained area as it should appear on a pane: image pixels times the camera's scale squared. */
async function expectOverlayArea(page: Page, role: 'before' | 'after', stainedImagePx: number) {
  const { scale } = await readCamera(page, role);
  const expected = stainedImagePx * scale * scale;
  // Within 10 %: the overlay comes from the JPEG preview, whose edges blur by a pixel or so.
  await expect
    .poll(async () => Math.abs((await overlayPixels(page, role)).area - expected) / expected)
    .toBeLessThan(0.1);
}

const closeTo = (actual: number[], expected: number[], tolerance = 2) =>
  actual.length === expected.length && actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);

describe('stain panel: live overlay and exact numbers on a Beer-Lambert pair', () => {
  let session: WebSession;
  let page: Page;
  let api: ReturnType<typeof apiOf>;
  const ids = { before: 0, after: 0, blank: 0 };
  let blankSha = '';

  beforeAll(async () => {
    if (prerequisiteProblem) throw new Error(prerequisiteProblem);
    session = await startWebSession();
    page = session.page;
    // Tall enough to show the whole panel in the screenshots.
    await page.setViewportSize({ width: 1400, height: 1050 });
    api = apiOf(session);
    await api.call('createStudy', { name: 'Stain panel' });
    const subject = await api.call<{ id: number }>('addSubject', { code: 'S01' });
    const baseline = await api.call<{ id: number }>('addTimepoint', {
      subjectId: subject.id,
      label: 'Baseline',
    });
    const week12 = await api.call<{ id: number }>('addTimepoint', {
      subjectId: subject.id,
      label: 'Week 12',
    });
    ids.before = (await api.importPng(baseline.id, 'baseline.png', await png(BEFORE))).id;
    ids.after = (await api.importPng(week12.id, 'week12.png', await png(AFTER))).id;
    const blank = await api.importPng(week12.id, 'blank-slide.png', await png(BLANK));
    ids.blank = blank.id;
    blankSha = blank.sha256;
    for (const imageId of [ids.before, ids.after]) {
      await api.call('setCalibration', { imageId, umPerPx: UM_PER_PX, source: 'typed' });
    }
    await page.goto(new URL(`/#/pair/${ids.before}/${ids.after}`, session.url).href);
    await page.getByTestId('stain-panel').waitFor();
  });

  afterAll(async () => {
    await session?.stop();
  });

  it('shows the overlay at once and the exact numbers of the default protocol, equal to the ground truth', async () => {
    // The live preview first (no analysis yet), then the exact figures replace it.
    await page.getByTestId('stain-overlay-before').waitFor();
    await page.getByTestId('stain-overlay-after').waitFor();
    await waitForExact(page);
    for (const [role, s] of [
      ['before', BEFORE],
      ['after', AFTER],
    ] as const) {
      expect(await cell(page, `stain-${role}-stainedPx`)).toBe(`${grouped(s.truthCount)} px`);
      expect(await cell(page, `stain-${role}-analysedPx`)).toBe(`${grouped(s.tissueCount)} px`);
      expect(await cell(page, `stain-${role}-stainedUm2`)).toBe(
        `${grouped(s.truthCount * UM_PER_PX ** 2)} µm²`,
      );
      expect(await cell(page, `stain-${role}-fraction`)).toBe(
        `${grouped((100 * s.truthCount) / s.tissueCount, 2)} %`,
      );
      expect(await cell(page, `stain-${role}-threshold`)).toBe('0.150 OD');
      // The painted amount is 0.6 OD (noise moves it by thousandths).
      expect(Number((await cell(page, `stain-${role}-meanOD`)).replace(' OD', ''))).toBeCloseTo(
        TARGET_AMOUNT,
        1,
      );
      await expectOverlayArea(page, role, s.truthCount);
      const drawn = await overlayPixels(page, role);
      expect(closeTo(drawn.colour, [0x00, 0xe0, 0x70])).toBe(true);
      // The default opacity, 0.6.
      expect(drawn.maxAlpha).toBeCloseTo(0.6 * 255, -1);
    }
    const fb = BEFORE.truthCount / BEFORE.tissueCount;
    const fa = AFTER.truthCount / AFTER.tissueCount;
    expect(await page.getByTestId('stain-change').getAttribute('data-exact')).toBe('true');
    expect(await page.getByTestId('stain-calibration-note').count()).toBe(0);
    const areaChange = (AFTER.truthCount - BEFORE.truthCount) * UM_PER_PX ** 2;
    expect(await cell(page, 'change-absolute')).toBe(`+${grouped(areaChange)} µm²`);
    expect(await cell(page, 'change-points')).toBe(`+${grouped((fa - fb) * 100, 2)} pp`);
    expect(await cell(page, 'change-relative')).toBe(`+${grouped(((fa - fb) / fb) * 100, 1)} %`);
    expect(await cell(page, 'change-fold')).toBe(`${grouped(fa / fb, 2)}×`);
    await screenshot(page, 'stain-01-pair-exact');
  });

  it('moves the threshold with the mouse and the keyboard: overlay, preview and exact numbers follow', async () => {
    const slider = page.getByTestId('threshold-slider');
    const box = (await slider.boundingBox())!;
    // Click near the right end of the track (about 1.4 OD): above the painted 0.6 OD, nothing is stained.
    await page.mouse.click(box.x + box.width * 0.93, box.y + box.height / 2);
    const typed = Number(await page.getByTestId('threshold-input').inputValue());
    expect(typed).toBeGreaterThan(1.2);
    // The preview reacts before any analysis has finished.
    await expect.poll(async () => (await overlayPixels(page, 'before')).count).toBe(0);
    expect(await page.getByTestId('stain-status-before').getAttribute('data-status')).not.toBe('exact');
    expect(await cell(page, 'stain-before-stainedPx')).toBe('0 px');
    await waitForExact(page);
    expect(await cell(page, 'stain-before-threshold')).toBe(`${typed.toFixed(3)} OD`);
    expect(await cell(page, 'stain-after-stainedPx')).toBe('0 px');
    expect(await cell(page, 'stain-after-fraction')).toBe('0.00 %');
    expect(await cell(page, 'stain-after-meanOD')).toBe('n/a\nno pixel is stained at this threshold');
    // The before fraction is 0: relative change and fold are undefined, and say why.
    expect(await cell(page, 'change-relative')).toContain('n/a');
    expect(await cell(page, 'change-relative')).toContain('the before fraction is 0');
    expect(await cell(page, 'change-fold')).toContain('n/a');
    await screenshot(page, 'stain-02-threshold-above-stain');

    // Keyboard: Home goes to the lowest step, then arrow keys move by 0.005 OD each.
    await slider.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 59; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('threshold-input').inputValue()).toBe('0.3');
    await expect.poll(async () => (await overlayPixels(page, 'before')).count).toBeGreaterThan(0);
    await waitForExact(page);
    expect(await cell(page, 'stain-before-stainedPx')).toBe(`${grouped(BEFORE.truthCount)} px`);
    expect(await cell(page, 'stain-after-stainedPx')).toBe(`${grouped(AFTER.truthCount)} px`);
    await expectOverlayArea(page, 'before', BEFORE.truthCount);
    await expectOverlayArea(page, 'after', AFTER.truthCount);

    // A typed value: exact, and a bad one is refused with the reason, leaving the threshold as it was.
    const input = page.getByTestId('threshold-input');
    await input.fill('4');
    expect(await page.getByTestId('threshold-problem').innerText()).toContain('at most 3 OD');
    await input.fill('0.25');
    await expect.poll(() => page.getByTestId('threshold-problem').count()).toBe(0);
    await waitForExact(page);
    expect(await cell(page, 'stain-before-threshold')).toBe('0.250 OD');
    expect(await cell(page, 'stain-before-stainedPx')).toBe(`${grouped(BEFORE.truthCount)} px`);
  });

  it('finds the threshold automatically (Otsu, triangle) per image, on the analysed pixels', async () => {
    await page.getByTestId('threshold-method-otsu').click();
    await page.getByTestId('threshold-automatic').waitFor();
    await waitForExact(page);
    const otsu = await page.getByTestId('threshold-automatic').innerText();
    expect(otsu).toMatch(/Otsu: before 0\.\d{3} OD \(exact\), after 0\.\d{3} OD \(exact\)/);
    const before = Number((await cell(page, 'stain-before-threshold')).replace(' OD', ''));
    // Two classes: unstained (about 0 OD of purple) and painted (0.6 OD): the split falls between them.
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(TARGET_AMOUNT);
    expect(await cell(page, 'stain-before-stainedPx')).toBe(`${grouped(BEFORE.truthCount)} px`);
    expect(await cell(page, 'stain-after-stainedPx')).toBe(`${grouped(AFTER.truthCount)} px`);
    await screenshot(page, 'stain-03-otsu');

    await page.getByTestId('threshold-method-triangle').click();
    await waitForExact(page);
    expect(await page.getByTestId('threshold-automatic').innerText()).toMatch(
      /^Triangle: before 0\.\d{3} OD/,
    );
    const triangle = Number((await cell(page, 'stain-after-threshold')).replace(' OD', ''));
    expect(triangle).toBeGreaterThan(0);
    expect(triangle).toBeLessThan(0.6);

    // Back to a fixed threshold: the value it had before.
    await page.getByTestId('threshold-method-fixed').click();
    await waitForExact(page);
    expect(await cell(page, 'stain-before-threshold')).toBe('0.250 OD');
  });

  it('switches tissue detection off: the whole image is the denominator, the stained area stays', async () => {
    await page.getByTestId('tissue-toggle').uncheck();
    await waitForExact(page);
    expect(await cell(page, 'stain-before-analysedPx')).toBe(`${grouped(BEFORE.width * BEFORE.height)} px`);
    expect(await cell(page, 'stain-before-stainedPx')).toBe(`${grouped(BEFORE.truthCount)} px`);
    expect(await cell(page, 'stain-before-fraction')).toBe(
      `${grouped((100 * BEFORE.truthCount) / (BEFORE.width * BEFORE.height), 2)} %`,
    );
    expect(await page.getByTestId('stain-region-before').innerText()).toContain('in the whole image');
    await screenshot(page, 'stain-04-tissue-off');
    await page.getByTestId('tissue-toggle').check();
    await waitForExact(page);
    expect(await cell(page, 'stain-before-analysedPx')).toBe(`${grouped(BEFORE.tissueCount)} px`);
  });

  it('changes the overlay colour and opacity, and hides it', async () => {
    await page.getByTestId('overlay-colour').fill('#ff8800');
    await expect
      .poll(async () => closeTo((await overlayPixels(page, 'after')).colour, [0xff, 0x88, 0x00]))
      .toBe(true);
    await page.getByTestId('overlay-opacity').fill('0.3');
    await expect.poll(async () => (await overlayPixels(page, 'after')).maxAlpha).toBeLessThan(0.35 * 255);
    await screenshot(page, 'stain-05-overlay-orange');
    await page.getByTestId('overlay-toggle').uncheck();
    await expect.poll(() => page.getByTestId('stain-overlay-before').count()).toBe(0);
    // Hiding the overlay changes no number.
    expect(await cell(page, 'stain-before-stainedPx')).toBe(`${grouped(BEFORE.truthCount)} px`);
    await page.getByTestId('overlay-toggle').check();
    await page.getByTestId('stain-overlay-before').waitFor();
  });

  it('measures inside a region of interest drawn on the image (and minus an exclusion)', async () => {
    const classes = await api.call<{ id: number; role: string | null }[]>('listAnnotationClasses', {});
    const roi = classes.find((c) => c.role === 'roi')!;
    const exclude = classes.find((c) => c.role === 'exclude')!;
    const rect = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];
    await api.call('saveAnnotationChanges', {
      imageId: ids.before,
      put: [
        {
          id: 'roi-1',
          classId: roi.id,
          kind: 'rectangle',
          geometry: { type: 'polygons', polygons: [{ outer: rect(200, 150, 640, 500), holes: [] }] },
        },
        {
          id: 'exclude-1',
          classId: exclude.id,
          kind: 'rectangle',
          geometry: { type: 'polygons', polygons: [{ outer: rect(500, 380, 640, 500), holes: [] }] },
        },
      ],
      remove: [],
    });
    await page.getByTestId('stain-remeasure').click();
    await expect
      .poll(() => page.getByTestId('stain-region-before').innerText())
      .toContain('inside 1 region of interest (tissue only), minus 1 exclusion');
    await waitForExact(page);
    const inRoi = truthInRect(BEFORE, 200, 150, 640, 500);
    const inExclusion = truthInRect(BEFORE, 500, 380, 640, 500);
    expect(await cell(page, 'stain-before-analysedPx')).toBe(
      `${grouped(inRoi.tissue - inExclusion.tissue)} px`,
    );
    expect(await cell(page, 'stain-before-stainedPx')).toBe(
      `${grouped(inRoi.stained - inExclusion.stained)} px`,
    );
    // The after image has no region: still measured in its detected tissue.
    expect(await cell(page, 'stain-after-analysedPx')).toBe(`${grouped(AFTER.tissueCount)} px`);
    await screenshot(page, 'stain-06-region-of-interest');
  });

  it('offers stains calibrated in the study, and explains a calibration that cannot separate the stains', async () => {
    const rect = (x0: number, y0: number, x1: number, y1: number) => [[[x0, y0, x1, y0, x1, y1, x0, y1]]];
    // Inside the disc at (560, 420): purple over pink, a usable second colour.
    await api.call('calibrateStain', {
      imageId: ids.before,
      method: 'region',
      region: { include: rect(540, 400, 580, 440), exclude: [] },
      saveAs: 'disc-mix',
    });
    // Plain counterstain: the same colour as the pink it is paired with.
    await api.call('calibrateStain', {
      imageId: ids.before,
      method: 'region',
      region: { include: rect(150, 380, 250, 480), exclude: [] },
      saveAs: 'pink-again',
    });
    const preset = page.getByTestId('stain-preset');
    await expect.poll(() => preset.locator('option').allTextContents()).toContain('pink-again');

    await preset.selectOption('pink-again');
    const problem = page.getByTestId('stain-protocol-error');
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/"pink-again" .* and "pink" .* are parallel .*calibrate/);
    // Nothing is measured or drawn with settings that cannot work.
    expect(await page.getByTestId('stain-numbers').count()).toBe(0);
    await expect.poll(() => page.getByTestId('stain-overlay-before').count()).toBe(0);
    await screenshot(page, 'stain-09-parallel-calibration');

    await preset.selectOption('disc-mix');
    await expect.poll(() => problem.count()).toBe(0);
    expect(await page.getByTestId('stain-channel').inputValue()).toBe('disc-mix');
    await waitForExact(page);
    const stained = Number((await cell(page, 'stain-after-stainedPx')).replace(/[ ,px]/g, ''));
    expect(stained).toBeGreaterThan(0);
    await page.getByTestId('stain-overlay-after').waitFor();

    await preset.selectOption('purple');
    await waitForExact(page);
    expect(await cell(page, 'stain-after-stainedPx')).toBe(`${grouped(AFTER.truthCount)} px`);
  });

  it('reports an image without tissue with n/a and the reason, never NaN', async () => {
    await page.goto(new URL(`/#/pair/${ids.after}/${ids.blank}`, session.url).href);
    await page.getByTestId('stain-panel').waitFor();
    await waitForExact(page);
    const fraction = await cell(page, 'stain-after-fraction');
    expect(fraction).toContain('n/a');
    expect(fraction).toContain('no tissue was detected');
    expect(fraction).toContain('switch “Tissue only” off');
    expect(await cell(page, 'stain-after-analysedPx')).toBe('0 px');
    expect(await cell(page, 'change-points')).toContain('n/a');
    expect(await cell(page, 'change-relative')).toContain('undefined');
    // The blank image has no calibration: the change in area is in pixels, and says so.
    expect(await cell(page, 'change-absolute')).toContain('in pixels');
    expect(await cell(page, 'stain-after-stainedUm2')).toBe('n/a\nnot calibrated');
    await page.getByTestId('stain-calibration-note').waitFor();
    const panelText = await page.getByTestId('stain-panel').innerText();
    expect(panelText).not.toMatch(/NaN|Infinity|undefined px/);
    await screenshot(page, 'stain-07-no-tissue');
  });

  it('shows the server’s message when the exact analysis fails, and measures again on request', async () => {
    // The stored copy of the blank image disappears (e.g. a folder restored from an old backup).
    const imagesDir = path.join(session.studyDir, 'images');
    const stored = (await readdir(imagesDir)).find((name) => name.startsWith(blankSha));
    expect(stored).toBeDefined();
    await rm(path.join(imagesDir, stored!));
    await page.getByTestId('stain-remeasure').click();
    const error = page.getByTestId('stain-error-after');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toContain('blank-slide.png');
    // The before image is unaffected.
    await expect
      .poll(() => page.getByTestId('stain-status-before').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('exact');
    await screenshot(page, 'stain-08-analysis-error');
  });

  it('raised no console errors or uncaught exceptions in the page', () => {
    expect(session.pageProblems).toEqual([]);
  });
});
