/**
 * The report's small pure parts: number wording, the scale bar, the chart's value axis and the stain
 * overlay drawn on a figure (region, threshold and manual marks as the exact analysis orders them).
 */
import { describe, expect, it } from 'vitest';
import { parseProtocol, resolveProtocol } from '../../shared/analysis/protocol';
import type { Annotation } from '../../shared/annotations/types';
import { axisScale } from '../../shared/reports/chart-scale';
import {
  ANALYSED,
  NOT_ANALYSED,
  overlayMask,
  regionOfFigure,
  STAINED,
} from '../../shared/reports/overlay-mask';
import {
  formatArea,
  formatP,
  formatPoints,
  formatPx,
  formatSigned,
} from '../../shared/reports/report-format';
import { scaleBar } from '../../shared/reports/scale-bar';

describe('report number wording', () => {
  it('groups, signs and rounds as the tables print', () => {
    expect(formatPx(1234567)).toBe('1,234,567');
    expect(formatArea(12.345)).toBe('12.35');
    expect(formatArea(1234.56)).toBe('1,234.6');
    expect(formatArea(123456.7)).toBe('123,457');
    expect(formatSigned(-0.004, (v) => v.toFixed(2))).toBe('0.00');
    expect(formatSigned(-5, formatPx)).toBe('-5');
    expect(formatPoints(6)).toBe('+6.00 pp');
    expect(formatP(0.04567)).toBe('0.046');
    expect(formatP(0.004567)).toBe('0.0046');
    expect(formatP(0.00001)).toBe('< 0.0001');
  });
});

describe('scale bar', () => {
  it('is the longest 1-2-5 length within a quarter of the figure', () => {
    // 1000 px at 0.5 um/px drawn 250 pt wide: 2 um per pt, a quarter is 62.5 pt = 125 um -> 100 um.
    expect(scaleBar(0.5, 1000, 250)).toEqual({ length: 50, label: '100 µm' });
    // 40 um per pt: a quarter is 2500 um -> 2 mm, 50 pt.
    expect(scaleBar(2, 5000, 250)).toEqual({ length: 50, label: '2 mm' });
    expect(scaleBar(null, 1000, 250)).toBeNull();
  });
});

describe('chart axis', () => {
  it('starts at zero for positive measures and ends on a round tick above the data', () => {
    expect(axisScale([4, 16.7])).toEqual({ min: 0, max: 20, ticks: [0, 5, 10, 15, 20] });
    expect(axisScale([0.1, 0.3], 3)).toEqual({ min: 0, max: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
    expect(axisScale([-3, 2]).min).toBe(-3);
  });
});

describe('stain overlay of a figure', () => {
  // A 4 x 2 image: purple stain in the left half, pink tissue in the right half.
  const purple = [140, 80, 170];
  const pink = [235, 170, 200];
  const data = Uint8Array.from([purple, purple, pink, pink, purple, purple, pink, pink].flat());
  const image = { data, width: 4, height: 2, channels: 3 };
  const params = resolveProtocol(parseProtocol({ tissue: 'none' }), {
    umPerPx: null,
    hasRoi: false,
    white: [255, 255, 255],
  });
  const classes = [
    { id: 1, role: 'roi' as const },
    { id: 2, role: 'stained' as const },
    { id: 3, role: 'unstained' as const },
  ];
  const rect = (classId: number, x0: number, y0: number, x1: number, y1: number): Annotation =>
    ({
      id: `a${classId}${x0}`,
      classId,
      kind: 'polygon',
      name: '',
      geometry: { type: 'polygons', polygons: [{ outer: [x0, y0, x1, y0, x1, y1, x0, y1], holes: [] }] },
    }) as Annotation;

  it('marks the stained pixels at the measurement threshold', () => {
    expect([...overlayMask(image, params, null)]).toEqual([2, 2, 1, 1, 2, 2, 1, 1]);
  });

  it('keeps to the region of interest, scaled from full-resolution pixels, and applies the marks last', () => {
    // Full resolution is twice the figure: the ROI (0,0)-(6,4) covers figure columns 0-2.
    const region = regionOfFigure(
      [rect(1, 0, 0, 6, 4), rect(2, 4, 0, 6, 2), rect(3, 0, 0, 2, 2)],
      classes,
      0.5,
      0.5,
    );
    const mask = overlayMask(image, params, region);
    expect([...mask]).toEqual([
      ANALYSED,
      STAINED,
      STAINED,
      NOT_ANALYSED,
      STAINED,
      STAINED,
      ANALYSED,
      NOT_ANALYSED,
    ]);
  });
});
