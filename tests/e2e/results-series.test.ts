/**
 * The Results screen's "Across timepoints" section in the real UI (Chromium, browser mode, real
 * services): a study of four subjects x three timepoints with known stained pixels (the scipy series of
 * tests/helpers/scipy-series.ts, S05 missing week 6), analysed through the API; the Friedman p-value
 * read on the screen is checked against getStudySeries, and unticking a timepoint asks for three.
 */
import fs from 'node:fs/promises';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatP } from '../../shared/reports/report-format';
import type { SeriesStats } from '../../shared/stats/series';
import { SCIPY_SERIES_FRACTION, SERIES_STAINED_PX } from '../helpers/scipy-series';
import { stainedBlockPng } from '../helpers/cli-run';
import { apiOf } from './helpers/http-api';
import { missingPrerequisites, startWebSession, type WebSession } from './helpers/web-session';

const SHOTS = '/tmp/dq-results-screens';
const LABELS = ['Baseline', 'Week 6', 'Week 12'];

const prerequisiteProblem = missingPrerequisites();

describe.skipIf(prerequisiteProblem !== null)('the Results screen across timepoints', () => {
  let session: WebSession;
  let page: Page;
  let api: ReturnType<typeof apiOf>;

  beforeAll(async () => {
    await fs.mkdir(SHOTS, { recursive: true });
    session = await startWebSession();
    page = session.page;
    api = apiOf(session);
    await api.call('createStudy', { name: 'Microneedling series' });
    let variant = 0;
    for (const { subject: code, px } of SERIES_STAINED_PX) {
      const subject = await api.call<{ id: number }>('addSubject', { code });
      for (const [i, counts] of px.entries()) {
        if (counts === null) continue;
        const tp = await api.call<{ id: number }>('addTimepoint', {
          subjectId: subject.id,
          label: LABELS[i],
          session: i * 2,
        });
        for (const [j, n] of counts.entries()) {
          await api.importPng(tp.id, `${code}-${i}-${j}.png`, await stainedBlockPng(n, variant++));
        }
      }
    }
    await api.call('setAnalysisProtocol', {
      protocol: { threshold: { method: 'fixed', od: 0.15 }, tissue: 'none' },
    });
    await api.call('analyzeStudy', {});
    await page.reload();
    await page.getByTestId('open-results').click();
    await page.getByTestId('series-section').waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('shows the Friedman p-value of getStudySeries, the summaries and one line per subject', async () => {
    const series = await api.call<SeriesStats>('getStudySeries', {});
    expect(series.friedman!.p).toBeCloseTo(SCIPY_SERIES_FRACTION.friedman.p, 10);
    await expect.poll(() => page.getByTestId('friedman-p').innerText()).toBe(formatP(series.friedman!.p));
    expect(await page.getByTestId('friedman').innerText()).toContain('χ² = 5.571, df = 2');
    const rows = await page.getByTestId('series-row').allInnerTexts();
    expect(rows.map((r) => r.split('\t')[0])).toEqual(LABELS);
    expect(rows[0]).toContain('8.50 %');
    expect(await page.getByTestId('chart-series').count()).toBe(4);
    expect(await page.getByTestId('chart-mean').count()).toBe(1);
    expect(await page.getByTestId('series-left-out').innerText()).toBe(
      'S05 has no images at Week 6: left out.',
    );
    await page.getByTestId('series-section').screenshot({ path: `${SHOTS}/series-section.png` });
  });

  it('asks for three timepoints when one is unticked, and refuses the area of uncalibrated images', async () => {
    await page.getByTestId('series-label').nth(1).uncheck();
    await page.getByTestId('series-too-few').waitFor();
    await page.getByTestId('series-label').nth(1).check();
    // These images carry no calibration: the area is refused with the reason, as on the command line.
    await page.getByTestId('series-measure').selectOption('area');
    await expect
      .poll(() => page.getByTestId('series-error').innerText())
      .toContain('The stained area in um2 needs calibrated images');
    await page.getByTestId('series-measure').selectOption('fraction');
    await expect.poll(() => page.getByTestId('friedman-p').innerText()).toBe('0.062');
  });
});
