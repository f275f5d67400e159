/**
 * "Import annotations…" end to end: a QuPath GeoJSON chosen with the editor's file picker (real UI in
 * Chromium, browser-mode server, real SQLite study) lands on the before image; the report names what
 * was imported, the class made, the shape skipped and the extent warning; the stain panel measures
 * inside the imported region of interest by itself; one undo removes the whole import. A file dropped
 * on the after image's panel imports too.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qupathRectangles } from '../helpers/imagej-roi-writer';
import { groupedPx, purpleSlide, slidePng } from './helpers/purple-slide';
import { openPairStudy, type apiOf } from './helpers/http-api';
import { missingPrerequisites, screenshot, startWebSession, type WebSession } from './helpers/web-session';

const BEFORE = purpleSlide(900, 700, 31);
const AFTER = purpleSlide(800, 600, 32);
const png = slidePng;
const grouped = groupedPx;

/** A region of interest of 400 x 300 px, a new class, an exclusion reaching past the image, a point. */
function qupathExport(): string {
  const collection = JSON.parse(
    qupathRectangles([
      { box: [100, 100, 500, 400], className: 'Region*', name: 'dermis' },
      { box: [600, 100, 650, 150], className: 'Vessel', color: [0, 160, 60] },
      { box: [850, 650, 1000, 800], className: 'Ignore*' },
    ]),
  );
  collection.features.push({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [20, 20] },
    properties: { objectType: 'annotation', name: 'nucleus' },
  });
  return JSON.stringify(collection);
}

const prerequisiteProblem = missingPrerequisites();

describe.skipIf(prerequisiteProblem !== null)('editor: import annotations from QuPath', () => {
  let session: WebSession;
  let page: Page;
  let api: ReturnType<typeof apiOf>;
  let ids = { before: 0, after: 0 };

  const analysedPx = () => page.getByTestId('stain-before-analysedPx').innerText();
  const status = () => page.getByTestId('stain-status-before').getAttribute('data-status');
  const exactArea = (expected: number) =>
    expect
      .poll(async () => `${await status()}: ${await analysedPx()}`, { timeout: 30_000 })
      .toBe(`exact: ${grouped(expected)} px`);
  const storedCount = async (imageId: number) =>
    (await api.call<{ annotations: unknown[] }>('getImageAnnotations', { imageId })).annotations.length;

  beforeAll(async () => {
    session = await startWebSession();
    page = session.page;
    ({ api, ids } = await openPairStudy(session, 'Import e2e', await png(BEFORE), await png(AFTER)));
  }, 120_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('imports a GeoJSON with the file picker, reports it, and the stain panel measures inside it', async () => {
    await page.getByTestId('tissue-toggle').uncheck();
    await exactArea(BEFORE.width * BEFORE.height);

    await page.getByTestId('import-annotations-file-before').setInputFiles({
      name: 'biopsy.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(qupathExport()),
    });
    const report = page.getByTestId('annotation-import-report-before');
    await report.waitFor({ timeout: 15_000 });
    const text = await report.innerText();
    expect(text).toContain('Imported 3 shapes from biopsy.geojson (QuPath GeoJSON)');
    expect(text).toContain('Region of interest ×1');
    expect(text).toContain('Vessel ×1');
    expect(text).toContain('Exclude ×1');
    expect(text).toContain('1 shape clipped to the image');
    expect(text).toMatch(/feature 4 \(nucleus\): a Point geometry encloses no area/);
    expect(text).toMatch(/beyond this 900 x 700 px image/);
    await report.scrollIntoViewIfNeeded();
    await screenshot(page, 'annotation-import-report');

    // The panel hears annotations-changed and measures inside the imported region by itself.
    await expect
      .poll(() => page.getByTestId('stain-region-before').innerText(), { timeout: 15_000 })
      .toContain('inside 1 region of interest');
    await exactArea(400 * 300);
    expect(await storedCount(ids.before)).toBe(3);
    // The new class is in the editor's class list at once.
    await expect.poll(() => page.getByTestId('class-select').innerText()).toContain('Vessel');
  });

  it('one undo removes the whole import, and the panel measures the whole image again', async () => {
    await page.getByTestId('stage-before').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => storedCount(ids.before), { timeout: 15_000 }).toBe(0);
    await exactArea(BEFORE.width * BEFORE.height);
  });

  it('a file dropped on the after image’s panel is imported there', async () => {
    const dataTransfer = await page.evaluateHandle(
      (text) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], 'dropped.geojson', { type: 'application/geo+json' }));
        return transfer;
      },
      qupathRectangles([{ box: [10, 10, 110, 60], className: 'Tissue' }]),
    );
    await page.getByTestId('annotation-drop-after').dispatchEvent('drop', { dataTransfer });
    await page.getByTestId('annotation-import-report-after').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('annotation-import-report-after').innerText()).toContain(
      'Imported 1 shape from dropped.geojson',
    );
    expect(await storedCount(ids.after)).toBe(1);
  });
});
