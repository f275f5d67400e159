import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { findPreset } from '../../shared/analysis/presets';
import { encodeRuns } from '../../shared/annotations/rle';
import type { EncodedMask } from '../../shared/annotations/types';
import { makeSlide, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { studyWithImages } from '../helpers/annotation-study';
import { ensureMainBuilt } from '../helpers/build-main';
import { useTempDirs } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];

/** A mask whose set pixels are those of `isSet(i, j)` over a width x height box at (left, top). */
function paintedMask(
  box: { left: number; top: number; width: number; height: number; scale: number },
  isSet: (i: number, j: number) => boolean,
): EncodedMask {
  const bits: number[] = [];
  for (let j = 0; j < box.height; j++) for (let i = 0; i < box.width; i++) bits.push(isSet(i, j) ? 1 : 0);
  return { ...box, counts: encodeRuns(bits) };
}

/** The image pixels a mask covers (mask pixel (i, j) = [i*s, (i+1)*s) x [j*s, (j+1)*s)), clipped. */
function coveredPixels(mask: EncodedMask, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let j = 0; j < mask.height; j++) {
    for (let i = 0; i < mask.width; i++) {
      const bitIndex = j * mask.width + i;
      let at = 0;
      let set = false;
      for (let k = 0; k < mask.counts.length; k++) {
        if (bitIndex < at + mask.counts[k]!) {
          set = k % 2 === 1;
          break;
        }
        at += mask.counts[k]!;
      }
      if (!set) continue;
      for (let y = (mask.top + j) * mask.scale; y < (mask.top + j + 1) * mask.scale; y++) {
        for (let x = (mask.left + i) * mask.scale; x < (mask.left + i + 1) * mask.scale; x++) {
          if (x < width && y < height) out[y * width + x] = 1;
        }
      }
    }
  }
  return out;
}

describe('painted (mask) regions in analyzeImage (real study, real sharp, worker threads)', () => {
  const tempDir = useTempDirs('dermaquant-region-masks-');
  const slide = makeSlide({
    width: 260,
    height: 180,
    target: purple,
    counter: pink,
    blobs: randomBlobs(260, 180, 20, 6),
    noise: 1,
  });
  const open: Services[] = [];
  beforeAll(() => ensureMainBuilt(), 120_000);
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  // A painted exclusion: a disc of 4 x 4 squares, plus a second mask running off the right and bottom
  // edges, so clipping matters and the painted rows straddle the workers' row bands.
  const disc = paintedMask(
    { left: 10, top: 8, width: 15, height: 15, scale: 4 },
    (i, j) => Math.hypot(i - 7, j - 7) <= 7,
  );
  const edge = paintedMask({ left: 60, top: 40, width: 8, height: 8, scale: 4 }, (i, j) => (i + j) % 3 !== 0);

  async function studyWithImage() {
    const study = await studyWithImages(tempDir(), [
      { width: slide.width, height: slide.height, rgb: slide.rgb },
    ]);
    open.push(study.services);
    return { services: study.services, image: study.images[0]! };
  }

  it('subtracts a painted exclusion pixel for pixel, and measures inside a painted ROI', async () => {
    const { services, image } = await studyWithImage();
    const { width, height } = slide;
    const excluded = coveredPixels(disc, width, height);
    const edgePixels = coveredPixels(edge, width, height);
    let excludedCount = 0;
    let stainedOutside = 0;
    for (let p = 0; p < width * height; p++) {
      const cut = excluded[p] || edgePixels[p];
      if (cut) excludedCount++;
      else if (slide.truth[p]) stainedOutside++;
    }
    // Known by hand: the disc is 149 mask pixels of 4 x 4; the edge mask keeps its 5 x 5 mask pixels
    // left of x = 260 and above y = 180, of which 17 are set ((i + j) % 3 !== 0); the two are disjoint.
    expect(excludedCount).toBe((149 + 17) * 16);
    expect(stainedOutside).toBeLessThan(slide.truthCount);

    const protocol = { threshold: { method: 'fixed', od: 0.3 }, tissue: 'none' } as const;
    const result = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      protocol,
      region: { include: null, excludeMasks: [disc, edge] },
    });
    expect(result.ok).toBe(true);
    const record = (result as { ok: true; value: Awaited<ReturnType<Services['analyzeImage']>> }).value;
    expect(record.measurement.analyzedAreaPx).toBe(width * height - excludedCount);
    expect(record.measurement.stainedAreaPx).toBe(stainedOutside);

    // The same disc painted as the region of interest: only its pixels are measured.
    let discCount = 0;
    let stainedInDisc = 0;
    for (let p = 0; p < width * height; p++) {
      if (!excluded[p]) continue;
      discCount++;
      if (slide.truth[p]) stainedInDisc++;
    }
    const inside = await services.analyzeImage({
      imageId: image.id,
      protocol: { threshold: { method: 'fixed', od: 0.3 } } as never,
      region: { include: null, exclude: [], includeMasks: [disc], excludeMasks: [] },
    });
    expect(inside.measurement.analyzedAreaPx).toBe(discCount);
    expect(inside.measurement.stainedAreaPx).toBe(stainedInDisc);
  });

  it('refuses a painted ROI that covers no pixel of the image, and a malformed mask', async () => {
    const { services, image } = await studyWithImage();
    const offImage = paintedMask({ left: 100, top: 100, width: 2, height: 2, scale: 4 }, () => true);
    const outside = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      region: { include: null, includeMasks: [offImage] },
    });
    expect(outside).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((outside as { ok: false; error: { message: string } }).error.message).toContain('covers no pixel');
    const malformed = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      region: {
        include: null,
        excludeMasks: [{ scale: 4, left: 0, top: 0, width: 3, height: 3, counts: [2, 2] }],
      },
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
