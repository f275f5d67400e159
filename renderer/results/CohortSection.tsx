/**
 * Cohort statistics between two timepoints (getStudyStats, as `dermaquant study stats` and the PDF
 * report compute them): each subject's change, the cohort's figures worded as the report words them,
 * and the paired chart.
 */
import { useEffect, useState } from 'react';
import type { StudyResults } from '../../shared/api-study-results';
import { cohortSection } from '../../shared/reports/report-model';
import {
  formatArea,
  formatFold,
  formatPercentOfFraction,
  formatPoints,
  formatRelative,
  formatSigned,
} from '../../shared/reports/report-format';
import { orderedTimepointLabels } from '../../shared/reports/report-timepoints';
import type { CohortMeasure, CohortPair, CohortStats } from '../../shared/stats/cohort';
import type { ApiError } from '../../shared/result';
import { useAppApi } from '../api/api-context';
import { MeasureSelect } from './MeasureSelect';
import { PairedChart } from './PairedChart';

export interface CohortChoice {
  baseline: string;
  followup: string;
  measure: CohortMeasure;
}

function NA({ reason }: { reason: string | undefined }) {
  return (
    <span>
      n/a<span className="cell-note">{reason ?? 'undefined'}</span>
    </span>
  );
}

const value = (f: CohortPair['before'], measure: CohortMeasure) =>
  measure === 'fraction'
    ? f.stainedFraction === null
      ? null
      : formatPercentOfFraction(f.stainedFraction)
    : f.stainedAreaUm2 === null
      ? null
      : `${formatArea(f.stainedAreaUm2)} µm²`;

function PairRow({ pair, measure }: { pair: CohortPair; measure: CohortMeasure }) {
  const { before, after, change } = pair;
  const areaChange =
    before.stainedAreaUm2 !== null && after.stainedAreaUm2 !== null
      ? `${formatSigned(after.stainedAreaUm2 - before.stainedAreaUm2, formatArea)} µm²`
      : `${formatSigned(after.stainedAreaPx - before.stainedAreaPx, (v) => v.toLocaleString('en-US'))} px`;
  const points =
    before.stainedFraction !== null && after.stainedFraction !== null
      ? formatPoints((after.stainedFraction - before.stainedFraction) * 100)
      : null;
  return (
    <tr data-testid="pair-row" data-subject={pair.subject}>
      <td>{pair.subject}</td>
      <td className="num">{value(before, measure) ?? <NA reason={change.unavailable.absolute} />}</td>
      <td className="num">{value(after, measure) ?? <NA reason={change.unavailable.absolute} />}</td>
      <td className="num">{areaChange}</td>
      <td className="num" data-testid="pair-points">
        {points ?? <NA reason="nothing was analysed at one of the timepoints" />}
      </td>
      <td className="num">
        {change.relativePercent === null ? (
          <NA reason={change.unavailable.relativePercent} />
        ) : (
          formatRelative(change.relativePercent)
        )}
      </td>
      <td className="num">
        {change.foldChange === null ? (
          <NA reason={change.unavailable.foldChange} />
        ) : (
          formatFold(change.foldChange)
        )}
      </td>
    </tr>
  );
}

type StatsState =
  { status: 'loading' } | { status: 'ready'; stats: CohortStats } | { status: 'failed'; error: ApiError };

export function CohortSection({
  results,
  choice,
  onChoice,
}: {
  results: StudyResults;
  choice: CohortChoice | null;
  onChoice: (c: CohortChoice) => void;
}) {
  const { api } = useAppApi();
  const labels = orderedTimepointLabels(results.images);
  const [state, setState] = useState<StatsState>({ status: 'loading' });

  useEffect(() => {
    if (!choice) return;
    let current = true;
    setState({ status: 'loading' });
    void api.getStudyStats(choice).then((r) => {
      if (current)
        setState(r.ok ? { status: 'ready', stats: r.value } : { status: 'failed', error: r.error });
    });
    return () => {
      current = false;
    };
  }, [api, choice, results]);

  if (!choice || labels.length < 2) {
    return (
      <section className="results-card" data-testid="cohort-section">
        <h2>Cohort statistics</h2>
        <p className="muted">The statistics compare two timepoints: add the images of a second timepoint.</p>
      </section>
    );
  }
  const select = (key: 'baseline' | 'followup') => (
    <select
      value={choice[key]}
      onChange={(e) => onChoice({ ...choice, [key]: e.target.value })}
      data-testid={`cohort-${key}`}
    >
      {labels.map((l) => (
        <option key={l} value={l}>
          {l}
        </option>
      ))}
    </select>
  );
  const summary = state.status === 'ready' ? cohortSection({ stats: state.stats, ...choice }) : null;

  return (
    <section className="results-card" aria-labelledby="cohort-heading" data-testid="cohort-section">
      <div className="results-card-head">
        <h2 id="cohort-heading">Cohort statistics</h2>
        <label className="field field-inline">Baseline {select('baseline')}</label>
        <label className="field field-inline">Follow-up {select('followup')}</label>
        <MeasureSelect
          value={choice.measure}
          onChange={(measure) => onChoice({ ...choice, measure })}
          testId="cohort-measure"
        />
      </div>
      {state.status === 'loading' && <p className="muted">Computing…</p>}
      {state.status === 'failed' && (
        <p className="cohort-refusal" role="alert" data-testid="cohort-error">
          {state.error.message.replace('(dermaquant study analyze)', '(Analyse all, above)')}
        </p>
      )}
      {state.status === 'ready' && summary && (
        <>
          <div className="table-scroll">
            <table className="results-table" data-testid="pairs-table">
              <thead>
                <tr>
                  <th>Subject</th>
                  <th className="num">{choice.baseline}</th>
                  <th className="num">{choice.followup}</th>
                  <th className="num">Absolute change</th>
                  <th className="num">Percentage points</th>
                  <th className="num">Relative</th>
                  <th className="num">Fold</th>
                </tr>
              </thead>
              <tbody>
                {state.stats.pairs.map((p) => (
                  <PairRow key={p.subject} pair={p} measure={choice.measure} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="cohort-body">
            <dl className="cohort-figures" data-testid="cohort-figures">
              {summary.rows.map((row) => (
                <div
                  key={row.label}
                  data-testid={`cohort-row-${row.label.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`}
                >
                  <dt>{row.label}</dt>
                  <dd>{row.value}</dd>
                </div>
              ))}
            </dl>
            <PairedChart
              points={summary.chart.points}
              baseline={choice.baseline}
              followup={choice.followup}
              axisLabel={summary.chart.axisLabel}
            />
          </div>
          {[
            ...summary.notes,
            ...state.stats.unpaired.map(
              (u) => `${u.subject} has no images at ${u.missing.join(' and ')}: left out.`,
            ),
          ].map((note) => (
            <p key={note} className="muted small">
              {note}
            </p>
          ))}
        </>
      )}
    </section>
  );
}
