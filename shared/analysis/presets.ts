/**
 * Built-in stain presets. Vectors are OD per channel (R, G, B); buildStainMatrix normalises them.
 * Published values come from ANALYSIS.md; `purple` is DermaQuant's own choice, reasoned below.
 */
import { type NamedStain, type Vec3 } from './stain-matrix';

export interface StainPreset {
  name: string;
  description: string;
  /** 2 or 3 stains, in matrix order. */
  stains: NamedStain[];
  /** The stain measured when the user names no channel. */
  target: string;
  source: string;
}

/**
 * Why these `purple` vectors (Beer-Lambert): a dye looks purple because it passes red and blue light and
 * absorbs green, so its OD is largest in G; a violet-leaning purple (the colour of new collagen in the
 * reference material, between the blue of haematoxylin and the magenta of fuchsin) also absorbs some red
 * and least of all blue. A typical mid-density purple pixel on a white background, RGB (140, 80, 170),
 * has OD = -log10(I/255) = (0.260, 0.503, 0.176), i.e. the unit vector (0.44, 0.85, 0.30) after rounding.
 * The pink counterstain absorbs almost only green (that is what makes it pink): eosin's published vector
 * (0.07, 0.99, 0.11) stands for it. The two are 25 degrees apart, enough to separate; the third row is
 * their cross product. Labs should calibrate both from their own slides (pure-stain regions).
 */
const PURPLE: Vec3 = [0.44, 0.85, 0.3];
const PINK: Vec3 = [0.07, 0.99, 0.11];

export const STAIN_PRESETS: readonly StainPreset[] = [
  {
    name: 'purple',
    description: 'Purple collagen stain with a pink counterstain (DermaQuant default; calibrate per lab)',
    stains: [
      { name: 'purple', od: PURPLE },
      { name: 'pink', od: PINK },
    ],
    target: 'purple',
    source: 'DermaQuant: Beer-Lambert estimate from a typical purple (140, 80, 170); pink = eosin vector',
  },
  {
    name: 'hed',
    description: 'Haematoxylin, eosin and DAB',
    stains: [
      { name: 'hematoxylin', od: [0.65, 0.7, 0.29] },
      { name: 'eosin', od: [0.07, 0.99, 0.11] },
      { name: 'dab', od: [0.27, 0.57, 0.78] },
    ],
    target: 'dab',
    source: 'Ruifrok & Johnston 2001; scikit-image rgb_from_hed',
  },
  {
    name: 'he',
    description: 'Haematoxylin and eosin',
    stains: [
      { name: 'hematoxylin', od: [0.644211, 0.716556, 0.266844] },
      { name: 'eosin', od: [0.092789, 0.954111, 0.283111] },
    ],
    target: 'eosin',
    source: 'Landini, Colour Deconvolution (Fiji)',
  },
  {
    name: 'h-dab',
    description: 'Haematoxylin and DAB',
    stains: [
      { name: 'hematoxylin', od: [0.65, 0.704, 0.286] },
      { name: 'dab', od: [0.268, 0.57, 0.776] },
    ],
    target: 'dab',
    source: 'Landini; QuPath defaults',
  },
  {
    name: 'masson',
    description: "Masson's trichrome (approximate: calibrate)",
    stains: [
      { name: 'methyl-blue', od: [0.7995107, 0.5913521, 0.10528667] },
      { name: 'ponceau-fuchsin', od: [0.09997159, 0.73738605, 0.6680326] },
    ],
    target: 'methyl-blue',
    source: 'Landini ("only approximate")',
  },
];

export const PRESET_NAMES = STAIN_PRESETS.map((p) => p.name);

export function findPreset(name: string): StainPreset | undefined {
  const wanted = name.trim().toLowerCase();
  return STAIN_PRESETS.find((p) => p.name === wanted);
}

/** Spelling variants users type for the same channel. */
const CHANNEL_ALIASES: Record<string, string> = {
  haematoxylin: 'hematoxylin',
  hema: 'hematoxylin',
  h: 'hematoxylin',
  e: 'eosin',
  d: 'dab',
  'methyl blue': 'methyl-blue',
  'aniline-blue': 'methyl-blue',
  ponceau: 'ponceau-fuchsin',
  fuchsin: 'ponceau-fuchsin',
};

export function canonicalChannelName(name: string): string {
  const lower = name.trim().toLowerCase();
  return CHANNEL_ALIASES[lower] ?? lower;
}
