/**
 * `dermaquant study stats DIR --timepoints L1,L2,L3[,...]` (CLI.md): the measure of every subject across
 * the timepoints, per-timepoint summaries and the Friedman test, from services.getStudySeries.
 */
import type { CohortMeasure } from '../../../shared/stats/cohort';
import type { SeriesStats } from '../../../shared/stats/series';
import type { Services } from '../../services/types';
import { UsageError, type CommandOutput } from '../cli-io';

/** "a, b ,c" -> ["a", "b", "c"]; an empty label is a typo, not a timepoint. */
export function parseTimepointList(list: string): string[] {
  const labels = list.split(',').map((l) => l.trim());
  if (labels.some((l) => l === '')) {
    throw new UsageError(`--timepoints takes labels separated by commas, with none empty (got "${list}")`);
  }
  return labels;
}

const num = (v: number, digits = 4) => Number(v.toPrecision(digits)).toString();

/** A value of the measure as people read it: a percentage of the fraction, or um2. */
const shown = (v: number | null, measure: CohortMeasure) =>
  v === null ? 'n/a' : measure === 'fraction' ? `${(v * 100).toFixed(2)} %` : `${num(v, 6)} um2`;

function printSeries(series: SeriesStats, output: CommandOutput): void {
  const what = series.measure === 'fraction' ? 'stained fraction' : 'stained area';
  output.line(
    `${what} across ${series.timepoints.join(', ')} (${series.subjects.length} subjects with every timepoint):`,
  );
  for (const s of series.summaries) {
    const sd = s.sd === null ? `SD n/a (${s.unavailable.sd})` : `SD ${shown(s.sd, series.measure)}`;
    output.line(
      `  ${s.label}: n = ${s.n}, mean ${shown(s.mean, series.measure)}, ${sd}, median ${shown(s.median, series.measure)}`,
    );
  }
  for (const s of series.subjects) {
    output.line(`  ${s.subject}: ${s.values.map((v) => shown(v, series.measure)).join(' -> ')}`);
  }
  const f = series.friedman;
  output.line(
    f === null
      ? `Friedman test: undefined (${series.unavailable.friedman})`
      : `Friedman test chi-square = ${num(f.statistic)}, df = ${f.df}, p = ${num(f.p)} (n = ${f.n})`,
  );
}

export async function runSeriesStats(
  services: Services,
  output: CommandOutput,
  options: { timepoints: string; measure: CohortMeasure },
): Promise<void> {
  const series = await services.getStudySeries({
    timepoints: parseTimepointList(options.timepoints),
    measure: options.measure,
  });
  for (const u of series.incomplete) {
    const why = [
      u.missing.length > 0 ? `has no images at ${u.missing.join(' and ')}` : null,
      u.undefinedAt.length > 0
        ? `has no ${series.measure === 'area' ? 'area' : 'fraction'} at ${u.undefinedAt.join(' and ')}`
        : null,
    ].filter((w) => w !== null);
    output.note(`dermaquant: note: ${u.subject} ${why.join(' and ')}: left out.`);
  }
  if (series.friedman === null) output.note(`dermaquant: note: ${series.unavailable.friedman}`);
  output.result(series);
  printSeries(series, output);
}
