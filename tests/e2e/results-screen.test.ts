/**
 * The Results screen in the real UI (Chromium, browser mode, real services): a study of two subjects x
 * two timepoints with known stained pixels; the protocol set in the screen, every image analysed with
 * "Analyse all", the table and the cohort figures read back (one checked against getStudyStats), the
 * lock and its confirmed "unlock and change", and the CSV downloaded with the bytes the route serves.
 */
import fs from 'node:fs/promises';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CohortStats } from '../../shared/stats/cohort';
import { stainedBlockPng } from '../helpers/cli-run';
import { apiOf } from './helpers/http-api';
import { missingPrerequisites, startWebSession, type WebSession } from './helpers/web-session';

const SHOTS = '/tmp/dq-results-screens';

const STUDY = [
  { code: 'S01', baseline: 300, followup: 900 },
  { code: 'S02', baseline: 500, followup: 1200 },
];

const prerequisiteProblem = missingPrerequisites();

describe.skipIf(prerequisiteProblem !== null)('the Results screen', () => {
  let session: WebSession;
  let page: Page;
  let api: ReturnType<typeof apiOf>;

  beforeAll(async () => {
    await fs.mkdir(SHOTS, { recursive: true });
    session = await startWebSession();
    page = session.page;
    api = apiOf(session);
    await api.call('createStudy', { name: 'Microneedling pilot' });
    let variant = 0;
    for (const s of STUDY) {
      const subject = await api.call<{ id: number }>('addSubject', { code: s.code });
      for (const [session_, label, px] of [
        [0, 'Baseline', s.baseline],
        [3, 'Week 12', s.followup],
      ] as const) {
        const tp = await api.call<{ id: number }>('addTimepoint', {
          subjectId: subject.id,
          label,
          session: session_,
          date: session_ === 0 ? '2025-01-15' : '2025-04-09',
        });
        await api.importPng(
          tp.id,
          `${s.code}-${label.replace(' ', '')}.png`,
          await stainedBlockPng(px, variant++),
        );
      }
    }
    await page.reload();
    await page.getByTestId('open-results').click();
    await page.getByTestId('results-screen').waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('is in the URL, so a reload returns to it', async () => {
    expect(new URL(page.url()).hash).toBe('#/results');
    await page.reload();
    await page.getByTestId('protocol-section').waitFor();
    await expect.poll(() => page.getByTestId('no-protocol').isVisible()).toBe(true);
    expect(await page.getByTestId('analyse-all').isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/01-no-protocol.png` });
  });

  it('sets the protocol in the screen, analyses every image and fills the table', async () => {
    await page.getByTestId('protocol-edit').click();
    await page.getByTestId('protocol-threshold-od').fill('0.15');
    await page.getByTestId('protocol-tissue').uncheck();
    await page.getByTestId('protocol-save').click();
    await expect
      .poll(() => page.getByTestId('protocol-description').innerText())
      .toContain('threshold fixed 0.150 OD');
    expect(await page.getByTestId('protocol-unlocked').isVisible()).toBe(true);

    await page.getByTestId('analyse-all').click();
    await expect
      .poll(() => page.getByTestId('analyse-summary').innerText(), { timeout: 60_000 })
      .toBe('4 measured, 0 already current (of 4).');
    await expect.poll(() => page.getByTestId('protocol-locked').isVisible()).toBe(true);
    await expect
      .poll(() => page.getByTestId('results-count').innerText())
      .toBe('4 of 4 images measured with the current protocol');
    const rows = page.getByTestId('result-row');
    expect(await rows.count()).toBe(4);
    const fractions = await page
      .locator('[data-testid="result-row"] [data-testid="cell-fraction"]')
      .allInnerTexts();
    expect(fractions).toEqual(['3.00 %', '9.00 %', '5.00 %', '12.00 %']);
    const stained = await page
      .locator('[data-testid="result-row"] [data-testid="cell-stained"]')
      .allInnerTexts();
    expect(stained).toEqual(['300 px', '900 px', '500 px', '1,200 px']);
    expect(await rows.first().innerText()).toContain('session 0, 2025-01-15');

    // Nothing left to do the second time: every image is current.
    await page.getByTestId('analyse-all').click();
    await expect
      .poll(() => page.getByTestId('analyse-summary').innerText(), { timeout: 60_000 })
      .toBe('0 measured, 4 already current (of 4).');
  });

  it('shows the cohort statistics of getStudyStats, with each pair and the chart', async () => {
    expect(await page.getByTestId('cohort-baseline').inputValue()).toBe('Baseline');
    expect(await page.getByTestId('cohort-followup').inputValue()).toBe('Week 12');
    await page.getByTestId('cohort-figures').waitFor();
    const stats = await api.call<CohortStats>('getStudyStats', {
      baseline: 'Baseline',
      followup: 'Week 12',
      measure: 'fraction',
    });
    expect(stats.cohort.meanDifference).toBeCloseTo(0.065, 12);
    const mean = await page.getByTestId('cohort-row-mean-difference').innerText();
    expect(mean).toContain(`${Number((stats.cohort.meanDifference! * 100).toPrecision(4))} pp`);
    expect(await page.getByTestId('cohort-row-pairs-n-').innerText()).toContain('2');
    expect(await page.getByTestId('cohort-row-paired-t-test').innerText()).toContain(
      `df = ${stats.cohort.pairedT!.df}`,
    );
    expect(await page.getByTestId('cohort-row-wilcoxon-signed-rank').innerText()).toContain('W = ');
    const points = await page.getByTestId('pair-points').allInnerTexts();
    expect(points).toEqual(['+6.00 pp', '+7.00 pp']);
    expect(await page.getByTestId('chart-pair').count()).toBe(2);
    await page.screenshot({ path: `${SHOTS}/02-analysed.png` });
    // The screen scrolls inside its own container: the lower sections are taken one by one.
    await page.getByTestId('cohort-section').screenshot({ path: `${SHOTS}/02a-cohort.png` });
    await page.getByTestId('export-section').screenshot({ path: `${SHOTS}/02b-exports.png` });

    // Area needs calibrated images: the refusal says so.
    await page.getByTestId('cohort-measure').selectOption('area');
    await expect
      .poll(() => page.getByTestId('cohort-error').innerText())
      .toContain('needs calibrated images');
    await page.getByTestId('cohort-measure').selectOption('fraction');
    await page.getByTestId('cohort-figures').waitFor();
  });

  it('downloads the CSV the export route serves', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe('Microneedling pilot results.csv');
    const saved = await fs.readFile((await download.path())!);
    const token = new URL(session.url).searchParams.get('token');
    const served = Buffer.from(
      await (
        await fetch(new URL('/export/csv', session.url), { headers: { Authorization: `Bearer ${token}` } })
      ).arrayBuffer(),
    );
    expect(saved.equals(served)).toBe(true);
    const text = saved.toString('utf8');
    expect(text).toContain('Microneedling pilot,S01,Baseline,0,2025-01-15,image,1,S01-Baseline.png');
    expect(text.trim().split('\n')).toHaveLength(1 + 8); // header, 4 images and 4 pooled timepoints
  });

  it('changes a locked protocol only after the confirmed "unlock and change"', async () => {
    await page.getByTestId('protocol-edit').click();
    await page.getByTestId('protocol-threshold-method').selectOption('otsu');
    await page.getByTestId('protocol-save').click();
    await page.getByTestId('unlock-confirm').waitFor();
    await page.screenshot({ path: `${SHOTS}/03-unlock-confirm.png` });
    await page.getByTestId('unlock-confirm-button').click();
    await expect
      .poll(() => page.getByTestId('protocol-description').innerText())
      .toContain('threshold automatic (otsu)');
    expect(await page.getByTestId('protocol-unlocked').isVisible()).toBe(true);
    await expect
      .poll(() => page.getByTestId('results-count').innerText())
      .toBe('0 of 4 images measured with the current protocol');
    await expect
      .poll(() => page.getByTestId('cohort-error').innerText())
      .toContain('No measurement with the current study protocol');
    expect(session.pageProblems).toEqual([]);
  });
});
