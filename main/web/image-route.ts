import { IMAGE_ASSET_KINDS, type ImageAssetKind } from '../../shared/api';

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
