import { describe, expect, it } from 'vitest';
import { measurePixels } from '../../shared/analysis/measure';
import { previewMask } from '../../shared/analysis/preview';
import { parseProtocol, type AnalysisProtocolInput } from '../../shared/analysis/protocol';
import { findPreset } from '../../shared/analysis/presets';
import type { AnalysisRegion } from '../../shared/analysis/region';
import { makeSlide, randomBlobs, type Blob, type Slide, type Vec3 } from '../helpers/beer-lambert';
import { referenceFilters } from '../helpers/reference-filters';

const PURPLE = findPreset('purple')!.stains;
const purple = PURPLE[0]!.od as Vec3;
const pink = PURPLE[1]!.od as Vec3;
const image = (s: Slide) => ({ data: s.rgb, width: s.width, height: s.height, channels: 3 });
const measure = (
  s: Slide,
  protocol: AnalysisProtocolInput,
  region: AnalysisRegion | null = null,
  bandRows?: number,
) => measurePixels(image(s), parseProtocol(protocol), region, { bandRows });

describe('stained area on synthetic Beer-Lambert slides (in-thread kernel)', () => {
  const slide = makeSlide({
    width: 240,
    height: 180,
    target: purple,
    counter: pink,
    blobs: randomBlobs(240, 180, 25, 7),
    noise: 2,
  });

  it('finds exactly the painted pixels and the tissue (purple preset, tissue auto)', async () => {
    expect(slide.truthCount).toBeGreaterThan(2000);
    const { measurement, params } = await measure(slide, { threshold: { method: 'fixed', od: 0.3 } });
    expect(measurement.analyzedAreaPx).toBe(slide.tissueCount);
    expect(measurement.stainedAreaPx).toBe(slide.truthCount);
    expect(measurement.stainedFraction).toBe(slide.truthCount / slide.tissueCount);
    expect(measurement.meanStainedOD).toBeGreaterThan(0.55);
    expect(measurement.meanStainedOD).toBeLessThan(0.65);
    expect(params.tissue).toBe('auto');
    expect(measurement.stainedAreaUm2).toBeNull();
  });

  it('finds DAB exactly with the three published HED vectors', async () => {
    const hed = findPreset('hed')!.stains;
    const dab = makeSlide({
      width: 200,
      height: 150,
      target: hed[2]!.od as Vec3,
      counter: hed[0]!.od as Vec3,
      blobs: randomBlobs(200, 150, 20, 3),
      targetAmount: 0.5,
    });
    const { measurement } = await measure(dab, { stain: 'hed', threshold: { method: 'fixed', od: 0.25 } });
    expect(measurement.stainedAreaPx).toBe(dab.truthCount);
    expect(measurement.analyzedAreaPx).toBe(dab.tissueCount);
  });

  it('finds the same split automatically (Otsu and triangle on the analysed region)', async () => {
    const otsu = await measure(slide, { threshold: { method: 'otsu' } });
    expect(otsu.measurement.stainedAreaPx).toBe(slide.truthCount);
    // Every split between the two clusters has the same between-class variance; like scikit-image,
    // Otsu takes the first, just above the unstained cluster.
    expect(otsu.params.threshold.od).toBeGreaterThan(0);
    expect(otsu.params.threshold.od).toBeLessThan(0.3);
    const triangle = await measure(slide, { threshold: { method: 'triangle' } });
    expect(triangle.measurement.stainedAreaPx).toBe(slide.truthCount);
  });

  it('reports no stain, all stain, and an empty slide without NaN', async () => {
    const none = makeSlide({ width: 80, height: 60, target: purple, counter: pink, blobs: [] });
    const noStain = await measure(none, {});
    expect(noStain.measurement.stainedAreaPx).toBe(0);
    expect(noStain.measurement.stainedFraction).toBe(0);
    expect(noStain.measurement.meanStainedOD).toBeNull();

    const all = makeSlide({
      width: 80,
      height: 60,
      target: purple,
      counter: pink,
      tissue: 'full',
      blobs: [{ cx: 40, cy: 30, r: 1000 }],
    });
    const allStain = await measure(all, { tissue: 'none' });
    expect(allStain.measurement.stainedAreaPx).toBe(80 * 60);
    expect(allStain.measurement.stainedFraction).toBe(1);

    const blank = makeSlide({
      width: 80,
      height: 60,
      target: purple,
      counter: pink,
      tissue: 'none',
      blobs: [],
    });
    const empty = await measure(blank, {});
    expect(empty.measurement.analyzedAreaPx).toBe(0);
    expect(empty.measurement.stainedFraction).toBeNull();
    expect(empty.measurement.stainedFractionReason).toMatch(/no tissue was detected/);
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
    const emptyOtsu = await measure(blank, { threshold: { method: 'otsu' } });
    expect(emptyOtsu.params.threshold.od).toBeNull();
    expect(JSON.stringify(emptyOtsu)).not.toMatch(/NaN|Infinity/);
  });

  it('counts specks touching the border, and removes objects smaller than the minimum size', async () => {
    const specks: Blob[] = [
      { cx: 0.5, cy: 0.5, r: 1.2 }, // corner: 4 px
      { cx: 60, cy: 0, r: 2.1 }, // top edge
      { cx: 119.5, cy: 40, r: 1.6 }, // right edge
      { cx: 30, cy: 45, r: 1.5 }, // interior speck
    ];
    const big: Blob[] = [
      { cx: 60, cy: 40, r: 12 },
      { cx: 0, cy: 80, r: 9 },
    ];
    const s = makeSlide({
      width: 120,
      height: 90,
      target: purple,
      counter: pink,
      tissue: 'full',
      blobs: [...specks, ...big],
    });
    const bigOnly = makeSlide({
      width: 120,
      height: 90,
      target: purple,
      counter: pink,
      tissue: 'full',
      blobs: big,
    });
    const all = await measure(s, { tissue: 'none', threshold: { method: 'fixed', od: 0.3 } });
    expect(all.measurement.stainedAreaPx).toBe(s.truthCount);
    const cleaned = await measure(s, {
      tissue: 'none',
      threshold: { method: 'fixed', od: 0.3 },
      minObjectArea: 20,
    });
    expect(cleaned.measurement.stainedAreaPx).toBe(bigOnly.truthCount);
    expect(cleaned.measurement.objectsRemoved).toBe(4);
  });

  it('fills holes enclosed by stain, but not gaps open to the border or to excluded pixels', async () => {
    const donut = { cx: 40, cy: 40, r: 20, inner: 4 };
    const s = makeSlide({
      width: 120,
      height: 80,
      target: purple,
      counter: pink,
      tissue: 'full',
      blobs: [donut, { cx: 100, cy: 40, r: 15, inner: 3 }],
    });
    const discs = makeSlide({
      width: 120,
      height: 80,
      target: purple,
      counter: pink,
      tissue: 'full',
      blobs: [
        { cx: 40, cy: 40, r: 20 },
        { cx: 100, cy: 40, r: 15 },
      ],
    });
    const protocol = { tissue: 'none', threshold: { method: 'fixed', od: 0.3 }, maxHoleArea: 100 } as const;
    const filled = await measure(s, protocol);
    expect(filled.measurement.stainedAreaPx).toBe(discs.truthCount);
    expect(filled.measurement.holesFilled).toBe(2);
    // An exclusion inside the first hole makes that hole touch non-analysed pixels: it stays open.
    const exclusion: AnalysisRegion = { include: null, exclude: [[[39, 39, 41, 39, 41, 41, 39, 41]]] };
    const partly = await measure(s, protocol, exclusion);
    expect(partly.measurement.holesFilled).toBe(1);
    // A hole larger than the limit stays: the holes are 52 and 32 px (centres within radius 4 and 3).
    const small = await measure(s, { ...protocol, maxHoleArea: 40 });
    expect(small.measurement.holesFilled).toBe(1);
  });

  it('applies size filters exactly as a flood-fill reference on random blobs', async () => {
    const w = 160;
    const h = 120;
    const blobs: Blob[] = randomBlobs(w, h, 60, 11).map((b, i) =>
      i % 3 === 0 ? { ...b, inner: b.r * 0.4 } : b,
    );
    const s = makeSlide({ width: w, height: h, target: purple, counter: pink, blobs, noise: 1 });
    const base = { threshold: { method: 'fixed', od: 0.3 } } as const;
    const plain = await measure(s, base);
    expect(plain.measurement.stainedAreaPx).toBe(s.truthCount);
    for (const [minObject, maxHole] of [
      [30, 40],
      [200, 10],
      [1, 500],
    ] as const) {
      const expected = referenceFilters(s.truth, s.tissue, w, h, minObject, maxHole).reduce(
        (a, b) => a + b,
        0,
      );
      const got = await measure(s, { ...base, minObjectArea: minObject, maxHoleArea: maxHole });
      expect(got.measurement.stainedAreaPx).toBe(expected);
    }
  });

  it('gives bit-identical results for any band height (smoothing, Otsu, size filters, ROI, white auto)', async () => {
    const s = makeSlide({
      width: 150,
      height: 101,
      target: purple,
      counter: pink,
      blobs: randomBlobs(150, 101, 30, 5),
      noise: 3,
      white: 243,
    });
    const protocol: AnalysisProtocolInput = {
      threshold: { method: 'otsu' },
      smoothing: { sigma: 1.7, unit: 'px' },
      minObjectArea: 15,
      maxHoleArea: 25,
      white: 'auto',
      tissue: 'auto',
    };
    const region: AnalysisRegion = {
      include: [[[5.5, 3, 140, 10.2, 120.7, 95, 10, 90]]],
      exclude: [[[60, 40, 80, 40, 80, 60, 60, 60]]],
    };
    const reference = JSON.stringify(await measure(s, protocol, region, 101));
    for (const rows of [1, 2, 7, 33, 64]) {
      expect(JSON.stringify(await measure(s, protocol, region, rows))).toBe(reference);
    }
    const parsed = JSON.parse(reference);
    // Uniform noise of +-3 around 243: the mode is one of 240..246.
    expect(parsed.params.white.rgb[0]).toBeGreaterThanOrEqual(240);
    expect(parsed.params.white.rgb[0]).toBeLessThanOrEqual(246);
    expect(parsed.measurement.stainedAreaPx).toBeGreaterThan(0);
  });

  it('estimates a dim white point so a grey background is not tissue', async () => {
    const s = makeSlide({
      width: 120,
      height: 90,
      target: purple,
      counter: pink,
      blobs: randomBlobs(120, 90, 10, 2),
      white: 225,
      noise: 0,
    });
    const fixed = await measure(s, { threshold: { method: 'fixed', od: 0.3 } });
    expect(fixed.measurement.analyzedAreaPx).toBe(120 * 90); // white 255: the grey background looks like tissue
    const auto = await measure(s, { threshold: { method: 'fixed', od: 0.3 }, white: 'auto' });
    expect(auto.params.white.rgb).toEqual([225, 225, 225]);
    expect(auto.measurement.analyzedAreaPx).toBe(s.tissueCount);
    expect(auto.measurement.stainedAreaPx).toBe(s.truthCount);
  });
});

describe('live preview mask for the renderer', () => {
  it('classifies pixels like the full analysis (RGBA input, as canvas ImageData gives)', async () => {
    const s = makeSlide({
      width: 90,
      height: 70,
      target: purple,
      counter: pink,
      blobs: randomBlobs(90, 70, 8, 4),
    });
    const rgba = new Uint8ClampedArray(90 * 70 * 4);
    for (let i = 0; i < 90 * 70; i++) {
      rgba.set(s.rgb.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    const image = { data: rgba, width: 90, height: 70, channels: 4 };
    const full = await measurePixels(image, parseProtocol({ threshold: { method: 'fixed', od: 0.3 } }), null);
    const preview = previewMask(image, full.params, null, 0.3);
    expect(preview.stainedPx).toBe(s.truthCount);
    expect(preview.analysedPx).toBe(full.measurement.analyzedAreaPx);
    for (let i = 0; i < 90 * 70; i++) expect(preview.mask[i] === 2).toBe(s.truth[i] === 1);
  });
});
