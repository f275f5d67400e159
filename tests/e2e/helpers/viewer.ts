import type { Locator, Page } from 'playwright';

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
  const viewport = /^(\d+)x(\d+)$/.exec((await stage.getAttribute('data-viewport')) ?? '');
  const box = await stage.boundingBox();
  if (!raw || !viewport || !box) throw new Error(`stage-${role} has no camera yet`);
  const camera = JSON.parse(raw) as { scale: number; x: number; y: number };
  // The stage's own size (whole pixels), not the box: the camera centres on the stage.
  return { ...camera, width: Number(viewport[1]), height: Number(viewport[2]), left: box.x, top: box.y };
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

/**
 * Drop files onto an element as the browser does after a drag from the desktop: dragenter, dragover
 * and drop events carrying a DataTransfer with real File objects.
 */
export async function dropFiles(
  target: Locator,
  files: { name: string; type: string; bytes: Buffer }[],
  events: readonly string[] = ['dragenter', 'dragover', 'drop'],
) {
  const payload = files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') }));
  await target.evaluate(
    (element, { list, events }) => {
      const transfer = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], f.name, { type: f.type }));
      }
      for (const type of events) {
        element.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }),
        );
      }
    },
    { list: payload, events },
  );
}

/** Screen point of an image point, rounded to whole pixels (mouse events carry integer positions). */
export function screenAt(c: CameraReading, x: number, y: number) {
  return { x: Math.round(c.left + c.x + x * c.scale), y: Math.round(c.top + c.y + y * c.scale) };
}

/** A real mouse drag from one screen point to another. */
export async function drag(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
  steps = 8,
): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}
