import sharp from 'sharp';

/**
 * Synthetic stained tissue by the Beer-Lambert model (ANALYSIS.md): a pink counterstain over an
 * irregular tissue shape on a white background, with purple "collagen" blobs.
 *   I_c = 255 * 10^-(sum_s conc_s * v_s,c)
 */
const PINK = [0.092789, 0.954111, 0.283111]; // eosin (Landini)
const PURPLE = [0.65, 0.7, 0.29]; // a haematoxylin-like purple

export interface TissueSpec {
  width: number;
  height: number;
  /** Number of purple blobs: more collagen in the "after" image. */
  blobs: number;
  seed: number;
}

/** A small deterministic generator, so every run draws the same picture. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function renderTissue(spec: TissueSpec): Buffer {
  const { width, height } = spec;
  const next = random(spec.seed);
  const lobes = Array.from({ length: 5 }, () => ({ amp: 0.05 + next() * 0.08, phase: next() * 6.28 }));
  const blobs = Array.from({ length: spec.blobs }, () => {
    const angle = next() * 6.28;
    const dist = next() * 0.55;
    return {
      x: width / 2 + Math.cos(angle) * dist * width * 0.35,
      y: height / 2 + Math.sin(angle) * dist * height * 0.35,
      r: Math.min(width, height) * (0.025 + next() * 0.05),
    };
  });
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x - width / 2) / (width * 0.4);
      const dy = (y - height / 2) / (height * 0.38);
      const angle = Math.atan2(dy, dx);
      const edge = 1 + lobes.reduce((s, l, i) => s + l.amp * Math.sin((i + 2) * angle + l.phase), 0);
      const inTissue = Math.hypot(dx, dy) < edge;
      // Wavy bands, like dermal collagen bundles cut across.
      let pink = inTissue ? 0.27 + 0.09 * Math.sin((x * 0.8 + y * 0.35) / 7 + 2.5 * Math.sin(y / 45)) : 0;
      let purple = 0;
      if (inTissue) {
        for (const b of blobs) {
          const d = Math.hypot(x - b.x, y - b.y) / b.r;
          if (d < 1) purple = Math.max(purple, 0.75 * (1 - d * d));
        }
        pink += (next() - 0.5) * 0.04;
      }
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const od = pink * PINK[c]! + purple * PURPLE[c]!;
        pixels[i + c] = Math.max(0, Math.min(255, Math.round(255 * 10 ** -od)));
      }
    }
  }
  return pixels;
}

/** A TIFF carrying its calibration in the resolution tags (pixels per mm = 1000 / µm per pixel). */
export async function tissueTiff(spec: TissueSpec, umPerPx: number): Promise<Buffer> {
  const pixelsPerMm = 1000 / umPerPx;
  return sharp(renderTissue(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } })
    .tiff({ compression: 'lzw', xres: pixelsPerMm, yres: pixelsPerMm, resolutionUnit: 'cm' })
    .toBuffer();
}

/** A PNG with no calibration. */
export async function tissuePng(spec: TissueSpec): Promise<Buffer> {
  return sharp(renderTissue(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A JPEG with no calibration (the third format the importer must take). */
export async function tissueJpeg(spec: TissueSpec): Promise<Buffer> {
  return sharp(renderTissue(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}
