/**
 * Reference size filters by flood fill on a full mask (slow, obviously correct): the stained mask after
 * removing objects (8-connected) below minObject and filling holes (4-connected, closed) below maxHole.
 */
export function referenceFilters(
  mask: Uint8Array,
  analysed: Uint8Array,
  w: number,
  h: number,
  minObject: number,
  maxHole: number,
) {
  const out = mask.slice();
  const seen = new Uint8Array(w * h);
  const component = (start: number, want: number, diagonal: boolean, grid: Uint8Array) => {
    const stack = [start];
    const pixels: number[] = [];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      pixels.push(p);
      const x = p % w;
      const y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (!diagonal && dx !== 0 && dy !== 0)) continue;
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const q = ny * w + nx;
          if (!seen[q] && grid[q] === want) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    return pixels;
  };
  for (let p = 0; p < w * h; p++) {
    if (out[p] && !seen[p]) {
      const pixels = component(p, 1, true, mask);
      if (pixels.length < minObject) for (const q of pixels) out[q] = 0;
    }
  }
  seen.fill(0);
  const cleaned = out.slice();
  for (let p = 0; p < w * h; p++) {
    if (!cleaned[p] && !seen[p]) {
      const pixels = component(p, 0, false, cleaned);
      const open = pixels.some((q) => {
        const x = q % w;
        const y = (q - x) / w;
        return !analysed[q] || x === 0 || y === 0 || x === w - 1 || y === h - 1;
      });
      if (!open && pixels.length < maxHole) for (const q of pixels) out[q] = 1;
    }
  }
  return out;
}
