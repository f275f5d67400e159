/**
 * The value axis the Results screen's charts share (paired and across timepoints): round ticks from zero
 * (shared/reports/chart-scale.ts, as the PDF report draws them), grid lines and the measure's label.
 */
import { axisScale, type AxisScale } from '../../shared/reports/chart-scale';

export interface ChartFrame {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
  scale: AxisScale;
  /** The SVG y of a value. */
  y: (v: number) => number;
}

export function chartFrame(values: readonly number[], width: number, height: number): ChartFrame {
  const pad = { left: 56, right: 70, top: 14, bottom: 34 };
  const scale = axisScale(values);
  const y = (v: number) =>
    pad.top + (1 - (v - scale.min) / (scale.max - scale.min)) * (height - pad.top - pad.bottom);
  return { width, height, pad, scale, y };
}

export function ValueAxis({ frame, label }: { frame: ChartFrame; label: string }) {
  const { pad, width, height, y } = frame;
  return (
    <>
      {frame.scale.ticks.map((t) => (
        <g key={t}>
          <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} className="chart-grid" />
          <text x={pad.left - 6} y={y(t)} className="chart-tick" textAnchor="end" dominantBaseline="middle">
            {t}
          </text>
        </g>
      ))}
      <text
        className="chart-axis-label"
        transform={`translate(12 ${(height - pad.bottom + pad.top) / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {label}
      </text>
    </>
  );
}
