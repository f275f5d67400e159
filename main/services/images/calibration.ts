/**
 * Calibration (micrometres per pixel) read from an image file, in order of trust:
 *
 * 1. OME-XML in the TIFF ImageDescription: PhysicalSizeX of the first Pixels element, in
 *    PhysicalSizeXUnit (micrometres when absent), as OME-TIFF writers (Bio-Formats, QuPath, tifffile) do.
 * 2. Aperio SVS: "MPP = 0.4990" in the ImageDescription.
 * 3. TIFF XResolution + ResolutionUnit (inch or centimetre), and the density of PNG (pHYs) and JPEG
 *    (JFIF) files as sharp reports it. Cameras, scanners and editors write 72, 96, 300 or 600 dpi by
 *    default, which means nothing about the specimen. So a resolution is only believed when it gives a
 *    microscopy scale: between MIN_UM_PER_PX and MAX_UM_PER_PX um/px (10 um/px is 2540 dpi, far above
 *    any document default and below any microscope objective's sampling). Otherwise the image is left
 *    uncalibrated and the user types the scale or measures a scale bar.
 */

export const MIN_UM_PER_PX = 0.01;
export const MAX_UM_PER_PX = 10;
/** The API's own upper bound for any calibration (shared/api.ts setCalibration). */
const MAX_PLAUSIBLE_UM_PER_PX = 1000;

export type FileCalibrationOrigin = 'ome-xml' | 'aperio-mpp' | 'tiff-resolution' | 'density';

export interface FileCalibration {
  umPerPx: number;
  origin: FileCalibrationOrigin;
}

const MICROMETRES_PER_UNIT: Record<string, number> = {
  pm: 1e-6,
  nm: 1e-3,
  µm: 1, // U+00B5 micro sign, as OME writes it
  μm: 1, // U+03BC Greek mu
  um: 1,
  micron: 1,
  mm: 1e3,
  cm: 1e4,
  dm: 1e5,
  m: 1e6,
  Å: 1e-4,
};

const plausible = (umPerPx: number): boolean =>
  Number.isFinite(umPerPx) && umPerPx >= MIN_UM_PER_PX && umPerPx <= MAX_PLAUSIBLE_UM_PER_PX;

/** PhysicalSizeX of the first <Pixels> element of an OME-XML document, in um/px. */
export function calibrationFromOmeXml(xml: string): number | null {
  const pixels = /<(?:\w+:)?Pixels\b[^>]*>/.exec(xml)?.[0];
  if (!pixels) return null;
  const size = /\bPhysicalSizeX\s*=\s*"([^"]+)"/.exec(pixels)?.[1];
  if (size === undefined) return null;
  const unit = /\bPhysicalSizeXUnit\s*=\s*"([^"]+)"/.exec(pixels)?.[1] ?? 'µm';
  const perUnit = MICROMETRES_PER_UNIT[unit.trim()];
  const value = Number(size);
  if (perUnit === undefined || !Number.isFinite(value)) return null;
  const umPerPx = value * perUnit;
  return plausible(umPerPx) ? umPerPx : null;
}

/** "MPP = 0.4990" from an Aperio SVS ImageDescription, in um/px. */
export function calibrationFromAperioDescription(description: string): number | null {
  if (!description.startsWith('Aperio')) return null;
  const match = /\|\s*MPP\s*=\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)/.exec(description);
  if (!match) return null;
  const umPerPx = Number(match[1]);
  return plausible(umPerPx) ? umPerPx : null;
}

/** TIFF ResolutionUnit: 2 = inch, 3 = centimetre; 1 (none) carries no physical scale. */
export function calibrationFromTiffResolution(
  xResolution: number | undefined,
  resolutionUnit: number | undefined,
): number | null {
  if (xResolution === undefined || !(xResolution > 0)) return null;
  const unitInUm = (resolutionUnit ?? 2) === 2 ? 25_400 : resolutionUnit === 3 ? 10_000 : null;
  if (unitInUm === null) return null;
  return microscopyScaleOrNull(unitInUm / xResolution);
}

/** sharp's `density` is always pixels per inch, whatever unit the file used. */
export function calibrationFromDensity(pixelsPerInch: number | undefined): number | null {
  if (pixelsPerInch === undefined || !(pixelsPerInch > 0)) return null;
  return microscopyScaleOrNull(25_400 / pixelsPerInch);
}

function microscopyScaleOrNull(umPerPx: number): number | null {
  return Number.isFinite(umPerPx) && umPerPx >= MIN_UM_PER_PX && umPerPx <= MAX_UM_PER_PX ? umPerPx : null;
}

/** Pick the most trusted calibration a TIFF offers. */
export function calibrationFromTiff(tags: {
  description?: string;
  xResolution?: number;
  resolutionUnit?: number;
}): FileCalibration | null {
  const description = tags.description ?? '';
  if (description.includes('<OME') || description.includes(':OME')) {
    const fromOme = calibrationFromOmeXml(description);
    if (fromOme !== null) return { umPerPx: fromOme, origin: 'ome-xml' };
  }
  const fromAperio = calibrationFromAperioDescription(description);
  if (fromAperio !== null) return { umPerPx: fromAperio, origin: 'aperio-mpp' };
  const fromResolution = calibrationFromTiffResolution(tags.xResolution, tags.resolutionUnit);
  return fromResolution === null ? null : { umPerPx: fromResolution, origin: 'tiff-resolution' };
}
