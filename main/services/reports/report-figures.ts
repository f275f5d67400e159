/**
 * The picture of a report figure: the image's stored preview, downsampled for print, with the detected
 * stain blended over it in a translucent colour (shared/reports/overlay-mask.ts decides which pixels).
 * One JPEG per figure keeps the PDF small; the overlay colour is a green that no histological stain in
 * the presets resembles, so it reads on purple, pink and brown alike.
 */
import sharp from 'sharp';
import type { FigureImage } from '../../../shared/reports/report-model';
import { overlayMask, regionOfFigure, STAINED } from '../../../shared/reports/overlay-mask';
import { toApiError } from '../errors';
import type { Services } from '../types';

/** Long side of a figure: about 300 dpi over the 3.5-inch column a figure gets on an A4 page. */
export const FIGURE_MAX_SIDE = 1000;
export const OVERLAY_RGB: [number, number, number] = [0, 200, 90];
const OVERLAY_ALPHA = 0.55;

export interface RenderedFigure {
  jpeg: Buffer;
  width: number;
  height: number;
}

export type FigureOutcome = { ok: true; figure: RenderedFigure } | { ok: false; reason: string };

function blendStain(rgb: Buffer, mask: Uint8Array): void {
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== STAINED) continue;
    for (let c = 0; c < 3; c++) {
      const p = i * 3 + c;
      rgb[p] = Math.round(rgb[p]! * (1 - OVERLAY_ALPHA) + OVERLAY_RGB[c]! * OVERLAY_ALPHA);
    }
  }
}

export async function renderFigure(services: Services, figure: FigureImage): Promise<FigureOutcome> {
  try {
    const asset = await services.imageAsset(figure.imageId, 'preview');
    const { data, info } = await sharp(asset.path)
      .resize({ width: FIGURE_MAX_SIDE, height: FIGURE_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [{ annotations }, classes] = await Promise.all([
      services.getImageAnnotations({ imageId: figure.imageId }),
      services.listAnnotationClasses({}),
    ]);
    const region = regionOfFigure(
      annotations,
      classes,
      info.width / figure.width,
      info.height / figure.height,
    );
    const pixels = { data, width: info.width, height: info.height, channels: 3 };
    blendStain(data, overlayMask(pixels, figure.params, region));
    const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer();
    return { ok: true, figure: { jpeg, width: info.width, height: info.height } };
  } catch (err) {
    // A missing or unreadable preview costs the figure, not the report: the figures stand without it.
    return { ok: false, reason: toApiError(err, 'the preview').message };
  }
}
