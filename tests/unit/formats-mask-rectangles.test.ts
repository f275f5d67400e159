import { describe, expect, it } from 'vitest';
import { encodeRuns } from '../../shared/annotations/rle';
import { multiPolygonArea } from '../../shared/geometry/measure';
import { maskToRectangles } from '../../shared/formats/mask-rectangles';

/** A mask from rows of '#' (set) and '.' (clear). */
function maskOf(rows: string[], scale = 1, left = 0, top = 0) {
  const bits = rows
    .join('')
    .split('')
    .map((c) => (c === '#' ? 1 : 0));
  return { scale, left, top, width: rows[0]!.length, height: rows.length, counts: encodeRuns(bits) };
}

describe('maskToRectangles', () => {
  it('covers exactly the set pixels, merging equal runs of consecutive rows', () => {
    const mask = maskOf(['##..#', '##..#', '.####', '.....', '##...']);
    const rects = maskToRectangles(mask);
    expect(multiPolygonArea(rects)).toBe(12);
    expect(rects.map((r) => r.outer)).toEqual([
      [0, 0, 2, 0, 2, 2, 0, 2],
      [4, 0, 5, 0, 5, 2, 4, 2],
      [1, 2, 5, 2, 5, 3, 1, 3],
      [0, 4, 2, 4, 2, 5, 0, 5],
    ]);
  });

  it('places the rectangles in image pixels (offset and scale) and splits runs that wrap rows', () => {
    // One run of 5 set pixels over a 3-wide mask: x1..x2 of row 0, then all of row 1.
    const rects = maskToRectangles({ scale: 2, left: 5, top: 5, width: 3, height: 2, counts: [1, 5] });
    expect(rects.map((r) => r.outer)).toEqual([
      [12, 10, 16, 10, 16, 12, 12, 12],
      [10, 12, 16, 12, 16, 14, 10, 14],
    ]);
    expect(multiPolygonArea(rects)).toBe(20);
    expect(maskToRectangles(maskOf(['...']))).toEqual([]);
  });
});
