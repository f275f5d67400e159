/**
 * The magic wand: flood fill by colour similarity on a pixel grid, the tolerance growing with the drag,
 * and the fill mapped onto full-resolution masks of any size and scale by pixel centres.
 */
import { describe, expect, it } from 'vitest';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import { imageToGridIndex } from '../../renderer/editor/coords';
import {
  floodFill,
  paintRegion,
  regionPreviewPixels,
  regionRowSpans,
  wandTolerance,
  type PixelGrid,
} from '../../renderer/editor/magic-wand';

/** A grid painted by a function of (x, y) returning [r, g, b]. */
function grid(
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number],
): PixelGrid {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

describe('flood fill', () => {
  // Two purple discs on pink, one with a soft edge (a gradient of purple), joined by nothing.
  const W = 120;
  const H = 80;
  const pixels = grid(W, H, (x, y) => {
    const d1 = Math.hypot(x - 30, y - 40);
    const d2 = Math.hypot(x - 90, y - 40);
    if (d1 < 20) return [90, 40, 140];
    // Soft disc: 4 levels of purple per pixel of distance from the centre.
    if (d2 < 20) return [90 + Math.round(d2 * 4), 40 + Math.round(d2 * 4), 140];
    return [240, 140, 210];
  });

  it('fills the connected area within the tolerance of the seed colour, and nothing across the gap', () => {
    const region = floodFill(pixels, 30, 40, 10);
    let expected = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (Math.hypot(x - 30, y - 40) < 20) expected++;
    expect(region.count).toBe(expected);
    expect(region.bits[40 * W + 90]).toBe(0);
    expect([region.left, region.top, region.right, region.bottom]).toEqual([11, 21, 50, 60]);
  });

  it('widens with the tolerance', () => {
    const counts = [0, 8, 20, 40, 79].map((t) => floodFill(pixels, 90, 40, t).count);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]!);
    // 4 levels per pixel: tolerance 40 reaches a distance of about 10 px.
    expect(counts[3]).toBeGreaterThan(Math.PI * 9.5 ** 2);
    expect(counts[3]).toBeLessThan(Math.PI * 11 ** 2);
    // Everything similar is reached, the pink background too, once the tolerance spans both colours.
    expect(floodFill(pixels, 90, 40, 255).count).toBe(W * H);
  });

  it('fills nothing from a seed outside the grid', () => {
    expect(floodFill(pixels, -1, 5, 50).count).toBe(0);
    expect(floodFill(pixels, 5, H, 50).count).toBe(0);
  });

  it('turns the drag distance into tolerance, clamped to 0..255', () => {
    expect(wandTolerance(24, 0)).toBe(24);
    expect(wandTolerance(24, 60)).toBe(54);
    expect(wandTolerance(24, 10_000)).toBe(255);
    expect(wandTolerance(0, -5)).toBe(0);
  });

  it('gives row spans and a preview picture of the region', () => {
    const region = floodFill(pixels, 30, 40, 10);
    expect(regionRowSpans(region, 40)).toEqual([11, 50]);
    expect(regionRowSpans(region, 5)).toEqual([]);
    const picture = regionPreviewPixels(region, [1, 2, 3, 200]);
    const width = region.right - region.left;
    expect(picture.length).toBe(width * (region.bottom - region.top) * 4);
    const centre = ((40 - region.top) * width + (30 - region.left)) * 4;
    expect([...picture.slice(centre, centre + 4)]).toEqual([1, 2, 3, 200]);
    expect(picture[3]).toBe(0); // a corner of the box is outside the disc
  });
});

describe('wand fill onto a full-resolution mask', () => {
  /** A fill of an irregular shape on a 97 x 61 grid: a lobed disc with a notch cut into it. */
  const inShape = (x: number, y: number) =>
    Math.hypot(x - 48, y - 30) < 20 + 6 * Math.sin(3 * Math.atan2(y - 30, x - 48)) &&
    !(x > 50 && Math.abs(y - 30) < 3);
  const shapeGrid = grid(97, 61, (x, y) => (inShape(x, y) ? [0, 0, 0] : [255, 255, 255]));
  const region = floodFill(shapeGrid, 40, 30, 0);

  for (const [imageWidth, imageHeight, scale] of [
    [388, 244, 1], // 4x exactly
    [500, 333, 1], // a ratio that is not a whole number
    [80, 50, 1], // a grid finer than the image
    [500, 333, 3], // a coarser mask
  ] as const) {
    it(`sets exactly the mask pixels whose centre lies on a filled grid pixel (${imageWidth} x ${imageHeight}, scale ${scale})`, () => {
      const mask = new TiledMask(imageWidth, imageHeight, scale);
      const touched = new Set<number>();
      paintRegion(mask, region, 1, (key) => touched.add(key));
      let mismatches = 0;
      let set = 0;
      for (let my = 0; my < mask.gridHeight; my++) {
        for (let mx = 0; mx < mask.gridWidth; mx++) {
          // The mask pixel's centre in image pixels, then the grid pixel under it.
          const cx = (mx + 0.5) * scale;
          const cy = (my + 0.5) * scale;
          const gx = Math.floor((cx * region.gridWidth) / imageWidth);
          const gy = Math.floor((cy * region.gridHeight) / imageHeight);
          const inside =
            gx < region.gridWidth && gy < region.gridHeight && region.bits[gy * region.gridWidth + gx] === 1;
          if (inside) set++;
          if ((mask.get(mx, my) === 1) !== inside) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
      expect(mask.count()).toBe(set);
      expect(set).toBeGreaterThan(
        (0.5 * region.count * ((imageWidth * imageHeight) / (97 * 61))) / scale ** 2,
      );
      expect(touched.size).toBeGreaterThan(0);
      // Erasing the same region empties the mask again.
      paintRegion(mask, region, 0);
      expect(mask.count()).toBe(0);
    });
  }

  it('maps the seed the same way (image pixel to the grid pixel under its centre)', () => {
    expect(imageToGridIndex(0, 388, 97)).toBe(0);
    expect(imageToGridIndex(387, 388, 97)).toBe(96);
    expect(imageToGridIndex(199.7, 388, 97)).toBe(Math.floor((199.5 * 97) / 388));
  });
});
