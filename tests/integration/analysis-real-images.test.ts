import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeImageFile } from '../../main/services/analysis/analyze-file';
import { decodeToSharedPixels, probeForAnalysis } from '../../main/services/analysis/decode-pixels';
import { loadRoi } from '../../main/cli/commands/analyze';
import { estimateStainsMacenko } from '../../shared/analysis/calibration';
import { regionPixelCount } from '../../shared/analysis/region';
import { angleDegrees } from '../../shared/analysis/stain-matrix';
import { ensureMainBuilt } from '../helpers/build-main';
import { hasSharedData, sharedDataDir, sharedImage } from '../helpers/paths';

/**
 * scikit-image reference counts of rgb2hed(img)[..., 2] > 0.02 (0.12 OD / 6), on exactly the pixels the
 * analysis decodes (sharp, with the YCbCr colour fix for these OME-TIFFs). Computed once with:
 *   DERMAQUANT_REFERENCE_DIR=/tmp/ref npx vitest run --config tests/vitest.config.ts tests/integration/analysis-real-images.test.ts
 *   /usr/bin/python3 -c "import sys; from skimage import io; from skimage.color import rgb2hed
 *     for f in sys.argv[1:]: im = io.imread(f)[..., :3]; print(f, int((rgb2hed(im)[..., 2] > 0.02).sum()))" /tmp/ref/*.png
 * (Debian python3-skimage 0.19.3, numpy 1.24.2.)
 */
const SKIMAGE_DAB_COUNTS: Record<string, number> = {
  'OS-2-ndpi_Ki67-DAB.ome.tif': 506127,
  'OS-2-vsi_Ki67-DAB.ome.tif': 207320,
};

describe.skipIf(!hasSharedData)('analysis of the real images in ../shared/data', () => {
  beforeAll(() => ensureMainBuilt(), 120_000);

  for (const name of Object.keys(SKIMAGE_DAB_COUNTS)) {
    it(`agrees with scikit-image's rgb2hed DAB > 0.02 within 0.2 % of pixels on ${name}`, async () => {
      const file = sharedImage(name);
      const probed = await probeForAnalysis(file, 1e10);
      const pixels = await decodeToSharedPixels(file, probed, 1e10);
      const keep = process.env.DERMAQUANT_REFERENCE_DIR;
      if (keep) {
        fs.mkdirSync(keep, { recursive: true });
        await sharp(Buffer.from(pixels.data), {
          raw: { width: pixels.width, height: pixels.height, channels: 3 },
        })
          .png()
          .toFile(path.join(keep, `${name}.png`));
      }
      const result = await analyzeImageFile(file, {
        stain: 'hed',
        channel: 'dab',
        threshold: { method: 'fixed', od: 0.12 },
        tissue: 'none',
      });
      const total = result.image.width * result.image.height;
      expect(result.measurement.analyzedAreaPx).toBe(total);
      const difference = Math.abs(result.measurement.stainedAreaPx - SKIMAGE_DAB_COUNTS[name]!);
      expect(difference / total).toBeLessThan(0.002);
      // Ki67 stains a minority of nuclei brown: a sanity check on the colour fix.
      expect(result.measurement.stainedFraction).toBeGreaterThan(0.02);
      expect(result.measurement.stainedFraction).toBeLessThan(0.4);
    });
  }

  it('reads the calibration from the SVS and measures inside the dermis ROIs of the QuPath GeoJSON', async () => {
    const file = sharedImage('CMU-1-small-region_skin_HE.svs');
    const roi = await loadRoi(
      path.join(
        sharedDataDir,
        'geojson',
        'CMU-1-small-region_skin_annotations_qupath-format_SYNTHETIC.geojson',
      ),
    );
    const result = await analyzeImageFile(file, { stain: 'he' }, { region: roi.region });
    expect(result.image.umPerPx).toBeCloseTo(0.499, 6);
    expect(result.image.umPerPxSource).toBe('file');
    // With an ROI and no --tissue, the denominator is the ROI as drawn.
    expect(result.params.tissue).toBe('none');
    expect(result.measurement.analyzedAreaPx).toBe(regionPixelCount(roi.region, 2220, 2967));
    expect(result.measurement.analyzedAreaUm2).toBeCloseTo(
      result.measurement.analyzedAreaPx * 0.499 * 0.499,
      6,
    );
    expect(result.measurement.stainedFraction).toBeGreaterThan(0.05);
    expect(result.measurement.stainedFraction).toBeLessThan(1);
  });

  it('estimates haematoxylin and eosin Macenko-style on a real H&E tile', async () => {
    const file = sharedImage('HEnorm_example1_HE.tif');
    const probed = await probeForAnalysis(file, 1e10);
    const pixels = await decodeToSharedPixels(file, probed, 1e10, false);
    const estimate = estimateStainsMacenko(pixels, null, [255, 255, 255]);
    // HERef of the HEnorm_python repository this tile comes from (Macenko's reference H&E vectors):
    // H = (0.5626, 0.7201, 0.4062), E = (0.2159, 0.8012, 0.5581). A sanity bound, not an exact
    // reference: that code uses its own background level and OD cut-offs.
    expect(angleDegrees(estimate.stains[0], [0.5626, 0.7201, 0.4062])).toBeLessThan(6);
    expect(angleDegrees(estimate.stains[1], [0.2159, 0.8012, 0.5581])).toBeLessThan(6);
  });

  it('gives the same numbers strip by strip as from the whole image (OME-TIFF with its colour fix)', async () => {
    const file = sharedImage('OS-2-vsi_Ki67-DAB.ome.tif');
    const protocol = {
      stain: 'hed',
      channel: 'dab',
      threshold: { method: 'otsu' as const },
      smoothing: { sigma: 2, unit: 'px' as const },
      minObjectArea: 20,
    };
    const whole = await analyzeImageFile(file, protocol, { workers: 1 });
    const strips = await analyzeImageFile(file, protocol, { workers: 1, stripRows: 100 });
    expect(JSON.stringify(strips.measurement)).toBe(JSON.stringify(whole.measurement));
    expect(strips.params).toEqual(whole.params);
  });
});
