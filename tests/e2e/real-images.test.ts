/**
 * Real skin H&E from ../shared/data through the browser UI: an Aperio SVS and the same region as a
 * pyramidal TIFF (both 0.499 µm/px in their metadata) as a before/after pair, and a JPEG 2000 SVS
 * that sharp cannot decode. Skips cleanly when the data folder is absent (a user's clone).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCamera } from './helpers/viewer';
import {
  missingPrerequisites,
  repoRoot,
  screenshot,
  startWebSession,
  type WebSession,
} from './helpers/web-session';

const imagesDir = path.join(path.resolve(repoRoot, '..', 'shared', 'data'), 'images');
const SVS = path.join(imagesDir, 'CMU-1-small-region_skin_HE.svs');
const PYRAMID = path.join(imagesDir, 'CMU-1-small-region_skin_HE_pyramid.tif');
const J2K = path.join(imagesDir, 'TCGA-CR-7395-01A-01-TS1_HE_pyramid_j2k.svs');
const haveData = [SVS, PYRAMID, J2K].every((file) => existsSync(file));

describe.skipIf(!haveData)('real skin images from ../shared/data', () => {
  let session: WebSession;
  let page: Page;
  const timepoint = (label: string) => page.locator(`[data-testid="timepoint"][data-label="${label}"]`);

  async function importThroughPicker(label: string, files: string[]) {
    const chooser = page.waitForEvent('filechooser');
    await timepoint(label).getByTestId('import-button').click();
    await (await chooser).setFiles(files);
    await page.getByTestId('import-report').waitFor();
  }

  beforeAll(async () => {
    const problem = missingPrerequisites();
    if (problem) throw new Error(problem);
    session = await startWebSession();
    page = session.page;
    await page.getByTestId('study-name-input').fill('CMU-1 skin');
    await page.getByTestId('create-study').click();
    await page.getByTestId('subject-code-input').fill('CMU-1');
    await page.getByTestId('add-subject').click();
    for (const label of ['Scan A', 'Scan B']) {
      await page.getByTestId('add-timepoint-label').fill(label);
      await page.getByTestId('add-timepoint-submit').click();
      await timepoint(label).waitFor();
    }
  });

  afterAll(async () => {
    await session?.stop();
  });

  it('imports the SVS and the pyramidal TIFF with their calibration from the file', async () => {
    await importThroughPicker('Scan A', [SVS]);
    await importThroughPicker('Scan B', [PYRAMID]);
    for (const label of ['Scan A', 'Scan B']) {
      await expect.poll(() => timepoint(label).getByTestId('image-tile').count()).toBe(1);
      expect(await timepoint(label).textContent()).toContain('2,220 × 2,967 px');
      expect(await timepoint(label).getByTestId('calibration-value').textContent()).toBe(
        '0.499 µm/px from file',
      );
    }
  });

  it('shows the server’s message for a JPEG 2000 SVS it cannot decode, and stores nothing', async () => {
    await importThroughPicker('Scan A', [J2K]);
    const message = await page.getByTestId('import-failure-message').textContent();
    expect(message).toContain('TCGA-CR-7395-01A-01-TS1_HE_pyramid_j2k.svs');
    expect(await timepoint('Scan A').getByTestId('image-tile').count()).toBe(1);
    await screenshot(page, '11-real-import-j2k-refused');
  });

  it('opens them as a pair; a wheel zoom on one shows the same region of the other', async () => {
    await page.getByTestId('open-pair').click();
    await page.getByTestId('pair-view').waitFor();
    await page.getByTestId('pane-before').getByTestId('scale-bar').waitFor();
    await page.getByTestId('pane-after').getByTestId('scale-bar').waitFor();
    await screenshot(page, '12-real-pair-fitted');

    const before = await readCamera(page, 'before');
    await page.mouse.move(
      Math.round(before.left + before.width * 0.45),
      Math.round(before.top + before.height * 0.4),
    );
    await page.mouse.wheel(0, -800);
    await expect.poll(async () => (await readCamera(page, 'before')).scale).toBeGreaterThan(before.scale * 3);
    const zoomedBefore = await readCamera(page, 'before');
    const zoomedAfter = await readCamera(page, 'after');
    // Same pixels in both files and equal panes: the two cameras must be identical.
    expect(zoomedAfter.scale).toBeCloseTo(zoomedBefore.scale, 9);
    expect(zoomedAfter.x).toBeCloseTo(zoomedBefore.x, 6);
    expect(zoomedAfter.y).toBeCloseTo(zoomedBefore.y, 6);
    await screenshot(page, '13-real-pair-zoomed');
    expect(session.pageProblems).toEqual([]);
  });
});
