/**
 * The paired chart, in SVG: each subject's before and after joined by a line, on an axis from zero (as
 * the PDF report draws it, shared/reports/chart-scale.ts), so a change is never exaggerated.
 */
import type { ChartPoint } from '../../shared/reports/report-model';
import { chartFrame, ValueAxis } from './ValueAxis';

const W = 360;
const H = 240;

export function PairedChart(props: {
  points: ChartPoint[];
  baseline: string;
  followup: string;
  axisLabel: string;
}) {
  const { points } = props;
  if (points.length === 0) return null;
  const frame = chartFrame(
    points.flatMap((p) => [p.before, p.after]),
    W,
    H,
  );
  const { y } = frame;
  const xBefore = frame.pad.left + 40;
  const xAfter = W - frame.pad.right - 30;
  return (
    <svg
      className="paired-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${props.axisLabel} of each subject at ${props.baseline} and ${props.followup}`}
      data-testid="paired-chart"
    >
      <ValueAxis frame={frame} label={props.axisLabel} />
      {points.map((p) => (
        <g
          key={p.subject}
          className={p.after >= p.before ? 'chart-pair chart-up' : 'chart-pair chart-down'}
          data-testid="chart-pair"
        >
          <line x1={xBefore} x2={xAfter} y1={y(p.before)} y2={y(p.after)} />
          <circle cx={xBefore} cy={y(p.before)} r={3.5} />
          <circle cx={xAfter} cy={y(p.after)} r={3.5} />
          <text x={xAfter + 8} y={y(p.after)} className="chart-subject" dominantBaseline="middle">
            {p.subject}
          </text>
        </g>
      ))}
      <text x={xBefore} y={H - 12} className="chart-time" textAnchor="middle">
        {props.baseline}
      </text>
      <text x={xAfter} y={H - 12} className="chart-time" textAnchor="middle">
        {props.followup}
      </text>
    </svg>
  );
}
