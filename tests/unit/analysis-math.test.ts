import { describe, expect, it } from 'vitest';
import { blurBand, gaussianKernel, gaussianRadius } from '../../shared/analysis/gaussian';
import { odLookupTable, odOfColour, whiteFromBrightHistogram } from '../../shared/analysis/optical-density';
import { findPreset, STAIN_PRESETS } from '../../shared/analysis/presets';
import { parseProtocol, resolveProtocol } from '../../shared/analysis/protocol';
import {
  angleDegrees,
  buildStainMatrix,
  cross,
  determinant,
  invert3x3,
  type Mat3,
} from '../../shared/analysis/stain-matrix';
import {
  HISTOGRAM_BINS,
  histogramBin,
  otsuBin,
  thresholdOfBin,
  triangleBin,
} from '../../shared/analysis/thresholds';

const close = (actual: readonly number[], expected: readonly number[], digits = 7) =>
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, digits));

describe('stain matrix maths', () => {
  it('computes cross products and determinants by hand', () => {
    expect(cross([1, 0, 0], [0, 1, 0])).toEqual([0, 0, 1]);
    expect(cross([1, 2, 3], [4, 5, 6])).toEqual([-3, 6, -3]); // (2*6-3*5, 3*4-1*6, 1*5-2*4)
    expect(
      determinant([
        [1, 2, 3],
        [0, 1, 4],
        [5, 6, 0],
      ]),
    ).toBe(1);
  });

  it('inverts a 3x3 matrix (textbook example with an integer inverse)', () => {
    const inverse = invert3x3([
      [1, 2, 3],
      [0, 1, 4],
      [5, 6, 0],
    ]);
    const expected: Mat3 = [
      [-24, 18, 5],
      [20, -15, -4],
      [-5, 4, 1],
    ];
    inverse.forEach((row, i) => close(row, expected[i]!, 12));
  });

  it('matches numpy for the normalised HED matrix and its inverse', () => {
    // /usr/bin/python3 -c "import numpy as np; S=np.array([[0.65,0.70,0.29],[0.07,0.99,0.11],[0.27,0.57,0.78]]);
    //   S=S/np.linalg.norm(S,axis=1,keepdims=True); print(repr(np.linalg.inv(S)))"
    const matrix = buildStainMatrix(findPreset('hed')!.stains);
    const inverse = invert3x3(matrix.vectors);
    close(inverse[0], [1.87478745, -1.00621649, -0.55783711]);
    close(inverse[1], [-0.06579592, 1.13308382, -0.13594127]);
    close(inverse[2], [-0.60088325, -0.47971708, 1.57845866]);
    expect(matrix.derivedThird).toBe(false);
  });

  it('derives the third stain as the normalised cross product (H&E, as QuPath and scikit-image)', () => {
    // numpy: c = np.cross(he[0], he[1]) of the normalised Landini vectors; c / np.linalg.norm(c)
    const matrix = buildStainMatrix(findPreset('he')!.stains);
    expect(matrix.derivedThird).toBe(true);
    expect(matrix.names).toEqual(['hematoxylin', 'eosin', 'residual']);
    close(matrix.vectors[2], [-0.09033117, -0.27522128, 0.95712775]);
    // Every row is a unit vector and the third is orthogonal to the first two.
    for (const row of matrix.vectors) expect(Math.hypot(...row)).toBeCloseTo(1, 12);
    expect(angleDegrees(matrix.vectors[2], matrix.vectors[0])).toBeCloseTo(90, 9);
  });

  it('refuses parallel, zero and coplanar stain vectors, naming them', () => {
    expect(() =>
      buildStainMatrix([
        { name: 'a', od: [0.5, 0.5, 0.2] },
        { name: 'b', od: [1, 1, 0.4] },
      ]),
    ).toThrow(/"a" .* and "b" .* are parallel/);
    expect(() =>
      buildStainMatrix([
        { name: 'a', od: [0, 0, 0] },
        { name: 'b', od: [1, 0, 0] },
      ]),
    ).toThrow(/"a" .* has no optical density/);
    expect(() =>
      buildStainMatrix([
        { name: 'a', od: [1, 0, 0] },
        { name: 'b', od: [0, 1, 0] },
        { name: 'c', od: [1, 1, 0] },
      ]),
    ).toThrow(/lie in one plane/);
  });

  it('builds every preset into an invertible matrix whose target is one of its channels', () => {
    for (const preset of STAIN_PRESETS) {
      const matrix = buildStainMatrix(preset.stains);
      expect(matrix.names).toContain(preset.target);
      expect(Math.abs(determinant(matrix.vectors))).toBeGreaterThan(0.05);
    }
    // The purple/pink pair is far enough apart to separate (documented as about 25 degrees).
    const purple = findPreset('purple')!;
    expect(angleDegrees(purple.stains[0]!.od, purple.stains[1]!.od)).toBeGreaterThan(20);
  });
});

describe('optical density', () => {
  it('tabulates -log10(max(I,1)/white) and clamps negative OD to 0', () => {
    const table = odLookupTable(255);
    expect(table[255]).toBe(0);
    expect(table[0]).toBeCloseTo(Math.log10(255), 12);
    expect(table[1]).toBeCloseTo(Math.log10(255), 12);
    expect(table[100]).toBeCloseTo(-Math.log10(100 / 255), 12);
    const dimWhite = odLookupTable(240);
    expect(dimWhite[250]).toBe(0); // brighter than white: OD clamped to 0
  });

  it('turns a colour of pure stain into its OD vector', () => {
    close(odOfColour([140, 80, 170], [255, 255, 255]), [0.26043, 0.50345, 0.17609], 4);
  });

  it('estimates the white point as the mode of bright pixels, or keeps 255 without background', () => {
    const histogram = new Float64Array(768);
    histogram[240] = 500; // R
    histogram[241] = 400;
    histogram[256 + 236] = 900; // G
    histogram[512 + 245] = 900; // B
    expect(whiteFromBrightHistogram(histogram, 10_000).rgb).toEqual([240, 236, 245]);
    const none = whiteFromBrightHistogram(new Float64Array(768), 10_000);
    expect(none.rgb).toEqual([255, 255, 255]);
    expect(none.note).toMatch(/too little bright background/);
  });
});

describe('automatic thresholds on known histograms', () => {
  // The same histogram in numpy: i = np.arange(600)
  // c = (np.round(1000*np.exp(-((i-20)/8.0)**2)) + np.round(300*np.exp(-((i-120)/15.0)**2))).astype(np.int64)
  const bimodal = Array.from(
    { length: HISTOGRAM_BINS },
    (_, i) =>
      Math.round(1000 * Math.exp(-(((i - 20) / 8) ** 2))) +
      Math.round(300 * Math.exp(-(((i - 120) / 15) ** 2))),
  );
  // c2 = np.round(5000*np.exp(-((i-10)/4.0)**2)) + np.round(40*np.exp(-((i-200)/60.0)**2))
  const skewed = Array.from(
    { length: HISTOGRAM_BINS },
    (_, i) =>
      Math.round(5000 * Math.exp(-(((i - 10) / 4) ** 2))) +
      Math.round(40 * Math.exp(-(((i - 200) / 60) ** 2))),
  );

  it('Otsu picks the same bin as scikit-image', () => {
    // /usr/bin/python3 -c "from skimage.filters import threshold_otsu; print(threshold_otsu(hist=(c, i)))" -> 42
    expect(otsuBin(bimodal)).toBe(42);
    // threshold_otsu(hist=(c2, i)) -> 105
    expect(otsuBin(skewed)).toBe(105);
  });

  it('triangle picks the same bin as scikit-image', () => {
    // threshold_triangle(np.repeat(i, c)) -> 36 ; threshold_triangle(np.repeat(i, c2)) -> 20
    expect(triangleBin(bimodal)).toBe(36);
    expect(triangleBin(skewed)).toBe(20);
  });

  it('returns null when no split exists, and maps bins to OD edges', () => {
    expect(otsuBin(new Float64Array(10))).toBeNull();
    const single = new Float64Array(10);
    single[3] = 7;
    expect(otsuBin(single)).toBeNull();
    expect(triangleBin(single)).toBeNull();
    expect(histogramBin(-0.3)).toBe(0);
    expect(histogramBin(0.0049)).toBe(0);
    expect(histogramBin(0.005)).toBe(1);
    expect(histogramBin(99)).toBe(HISTOGRAM_BINS - 1);
    expect(thresholdOfBin(29)).toBeCloseTo(0.15, 12);
  });
});

describe('Gaussian prefilter', () => {
  it('matches scipy.ndimage.gaussian_filter (mode nearest, truncate 4)', () => {
    // a = np.zeros((9,12)); a[4,5] = 1; a[0,0] = 2; b = gaussian_filter(a, 1.0, mode='nearest', truncate=4.0)
    // b[4,3:8] = [0.02154063, 0.09653296, 0.15915589, 0.09653293, 0.02153941]; b[0,0:3] = [0.97852142, 0.42042207, 0.08191827]
    const width = 12;
    const height = 9;
    const source = new Float32Array(width * height);
    source[4 * width + 5] = 1;
    source[0] = 2;
    const out = new Float32Array(width * height);
    blurBand(source, width, 0, height, height, gaussianKernel(1), 0, height, out);
    close(
      Array.from(out.subarray(4 * width + 3, 4 * width + 8)),
      [0.02154063, 0.09653296, 0.15915589, 0.09653293, 0.02153941],
      6,
    );
    close(Array.from(out.subarray(0, 3)), [0.97852142, 0.42042207, 0.08191827], 6);
    expect(gaussianRadius(1)).toBe(4);
    expect(() => blurBand(source, width, 2, 3, height, gaussianKernel(1), 3, 1, out)).toThrow(/halo/);
  });
});

describe('protocol resolution', () => {
  it('fills defaults: purple, its target channel, a fixed threshold, tissue unless an ROI is given', () => {
    const params = resolveProtocol(parseProtocol({}), {
      umPerPx: null,
      hasRoi: false,
      white: [255, 255, 255],
    });
    expect(params.stain.preset).toBe('purple');
    expect(params.channel).toBe('purple');
    expect(params.threshold).toEqual({ method: 'fixed', od: 0.15 });
    expect(params.tissue).toBe('auto');
    const withRoi = resolveProtocol(parseProtocol({}), {
      umPerPx: 0.5,
      hasRoi: true,
      white: [255, 255, 255],
    });
    expect(withRoi.tissue).toBe('none');
  });

  it('converts sizes given in um2 to pixels when calibrated, and keeps pixels otherwise', () => {
    const protocol = parseProtocol({
      minObjectArea: 100,
      maxHoleArea: 50,
      smoothing: { sigma: 2, unit: 'um' },
    });
    const params = resolveProtocol(protocol, { umPerPx: 0.5, hasRoi: false, white: [255, 255, 255] });
    expect(params.minObjectAreaPx).toBe(400);
    expect(params.maxHoleAreaPx).toBe(200);
    expect(params.smoothingSigmaPx).toBe(4);
    expect(params.areaUnit).toBe('um2');
    expect(() => resolveProtocol(protocol, { umPerPx: null, hasRoi: false, white: [255, 255, 255] })).toThrow(
      /no calibration/,
    );
  });

  it('refuses an unknown preset, an unknown channel and a threshold out of range, with the choices', () => {
    const context = { umPerPx: null, hasRoi: false, white: [255, 255, 255] as [number, number, number] };
    expect(() => resolveProtocol(parseProtocol({ stain: 'sirius' }), context)).toThrow(
      /Unknown stain preset "sirius".*purple, hed, he, h-dab, masson/,
    );
    expect(() => resolveProtocol(parseProtocol({ stain: 'hed', channel: 'blue' }), context)).toThrow(
      /Unknown channel "blue" for stain "hed": its channels are hematoxylin, eosin, dab/,
    );
    expect(() => resolveProtocol(parseProtocol({ threshold: { method: 'fixed', od: 7 } }), context)).toThrow(
      /threshold 7 OD is out of range/,
    );
    expect(() => resolveProtocol(parseProtocol({ threshold: { method: 'fixed', od: 0 } }), context)).toThrow(
      /out of range/,
    );
    // Channel names are case-insensitive and accept the British spelling.
    expect(
      resolveProtocol(parseProtocol({ stain: 'hed', channel: 'Haematoxylin' }), context).channelIndex,
    ).toBe(0);
  });

  it('builds a custom stain from the colour of pure stain (first colour = target)', () => {
    const context = { umPerPx: null, hasRoi: false, white: [255, 255, 255] as [number, number, number] };
    const params = resolveProtocol(parseProtocol({ stain: 'he', stainColours: [[140, 80, 170]] }), context);
    expect(params.stain.names).toEqual(['custom', 'hematoxylin', 'residual']);
    expect(params.channel).toBe('custom');
    close(params.stain.vectors[0], [0.4388, 0.8483, 0.2967], 3);
    expect(() =>
      resolveProtocol(
        parseProtocol({
          stainColours: [
            [140, 80, 170],
            [139, 79, 169],
          ],
        }),
        context,
      ),
    ).toThrow(/parallel/);
  });
});
