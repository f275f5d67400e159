/**
 * Manual corrections (ANALYSIS.md step 5): final stained = (automatic after the size filters ∪ marked
 * stained) minus marked not stained, inside the analysed region; checked against a pixel-by-pixel
 * reference, by hand on a small map, and for bit-identical results whatever the band height.
 */
import { describe, expect, it } from 'vitest';
import { prepareKernel } from '../../shared/analysis/kernel';
import { measurePixels } from '../../shared/analysis/measure';
import { findPreset } from '../../shared/analysis/presets';
import {
  parseProtocol,
  type AnalysisProtocolInput,
  type ResolvedParams,
} from '../../shared/analysis/protocol';
import { RegionRows, type AnalysisRegion } from '../../shared/analysis/region';
import type { PolygonRings } from '../../shared/geometry/rasterize';
import { encodeRuns } from '../../shared/annotations/rle';
import type { EncodedMask } from '../../shared/annotations/types';
import { makeSlide, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { referenceFilters } from '../helpers/reference-filters';

const [PURPLE, PINK] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];
const rect = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];

function maskOf(rows: string[], left: number, top: number, scale: number): EncodedMask {
  const bits = rows
    .join('')
    .split('')
    .map((c) => (c === '#' ? 1 : 0));
  return { scale, left, top, width: rows[0]!.length, height: rows.length, counts: encodeRuns(bits) };
}

/** 0/1 bitmap of the union of polygons and masks (the region rasteriser, tested on its own). */
function bitmapOf(
  polygons: readonly PolygonRings[] | undefined,
  masks: readonly EncodedMask[] | undefined,
  width: number,
  height: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  const shapes: AnalysisRegion = { include: [...(polygons ?? [])], exclude: [], includeMasks: masks ?? [] };
  if ((polygons?.length ?? 0) === 0 && (masks?.length ?? 0) === 0) return out;
  const rows = new RegionRows(shapes, width, 0, height);
  for (let y = 0; y < height; y++) {
    const spans = rows.spans(y);
    for (let i = 0; i < spans.length; i += 2) out.fill(1, y * width + spans[i]!, y * width + spans[i + 1]!);
  }
  return out;
}

/** The kernel's stain amount of every pixel, in OD (the unit of meanStainedOD). */
function amountsOf(rgb: Uint8Array, params: ResolvedParams): Float64Array {
  const kernel = prepareKernel(params, null);
  const out = new Float64Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    const rg = (rgb[3 * i]! << 8) | rgb[3 * i + 1]!;
    out[i] = kernel.amountRG[rg]! + kernel.amountB[rgb[3 * i + 2]!]!;
  }
  return out;
}

describe('manual corrections against a pixel-by-pixel reference', () => {
  const width = 150;
  const height = 110;
  const slide = makeSlide({
    width,
    height,
    target: PURPLE,
    counter: PINK,
    blobs: randomBlobs(width, height, 40, 11),
    noise: 2,
  });
  const image = { data: slide.rgb, width, height, channels: 3 };
  const region: AnalysisRegion = {
    include: [[rect(5, 4, 140, 100)]],
    exclude: [[rect(60, 40, 80, 60)]],
    // Marks over stain, over tissue, over the excluded square, the white background and the ROI edge;
    // one added and one removed area overlap (the removal wins).
    addStained: [[rect(20, 20, 70, 35)], [rect(0, 90, 30, 110)]],
    addStainedMasks: [maskOf(['##..#', '.###.', '#####'], 30, 16, 3)],
    removeStained: [[rect(40, 25, 100, 50)]],
    removeStainedMasks: [maskOf(['###', '#.#'], 12, 3, 7), maskOf(['#'], 2, 2, 1)],
  };
  const inRegion = (() => {
    const roi = bitmapOf(region.include!, undefined, width, height);
    const cut = bitmapOf(region.exclude, undefined, width, height);
    return roi.map((v, i) => (v && !cut[i] ? 1 : 0));
  })();
  const added = bitmapOf(region.addStained, region.addStainedMasks, width, height);
  const removed = bitmapOf(region.removeStained, region.removeStainedMasks, width, height);

  const cases: [string, AnalysisProtocolInput][] = [
    [
      'fixed threshold, tissue detected inside the ROI',
      { threshold: { method: 'fixed', od: 0.3 }, tissue: 'auto' },
    ],
    ['Otsu, the ROI as drawn', { threshold: { method: 'otsu' } }],
    [
      'size filters',
      { threshold: { method: 'fixed', od: 0.3 }, tissue: 'auto', minObjectArea: 60, maxHoleArea: 80 },
    ],
  ];

  for (const [name, protocol] of cases) {
    it(`${name}: counts, recorded changes and mean OD match; any band height gives the same bits`, async () => {
      const parsed = parseProtocol(protocol);
      const whole = await measurePixels(image, parsed, region);
      const plain = await measurePixels(image, parsed, { include: region.include, exclude: region.exclude });
      // The reference starts from the automatic result of the same run (its own pixels, with the region
      // but no marks): the corrections must not move the threshold or the size filters.
      expect(whole.params).toEqual(plain.params);
      const tissue = whole.params.tissue === 'auto';
      const analysed = inRegion.map((v, i) => (v && (!tissue || slide.tissue[i]) ? 1 : 0));
      const auto = slide.truth.map((v, i) => (v && analysed[i] ? 1 : 0));
      const filtered = referenceFilters(
        auto,
        analysed,
        width,
        height,
        whole.params.minObjectAreaPx ?? 0,
        whole.params.maxHoleAreaPx ?? 0,
      );
      expect(plain.measurement.stainedAreaPx).toBe(filtered.reduce((a, b) => a + b, 0));
      const amounts = amountsOf(slide.rgb, whole.params);
      let finalPx = 0;
      let finalAmount = 0;
      let addedPx = 0;
      let removedPx = 0;
      for (let i = 0; i < width * height; i++) {
        const marksAdd = analysed[i] && added[i] && !removed[i];
        const marksRemove = analysed[i] && removed[i];
        if (marksAdd && !filtered[i]) addedPx++;
        if (marksRemove && filtered[i]) removedPx++;
        if ((filtered[i] || marksAdd) && !marksRemove) {
          finalPx++;
          finalAmount += amounts[i]!;
        }
      }
      expect(addedPx).toBeGreaterThan(50);
      expect(removedPx).toBeGreaterThan(50);
      const m = whole.measurement;
      expect(m.manualAddedPx).toBe(addedPx);
      expect(m.manualRemovedPx).toBe(removedPx);
      expect(m.stainedAreaPx).toBe(finalPx);
      expect(m.stainedAreaPx).toBe(plain.measurement.stainedAreaPx + addedPx - removedPx);
      expect(m.analyzedAreaPx).toBe(plain.measurement.analyzedAreaPx);
      expect(m.meanStainedOD).toBeCloseTo(finalAmount / (1 << 20) / finalPx, 12);
      for (const bandRows of [1, 3, 16, 37]) {
        expect(await measurePixels(image, parsed, region, { bandRows })).toEqual(whole);
      }
    });
  }

  it('smoothed and size-filtered: bit-identical for any band height, and the changes add up', async () => {
    const parsed = parseProtocol({
      smoothing: { sigma: 1.5, unit: 'px' },
      minObjectArea: 30,
      maxHoleArea: 20,
    });
    const whole = await measurePixels(image, parsed, region);
    const plain = await measurePixels(image, parsed, { include: region.include, exclude: region.exclude });
    const m = whole.measurement;
    expect(m.manualAddedPx).toBeGreaterThan(0);
    expect(m.manualRemovedPx).toBeGreaterThan(0);
    expect(m.stainedAreaPx).toBe(plain.measurement.stainedAreaPx + m.manualAddedPx - m.manualRemovedPx);
    for (const bandRows of [1, 2, 9, 64]) {
      expect(await measurePixels(image, parsed, region, { bandRows })).toEqual(whole);
    }
  });
});

describe('manual corrections come after the size filters', () => {
  // '#' stain, '.' unstained tissue; every pixel analysed (tissue 'none').
  const map = [
    '##.....###', // A: a 2 x 2 object; B: a ring of 8 around a one-pixel hole
    '##.....#.#',
    '.......###',
    '.....#....', // D: a one-pixel speck
    '####......', // C: 4 pixels in a row
    '..........',
  ];
  const width = map[0]!.length;
  const height = map.length;
  const rgb = new Uint8Array(width * height * 3);
  map
    .join('')
    .split('')
    .forEach((c, i) => rgb.set(c === '#' ? [140, 80, 170] : [245, 240, 245], 3 * i));
  const image = { data: rgb, width, height, channels: 3 };
  // Objects under 2 px go (D), holes under 2 px are filled (B's hole): 4 + 9 + 4 = 17 stained.
  const protocol = parseProtocol({
    threshold: { method: 'fixed', od: 0.3 },
    tissue: 'none',
    minObjectArea: 2,
    maxHoleArea: 2,
  });
  const px = (x: number, y: number) => [rect(x, y, x + 1, y + 1)];

  it('adds back a speck the filter removed, keeps a lone marked pixel, removes a filled hole', async () => {
    const automatic = await measurePixels(image, protocol, null);
    expect(automatic.measurement).toMatchObject({ stainedAreaPx: 17, objectsRemoved: 1, holesFilled: 1 });
    const corrected = await measurePixels(image, protocol, {
      include: null,
      exclude: [],
      // D and its right neighbour (2 px, both unstained after the filters), and a lone pixel that the
      // object filter would remove if it ran after the corrections; (0, 0) is marked both ways.
      addStained: [[rect(5, 3, 7, 4)], px(4, 5), px(0, 0)],
      // B's filled hole, three of C's four pixels (its last pixel stays, though now under 2 px), (0, 0).
      removeStained: [px(8, 1), [rect(1, 4, 4, 5)], px(0, 0)],
    });
    expect(corrected.measurement).toMatchObject({
      stainedAreaPx: 17 + 3 - 5,
      manualAddedPx: 3,
      manualRemovedPx: 5,
      objectsRemoved: 1,
      holesFilled: 1,
    });
    const amounts = amountsOf(rgb, corrected.params);
    const stainedAmount = amounts[0]!; // every '#' pixel has the same colour
    const unstainedAmount = amounts[2]!;
    // Final: A's 3 left, B's ring of 8, C's last pixel and D: 13 stain pixels, plus 2 unstained ones
    // marked stained (D's neighbour and the lone pixel).
    const expectedMean = (13 * stainedAmount + 2 * unstainedAmount) / (1 << 20) / 15;
    expect(corrected.measurement.meanStainedOD).toBeCloseTo(expectedMean, 12);
  });
});
