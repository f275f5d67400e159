/**
 * Synthetic slides with a known answer (ANALYSIS.md): pixel colours follow Beer-Lambert,
 * I_c = I0 * 10^-(sum_s conc_s * v_s,c), plus integer noise. The pixels painted with the target stain are
 * the ground truth. Deterministic (seeded), so every expected count is reproducible.
 */

export type Vec3 = [number, number, number];

/** A shape of target stain: a disc, or a ring (disc with a hole) when `inner` is given. */
export interface Blob {
  cx: number;
  cy: number;
  r: number;
  inner?: number;
}

export interface SlideSpec {
  width: number;
  height: number;
  target: Vec3;
  counter: Vec3;
  /** OD amount of target stain in painted pixels and of counterstain in tissue. */
  targetAmount?: number;
  counterAmount?: number;
  /** 'ellipse': tissue is a centred ellipse on white; 'full': the whole image is tissue. */
  tissue?: 'ellipse' | 'full' | 'none';
  blobs: Blob[];
  /** Uniform integer noise in [-noise, noise] per channel. */
  noise?: number;
  white?: number;
  seed?: number;
}

export interface Slide {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** 1 where target stain was painted (inside tissue). */
  truth: Uint8Array;
  tissue: Uint8Array;
  truthCount: number;
  tissueCount: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const unit = (v: Vec3): Vec3 => {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
};

export function inBlob(b: Blob, x: number, y: number): boolean {
  const d2 = (x + 0.5 - b.cx) ** 2 + (y + 0.5 - b.cy) ** 2;
  return d2 <= b.r * b.r && (b.inner === undefined || d2 > b.inner * b.inner);
}

export function makeSlide(spec: SlideSpec): Slide {
  const { width, height } = spec;
  const target = unit(spec.target);
  const counter = unit(spec.counter);
  const targetAmount = spec.targetAmount ?? 0.6;
  const counterAmount = spec.counterAmount ?? 0.3;
  const white = spec.white ?? 255;
  const noise = spec.noise ?? 1;
  const random = mulberry32(spec.seed ?? 1);
  const rgb = new Uint8Array(width * height * 3);
  const truth = new Uint8Array(width * height);
  const tissue = new Uint8Array(width * height);
  let truthCount = 0;
  let tissueCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const inTissue =
        spec.tissue === 'full'
          ? true
          : spec.tissue === 'none'
            ? false
            : ((x + 0.5 - width / 2) / (width * 0.42)) ** 2 +
                ((y + 0.5 - height / 2) / (height * 0.42)) ** 2 <=
              1;
      const painted = inTissue && spec.blobs.some((b) => inBlob(b, x, y));
      tissue[i] = inTissue ? 1 : 0;
      truth[i] = painted ? 1 : 0;
      tissueCount += tissue[i]!;
      truthCount += truth[i]!;
      const t = painted ? targetAmount : 0;
      const k = inTissue ? counterAmount : 0;
      for (let c = 0; c < 3; c++) {
        const od = t * target[c]! + k * counter[c]!;
        const jitter = noise > 0 ? Math.floor(random() * (2 * noise + 1)) - noise : 0;
        rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round(white * 10 ** -od) + jitter));
      }
    }
  }
  return { width, height, rgb, truth, tissue, truthCount, tissueCount };
}

/** Random blobs of many sizes, some touching the border, some tiny specks. */
export function randomBlobs(width: number, height: number, count: number, seed: number): Blob[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => ({
    cx: random() * width,
    cy: random() * height,
    r: 2 + random() * Math.min(width, height) * 0.08,
  }));
}
