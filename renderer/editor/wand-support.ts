/**
 * The magic wand's pixels: the image's display preview read once into memory (scaled to at most
 * WAND_GRID_MAX_SIDE px, so a fill stays interactive on a 16-megapixel image), and pictures of fills
 * for the live draft.
 */
import type { PixelGrid, WandRegion, WandSupport } from './gestures/paint-gestures';
import { regionPreviewPixels } from './magic-wand';

export const WAND_GRID_MAX_SIDE = 2048;
const PREVIEW_ALPHA = 140;

type GridState =
  | { status: 'loading'; ready: Promise<PixelGrid | null> }
  | { status: 'ready'; grid: PixelGrid }
  | { status: 'failed' };

async function readPixels(url: string): Promise<PixelGrid> {
  const image = new Image();
  image.src = url;
  await image.decode();
  const fit = Math.min(1, WAND_GRID_MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
  const width = Math.max(1, Math.round(image.naturalWidth * fit));
  const height = Math.max(1, Math.round(image.naturalHeight * fit));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(image, 0, 0, width, height);
  const data = context.getImageData(0, 0, width, height).data;
  return { width, height, data };
}

export function createWandSupport(
  previewUrl: (imageId: number) => string,
  onProblem: (message: string) => void,
): WandSupport {
  const grids = new Map<number, GridState>();
  const load = (imageId: number): Promise<PixelGrid | null> => {
    const ready = readPixels(previewUrl(imageId)).then(
      (grid) => {
        grids.set(imageId, { status: 'ready', grid });
        return grid;
      },
      () => {
        grids.set(imageId, { status: 'failed' });
        onProblem(
          'The preview pixels for the magic wand could not be read. Reload the window and try again.',
        );
        return null;
      },
    );
    grids.set(imageId, { status: 'loading', ready });
    return ready;
  };
  return {
    grid(imageId) {
      const state = grids.get(imageId);
      if (state?.status === 'ready') return state.grid;
      if (!state || state.status === 'failed') void load(imageId);
      return null;
    },
    whenReady(imageId) {
      const state = grids.get(imageId);
      if (state?.status === 'ready') return Promise.resolve(state.grid);
      if (state?.status === 'loading') return state.ready;
      return load(imageId);
    },
    picture(region: WandRegion, colour: string) {
      const width = Math.max(1, region.right - region.left);
      const height = Math.max(1, region.bottom - region.top);
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const value = Number.parseInt(colour.slice(1), 16);
      const rgba = [(value >> 16) & 255, (value >> 8) & 255, value & 255, PREVIEW_ALPHA] as const;
      if (region.count > 0) {
        const pixels = regionPreviewPixels(region, rgba);
        canvas.getContext('2d')?.putImageData(new ImageData(pixels, width, height), 0, 0);
      }
      return canvas;
    },
  };
}
