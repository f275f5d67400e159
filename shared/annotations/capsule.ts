/**
 * The brush footprint: a disc of radius r swept along a segment (a capsule). For a pixel-centre line
 * the capsule's cross-section is one interval, found analytically rather than by testing pixels.
 */

/** [from, to] interval of x where a horizontal line y = cy meets the capsule, or null when it misses. */
export function capsuleRowInterval(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  radius: number,
  cy: number,
): [number, number] | null {
  let from = Infinity;
  let to = -Infinity;
  const disc = (px: number, py: number) => {
    const dy = cy - py;
    if (Math.abs(dy) > radius) return;
    const half = Math.sqrt(radius * radius - dy * dy);
    from = Math.min(from, px - half);
    to = Math.max(to, px + half);
  };
  disc(ax, ay);
  disc(bx, by);
  const dx = bx - ax;
  const dy = by - ay;
  const length = Math.hypot(dx, dy);
  if (length > 0) {
    // Points (x, cy) of the swept band: projection t in [0, 1] and distance |s| <= radius from the line,
    // both linear in x. Intersect the x ranges each constraint allows.
    let lo = -Infinity;
    let hi = Infinity;
    const within = (slope: number, offset: number, min: number, max: number) => {
      if (slope === 0) {
        if (offset < min || offset > max) hi = -Infinity;
        return;
      }
      const x1 = (min - offset) / slope;
      const x2 = (max - offset) / slope;
      lo = Math.max(lo, Math.min(x1, x2));
      hi = Math.min(hi, Math.max(x1, x2));
    };
    // t(x) = ((x - ax) dx + (cy - ay) dy) / L^2 ; s(x) = (dx (cy - ay) - dy (x - ax)) / L
    within(dx / (length * length), (-ax * dx + (cy - ay) * dy) / (length * length), 0, 1);
    within(-dy / length, (dx * (cy - ay) + dy * ax) / length, -radius, radius);
    if (lo <= hi) {
      from = Math.min(from, lo);
      to = Math.max(to, hi);
    }
  }
  return from <= to ? [from, to] : null;
}
