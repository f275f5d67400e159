/**
 * The numbers beside the images: per image (stained area, analysed area, stained fraction, mean OD,
 * threshold) and the change between them. Each column says whether its figures are the quick preview
 * estimate or the exact full-resolution measurement, and shows the analysis progress while it runs.
 */
import { stainChange, type ChangeMeasure } from '../../shared/analysis/change';
import type { StainMeasurement } from '../../shared/analysis/measure';
import {
  absoluteChangeFigure,
  areaUm2Figure,
  foldFigure,
  formatPx,
  fractionFigure,
  manualFigure,
  meanODFigure,
  pointsFigure,
  relativeFigure,
  thresholdFigure,
  type Figure,
} from './stain-format';
import type { ExactState } from './use-exact-analysis';

export interface SideNumbers {
  role: 'before' | 'after';
  /** What to show: the exact measurement when it is current, else the preview estimate (or nothing yet). */
  measurement: StainMeasurement | null;
  exact: boolean;
  thresholdOD: number | null;
  state: ExactState;
  onRetry: () => void;
}

function FigureCell({ figure, testId }: { figure: Figure; testId: string }) {
  return (
    <td data-testid={testId} data-na={figure.reason !== null && figure.text === 'n/a'}>
      <span className="figure">{figure.text}</span>
      {figure.reason && <span className="figure-reason">{figure.reason}</span>}
    </td>
  );
}

function ColumnStatus({ side }: { side: SideNumbers }) {
  const { state } = side;
  if (side.exact) {
    return (
      <span
        className="stain-badge stain-badge-exact"
        data-testid={`stain-status-${side.role}`}
        data-status="exact"
      >
        Exact
      </span>
    );
  }
  const label = side.measurement ? 'Preview ≈' : 'Loading…';
  const percent =
    state.status === 'running' && state.total > 0 ? Math.round((100 * state.done) / state.total) : 0;
  return (
    <span className="stain-status" data-testid={`stain-status-${side.role}`} data-status={state.status}>
      <span className="stain-badge stain-badge-preview">{label}</span>
      {state.status === 'running' && (
        <progress
          className="stain-progress"
          max={100}
          value={percent}
          aria-label={`Exact analysis of the ${side.role} image`}
          data-testid={`stain-progress-${side.role}`}
        />
      )}
    </span>
  );
}

const empty: Figure = { text: '…', reason: null };

function rowsOf(side: SideNumbers, method: string) {
  const m = side.measurement;
  return {
    stainedUm2: m ? areaUm2Figure(m.stainedAreaUm2) : empty,
    stainedPx: m ? { text: formatPx(m.stainedAreaPx), reason: null } : empty,
    analysedUm2: m ? areaUm2Figure(m.analyzedAreaUm2) : empty,
    analysedPx: m ? { text: formatPx(m.analyzedAreaPx), reason: null } : empty,
    fraction: m ? fractionFigure(m) : empty,
    meanOD: m ? meanODFigure(m) : empty,
    threshold: m ? thresholdFigure(side.thresholdOD, method) : empty,
    manual: m ? manualFigure(m) : empty,
  };
}

const ROW_LABELS: [keyof ReturnType<typeof rowsOf>, string][] = [
  ['stainedUm2', 'Stained area'],
  ['stainedPx', 'Stained pixels'],
  ['analysedUm2', 'Analysed area'],
  ['analysedPx', 'Analysed pixels'],
  ['fraction', 'Stained fraction'],
  ['meanOD', 'Mean OD (stained)'],
  ['threshold', 'Threshold'],
  // Included in the figures above (ANALYSIS.md step 5): what the editor's marks changed.
  ['manual', 'Manual corrections'],
];

interface StainNumbersProps {
  before: SideNumbers;
  after: SideNumbers;
  method: string;
  changeMeasure: ChangeMeasure;
  onChangeMeasure: (measure: ChangeMeasure) => void;
}

export function StainNumbers({ before, after, method, changeMeasure, onChangeMeasure }: StainNumbersProps) {
  const rows = { before: rowsOf(before, method), after: rowsOf(after, method) };
  const change =
    before.measurement && after.measurement
      ? stainChange(before.measurement, after.measurement, changeMeasure)
      : null;
  const changeExact = before.exact && after.exact;
  return (
    <div className="stain-numbers">
      <table className="stain-table" data-testid="stain-numbers">
        <thead>
          <tr>
            <th scope="col" />
            {[before, after].map((side) => (
              <th scope="col" key={side.role}>
                <span className="stain-col-title">{side.role === 'before' ? 'Before' : 'After'}</span>
                <ColumnStatus side={side} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROW_LABELS.map(([key, label]) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <FigureCell figure={rows.before[key]} testId={`stain-before-${key}`} />
              <FigureCell figure={rows.after[key]} testId={`stain-after-${key}`} />
            </tr>
          ))}
        </tbody>
      </table>
      {[before, after].some((side) => side.measurement && side.measurement.stainedAreaUm2 === null) && (
        <p className="stain-note" data-testid="stain-calibration-note">
          Areas in µm² need the image’s calibration (µm per pixel): set it on the study screen.
        </p>
      )}
      {[before, after].map(
        (side) =>
          side.state.status === 'failed' && (
            <div
              className="stain-error"
              role="alert"
              key={side.role}
              data-testid={`stain-error-${side.role}`}
            >
              <p>
                <strong>{side.role === 'before' ? 'Before' : 'After'}:</strong> {side.state.error.message}
              </p>
              <button type="button" className="link-button" onClick={side.onRetry}>
                Try again
              </button>
            </div>
          ),
      )}
      <div className="stain-change" data-testid="stain-change" data-exact={changeExact}>
        <div className="stain-change-head">
          <h3>Change, before → after</h3>
          <span className={`stain-badge ${changeExact ? 'stain-badge-exact' : 'stain-badge-preview'}`}>
            {changeExact ? 'Exact' : 'Preview ≈'}
          </span>
        </div>
        <label className="field field-inline stain-change-measure">
          Relative change and fold of the
          <select
            value={changeMeasure}
            onChange={(e) => onChangeMeasure(e.target.value as ChangeMeasure)}
            data-testid="change-measure"
          >
            <option value="fraction">stained fraction</option>
            <option value="area">stained area</option>
          </select>
        </label>
        <table className="stain-table">
          <tbody>
            {(
              [
                ['absolute', 'Stained area', change && absoluteChangeFigure(change)],
                ['points', 'Stained fraction', change && pointsFigure(change)],
                ['relative', 'Relative', change && relativeFigure(change)],
                ['fold', 'Fold', change && foldFigure(change)],
              ] as const
            ).map(([key, label, figure]) => (
              <tr key={key}>
                <th scope="row">{label}</th>
                <FigureCell figure={figure ?? empty} testId={`change-${key}`} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
