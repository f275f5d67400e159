import type { Page } from 'playwright';

export interface CameraReading {
  scale: number;
  x: number;
  y: number;
  /** Stage size in CSS pixels. */
  width: number;
  height: number;
  /** Screen position of the stage's top-left corner. */
  left: number;
  top: number;
}

/** The camera a stage exposes in data-camera, plus the stage's box on screen. */
export async function readCamera(page: Page, role: 'before' | 'after'): Promise<CameraReading> {
  const stage = page.getByTestId(`stage-${role}`);
  const raw = await stage.getAttribute('data-camera');
  const box = await stage.boundingBox();
  if (!raw || !box) throw new Error(`stage-${role} has no camera yet`);
  const camera = JSON.parse(raw) as { scale: number; x: number; y: number };
  return { ...camera, width: box.width, height: box.height, left: box.x, top: box.y };
}

/** The image point (as a fraction of the image size) under the stage centre. */
export function relativeCentre(c: CameraReading, image: { width: number; height: number }) {
  return {
    x: (c.width / 2 - c.x) / c.scale / image.width,
    y: (c.height / 2 - c.y) / c.scale / image.height,
  };
}

/** Full-resolution image point under a screen point. */
export function imagePointAt(c: CameraReading, screen: { x: number; y: number }) {
  return { x: (screen.x - c.left - c.x) / c.scale, y: (screen.y - c.top - c.y) / c.scale };
}

/** The RGBA of the stage's canvas at its centre: proves the image was actually drawn. */
export async function centrePixel(page: Page, role: 'before' | 'after'): Promise<number[]> {
  return page.getByTestId(`stage-${role}`).evaluate((el) => {
    const canvas = el.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return [];
    return Array.from(
      ctx.getImageData(Math.floor(canvas.width / 2), Math.floor(canvas.height / 2), 1, 1).data,
    );
  });
}
