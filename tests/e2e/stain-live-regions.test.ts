/**
 * The stain panel follows the annotation editor: a region of interest drawn with the editor's rectangle
 * tool (real mouse, in Chromium, against the browser-mode server) is autosaved, the server announces
 * 'annotations-changed', and the panel re-reads the region and measures again by itself; nobody presses
 * "Measure again". The exact analysed area must then be the rectangle's pixel count.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupedPx, purpleSlide, slidePng } from './helpers/purple-slide';
import { openPairStudy, type apiOf } from './helpers/http-api';
import { drag, readCamera, screenAt } from './helpers/viewer';
import { missingPrerequisites, screenshot, startWebSession, type WebSession } from './helpers/web-session';

const BEFORE = purpleSlide(900, 700, 21);
const AFTER = purpleSlide(800, 600, 22);
const png = slidePng;
const grouped = groupedPx;

/** Pixels whose centre (i + 0.5) lies in [from, to): the analysis' rasterisation rule on one axis. */
const centresIn = (from: number, to: number) => Math.max(0, Math.ceil(to - 0.5) - Math.ceil(from - 0.5));

const prerequisiteProblem = missingPrerequisites();

describe.skipIf(prerequisiteProblem !== null)('stain panel follows the annotation editor', () => {
  let session: WebSession;
  let page: Page;
  let api: ReturnType<typeof apiOf>;
  const call = <T>(method: string, input: unknown) => api.call<T>(method, input);
  let ids = { before: 0, after: 0 };
  let roiPx = 0;

  const analysedPx = () => page.getByTestId('stain-before-analysedPx').innerText();
  const status = (role: 'before' | 'after') =>
    page.getByTestId(`stain-status-${role}`).getAttribute('data-status');

  async function drawRectangle(x0: number, y0: number, x1: number, y1: number) {
    const c = await readCamera(page, 'before');
    const from = screenAt(c, x0, y0);
    const to = screenAt(c, x1, y1);
    await drag(page, from, to);
  }

  /** The stored rectangles of a class (the editor's own image coordinates), as pixel counts. */
  async function storedPixelCounts(classId: number): Promise<number[]> {
    const stored = await call<{
      annotations: { classId: number; geometry: { polygons?: { outer: number[] }[] } }[];
    }>('getImageAnnotations', { imageId: ids.before });
    return stored.annotations
      .filter((a) => a.classId === classId)
      .map((a) => {
        const outer = a.geometry.polygons![0]!.outer;
        const xs = outer.filter((_, i) => i % 2 === 0);
        const ys = outer.filter((_, i) => i % 2 === 1);
        return centresIn(Math.min(...xs), Math.max(...xs)) * centresIn(Math.min(...ys), Math.max(...ys));
      });
  }

  const classId = async (role: string) =>
    (await call<{ id: number; role: string | null }[]>('listAnnotationClasses', {})).find(
      (c) => c.role === role,
    )!.id;

  /** Exact status and analysed area together, so the preview's estimate is never taken for the result. */
  const exactArea = (expected: number) =>
    expect
      .poll(async () => `${await status('before')}: ${await analysedPx()}`, { timeout: 30_000 })
      .toBe(`exact: ${grouped(expected)} px`);

  beforeAll(async () => {
    session = await startWebSession();
    page = session.page;
    ({ api, ids } = await openPairStudy(session, 'Live regions', await png(BEFORE), await png(AFTER)));
  }, 120_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('measures again inside a rectangle drawn with the editor, without "Measure again"', async () => {
    // Whole image first: no region, tissue detection off, so the denominator is every pixel.
    await page.getByTestId('tissue-toggle').uncheck();
    await expect.poll(() => status('before'), { timeout: 30_000 }).toBe('exact');
    await expect.poll(analysedPx).toBe(`${grouped(BEFORE.width * BEFORE.height)} px`);
    const afterBefore = await page.getByTestId('stain-after-analysedPx').innerText();

    // Clicked, not the R shortcut: the focus is still on the tissue checkbox, where keys type.
    await page.getByTestId('tool-rectangle').click();
    await expect.poll(() => page.getByTestId('tool-rectangle').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('class-select').selectOption({ label: 'Region of interest' });
    await drawRectangle(210, 160, 610, 470);
    await expect.poll(() => page.getByTestId('save-status-before').getAttribute('data-status')).toBe('saved');

    const counts = await storedPixelCounts(await classId('roi'));
    expect(counts).toHaveLength(1);
    roiPx = counts[0]!;
    // A real rectangle of the size dragged (about 400 x 310 image pixels), not a sliver.
    expect(roiPx).toBeGreaterThan(0.9 * 400 * 310);
    expect(roiPx).toBeLessThan(1.1 * 400 * 310);

    await expect
      .poll(() => page.getByTestId('stain-region-before').innerText(), { timeout: 15_000 })
      .toContain('inside 1 region of interest');
    await exactArea(roiPx);
    // The other image's numbers are untouched.
    expect(await page.getByTestId('stain-after-analysedPx').innerText()).toBe(afterBefore);
    await screenshot(page, 'stain-live-01-editor-roi');
  });

  it('measures a burst of edits once: two exclusions drawn in quick succession, one analysis', async () => {
    const analyses: string[] = [];
    const count = (request: { url(): string; postData(): string | null }) => {
      const body = request.postData() ?? '';
      if (request.url().endsWith('/api/analyzeImage') && body.includes(`"imageId":${ids.before},`)) {
        analyses.push(body);
      }
    };
    page.on('request', count);
    try {
      await page.getByTestId('class-select').selectOption({ label: 'Exclude' });
      const started = Date.now();
      await drawRectangle(240, 190, 330, 260);
      await drawRectangle(420, 330, 560, 440);
      const burstMs = Date.now() - started;
      await expect
        .poll(() => page.getByTestId('stain-region-before').innerText(), { timeout: 15_000 })
        .toContain('minus 2 exclusions');
      const excluded = await storedPixelCounts(await classId('exclude'));
      expect(excluded).toHaveLength(2);
      await exactArea(roiPx - excluded[0]! - excluded[1]!);
      // The gestures came closer together than the panel's wait, so they were measured once.
      expect(burstMs).toBeLessThan(500);
      expect(analyses).toHaveLength(1);
    } finally {
      page.off('request', count);
    }
    await screenshot(page, 'stain-live-02-two-exclusions');
  });

  it('raised no console errors or uncaught exceptions in the page', () => {
    expect(session.pageProblems).toEqual([]);
  });
});
