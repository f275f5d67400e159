/**
 * ImageJ `.roi` import (the binary format of ImageJ's RoiEncoder, big-endian): polygon, freehand,
 * traced, rectangle (rounded corners too), oval, ellipse, rotated rectangle, point and multi-point,
 * line, polyline, freeline, angle, and composite shapes (ShapeRoi: several outlines, holes by the
 * even-odd rule as ImageJ fills them). Coordinates are image pixels, integer or sub-pixel (floats).
 *
 * Areas become `polygons` geometry, points `points`, lines `line`; the ImageJ type and the ellipse
 * parameters are kept for reference.
 */
import { fail, ok, type Result } from '../result';
import { pointInRing } from '../geometry/contains';
import { normaliseRing, ringArea } from '../geometry/measure';
import { validParts } from '../geometry/repair';
import { ellipseToRing } from '../geometry/shapes';
import type { MultiPolygon, Polygon, Ring } from '../geometry/types';
import { MIN_RING_AREA } from '../geometry/validate';
import type { AnnotationGeometry, AnnotationKind } from '../annotations/types';

export type ImageJRoiType =
  | 'polygon'
  | 'rectangle'
  | 'oval'
  | 'ellipse'
  | 'rotated-rectangle'
  | 'line'
  | 'freeline'
  | 'polyline'
  | 'freehand'
  | 'traced'
  | 'angle'
  | 'point'
  | 'composite';

export interface ImportedRoi {
  /** The ROI's own name (ImageJ 1.43+ stores it), else null. */
  name: string | null;
  roiType: ImageJRoiType;
  /** The DermaQuant annotation kind it maps to. */
  kind: AnnotationKind;
  geometry: AnnotationGeometry;
  /** Bounds from the header, image pixels. */
  bounds: { left: number; top: number; width: number; height: number };
  /** Stroke colour when one was set, [r, g, b]. */
  strokeColor: [number, number, number] | null;
  /** Stack position: channel, slice and frame (1-based; 0 = not set). */
  position: { channel: number; slice: number; frame: number };
  /** An ellipse's major axis end points and minor/major ratio, as ImageJ stores them. */
  ellipse: { x1: number; y1: number; x2: number; y2: number; aspectRatio: number } | null;
}

const TYPES = [
  'polygon',
  'rect',
  'oval',
  'line',
  'freeline',
  'polyline',
  'noRoi',
  'freehand',
  'traced',
  'angle',
  'point',
] as const;
const SUBTYPE_ELLIPSE = 3;
const SUBTYPE_ROTATED_RECT = 5;
const OPTION_SUB_PIXEL = 128;
const HEADER_SIZE = 64;

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  has(offset: number, length: number): boolean {
    return offset >= 0 && offset + length <= this.bytes.length;
  }
  byte(offset: number): number {
    return this.view.getUint8(offset);
  }
  /** ImageJ's rule: a short below -5000 is a coordinate above 32767 stored unsigned. */
  short(offset: number): number {
    const n = this.view.getInt16(offset);
    return n < -5000 ? this.view.getUint16(offset) : n;
  }
  uint16(offset: number): number {
    return this.view.getUint16(offset);
  }
  int(offset: number): number {
    return this.view.getInt32(offset);
  }
  float(offset: number): number {
    return this.view.getFloat32(offset);
  }
}

/** Quadratic and cubic segments of composite shapes, flattened into this many straight pieces. */
const CURVE_STEPS = 16;

/** Outlines of a ShapeRoi path: 0 moveTo, 1 lineTo, 2 quadTo, 3 cubicTo, 4 close (java.awt.geom.PathIterator). */
function shapePaths(floats: number[]): Ring[] {
  const paths: Ring[] = [];
  let path: number[] = [];
  const finish = () => {
    if (path.length > 0) paths.push(path);
    path = [];
  };
  for (let i = 0; i < floats.length;) {
    const segment = floats[i];
    const [x0, y0] = path.length >= 2 ? path.slice(-2) : [0, 0];
    if (segment === 0) {
      finish();
      path.push(floats[i + 1], floats[i + 2]);
      i += 3;
    } else if (segment === 1) {
      path.push(floats[i + 1], floats[i + 2]);
      i += 3;
    } else if (segment === 2 || segment === 3) {
      const c = floats.slice(i + 1, i + (segment === 2 ? 5 : 7));
      for (let s = 1; s <= CURVE_STEPS; s++) {
        const t = s / CURVE_STEPS;
        const u = 1 - t;
        if (segment === 2) {
          path.push(
            u * u * x0 + 2 * u * t * c[0] + t * t * c[2],
            u * u * y0 + 2 * u * t * c[1] + t * t * c[3],
          );
        } else {
          path.push(
            u * u * u * x0 + 3 * u * u * t * c[0] + 3 * u * t * t * c[2] + t * t * t * c[4],
            u * u * u * y0 + 3 * u * u * t * c[1] + 3 * u * t * t * c[3] + t * t * t * c[5],
          );
        }
      }
      i += segment === 2 ? 5 : 7;
    } else if (segment === 4) {
      finish();
      i += 1;
    } else {
      throw new RangeError(`unknown path segment type ${segment}`);
    }
  }
  finish();
  return paths;
}

/** Rings nested by the even-odd rule: even depth is an outline, odd depth a hole of its container. */
function evenOddPolygons(rings: Ring[]): MultiPolygon {
  const usable = rings.map(normaliseRing).filter((r) => r.length >= 6 && ringArea(r) > MIN_RING_AREA);
  // Rings of a ShapeRoi do not cross, so testing one edge midpoint tells containment.
  const inside = (a: Ring, b: Ring) => pointInRing((a[0] + a[2]) / 2, (a[1] + a[3]) / 2, b);
  const depth = usable.map((r, i) => usable.filter((other, j) => j !== i && inside(r, other)).length);
  const polygons = new Map<number, Polygon>();
  usable.forEach((ring, i) => depth[i] % 2 === 0 && polygons.set(i, { outer: ring, holes: [] }));
  usable.forEach((ring, i) => {
    if (depth[i] % 2 === 0) return;
    // The container one level up owns the hole.
    const owner = usable.findIndex((other, j) => depth[j] === depth[i] - 1 && inside(ring, other));
    polygons.get(owner)?.holes.push(ring);
  });
  return [...polygons.values()];
}

/** A rectangle with ImageJ's rounded corners (corner diameter = arc size), as a ring. */
function roundedRectangle(left: number, top: number, width: number, height: number, arc: number): Ring {
  const r = Math.min(arc / 2, width / 2, height / 2);
  if (!(r > 0)) return [left, top, left + width, top, left + width, top + height, left, top + height];
  const corners: [number, number, number][] = [
    [left + width - r, top + r, -Math.PI / 2],
    [left + width - r, top + height - r, 0],
    [left + r, top + height - r, Math.PI / 2],
    [left + r, top + r, Math.PI],
  ];
  const steps = 8;
  const ring: Ring = [];
  for (const [cx, cy, start] of corners) {
    for (let s = 0; s <= steps; s++) {
      const a = start + (s / steps) * (Math.PI / 2);
      ring.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
    }
  }
  return ring;
}

function areaGeometry(parts: MultiPolygon, what: string): Result<AnnotationGeometry> {
  const simple: MultiPolygon = [];
  for (const part of parts) {
    const valid = validParts(part);
    if (!valid.ok) return fail('INVALID_INPUT', `${what}: ${valid.message}`);
    simple.push(...valid.parts);
  }
  if (simple.length === 0) return fail('INVALID_INPUT', `${what} encloses no area.`);
  return ok({ type: 'polygons', polygons: simple });
}

/** Parses one `.roi` file. `fileName` only names the file in messages. */
export function parseImageJRoi(bytes: Uint8Array, fileName = 'the ROI file'): Result<ImportedRoi> {
  const r = new Reader(bytes);
  if (!r.has(0, HEADER_SIZE) || String.fromCharCode(...bytes.subarray(0, 4)) !== 'Iout') {
    return fail(
      'UNSUPPORTED_FORMAT',
      `${fileName} is not an ImageJ ROI (it does not start with "Iout"). Save the selection from ImageJ with File > Save As > Selection.`,
      { fileName },
    );
  }
  const truncated = () =>
    fail('INVALID_INPUT', `${fileName} is cut short: its header promises more data than the file holds.`, {
      fileName,
    });
  const version = r.short(4);
  const typeCode = r.byte(6);
  const top = r.short(8);
  const left = r.short(10);
  const bounds = { left, top, width: r.short(14) - left, height: r.short(12) - top };
  // More than 65535 points: the count moves to an int at offset 18 (ImageJ 1.52+).
  const n = r.uint16(16) || (typeCode !== 1 && typeCode !== 2 && typeCode !== 3 ? Math.max(0, r.int(18)) : 0);
  const strokeColorValue = r.int(40);
  const shapeSize = r.int(36);
  const subtype = r.short(48);
  const options = r.short(50);
  const subPixel = version >= 222 && (options & OPTION_SUB_PIXEL) !== 0;
  const header2 = r.int(60);

  let name: string | null = null;
  let position = { channel: 0, slice: 0, frame: 0 };
  if (header2 > 0 && r.has(header2, 24)) {
    position = { channel: r.int(header2 + 4), slice: r.int(header2 + 8), frame: r.int(header2 + 12) };
    const nameOffset = r.int(header2 + 16);
    const nameLength = r.int(header2 + 20);
    if (nameOffset > 0 && nameLength > 0 && r.has(nameOffset, nameLength * 2)) {
      name = String.fromCharCode(
        ...Array.from({ length: nameLength }, (_, i) => r.uint16(nameOffset + 2 * i)),
      );
    }
  }
  if (header2 <= 0 || position.channel + position.slice + position.frame === 0) {
    const single = r.int(56);
    if (single > 0) position = { channel: 0, slice: single, frame: 0 };
  }
  const strokeColor: [number, number, number] | null =
    strokeColorValue !== 0
      ? [(strokeColorValue >> 16) & 255, (strokeColorValue >> 8) & 255, strokeColorValue & 255]
      : null;
  const base = { name, bounds, strokeColor, position, ellipse: null };
  const what = `${fileName}${name ? ` (${name})` : ''}`;

  if (shapeSize > 0) {
    if (!r.has(HEADER_SIZE, 4 * shapeSize)) return truncated();
    const floats = Array.from({ length: shapeSize }, (_, i) => r.float(HEADER_SIZE + 4 * i));
    let rings: Ring[];
    try {
      rings = shapePaths(floats);
    } catch (error) {
      return fail('INVALID_INPUT', `${what} has a damaged composite shape (${(error as Error).message}).`, {
        fileName,
      });
    }
    const geometry = areaGeometry(evenOddPolygons(rings), what);
    return geometry.ok
      ? ok({ ...base, roiType: 'composite', kind: 'polygon', geometry: geometry.value })
      : geometry;
  }

  const type = TYPES[typeCode];
  if (!type || type === 'noRoi') {
    return fail(
      'UNSUPPORTED_FORMAT',
      `${what} holds an ImageJ ROI of type ${typeCode}, which DermaQuant cannot import.`,
      { fileName },
    );
  }

  if (type === 'rect' || type === 'oval') {
    let box = bounds;
    if (version >= 223 && subPixel)
      box = { left: r.float(18), top: r.float(22), width: r.float(26), height: r.float(30) };
    if (!(box.width > 0 && box.height > 0))
      return fail('INVALID_INPUT', `${what} is a ${type === 'rect' ? 'rectangle' : 'oval'} with no area.`, {
        fileName,
      });
    const ring =
      type === 'rect'
        ? roundedRectangle(box.left, box.top, box.width, box.height, r.short(54))
        : ellipseToRing({
            cx: box.left + box.width / 2,
            cy: box.top + box.height / 2,
            rx: box.width / 2,
            ry: box.height / 2,
          });
    return ok({
      ...base,
      roiType: type === 'rect' ? 'rectangle' : 'oval',
      kind: type === 'rect' ? 'rectangle' : 'ellipse',
      geometry: { type: 'polygons', polygons: [{ outer: ring, holes: [] }] },
    });
  }

  if (type === 'line') {
    const points = [r.float(18), r.float(22), r.float(26), r.float(30)];
    return ok({ ...base, roiType: 'line', kind: 'polyline', geometry: { type: 'line', points } });
  }

  // Polygon-like types: n relative integer coordinates, then (sub-pixel) n absolute float coordinates.
  if (n === 0) return fail('INVALID_INPUT', `${what} has no points.`, { fileName });
  if (!r.has(HEADER_SIZE, 4 * n) || (subPixel && !r.has(HEADER_SIZE + 4 * n, 8 * n))) return truncated();
  const points: number[] = [];
  for (let i = 0; i < n; i++) {
    if (subPixel) {
      points.push(r.float(HEADER_SIZE + 4 * n + 4 * i), r.float(HEADER_SIZE + 8 * n + 4 * i));
    } else {
      points.push(
        left + Math.max(0, r.short(HEADER_SIZE + 2 * i)),
        top + Math.max(0, r.short(HEADER_SIZE + 2 * n + 2 * i)),
      );
    }
  }
  if (type === 'point')
    return ok({ ...base, roiType: 'point', kind: 'point', geometry: { type: 'points', points } });
  if (type === 'polyline' || type === 'freeline' || type === 'angle') {
    return ok({ ...base, roiType: type, kind: 'polyline', geometry: { type: 'line', points } });
  }
  const ellipse =
    type === 'freehand' && subtype === SUBTYPE_ELLIPSE
      ? { x1: r.float(18), y1: r.float(22), x2: r.float(26), y2: r.float(30), aspectRatio: r.float(52) }
      : null;
  const roiType: ImageJRoiType = ellipse
    ? 'ellipse'
    : subtype === SUBTYPE_ROTATED_RECT
      ? 'rotated-rectangle'
      : type;
  const kind: AnnotationKind = ellipse ? 'ellipse' : roiType === 'freehand' ? 'freehand' : 'polygon';
  const geometry = areaGeometry([{ outer: normaliseRing(points), holes: [] }], what);
  return geometry.ok ? ok({ ...base, ellipse, roiType, kind, geometry: geometry.value }) : geometry;
}
