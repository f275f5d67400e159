import { IMAGE_ASSET_KINDS, type ImageAssetKind, type ImageTileRequest } from '../../shared/api';

export interface ImageAssetRequest {
  imageId: number;
  kind: ImageAssetKind;
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,15}$/;

/**
 * Parse the id and kind of an image request (HTTP `/image/<id>/<kind>`, Electron
 * `dq-image://image/<id>/<kind>`). Strict on purpose: only a positive decimal integer id and a known
 * kind pass; `..`, encoded slashes, signs, exponents and leading zeros all fail, so nothing that looks
 * like a path ever reaches the services.
 */
export function parseImageAssetRequest(idText: string, kindText: string): ImageAssetRequest | null {
  if (!POSITIVE_INTEGER.test(idText)) return null;
  const imageId = Number(idText);
  if (!Number.isSafeInteger(imageId)) return null;
  const kind = IMAGE_ASSET_KINDS.find((known) => known === kindText);
  return kind ? { imageId, kind } : null;
}

/** Parse a URL path of the form `/image/<id>/<kind>` (the browser-mode route). */
export function parseImageRoutePath(pathname: string): ImageAssetRequest | null {
  const match = /^\/image\/([^/]+)\/([^/]+)$/.exec(pathname);
  return match ? parseImageAssetRequest(match[1] ?? '', match[2] ?? '') : null;
}

/** A level or tile index: a plain decimal whole number (no sign, exponent, leading zero or fraction). */
const WHOLE_NUMBER = /^(0|[1-9][0-9]{0,8})$/;

/**
 * Parse `<id>/tile/<level>/<x>/<y>` (what follows `/image/` in a tile address), as strictly as the
 * asset routes: anything else is null. Whether the tile exists in that image is the service's to say.
 */
export function parseImageTileSegments(segments: string): ImageTileRequest | null {
  const match = /^([^/]+)\/tile\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(segments);
  if (!match) return null;
  const [idText = '', ...numbers] = match.slice(1);
  if (!POSITIVE_INTEGER.test(idText) || !numbers.every((n) => WHOLE_NUMBER.test(n))) return null;
  const imageId = Number(idText);
  if (!Number.isSafeInteger(imageId)) return null;
  const [level, x, y] = numbers.map(Number) as [number, number, number];
  return { imageId, level, x, y };
}

/** Parse a URL path of the form `/image/<id>/tile/<level>/<x>/<y>` (the browser-mode tile route). */
export function parseImageTilePath(pathname: string): ImageTileRequest | null {
  return pathname.startsWith('/image/') ? parseImageTileSegments(pathname.slice('/image/'.length)) : null;
}
