/**
 * The chart across timepoints, in SVG: one line per subject through its values at each timepoint, and the
 * mean of the subjects as a heavier dashed line, on the same value axis as the paired chart.
 */
import { chartFrame, ValueAxis } from './ValueAxis';

const W = 480;
const H = 260;

export interface SpaghettiLine {
  subject: string;
  values: number[];
}

export function SpaghettiChart(props: {
  timepoints: string[];
  lines: SpaghettiLine[];
  means: number[];
  axisLabel: string;
}) {
  const { timepoints, lines, means } = props;
  if (lines.length === 0) return null;
  const frame = chartFrame([...lines.flatMap((l) => l.values), ...means], W, H);
  const { y, pad } = frame;
  const first = pad.left + 30;
  const step = (W - pad.right - 20 - first) / Math.max(1, timepoints.length - 1);
  const x = (i: number) => first + i * step;
  const path = (values: number[]) => values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i)} ${y(v)}`).join(' ');
  const last = timepoints.length - 1;
  return (
    <svg
      className="spaghetti-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${props.axisLabel} of each subject across ${timepoints.join(', ')}, with the mean`}
      data-testid="spaghetti-chart"
    >
      <ValueAxis frame={frame} label={props.axisLabel} />
      {lines.map((l) => (
        <g key={l.subject} className="chart-series" data-testid="chart-series">
          <path d={path(l.values)} />
          {l.values.map((v, i) => (
            <circle key={i} cx={x(i)} cy={y(v)} r={3} />
          ))}
          <text x={x(last) + 8} y={y(l.values[last]!)} className="chart-subject" dominantBaseline="middle">
            {l.subject}
          </text>
        </g>
      ))}
      <g className="chart-mean" data-testid="chart-mean">
        <path d={path(means)} />
        <text x={x(last) + 8} y={y(means[last]!) + 12} className="chart-subject" dominantBaseline="middle">
          mean
        </text>
      </g>
      {timepoints.map((t, i) => (
        <text key={t} x={x(i)} y={H - 12} className="chart-time" textAnchor="middle">
          {t}
        </text>
      ))}
    </svg>
  );
}
