/**
 * `dermaquant study export --pdf` as a child process on a real analysed study: the PDF is read back
 * with poppler (pdftotext, pdfinfo, pdftoppm), which .ci/run installs; without poppler the checks of
 * the PDF's content skip with a message. Also: no overwrite without --force, and a read-only destination.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatP, formatStatistic } from '../../shared/reports/report-format';
import { ensureMainBuilt } from '../helpers/build-main';
import { runCli as cli, runCliJson as cliJson, writeStainedBlockPng } from '../helpers/cli-run';
import { cliBundle } from '../helpers/paths';
import {
  canUseImmutableAttribute,
  canUseReadOnlyBindMount,
  runWithReadOnlyFolder,
  setImmutable,
} from '../helpers/read-only';
import { useTempDirs } from '../helpers/temp-dir';

beforeAll(() => ensureMainBuilt(), 120_000);

const hasPoppler = ['pdftotext', 'pdfinfo', 'pdftoppm', 'pdffonts'].every(
  (tool) => spawnSync(tool, ['-v'], { stdio: 'ignore' }).error === undefined,
);
const immutableWorks = canUseImmutableAttribute();
const readOnlyMountWorks = !immutableWorks && canUseReadOnlyBindMount();

const poppler = (tool: string, ...args: string[]) => {
  const run = spawnSync(tool, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${tool} failed: ${run.stderr}`);
  return run.stdout;
};

/** Stained pixels (of 10 000) per subject before and after: fractions 4 -> 9 %, 6 -> 8 %, 5 -> 12 %. */
const SUBJECTS = [
  { code: 'MN-001', before: 400, after: 900 },
  { code: 'MN-002', before: 600, after: 800 },
  { code: 'MN-003', before: 500, after: 1200 },
];

async function analysedStudy(root: string, name = 'Microneedling pilot'): Promise<string> {
  const dir = path.join(root, 'study');
  cli('study', 'init', dir, '--name', name);
  for (const [i, s] of SUBJECTS.entries()) {
    for (const [label, session, px] of [
      ['baseline', '0', s.before],
      ['week-12', '3', s.after],
    ] as const) {
      const file = await writeStainedBlockPng(path.join(root, `${s.code}-${label}.png`), px, i);
      const add = cli(
        'study',
        'add',
        dir,
        '--subject',
        s.code,
        '--timepoint',
        label,
        '--session',
        session,
        '--um-per-px',
        '0.5',
        file,
      );
      expect(add.status, add.stderr).toBe(0);
    }
  }
  cli('study', 'protocol', dir, '--threshold', '0.15', '--tissue', 'none');
  expect(cli('study', 'analyze', dir).status).toBe(0);
  return dir;
}

describe('dermaquant study export --pdf', () => {
  const tempDir = useTempDirs('dq-cli-report-');

  it.skipIf(!hasPoppler)(
    'writes a report whose text has the protocol, every subject and the cohort statistics as stats prints them',
    async () => {
      const root = tempDir();
      // Names beyond Western European letters print too (the font is embedded).
      const dir = await analysedStudy(root, 'Microneedling pilot — Étude Ωμέγα Коллаген');
      const file = path.join(root, 'report.pdf');
      const run = cliJson('study', 'export', dir, '--pdf', file);
      expect(run.status, run.stderr).toBe(0);
      expect(run.json).toMatchObject({
        pdf: { file, baseline: 'baseline', followup: 'week-12', measure: 'fraction' },
      });
      expect(run.stderr).toContain('the report compares "week-12" with "baseline"');

      // Cover, one page per subject, cohort.
      expect(poppler('pdfinfo', file)).toMatch(/^Pages:\s+5$/m);
      const text = poppler('pdftotext', '-layout', file, '-');
      expect(text).toContain('Microneedling pilot — Étude Ωμέγα Коллаген');
      // Every font is embedded (a subset of DejaVu Sans): the PDF prints the same anywhere.
      const fonts = poppler('pdffonts', file).split('\n').slice(2).filter(Boolean);
      expect(fonts.length).toBeGreaterThan(0);
      for (const line of fonts) expect(line).toMatch(/DejaVuSans\S*\s+(CID )?TrueType\S*\s+\S+\s+yes/);
      expect(text).toContain('Comparison report: baseline to week-12');
      expect(text).toContain('dermaquant-stain-1.0.0');
      expect(text).toMatch(/Threshold\s+fixed, 0\.150 OD/);
      expect(text).toContain('purple (0.439, 0.847, 0.299)');
      expect(text).toMatch(/Calibration\s+all 6 images calibrated \(0\.5 µm\/px\)/);
      for (const s of SUBJECTS) expect(text).toContain(`Subject ${s.code}`);
      // MN-001: 400 -> 900 px, 100 -> 225 um2, 4 % -> 9 %.
      expect(text).toMatch(/Stained area \(px\)\s+400\s+900\s+\+500\s+\+125\.0 %\s+2\.250×/);
      expect(text).toMatch(/Stained area \(µm²\)\s+100\.0\s+225\.0\s+\+125\.0/);
      expect(text).toMatch(/Stained fraction\s+4\.00 %\s+9\.00 %\s+\+5\.00 pp/);
      expect(text).toContain('Page 5 of 5');

      // The cohort figures are the ones `study stats` computes, as the report prints them.
      const stats = cliJson('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12')
        .json as {
        cohort: {
          n: number;
          pairedT: { t: number; df: number; p: number };
          wilcoxon: { statistic: number; p: number };
        };
      };
      const { pairedT, wilcoxon } = stats.cohort;
      expect(text).toMatch(/Pairs \(n\)\s+3/);
      expect(text).toContain(`t = ${formatStatistic(pairedT.t)}, df = 2, p = ${formatP(pairedT.p)}`);
      expect(text).toContain(`W = ${formatStatistic(wilcoxon.statistic)}, p = ${formatP(wilcoxon.p)}`);

      const pages = path.join(root, 'pages');
      fs.mkdirSync(pages);
      poppler('pdftoppm', '-r', '30', '-png', file, path.join(pages, 'page'));
      expect(fs.readdirSync(pages)).toHaveLength(5);
    },
    120_000,
  );
  if (!hasPoppler)
    it.skip('report content: poppler-utils (pdftotext, pdfinfo, pdftoppm, pdffonts) is not installed', () => {});

  it('never replaces a file without --force, and names the timepoints it could not find', async () => {
    const root = tempDir();
    const dir = await analysedStudy(root);
    const file = path.join(root, 'report.pdf');
    fs.writeFileSync(file, 'keep me');
    const refused = cli('study', 'export', dir, '--pdf', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `${file} already exists: nothing was written. Pass --force to replace it`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');

    expect(cli('study', 'export', dir, '--pdf', file, '--force').status).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(fs.readdirSync(root).filter((f) => f.includes('export'))).toEqual([]);

    const unknown = cli(
      'study',
      'export',
      dir,
      '--pdf',
      path.join(root, 'x.pdf'),
      '--baseline',
      'week-6',
      '--followup',
      'week-12',
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No timepoint with images is labelled "week-6"');
    expect(fs.existsSync(path.join(root, 'x.pdf'))).toBe(false);
  }, 120_000);

  it.skipIf(!immutableWorks && !readOnlyMountWorks)(
    'says clearly that a read-only destination cannot be written, and writes nothing',
    async () => {
      const root = tempDir();
      const dir = await analysedStudy(root);
      const out = path.join(root, 'out');
      fs.mkdirSync(out);
      const file = path.join(out, 'report.pdf');
      const args = ['study', 'export', dir, '--pdf', file];
      let run: { status: number | null; stderr: string };
      if (immutableWorks) {
        setImmutable([out], true);
        try {
          run = cli(...args);
        } finally {
          setImmutable([out], false);
        }
      } else {
        run = runWithReadOnlyFolder(out, [process.execPath, cliBundle, ...args]);
      }
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `Cannot write ${file}: the folder ${out} is read-only or you have no permission to write there`,
      );
      expect(run.stderr).not.toContain('study folder');
      expect(fs.readdirSync(out)).toEqual([]);
    },
    120_000,
  );
  if (!immutableWorks && !readOnlyMountWorks)
    it.skip('read-only destination: neither chattr +i nor a read-only bind mount works here', () => {});
});
