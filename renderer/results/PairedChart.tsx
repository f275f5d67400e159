/**
 * The paired chart, in SVG: each subject's before and after joined by a line, on an axis from zero (as
 * the PDF report draws it, shared/reports/chart-scale.ts), so a change is never exaggerated.
 */
import { axisScale } from '../../shared/reports/chart-scale';
import type { ChartPoint } from '../../shared/reports/report-model';

const W = 360;
const H = 240;
const PAD = { left: 56, right: 70, top: 14, bottom: 34 };

export function PairedChart(props: {
  points: ChartPoint[];
  baseline: string;
  followup: string;
  axisLabel: string;
}) {
  const { points } = props;
  if (points.length === 0) return null;
  const scale = axisScale(points.flatMap((p) => [p.before, p.after]));
  const y = (v: number) =>
    PAD.top + (1 - (v - scale.min) / (scale.max - scale.min)) * (H - PAD.top - PAD.bottom);
  const xBefore = PAD.left + 40;
  const xAfter = W - PAD.right - 30;
  return (
    <svg
      className="paired-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${props.axisLabel} of each subject at ${props.baseline} and ${props.followup}`}
      data-testid="paired-chart"
    >
      {scale.ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
          <text x={PAD.left - 6} y={y(t)} className="chart-tick" textAnchor="end" dominantBaseline="middle">
            {t}
          </text>
        </g>
      ))}
      <text
        className="chart-axis-label"
        transform={`translate(12 ${(H - PAD.bottom + PAD.top) / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {props.axisLabel}
      </text>
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
