/**
 * "Across timepoints" (getStudySeries, as `dermaquant study stats --timepoints` computes it): the chosen
 * timepoints in session order, the measure, a summary per timepoint, the Friedman test and a chart of
 * every subject's series with the mean. Shown when the study has three or more timepoint labels.
 */
import { useEffect, useState } from 'react';
import type { StudyResults } from '../../shared/api-study-results';
import {
  formatArea,
  formatP,
  formatPercentOfFraction,
  formatStatistic,
} from '../../shared/reports/report-format';
import { orderedTimepointLabels } from '../../shared/reports/report-timepoints';
import type { CohortMeasure } from '../../shared/stats/cohort';
import type { IncompleteSubject, SeriesStats } from '../../shared/stats/series';
import type { ApiError } from '../../shared/result';
import { useAppApi } from '../api/api-context';
import { MeasureSelect } from './MeasureSelect';
import { SpaghettiChart } from './SpaghettiChart';

type SeriesState =
  { status: 'loading' } | { status: 'ready'; series: SeriesStats } | { status: 'failed'; error: ApiError };

const shown = (v: number | null, measure: CohortMeasure) =>
  v === null ? 'n/a' : measure === 'fraction' ? formatPercentOfFraction(v) : `${formatArea(v)} µm²`;

function leftOutNote(u: IncompleteSubject, measure: CohortMeasure): string {
  const why = [
    u.missing.length > 0 ? `has no images at ${u.missing.join(' and ')}` : null,
    u.undefinedAt.length > 0
      ? `has no ${measure === 'area' ? 'calibrated area' : 'analysed tissue'} at ${u.undefinedAt.join(' and ')}`
      : null,
  ].filter((w) => w !== null);
  return `${u.subject} ${why.join(' and ')}: left out.`;
}

function SeriesBody({ series }: { series: SeriesStats }) {
  const { measure } = series;
  const factor = measure === 'fraction' ? 100 : 1;
  const f = series.friedman;
  return (
    <>
      <div className="table-scroll">
        <table className="results-table" data-testid="series-table">
          <thead>
            <tr>
              <th>Timepoint</th>
              <th className="num">n</th>
              <th className="num">Mean</th>
              <th className="num">SD</th>
              <th className="num">Median</th>
            </tr>
          </thead>
          <tbody>
            {series.summaries.map((s) => (
              <tr key={s.label} data-testid="series-row">
                <td>{s.label}</td>
                <td className="num">{s.n}</td>
                <td className="num">{shown(s.mean, measure)}</td>
                <td className="num" title={s.unavailable.sd}>
                  {shown(s.sd, measure)}
                </td>
                <td className="num">{shown(s.median, measure)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="cohort-body">
        <dl className="cohort-figures" data-testid="friedman">
          <div>
            <dt>Friedman test</dt>
            <dd>
              {f === null ? (
                <span data-testid="friedman-unavailable">n/a: {series.unavailable.friedman}</span>
              ) : (
                <>
                  χ² = {formatStatistic(f.statistic)}, df = {f.df}, p ={' '}
                  <span data-testid="friedman-p">{formatP(f.p)}</span> (n = {f.n} subjects)
                </>
              )}
            </dd>
          </div>
        </dl>
        <SpaghettiChart
          timepoints={series.timepoints}
          lines={series.subjects.map((s) => ({
            subject: s.subject,
            values: s.values.map((v) => v * factor),
          }))}
          means={series.summaries.map((s) => (s.mean ?? 0) * factor)}
          axisLabel={measure === 'fraction' ? 'Stained fraction (%)' : 'Stained area (µm²)'}
        />
      </div>
      {series.incomplete.map((u) => (
        <p key={u.subject} className="muted small" data-testid="series-left-out">
          {leftOutNote(u, measure)}
        </p>
      ))}
    </>
  );
}

export function SeriesSection({ results }: { results: StudyResults }) {
  const { api } = useAppApi();
  const labels = orderedTimepointLabels(results.images);
  const [unchecked, setUnchecked] = useState<string[]>([]);
  const [measure, setMeasure] = useState<CohortMeasure>('fraction');
  // The answer with what it answers: while a newer request is out, the section shows "Computing…".
  const [answer, setAnswer] = useState<{ request: string; results: StudyResults; state: SeriesState } | null>(
    null,
  );
  // Session order whatever order the boxes were ticked in; a label that disappeared is simply gone.
  const chosen = labels.filter((l) => !unchecked.includes(l));
  const key = chosen.join('\u0000');
  const state: SeriesState =
    answer && answer.request === `${key}\u0001${measure}` && answer.results === results
      ? answer.state
      : { status: 'loading' };

  useEffect(() => {
    // The labels travel as one string: `chosen` is a new array at every render.
    const timepoints = key === '' ? [] : key.split('\u0000');
    const request = `${key}\u0001${measure}`;
    if (timepoints.length < 3) return;
    let current = true;
    void api.getStudySeries({ timepoints, measure }).then((r) => {
      if (!current) return;
      const answer: SeriesState = r.ok
        ? { status: 'ready', series: r.value }
        : { status: 'failed', error: r.error };
      setAnswer({ request, results, state: answer });
    });
    return () => {
      current = false;
    };
  }, [api, key, measure, results]);

  if (labels.length < 3) return null;
  const toggle = (label: string, on: boolean) =>
    setUnchecked((u) => (on ? u.filter((l) => l !== label) : [...u, label]));

  return (
    <section className="results-card" aria-labelledby="series-heading" data-testid="series-section">
      <div className="results-card-head">
        <h2 id="series-heading">Across timepoints</h2>
        <div className="series-labels" data-testid="series-labels">
          {labels.map((l) => (
            <label key={l} className="field-inline">
              <input
                type="checkbox"
                checked={chosen.includes(l)}
                onChange={(e) => toggle(l, e.target.checked)}
                data-testid="series-label"
              />{' '}
              {l}
            </label>
          ))}
        </div>
        <MeasureSelect value={measure} onChange={setMeasure} testId="series-measure" />
      </div>
      {chosen.length < 3 ? (
        <p className="muted" data-testid="series-too-few">
          Choose at least 3 timepoints for the Friedman test.
        </p>
      ) : (
        <SeriesState state={state} />
      )}
    </section>
  );
}

function SeriesState({ state }: { state: SeriesState }) {
  return (
    <>
      {state.status === 'loading' && <p className="muted">Computing…</p>}
      {state.status === 'failed' && (
        <p className="cohort-refusal" role="alert" data-testid="series-error">
          {state.error.message.replace('(dermaquant study analyze)', '(Analyse all, above)')}
        </p>
      )}
      {state.status === 'ready' && <SeriesBody series={state.series} />}
    </>
  );
}
