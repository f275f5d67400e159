/**
 * An encoded mask as polygons for formats that only hold outlines (QuPath GeoJSON): one rectangle per
 * run of set pixels, runs of the same columns on consecutive rows merged into one taller rectangle. The
 * rectangles cover exactly the mask's pixels (the area is the pixel count), with no tracing to go wrong;
 * QuPath and the importer read them as one multi-part annotation.
 */
import type { EncodedMask } from '../annotations/types';
import type { MultiPolygon } from '../geometry/types';

interface OpenRect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Runs of set pixels per row, as [start, end) columns in mask pixels, rows in order. */
function* rowRuns(mask: EncodedMask): Generator<{ y: number; x0: number; x1: number }> {
  let at = 0;
  for (let i = 0; i < mask.counts.length; i++) {
    const run = mask.counts[i]!;
    if (i % 2 === 1) {
      // A run may wrap over row ends: split it at each.
      for (let start = at; start < at + run;) {
        const y = Math.floor(start / mask.width);
        const end = Math.min(at + run, (y + 1) * mask.width);
        yield { y, x0: start - y * mask.width, x1: end - y * mask.width };
        start = end;
      }
    }
    at += run;
  }
}

export function maskToRectangles(mask: EncodedMask): MultiPolygon {
  const done: OpenRect[] = [];
  let open = new Map<string, OpenRect>();
  let currentRow = -1;
  let next = new Map<string, OpenRect>();
  const closeRow = () => {
    for (const rect of open.values()) done.push(rect);
    open = next;
    next = new Map();
  };
  for (const { y, x0, x1 } of rowRuns(mask)) {
    if (y !== currentRow) {
      // Rectangles not continued on the row just finished are complete; a skipped row ends them all.
      closeRow();
      if (y !== currentRow + 1) closeRow();
      currentRow = y;
    }
    const key = `${x0},${x1}`;
    const above = open.get(key);
    open.delete(key);
    next.set(key, above ? { ...above, y1: y + 1 } : { x0, x1, y0: y, y1: y + 1 });
  }
  closeRow();
  closeRow();
  const s = mask.scale;
  return done.map((r) => {
    const [left, top, right, bottom] = [
      (mask.left + r.x0) * s,
      (mask.top + r.y0) * s,
      (mask.left + r.x1) * s,
      (mask.top + r.y1) * s,
    ];
    return { outer: [left, top, right, top, right, bottom, left, bottom], holes: [] };
  });
}
