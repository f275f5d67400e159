import { describe, expect, it } from 'vitest';
import { checkPolygon, checkRingShape } from '../../shared/geometry/validate';
import { repairRing } from '../../shared/geometry/repair';
import { findEdgeContacts } from '../../shared/geometry/intersections';
import { multiPolygonArea, polygonArea, ringArea } from '../../shared/geometry/measure';
import { windingNumber } from '../../shared/geometry/contains';
import { rectangleToRing } from '../../shared/geometry/shapes';

const square = (x: number, y: number, size: number) => rectangleToRing(x, y, x + size, y + size);
const bowtie = [0, 0, 10, 10, 10, 0, 0, 10];

/** Area where the winding number of the ring is nonzero, counted on a fine grid of sample points. */
function nonzeroAreaBySampling(ring: number[], step: number): number {
  const xs = ring.filter((_, i) => i % 2 === 0);
  const ys = ring.filter((_, i) => i % 2 === 1);
  let count = 0;
  for (let y = Math.min(...ys) + step / 2; y < Math.max(...ys); y += step) {
    for (let x = Math.min(...xs) + step / 2; x < Math.max(...xs); x += step) {
      if (windingNumber(x, y, ring) !== 0) count++;
    }
  }
  return count * step * step;
}

describe('polygon validation', () => {
  it('accepts simple shapes and polygons with holes', () => {
    expect(checkRingShape(square(0, 0, 10))).toEqual({ valid: true });
    expect(checkPolygon({ outer: square(0, 0, 10), holes: [square(2, 2, 3), square(6, 6, 2)] })).toEqual({
      valid: true,
    });
  });

  it('refuses fewer than 3 distinct points, zero area and non-finite coordinates with a reason', () => {
    const two = checkRingShape([0, 0, 5, 5, 5, 5, 0, 0]);
    expect(two).toMatchObject({ valid: false, problem: 'too-few-points' });
    expect(!two.valid && two.message).toContain('it has 2');
    expect(checkRingShape([0, 0, 5, 5, 10, 10])).toMatchObject({ valid: false, problem: 'zero-area' });
    expect(checkRingShape([0, 0, 5, NaN, 10, 10])).toMatchObject({ valid: false, problem: 'non-finite' });
  });

  it('reports where an outline crosses itself', () => {
    const result = checkRingShape(bowtie);
    expect(result).toMatchObject({ valid: false, problem: 'self-intersection', at: { x: 5, y: 5 } });
    expect(!result.valid && result.message).toContain('(5, 5)');
    // Touching itself at a vertex (a pinch) and doubling back along an edge (a spike) count too.
    expect(checkRingShape([0, 0, 10, 0, 5, 5, 10, 10, 0, 10, 5, 5])).toMatchObject({
      problem: 'self-intersection',
    });
    expect(checkRingShape([0, 0, 10, 0, 10, 10, 10, 5, 10, 12, 0, 10])).toMatchObject({
      problem: 'self-intersection',
    });
  });

  it('refuses holes outside the outline or crossing it or each other', () => {
    expect(checkPolygon({ outer: square(0, 0, 10), holes: [square(20, 20, 2)] })).toMatchObject({
      problem: 'hole-outside',
    });
    expect(checkPolygon({ outer: square(0, 0, 10), holes: [square(8, 8, 5)] })).toMatchObject({
      problem: 'hole-outside',
    });
    expect(
      checkPolygon({ outer: square(0, 0, 10), holes: [square(2, 2, 4), square(4, 4, 4)] }),
    ).toMatchObject({ problem: 'holes-overlap' });
    expect(
      checkPolygon({ outer: square(0, 0, 10), holes: [square(1, 1, 8), square(3, 3, 2)] }),
    ).toMatchObject({ problem: 'holes-overlap' });
  });

  it('finds every crossing of a star drawn in one stroke', () => {
    // A pentagram: five points joined in 0-2-4-1-3 order crosses itself five times.
    const star: number[] = [];
    for (const k of [0, 2, 4, 1, 3]) {
      star.push(
        100 * Math.cos((2 * Math.PI * k) / 5 - Math.PI / 2),
        100 * Math.sin((2 * Math.PI * k) / 5 - Math.PI / 2),
      );
    }
    expect(findEdgeContacts([star]).filter((c) => c.kind === 'cross')).toHaveLength(5);
  });
});

describe('self-intersection repair', () => {
  it('returns a simple outline unchanged', () => {
    const ring = square(0, 0, 10);
    expect(repairRing(ring)).toEqual({ parts: [{ outer: ring, holes: [] }], changed: false });
  });

  it('splits a figure eight into its two lobes, keeping both areas', () => {
    const { parts, changed } = repairRing(bowtie);
    expect(changed).toBe(true);
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => polygonArea(p))).toEqual([25, 25]);
    for (const part of parts) expect(checkPolygon(part)).toEqual({ valid: true });
    // The raw shoelace formula cancels the lobes out: the reason outlines must be repaired first.
    expect(ringArea(bowtie)).toBe(0);
  });

  it('fills a pentagram by the nonzero rule, centre included', () => {
    const star: number[] = [];
    for (const k of [0, 2, 4, 1, 3]) {
      star.push(
        100 * Math.cos((2 * Math.PI * k) / 5 - Math.PI / 2),
        100 * Math.sin((2 * Math.PI * k) / 5 - Math.PI / 2),
      );
    }
    const { parts } = repairRing(star);
    expect(parts).toHaveLength(1);
    expect(parts[0].outer.length / 2).toBe(10);
    expect(checkPolygon(parts[0])).toEqual({ valid: true });
    expect(multiPolygonArea(parts)).toBeCloseTo(nonzeroAreaBySampling(star, 0.25), -2);
  });

  it('keeps a reversed inner loop as a hole and a same-direction inner loop filled', () => {
    // Outer square clockwise, then a bridge in and an inner square the other way round, then back out.
    const withReversedLoop = [
      0, 0, 20, 0, 20, 20, 0, 20, 0, 10, 5, 10, 5, 15, 15, 15, 15, 5, 5, 5, 5, 10, 0, 10,
    ];
    const holed = repairRing(withReversedLoop);
    expect(multiPolygonArea(holed.parts)).toBeCloseTo(400 - 100, 9);
    expect(holed.parts[0].holes).toHaveLength(1);
    const sameDirection = [
      0, 0, 20, 0, 20, 20, 0, 20, 0, 10, 5, 10, 5, 5, 15, 5, 15, 15, 5, 15, 5, 10, 0, 10,
    ];
    const filled = repairRing(sameDirection);
    expect(multiPolygonArea(filled.parts)).toBeCloseTo(400, 9);
    expect(filled.parts.flatMap((p) => p.holes)).toHaveLength(0);
  });

  it('keeps an outline traced twice once, and drops spikes and zero-area pieces', () => {
    const ring = square(0, 0, 10);
    expect(multiPolygonArea(repairRing([...ring, ...ring]).parts)).toBe(100);
    const withSpike = [0, 0, 10, 0, 10, 10, 10, 5, 10, 12, 0, 10];
    const spikeFixed = repairRing(withSpike);
    expect(multiPolygonArea(spikeFixed.parts)).toBeCloseTo(ringArea(withSpike), 9);
    expect(repairRing([0, 0, 5, 5, 10, 10]).parts).toEqual([]);
  });

  it('matches the sampled nonzero area of random self-crossing outlines', () => {
    // A fixed linear congruential generator keeps the shapes the same on every run.
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 25; trial++) {
      const ring: number[] = [];
      const n = 5 + Math.floor(random() * 8);
      for (let i = 0; i < n; i++) ring.push(Math.round(random() * 40), Math.round(random() * 40));
      const { parts } = repairRing(ring);
      for (const part of parts) expect(checkPolygon(part)).toEqual({ valid: true });
      const sampled = nonzeroAreaBySampling(ring, 0.1);
      expect(Math.abs(multiPolygonArea(parts) - sampled)).toBeLessThan(Math.max(2, sampled * 0.01));
    }
  });
});
