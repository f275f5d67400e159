/**
 * The preview's pixels for the live analysis. Fetched and decoded here rather than read back from the
 * viewer's <img>: a fetch needs no crossOrigin attribute on the viewer's image (Electron serves images
 * from dq-image://, another origin than the app, which allows CORS for exactly this), and
 * createImageBitmap decodes off the main thread.
 */
import type { PixelBuffer } from '../../shared/analysis/kernel';

export class PreviewPixelsError extends Error {}

export async function loadPreviewPixels(
  url: string,
  fileName: string,
  signal: AbortSignal,
): Promise<PixelBuffer> {
  let blob: Blob;
  try {
    const response = await fetch(url, { signal });
    if (!response.ok) {
      throw new PreviewPixelsError(
        `The preview of ${fileName} could not be loaded for the live overlay (HTTP ${response.status}). Reload the window; if it persists, import the file again.`,
      );
    }
    blob = await response.blob();
  } catch (err) {
    if (err instanceof PreviewPixelsError || signal.aborted) throw err;
    throw new PreviewPixelsError(
      `The preview of ${fileName} could not be loaded for the live overlay: the server did not answer. Reload the window.`,
    );
  }
  let bitmap: ImageBitmap;
  try {
    // The analysis reads pixel values as stored: no colour-profile conversion, no premultiplication.
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new PreviewPixelsError(
      `The preview of ${fileName} could not be decoded for the live overlay. Import the file again to rebuild it.`,
    );
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new PreviewPixelsError('This browser cannot read image pixels (no 2D canvas).');
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data, width, height, channels: 4 };
  } finally {
    bitmap.close();
  }
}

/** Let the page paint and handle input between chunks of a long computation. */
export const nextMacrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
