/** Every image with its measurement made with the current protocol, and pooled rows per timepoint. */
import type { ImageResult, StudyResults } from '../../shared/api-study-results';
import type { PooledMeasure } from '../../shared/stats/change';
import { formatPx, formatUm2, manualFigure } from '../stain/stain-format';
import { resultRows } from './results-rows';

const percent = (fraction: number | null) => (fraction === null ? 'n/a' : `${(fraction * 100).toFixed(2)} %`);

function Area({ px, um2 }: { px: number; um2: number | null }) {
  return um2 === null ? (
    <span>{formatPx(px)}</span>
  ) : (
    <span>
      {formatUm2(um2)}
      <span className="cell-note">{formatPx(px)}</span>
    </span>
  );
}

function When({ timepoint }: { timepoint: ImageResult['timepoint'] }) {
  const details = [timepoint.session === null ? null : `session ${timepoint.session}`, timepoint.date].filter(
    Boolean,
  );
  return (
    <span>
      {timepoint.label}
      {details.length > 0 && <span className="cell-note">{details.join(', ')}</span>}
    </span>
  );
}

function MeasuredCells({ r }: { r: ImageResult }) {
  const m = r.measurement;
  if (!m)
    return (
      <td colSpan={4} className="muted">
        not measured with the current protocol
      </td>
    );
  const fig = m.measurement;
  const manual = manualFigure(fig);
  return (
    <>
      <td className="num" data-testid="cell-stained">
        <Area px={fig.stainedAreaPx} um2={fig.stainedAreaUm2} />
      </td>
      <td className="num">
        <Area px={fig.analyzedAreaPx} um2={fig.analyzedAreaUm2} />
      </td>
      <td className="num" data-testid="cell-fraction" title={fig.stainedFractionReason ?? undefined}>
        {percent(fig.stainedFraction)}
      </td>
      <td className="num">{manual.text}</td>
    </>
  );
}

function PooledCells({ pooled }: { pooled: PooledMeasure | null }) {
  if (!pooled)
    return (
      <td colSpan={4} className="muted">
        pooled once every image is measured
      </td>
    );
  return (
    <>
      <td className="num">
        <Area px={pooled.stainedPx} um2={pooled.stainedAreaUm2} />
      </td>
      <td className="num">
        <Area px={pooled.analyzedPx} um2={pooled.analyzedAreaUm2} />
      </td>
      <td className="num" data-testid="cell-fraction">
        {percent(pooled.stainedFraction)}
      </td>
      <td />
    </>
  );
}

function Status({ r, hasProtocol }: { r: ImageResult; hasProtocol: boolean }) {
  if (r.measurement) return <span className="badge badge-current">current</span>;
  return <span className="badge badge-stale">{hasProtocol ? 'not measured' : 'no protocol'}</span>;
}

export function ResultsTable({ results }: { results: StudyResults }) {
  const rows = resultRows(results.images);
  if (rows.length === 0)
    return <p className="muted">The study has no images yet: import them on the study screen.</p>;
  return (
    <div className="table-scroll">
      <table className="results-table" data-testid="results-table">
        <thead>
          <tr>
            <th>Subject</th>
            <th>Timepoint</th>
            <th>Image</th>
            <th className="num">Stained area</th>
            <th className="num">Analysed area</th>
            <th className="num">Fraction</th>
            <th className="num">Manual corrections</th>
            <th>Protocol</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) =>
            row.kind === 'image' ? (
              <tr key={row.key} data-testid="result-row" data-image={row.result.image.fileName}>
                <td>{row.result.subject.code}</td>
                <td>
                  <When timepoint={row.result.timepoint} />
                </td>
                <td className="file-cell" title={row.result.image.fileName}>
                  {row.result.image.fileName}
                </td>
                <MeasuredCells r={row.result} />
                <td>
                  <Status r={row.result} hasProtocol={results.protocol.protocol !== null} />
                </td>
              </tr>
            ) : (
              <tr key={row.key} className="pooled-row" data-testid="pooled-row">
                <td>{row.subject}</td>
                <td>
                  <When timepoint={row.timepoint} />
                </td>
                <td>Pooled ({row.images} images)</td>
                <PooledCells pooled={row.pooled} />
                <td />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
