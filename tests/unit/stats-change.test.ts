import { describe, expect, it } from 'vitest';
import { changeBetween, fractionPointChange, poolFields } from '../../shared/stats/change';

describe('change between paired measurements', () => {
  it('gives absolute, relative and fold change', () => {
    const change = changeBetween(2000, 2600);
    expect(change).toEqual({ absolute: 600, relativePercent: 30, foldChange: 1.3, unavailable: {} });
    expect(changeBetween(0.2, 0.1)).toMatchObject({ relativePercent: -50, foldChange: 0.5 });
  });

  it('gives percentage points for fractions', () => {
    expect(fractionPointChange(0.12, 0.18)).toBeCloseTo(6, 12);
    expect(fractionPointChange(null, 0.18)).toBeNull();
  });

  it('leaves ratios to a zero baseline null with a reason, never Infinity or NaN', () => {
    const fromZero = changeBetween(0, 150);
    expect(fromZero).toMatchObject({ absolute: 150, relativePercent: null, foldChange: null });
    expect(fromZero.unavailable.foldChange).toContain('before value is 0');
    const zeroToZero = changeBetween(0, 0);
    expect(zeroToZero.absolute).toBe(0);
    const missing = changeBetween(120, null);
    expect(missing).toMatchObject({ absolute: null, relativePercent: null, foldChange: null });
    expect(missing.unavailable.absolute).toContain('after value is missing');
    expect(JSON.stringify([fromZero, zeroToZero, missing])).not.toMatch(/NaN|Infinity/);
  });
});

describe('pooling fields of view of one timepoint', () => {
  it('sums pixels rather than averaging fractions, and converts each field with its own calibration', () => {
    const pooled = poolFields([
      { stainedPx: 100, analyzedPx: 1000, umPerPx: 0.5 },
      { stainedPx: 300, analyzedPx: 1000, umPerPx: 0.25 },
      { stainedPx: 0, analyzedPx: 2000, umPerPx: 0.5 },
    ]);
    expect(pooled).toEqual({
      fields: 3,
      stainedPx: 400,
      analyzedPx: 4000,
      stainedFraction: 0.1,
      stainedAreaUm2: 100 * 0.25 + 300 * 0.0625,
      analyzedAreaUm2: 1000 * 0.25 + 1000 * 0.0625 + 2000 * 0.25,
    });
  });

  it('leaves um2 null when a field is uncalibrated and the fraction null when nothing was analysed', () => {
    expect(poolFields([{ stainedPx: 5, analyzedPx: 10, umPerPx: null }])).toMatchObject({
      stainedFraction: 0.5,
      stainedAreaUm2: null,
    });
    expect(poolFields([])).toMatchObject({ fields: 0, stainedFraction: null, stainedAreaUm2: null });
    expect(poolFields([{ stainedPx: 0, analyzedPx: 0, umPerPx: 1 }]).stainedFraction).toBeNull();
  });
});
