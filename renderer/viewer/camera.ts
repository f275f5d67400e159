/**
 * The camera maps full-resolution image pixels to screen (CSS) pixels of a stage:
 *   screen = image * scale + (x, y)
 * It is view state only: never stored, never part of undo history. Everything drawn on a stage is
 * placed in image pixels; conversion happens only here, at the stage edge.
 */
export interface Camera {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Beyond 32 screen pixels per image pixel there is nothing left to see. */
export const MAX_SCALE = 32;
/** Margin around a fitted image, in screen pixels. */
const FIT_MARGIN = 12;

export function screenToImage(camera: Camera, p: Point): Point {
  return { x: (p.x - camera.x) / camera.scale, y: (p.y - camera.y) / camera.scale };
}

export function imageToScreen(camera: Camera, p: Point): Point {
  return { x: p.x * camera.scale + camera.x, y: p.y * camera.scale + camera.y };
}

export function fitScale(image: Size, viewport: Size): number {
  const width = Math.max(1, viewport.width - 2 * FIT_MARGIN);
  const height = Math.max(1, viewport.height - 2 * FIT_MARGIN);
  return Math.min(width / image.width, height / image.height);
}

/** Zoom out no further than a quarter of the fitted size (or 1:1 for images smaller than the view). */
export function minScale(image: Size, viewport: Size): number {
  return Math.min(fitScale(image, viewport) / 4, 1);
}

export function clampScale(scale: number, image: Size, viewport: Size): number {
  return Math.min(MAX_SCALE, Math.max(minScale(image, viewport), scale));
}

/** A camera at `scale` with the given image point (as a fraction of the image size) at the viewport centre. */
export function cameraAt(scale: number, relativeCentre: Point, image: Size, viewport: Size): Camera {
  return {
    scale,
    x: viewport.width / 2 - relativeCentre.x * image.width * scale,
    y: viewport.height / 2 - relativeCentre.y * image.height * scale,
  };
}

export function fitCamera(image: Size, viewport: Size, scale = fitScale(image, viewport)): Camera {
  return cameraAt(scale, { x: 0.5, y: 0.5 }, image, viewport);
}

/** The image point under the viewport centre, as a fraction of the image size (0..1 inside the image). */
export function relativeCentre(camera: Camera, image: Size, viewport: Size): Point {
  const centre = screenToImage(camera, { x: viewport.width / 2, y: viewport.height / 2 });
  return { x: centre.x / image.width, y: centre.y / image.height };
}

/** Zoom to `scale` keeping the image point under `anchor` (a screen point) where it is. */
export function zoomTo(camera: Camera, anchor: Point, scale: number): Camera {
  const under = screenToImage(camera, anchor);
  return { scale, x: anchor.x - under.x * scale, y: anchor.y - under.y * scale };
}

export function panBy(camera: Camera, dx: number, dy: number): Camera {
  return { ...camera, x: camera.x + dx, y: camera.y + dy };
}

/**
 * The camera of a second image that shows "the same view": the same image-pixel scale and the same
 * relative position (the same fraction of the image under the viewport centre).
 */
export function syncedCamera(
  source: Camera,
  sourceImage: Size,
  sourceViewport: Size,
  targetImage: Size,
  targetViewport: Size,
): Camera {
  return cameraAt(
    source.scale,
    relativeCentre(source, sourceImage, sourceViewport),
    targetImage,
    targetViewport,
  );
}

/** Keep the image point at the viewport centre in place when the viewport changes size. */
export function resizeViewport(camera: Camera, from: Size, to: Size): Camera {
  return panBy(camera, (to.width - from.width) / 2, (to.height - from.height) / 2);
}

/** A readable zoom: "25%", "6.3%", "1,600%" (100% = one screen pixel per full-resolution pixel). */
export function formatZoom(scale: number): string {
  const percent = scale * 100;
  const digits = percent < 10 ? 1 : 0;
  return `${percent.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}%`;
}
