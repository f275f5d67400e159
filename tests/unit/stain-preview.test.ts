/**
 * The stain panel's live preview (renderer/stain): the cached stain codes, the counts and automatic
 * thresholds read from them, and the overlay painting, checked against the shared analysis core on the
 * same pixels (measurePixels, previewMask) and against hand-made fields.
 */
import { describe, expect, it } from 'vitest';
import { measurePixels } from '../../shared/analysis/measure';
import { previewMask } from '../../shared/analysis/preview';
import { parseProtocol, resolveProtocol, type AnalysisProtocolInput } from '../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../shared/analysis/region';
import { paintCoarse, paintRefined, packRgba, parseHexColour } from '../../renderer/stain/overlay-raster';
import { previewMeasurement, previewThreshold } from '../../renderer/stain/preview-stats';
import {
  analyseField,
  buildStainField,
  CODES_PER_OD,
  firstStainedCode,
  IN_REGION,
  MAX_CODE,
  overlayFirstCode,
  TISSUE,
  type StainField,
} from '../../renderer/stain/stain-field';
import { makeSlide, randomBlobs, type Slide, type Vec3 } from '../helpers/beer-lambert';

const PURPLE: Vec3 = [0.44, 0.85, 0.3];
const PINK: Vec3 = [0.07, 0.99, 0.11];

/** Stain amounts spread over the whole range: painted at 0.6 OD, then heavy noise (a JPEG's worth). */
const SLIDE = makeSlide({
  width: 240,
  height: 180,
  target: PURPLE,
  counter: PINK,
  targetAmount: 0.6,
  counterAmount: 0.3,
  blobs: randomBlobs(240, 180, 25, 4),
  noise: 12,
  seed: 2,
});
const image = (s: Slide) => ({ data: s.rgb, width: s.width, height: s.height, channels: 3 });
const ROI: AnalysisRegion = {
  include: [[[20, 15, 200, 30, 210, 160, 35, 150]]],
  exclude: [[[100, 60, 140, 60, 140, 100, 100, 100]]],
};

const resolve = (protocol: AnalysisProtocolInput) =>
  resolveProtocol(parseProtocol(protocol), { umPerPx: null, hasRoi: false, white: [255, 255, 255] });

async function field(protocol: AnalysisProtocolInput = {}, region: AnalysisRegion | null = null) {
  const built = await buildStainField(image(SLIDE), resolve(protocol), region, { rowsPerChunk: 7 });
  if (!built) throw new Error('not built');
  return built;
}

/** Every threshold the slider can reach over the range where this slide has stain. */
const SLIDER_THRESHOLDS = Array.from({ length: 180 }, (_, i) => Math.round((i + 1) * 5) / 1000);

describe('stain field: one comparison per pixel, the same answer as the analysis kernel', () => {
  it('classifies every pixel as the kernel does, at every slider threshold, with and without tissue', async () => {
    const built = await field();
    for (const detectTissue of [true, false]) {
      const analysed = analyseField(built, detectTissue);
      const params = resolve({ tissue: detectTissue ? 'auto' : 'none' });
      for (const threshold of SLIDER_THRESHOLDS) {
        const reference = previewMask(image(SLIDE), params, null, threshold);
        const first = firstStainedCode(threshold);
        let stained = 0;
        let mismatches = 0;
        for (let i = 0; i < analysed.codes.length; i++) {
          const isStained = analysed.codes[i]! >= first;
          stained += isStained ? 1 : 0;
          if (isStained !== (reference.mask[i] === 2)) mismatches++;
        }
        expect(mismatches, `threshold ${threshold}`).toBe(0);
        expect(stained).toBe(reference.stainedPx);
        expect(analysed.suffixCount[first]).toBe(reference.stainedPx);
        expect(analysed.analysedPx).toBe(reference.analysedPx);
      }
    }
  });

  it('gives measurePixels’ own counts and mean OD inside a region of interest with an exclusion', async () => {
    const analysed = analyseField(await field({}, ROI), true);
    for (const threshold of [0.05, 0.15, 0.3, 0.45, 0.7]) {
      const exact = await measurePixels(
        image(SLIDE),
        parseProtocol({ threshold: { method: 'fixed', od: threshold }, tissue: 'auto' }),
        ROI,
      );
      const estimate = previewMeasurement(
        analysed,
        threshold,
        { width: SLIDE.width, height: SLIDE.height, umPerPx: 0.5 },
        true,
      );
      expect(estimate.stainedAreaPx).toBe(exact.measurement.stainedAreaPx);
      expect(estimate.analyzedAreaPx).toBe(exact.measurement.analyzedAreaPx);
      expect(estimate.stainedFraction).toBe(exact.measurement.stainedFraction);
      expect(estimate.stainedAreaUm2).toBe(exact.measurement.stainedAreaPx * 0.25);
      // Codes are floored to 1/4000 OD; the mean adds half a code back, so it is within that.
      expect(Math.abs(estimate.meanStainedOD! - exact.measurement.meanStainedOD!)).toBeLessThan(
        0.5 / CODES_PER_OD,
      );
    }
  });

  it('finds the Otsu and triangle thresholds the full analysis finds on the same pixels', async () => {
    const built = await field();
    for (const detectTissue of [true, false]) {
      const analysed = analyseField(built, detectTissue);
      for (const method of ['otsu', 'triangle'] as const) {
        const exact = await measurePixels(
          image(SLIDE),
          parseProtocol({ threshold: { method }, tissue: detectTissue ? 'auto' : 'none' }),
          null,
        );
        const threshold = previewThreshold(analysed, method, 0.15);
        expect(threshold).toBe(exact.params.threshold.od);
        const estimate = previewMeasurement(
          analysed,
          threshold,
          { width: 240, height: 180, umPerPx: null },
          detectTissue,
        );
        expect(estimate.stainedAreaPx).toBe(exact.measurement.stainedAreaPx);
      }
    }
  });

  it('measures another channel of the preset when asked (pink), as the kernel does', async () => {
    const analysed = analyseField(await field({ channel: 'pink' }), true);
    const reference = previewMask(image(SLIDE), resolve({ channel: 'pink' }), null, 0.2);
    expect(analysed.suffixCount[firstStainedCode(0.2)]).toBe(reference.stainedPx);
    expect(reference.stainedPx).toBeGreaterThan(SLIDE.tissueCount * 0.5);
  });

  it('scales preview counts up to full-resolution pixels and says why a fraction is undefined', () => {
    // A 4 x 2 preview of an image 4 times larger each way: each preview pixel stands for 16 pixels.
    const codes = Uint16Array.from([0, 0, 800, 1200, 0, 400, 2400, 0]);
    const flags = Uint8Array.from([0, TISSUE | IN_REGION, 3, 3, IN_REGION, 3, 3, 0]);
    const analysed = analyseField({ width: 4, height: 2, codes, flags }, true);
    expect(analysed.analysedPx).toBe(5);
    const m = previewMeasurement(analysed, 0.15, { width: 16, height: 8, umPerPx: 2 }, true);
    // Stained at 0.15 OD (code 600 and up): 800, 1200 and 2400.
    expect(m.stainedAreaPx).toBe(3 * 16);
    expect(m.analyzedAreaPx).toBe(5 * 16);
    expect(m.stainedFraction).toBeCloseTo(3 / 5, 12);
    expect(m.stainedAreaUm2).toBe(3 * 16 * 4);
    expect(m.meanStainedOD).toBeCloseTo((800 + 1200 + 2400 + 1.5) / 3 / CODES_PER_OD, 12);
    // Tissue off: the pixel without tissue but in the region counts as analysed.
    expect(analyseField({ width: 4, height: 2, codes, flags }, false).analysedPx).toBe(6);

    const empty = analyseField({ width: 4, height: 2, codes, flags: new Uint8Array(8) }, true);
    const none = previewMeasurement(empty, 0.15, { width: 4, height: 2, umPerPx: null }, true);
    expect(none.stainedFraction).toBeNull();
    expect(none.stainedFractionReason).toContain('no tissue was detected');
    expect(none.meanStainedOD).toBeNull();
    expect(previewThreshold(empty, 'otsu', 0.15)).toBeNull();
    expect(
      previewMeasurement(empty, null, { width: 4, height: 2, umPerPx: null }, false).stainedFractionReason,
    ).toBe('the analysed region is empty');
  });

  it('maps thresholds to codes: on the grid, never below code 1, infinity stains nothing', () => {
    expect(firstStainedCode(0.15)).toBe(600);
    expect(firstStainedCode(0.005)).toBe(20);
    expect(firstStainedCode(0.0001)).toBe(1);
    expect(firstStainedCode(0.15001)).toBe(601);
    expect(firstStainedCode(Number.POSITIVE_INFINITY)).toBe(MAX_CODE + 1);
    expect(firstStainedCode(100)).toBe(MAX_CODE + 1);
  });

  it('stops a build that was superseded', async () => {
    const signal = { aborted: false };
    let pauses = 0;
    const result = await buildStainField(image(SLIDE), resolve({}), null, {
      rowsPerChunk: 10,
      signal,
      pause: () => {
        pauses++;
        if (pauses === 2) signal.aborted = true;
        return Promise.resolve();
      },
    });
    expect(result).toBeNull();
    expect(pauses).toBe(2);
  });
});

describe('overlay painting', () => {
  // A 6 x 4 field: codes stained at >= 10 marked X.
  //   X . X X . .
  //   . . X X . X
  //   . . . . . .
  //   X X . . . X
  const layout = ['X.XX..', '..XX.X', '......', 'XX...X'];
  const stainField: Pick<StainField, 'width' | 'height' | 'codes'> = {
    width: 6,
    height: 4,
    codes: Uint16Array.from(layout.join('').split(''), (c) => (c === 'X' ? 20 : 5)),
  };
  const green: [number, number, number] = [0, 224, 112];
  const on = packRgba(0, 224, 112, 255);

  it('paints one comparison per overlay pixel at the centre of its block (coarse)', () => {
    const whole = { x0: 0, y0: 0, x1: 6, y1: 4, step: 1, outWidth: 6, outHeight: 4 };
    const out = new Uint32Array(24);
    paintCoarse(stainField, whole, 10, green, out);
    expect(Array.from(out, (v) => (v === on ? 'X' : v === 0 ? '.' : '?')).join('')).toBe(layout.join(''));
    // Step 2: block centres at (1, 1), (3, 1), (5, 1), (1, 3), (3, 3), (5, 3).
    const half = { x0: 0, y0: 0, x1: 6, y1: 4, step: 2, outWidth: 3, outHeight: 2 };
    const small = new Uint32Array(6);
    paintCoarse(stainField, half, 10, green, small);
    expect(Array.from(small, (v) => (v === on ? 'X' : '.')).join('')).toBe('.XXX.X');
  });

  it('gives each refined pixel the stained share of its block as alpha', () => {
    const half = { x0: 0, y0: 0, x1: 6, y1: 4, step: 2, outWidth: 3, outHeight: 2 };
    const out = new Uint32Array(6);
    paintRefined(stainField, half, 10, green, out);
    const alphas = Array.from(out, (v) => v >>> 24);
    expect(alphas).toEqual([64, 255, 64, 128, 0, 64]);
    expect(out[1]! & 0xffffff).toBe(on & 0xffffff);
    // A block cut by the window's edge counts its real pixels only: here one column of two.
    const cut = new Uint32Array(2);
    paintRefined(
      stainField,
      { x0: 4, y0: 0, x1: 5, y1: 4, step: 2, outWidth: 1, outHeight: 2 },
      10,
      green,
      cut,
    );
    expect(Array.from(cut, (v) => v >>> 24)).toEqual([0, 0]);
    paintRefined(
      stainField,
      { x0: 5, y0: 0, x1: 6, y1: 4, step: 2, outWidth: 1, outHeight: 2 },
      10,
      green,
      cut,
    );
    // Column 5: one of the two pixels of each block is stained, which is half a block.
    expect(Array.from(cut, (v) => v >>> 24)).toEqual([128, 128]);
  });

  it('reads colours written #rrggbb and packs them in ImageData byte order', () => {
    expect(parseHexColour('#ff8800')).toEqual([255, 136, 0]);
    expect(parseHexColour('red')).toEqual([255, 0, 255]);
    const bytes = new Uint8Array(new Uint32Array([packRgba(1, 2, 3, 4)]).buffer);
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4]);
  });
});

describe('stain field: manual corrections applied last, as in the exact analysis', () => {
  const marked: AnalysisRegion = {
    ...ROI,
    addStained: [[[30, 20, 120, 20, 120, 70, 30, 70]]],
    addStainedMasks: [{ scale: 8, left: 3, top: 12, width: 4, height: 3, counts: [1, 10, 1] }],
    removeStained: [[[90, 40, 190, 40, 190, 140, 90, 140]]],
    removeStainedMasks: [{ scale: 5, left: 2, top: 2, width: 3, height: 1, counts: [0, 3] }],
  };

  it('gives the exact figures (1:1 preview) at any threshold: stained, added, removed; the overlay shows the same pixels', async () => {
    const built = await field({}, marked);
    for (const detectTissue of [true, false]) {
      const analysed = analyseField(built, detectTissue);
      for (const threshold of [0.1, 0.3, 0.45, 0.8]) {
        const exact = await measurePixels(
          image(SLIDE),
          parseProtocol({
            threshold: { method: 'fixed', od: threshold },
            tissue: detectTissue ? 'auto' : 'none',
          }),
          marked,
        );
        const estimate = previewMeasurement(
          analysed,
          threshold,
          { width: SLIDE.width, height: SLIDE.height, umPerPx: null },
          detectTissue,
        );
        const label = `threshold ${threshold}, tissue ${detectTissue}`;
        expect(exact.measurement.manualAddedPx, label).toBeGreaterThan(0);
        // Above the painted stain (0.6 OD) nothing is stained automatically, so nothing to remove.
        if (threshold < 0.6) expect(exact.measurement.manualRemovedPx, label).toBeGreaterThan(0);
        expect(estimate.stainedAreaPx, label).toBe(exact.measurement.stainedAreaPx);
        expect(estimate.manualAddedPx, label).toBe(exact.measurement.manualAddedPx);
        expect(estimate.manualRemovedPx, label).toBe(exact.measurement.manualRemovedPx);
        // An estimate: codes floor amounts and clamp negative ones (unstained pixels marked stained) to 0.
        expect(Math.abs(estimate.meanStainedOD! - exact.measurement.meanStainedOD!), label).toBeLessThan(
          0.015,
        );
        const first = overlayFirstCode(threshold);
        expect(analysed.codes.filter((c) => c >= first).length, label).toBe(exact.measurement.stainedAreaPx);
      }
      // The automatic threshold still comes from the automatic pixels: marks do not move it.
      const unmarked = analyseField(await field({}, ROI), detectTissue);
      expect(analysed.thresholdHistogram).toEqual(unmarked.thresholdHistogram);
      // With no split (nothing stained automatically) the marked pixels still show.
      const shown = analysed.codes.filter((c) => c >= overlayFirstCode(null)).length;
      expect(shown).toBe(
        previewMeasurement(
          analysed,
          null,
          { width: SLIDE.width, height: SLIDE.height, umPerPx: null },
          detectTissue,
        ).stainedAreaPx,
      );
      expect(shown).toBeGreaterThan(0);
    }
  });
});
