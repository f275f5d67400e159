/**
 * A synthetic slide in the `purple` preset's colours (Beer-Lambert, tests/helpers/beer-lambert.ts):
 * tissue everywhere, two round blobs of stain, as the editor-and-panel e2e tests use it.
 */
import sharp from 'sharp';
import { makeSlide, type Slide, type Vec3 } from '../../helpers/beer-lambert';

// The `purple` preset's vectors (shared/analysis/presets.ts), as in stain-panel.test.ts.
const PURPLE: Vec3 = [0.44, 0.85, 0.3];
const PINK: Vec3 = [0.07, 0.99, 0.11];

export const purpleSlide = (width: number, height: number, seed: number): Slide =>
  makeSlide({
    width,
    height,
    target: PURPLE,
    counter: PINK,
    targetAmount: 0.6,
    counterAmount: 0.3,
    tissue: 'full',
    blobs: [
      { cx: width * 0.4, cy: height * 0.4, r: 60 },
      { cx: width * 0.6, cy: height * 0.6, r: 40 },
    ],
    noise: 1,
    seed,
  });

export const slidePng = (s: Slide): Promise<Buffer> =>
  sharp(s.rgb, { raw: { width: s.width, height: s.height, channels: 3 } })
    .png()
    .toBuffer();

/** A pixel count as the stain panel writes it (en-US grouping). */
export const groupedPx = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
