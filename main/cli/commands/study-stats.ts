/**
 * `dermaquant study stats DIR --baseline LABEL --followup LABEL [--measure fraction|area] [--json]`
 * (CLI.md): the paired change of every subject and the cohort statistics, from services.getStudyStats;
 * with `--timepoints L1,L2,L3[,...]` instead, the series and the Friedman test (study-stats-series.ts).
 */
import { Option, type Command } from 'commander';
import type { CohortPair, CohortStats, PooledFigures } from '../../../shared/stats/cohort';
import { commandAction, UsageError, type CommandOutput } from '../cli-io';
import { withStudy } from '../with-study';
import { runSeriesStats } from './study-stats-series';

interface StatsOptions {
  baseline: string;
  followup: string;
  measure: 'fraction' | 'area';
}

type GivenOptions = Partial<StatsOptions> & Pick<StatsOptions, 'measure'> & { timepoints?: string };

/** Either a pair (--baseline and --followup) or a series (--timepoints), never both or half of one. */
function statsMode(o: GivenOptions): { pair: StatsOptions } | { series: { timepoints: string } } {
  const pairGiven = o.baseline !== undefined || o.followup !== undefined;
  if (o.timepoints !== undefined) {
    if (pairGiven) throw new UsageError('give either --timepoints or --baseline and --followup, not both');
    return { series: { timepoints: o.timepoints } };
  }
  if (o.baseline === undefined || o.followup === undefined) {
    throw new UsageError(
      'give --baseline and --followup (two timepoints), or --timepoints L1,L2,L3 (three or more)',
    );
  }
  return { pair: { baseline: o.baseline, followup: o.followup, measure: o.measure } };
}

const num = (v: number | null, digits = 4) => (v === null ? 'n/a' : Number(v.toPrecision(digits)).toString());

const value = (f: PooledFigures, measure: StatsOptions['measure']) =>
  measure === 'fraction'
    ? f.stainedFraction === null
      ? 'undefined'
      : `${(f.stainedFraction * 100).toFixed(2)} %`
    : `${num(f.stainedAreaUm2, 6)} um2`;

function pairLine(pair: CohortPair, measure: StatsOptions['measure']): string {
  const { change } = pair;
  const absolute =
    change.absolute === null
      ? 'undefined'
      : measure === 'fraction'
        ? `${change.absolute >= 0 ? '+' : ''}${(change.absolute * 100).toFixed(2)} points`
        : `${change.absolute >= 0 ? '+' : ''}${num(change.absolute, 6)} um2`;
  const relative =
    change.relativePercent === null
      ? `relative change undefined (${change.unavailable.relativePercent})`
      : `${change.relativePercent >= 0 ? '+' : ''}${change.relativePercent.toFixed(1)} %, fold ${change.foldChange!.toFixed(3)}`;
  return `  ${pair.subject}: ${value(pair.before, measure)} -> ${value(pair.after, measure)}, ${absolute}, ${relative}`;
}

function printStats(stats: CohortStats, options: StatsOptions, output: CommandOutput): void {
  const what = options.measure === 'fraction' ? 'stained fraction' : 'stained area';
  output.line(`${what}, ${options.followup} vs ${options.baseline} (after minus before):`);
  for (const pair of stats.pairs) output.line(pairLine(pair, options.measure));
  const c = stats.cohort;
  const scaled = (v: number | null) => (v === null || options.measure === 'area' ? v : v * 100);
  const unit = options.measure === 'fraction' ? ' points' : ' um2';
  output.line(`cohort: n = ${c.n}`);
  output.line(
    c.meanDifference === null
      ? `  mean difference: undefined (${c.unavailable.meanDifference})`
      : `  mean difference ${num(scaled(c.meanDifference))}${unit}, SD ${c.sdDifference === null ? `undefined (${c.unavailable.sdDifference})` : `${num(scaled(c.sdDifference))}${unit}`}`,
  );
  output.line(
    c.ci95 === null
      ? `  95 % CI: undefined (${c.unavailable.ci95})`
      : `  95 % CI ${num(scaled(c.ci95[0]))} to ${num(scaled(c.ci95[1]))}${unit}`,
  );
  output.line(
    c.pairedT === null
      ? `  paired t-test: undefined (${c.unavailable.pairedT})`
      : `  paired t-test t = ${num(c.pairedT.t)}, df = ${c.pairedT.df}, p = ${num(c.pairedT.p)}`,
  );
  output.line(
    c.wilcoxon === null
      ? `  Wilcoxon signed-rank: undefined (${c.unavailable.wilcoxon})`
      : `  Wilcoxon signed-rank W = ${c.wilcoxon.statistic}, p = ${num(c.wilcoxon.p)}`,
  );
}

export function registerStudyStatsCommand(study: Command): void {
  study
    .command('stats')
    .description(
      "pair each subject's baseline with its follow-up and compare the cohort (paired t, Wilcoxon), or follow the subjects across three or more timepoints (Friedman)",
    )
    .argument('<dir>', 'study folder')
    .option('--baseline <label>', 'timepoint label of the before images')
    .option('--followup <label>', 'timepoint label of the after images')
    .option(
      '--timepoints <labels>',
      'three or more timepoint labels, comma-separated, in order: the series and the Friedman test',
    )
    .addOption(
      new Option('--measure <measure>', 'stained fraction (0..1) or stained area (um2, needs calibration)')
        .choices(['fraction', 'area'])
        .default('fraction'),
    )
    .option('--json', 'print one JSON document on stdout')
    .action(
      commandAction(async (output, dir: string, given: GivenOptions) => {
        const mode = statsMode(given);
        await withStudy(dir, async (services) => {
          if ('series' in mode) {
            await runSeriesStats(services, output, { ...mode.series, measure: given.measure });
            return;
          }
          const options = mode.pair;
          const stats = await services.getStudyStats(options);
          for (const u of stats.unpaired) {
            output.note(
              `dermaquant: note: ${u.subject} has no images at ${u.missing.join(' and ')}: left out.`,
            );
          }
          if (stats.cohort.n < 2) {
            output.note(
              `dermaquant: note: ${stats.cohort.n} complete pair${stats.cohort.n === 1 ? '' : 's'}: ${Object.values(stats.cohort.unavailable)[0] ?? ''}`,
            );
          }
          const { unpaired: _unpaired, ...document } = stats; // CLI.md's document; unpaired went to stderr
          output.result(document);
          printStats(stats, options, output);
        });
      }),
    );
}
