/**
 * Large synthetic slides for the bench: Beer-Lambert colours of a purple stain and a pink counterstain
 * on a white background, generated through look-up tables so that 64 megapixels take well under a second.
 * Sensor-like noise (+-2 levels) makes the PNG compress about as poorly as a real scan does (a smooth
 * synthetic image would compress 10x and decode unrealistically fast).
 */
import { findPreset } from '../../shared/analysis/presets';
import { normalize } from '../../shared/analysis/stain-matrix';

const LEVELS = 64;

export function syntheticSlide(width: number, height: number): Buffer {
  const [purple, pink] = findPreset('purple')!.stains.map((s) => normalize(s.od));
  // colour[(t * LEVELS + k) * 3 + c] for target amount t/LEVELS and counterstain k/LEVELS (x 1 OD).
  const colour = new Uint8Array(LEVELS * LEVELS * 3);
  for (let t = 0; t < LEVELS; t++) {
    for (let k = 0; k < LEVELS; k++) {
      for (let c = 0; c < 3; c++) {
        const od = (t / LEVELS) * purple![c]! + (k / LEVELS) * 0.6 * pink![c]!;
        colour[(t * LEVELS + k) * 3 + c] = Math.round(255 * 10 ** -od);
      }
    }
  }
  const rgb = Buffer.alloc(width * height * 3);
  let state = 0x9e3779b9;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 5) - 2;
  };
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y++) {
    const dy = (y - cy) / (height * 0.45);
    for (let x = 0; x < width; x++) {
      const dx = (x - cx) / (width * 0.45);
      let t = 0;
      let k = 0;
      if (dx * dx + dy * dy < 1) {
        // Fibre-like stripes of stain at a few scales, plus texture in the counterstain.
        const fibre = Math.sin(x * 0.031 + Math.sin(y * 0.017) * 3) * Math.cos(y * 0.023 - x * 0.007);
        t = fibre > 0.35 ? Math.min(LEVELS - 1, Math.floor((fibre - 0.35) * 90)) : 0;
        k = 20 + ((x * 7 + y * 13) & 15);
      }
      const from = (t * LEVELS + k) * 3;
      const to = (y * width + x) * 3;
      rgb[to] = clamp(colour[from]! + noise());
      rgb[to + 1] = clamp(colour[from + 1]! + noise());
      rgb[to + 2] = clamp(colour[from + 2]! + noise());
    }
  }
  return rgb;
}
