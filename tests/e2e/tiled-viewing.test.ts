/**
 * Tiled viewing in the real UI (Chromium, browser mode): an 8000 x 6000 image with detail finer than its
 * 4096 px preview can hold (a one-pixel checkerboard) is soft at 1:1 from the preview alone and sharp
 * once the viewer draws full-resolution tiles over it. Screenshots of both go to /tmp for a person to
 * look at; the test compares the screen with the image's own pixels.
 */
import type { Page } from 'playwright';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPairStudy } from './helpers/http-api';
import { readCamera, type CameraReading } from './helpers/viewer';
import { missingPrerequisites, startWebSession, type WebSession } from './helpers/web-session';

const WIDTH = 8000;
const HEIGHT = 6000;

/** A light one-pixel checkerboard whose tint changes every 64 px: fine detail, never mistaken for stain. */
function pixelAt(x: number, y: number): [number, number, number] {
  if ((x + y) % 2 === 0) return [250, 250, 250];
  return [150 + (((x >> 6) * 37) % 90), 150 + (((y >> 6) * 53) % 90), 190];
}

async function fineDetailPng(): Promise<Buffer> {
  const rgb = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) rgb.set(pixelAt(x, y), (y * WIDTH + x) * 3);
  }
  return sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

const SAMPLE = 200;

/**
 * Mean difference between a square at the stage centre on screen and the image pixels under it (at
 * 1:1 a screen pixel is one image pixel; the pan may leave the image at a fraction of a pixel, so the
 * better of rounding down and to nearest counts).
 */
async function screenVersusImage(page: Page, camera: CameraReading, screenshotPath: string) {
  const png = await page.getByTestId('stage-before').screenshot({ path: screenshotPath });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const left = Math.round(camera.width / 2 - SAMPLE / 2);
  const top = Math.round(camera.height / 2 - SAMPLE / 2);
  const meanFor = (round: (v: number) => number) => {
    let sum = 0;
    for (let sy = top; sy < top + SAMPLE; sy++) {
      for (let sx = left; sx < left + SAMPLE; sx++) {
        const expected = pixelAt(round(sx + 0.5 - camera.x - 0.5), round(sy + 0.5 - camera.y - 0.5));
        const at = (sy * info.width + sx) * 3;
        for (let c = 0; c < 3; c++) sum += Math.abs((data[at + c] as number) - expected[c]!);
      }
    }
    return sum / (SAMPLE * SAMPLE * 3);
  };
  return Math.min(meanFor(Math.floor), meanFor(Math.round), meanFor(Math.ceil));
}

async function oneToOne(page: Page): Promise<CameraReading> {
  await page.getByTestId('overlay-toggle').uncheck(); // the stain overlay would tint the comparison
  await page.getByTestId('one-to-one').click();
  await page.waitForFunction(() =>
    /"scale":1[,}]/.test(
      document.querySelector('[data-testid="stage-before"]')?.getAttribute('data-camera') ?? '',
    ),
  );
  return readCamera(page, 'before');
}

const prerequisiteProblem = missingPrerequisites();

describe.skipIf(prerequisiteProblem !== null)('tiled viewing of a large image', () => {
  let session: WebSession;
  let page: Page;
  let beforeId = 0;
  const tileRequests: string[] = [];

  beforeAll(async () => {
    session = await startWebSession();
    page = session.page;
    page.on('request', (request) => {
      if (request.url().includes('/tile/')) tileRequests.push(new URL(request.url()).pathname);
    });
    const small = await sharp({ create: { width: 900, height: 700, channels: 3, background: '#f4eef6' } })
      .png()
      .toBuffer();
    ({
      ids: { before: beforeId },
    } = await openPairStudy(session, 'Tiles', await fineDetailPng(), small));
  }, 120_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('asks for no tiles while the preview is detailed enough (fitted view)', async () => {
    await page.waitForTimeout(500);
    expect(tileRequests).toEqual([]);
  });

  it('at 1:1 the preview alone is soft (what the viewer showed before tiles)', async () => {
    await page.route('**/tile/**', (route) => route.abort());
    const camera = await oneToOne(page);
    await page.waitForTimeout(1000);
    const softness = await screenVersusImage(page, camera, '/tmp/dq-1to1-preview-only.png');
    console.log(`1:1 from the preview alone: mean difference ${softness.toFixed(1)} from the image`);
    expect(softness).toBeGreaterThan(25);
    await page.unroute('**/tile/**');
  });

  it('at 1:1 draws full-resolution tiles: the screen shows the image pixels, from a few level-0 tiles', async () => {
    await page.reload();
    await page.getByTestId('stain-panel').waitFor();
    tileRequests.length = 0;
    session.pageProblems.length = 0; // the tiles refused on purpose above
    const camera = await oneToOne(page);
    let difference = Infinity;
    for (let attempt = 0; attempt < 40 && difference > 8; attempt++) {
      await page.waitForTimeout(500);
      difference = await screenVersusImage(page, camera, '/tmp/dq-1to1-tiles.png');
    }
    console.log(`1:1 with tiles: mean difference ${difference.toFixed(1)} from the image`);
    expect(difference).toBeLessThan(8);
    // Only level-0 tiles of this image, only around the view: a 512 px grid over a stage this size.
    const levels = new Set(tileRequests.map((p) => p.split('/')[4]));
    expect([...levels]).toEqual(['0']);
    expect(tileRequests.every((p) => p.startsWith(`/image/${beforeId}/tile/0/`))).toBe(true);
    const columns = Math.ceil((camera.width + 256) / 512) + 1;
    const rows = Math.ceil((camera.height + 256) / 512) + 1;
    expect(new Set(tileRequests).size).toBeLessThanOrEqual(columns * rows);
    expect(new Set(tileRequests).size).toBeGreaterThan(0);
    expect(session.pageProblems).toEqual([]);
  });
});
