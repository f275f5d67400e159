import { readFile } from 'node:fs/promises';
import type { CustomScheme, Protocol } from 'electron';
import type { Services } from '../services/types';
import { toApiError } from '../services/errors';
import { contentSecurityPolicy, BASE_SECURITY_HEADERS } from '../web/http-security';
import type { ImageTileRequest } from '../../shared/api';
import { statusForErrorCode } from '../web/http-io';
import { parseImageAssetRequest, parseImageTileSegments, type ImageAssetRequest } from '../web/image-route';
import { realFileInside } from '../web/path-guard';
import { lookupStaticFile } from '../web/static-files';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, IMAGE_HOST, IMAGE_SCHEME } from './app-origin';

/**
 * Both schemes are standard and secure, so pages on them get a real origin and a secure context. The
 * image scheme allows CORS so the UI can read pixels back from a canvas (live analysis preview).
 * Must be registered before the app is ready.
 */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  {
    scheme: IMAGE_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
  },
];

/** The UI's policy: the browser-mode one plus the image scheme. */
export const ELECTRON_CSP = contentSecurityPolicy([`${IMAGE_SCHEME}:`]);

/** The path of a `dq-image://image/...` address; null for other schemes and hosts, queries and fragments. */
function imageProtocolPath(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${IMAGE_SCHEME}:` || parsed.host !== IMAGE_HOST || parsed.search || parsed.hash) {
    return null;
  }
  return parsed.pathname;
}

/** `dq-image://image/<id>/<kind>` -> id and kind; anything else (paths, queries, other hosts) -> null. */
export function parseImageProtocolUrl(url: string): ImageAssetRequest | null {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(imageProtocolPath(url) ?? '');
  return match ? parseImageAssetRequest(match[1] ?? '', match[2] ?? '') : null;
}

/** `dq-image://image/<id>/tile/<level>/<x>/<y>` -> the tile's address; anything else -> null. */
export function parseTileProtocolUrl(url: string): ImageTileRequest | null {
  const path = imageProtocolPath(url);
  return path === null ? null : parseImageTileSegments(path.slice(1));
}

const textResponse = (status: number, message: string): Response =>
  new Response(message, {
    status,
    headers: { ...BASE_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });

/** What every image answer carries, so the app origin may draw it and read its pixels back. */
const imageHeaders = (contentType: string): Record<string, string> => ({
  ...BASE_SECURITY_HEADERS,
  'Content-Type': contentType,
  'Cache-Control': 'no-cache',
  'Access-Control-Allow-Origin': APP_ORIGIN,
  // The app origin must be able to load these; the header set for the browser would forbid it.
  'Cross-Origin-Resource-Policy': 'cross-origin',
});

/** A tile by address; the request's signal (the viewer dropped the tile) cancels a queued render. */
async function handleTileRequest(services: Services, tile: ImageTileRequest, request: Request) {
  try {
    const { bytes, contentType } = await services.imageTile(tile, request.signal);
    return new Response(new Uint8Array(bytes), { status: 200, headers: imageHeaders(contentType) });
  } catch (err) {
    const error = toApiError(err);
    return textResponse(statusForErrorCode(error.code), error.message);
  }
}

/** Serve a preview, thumbnail or tile by id; refuse any file whose real path is outside the study folder. */
export async function handleImageRequest(services: Services, request: Request): Promise<Response> {
  const tile = parseTileProtocolUrl(request.url);
  if (tile) return handleTileRequest(services, tile, request);
  const asset = parseImageProtocolUrl(request.url);
  if (!asset) {
    return textResponse(
      404,
      'Not an image address: use dq-image://image/<id>/<kind> or dq-image://image/<id>/tile/<level>/<x>/<y>.',
    );
  }
  let file;
  try {
    file = await services.imageAsset(asset.imageId, asset.kind);
  } catch (err) {
    return textResponse(404, toApiError(err).message);
  }
  const studyDir = services.studyDir();
  const real = studyDir === null ? null : await realFileInside(studyDir, file.path);
  if (real === null) {
    console.error(`[dermaquant] refused image ${asset.imageId}: ${file.path} is outside the study folder`);
    return textResponse(403, 'Refused: that file is outside the study folder.');
  }
  return new Response(await readFile(real), { status: 200, headers: imageHeaders(file.contentType) });
}

/** Serve the built renderer at `app://dermaquant/...` with the Content-Security-Policy header. */
export async function handleAppRequest(rendererDir: string, request: Request): Promise<Response> {
  let parsed: URL;
  try {
    parsed = new URL(request.url);
  } catch {
    return textResponse(400, 'Bad address.');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST)
    return textResponse(404, 'Not found.');
  const found = await lookupStaticFile(rendererDir, parsed.pathname);
  if (found.kind === 'refused') return textResponse(403, 'Refused: that path is outside the application.');
  if (found.kind === 'missing') return textResponse(404, 'Not found.');
  return new Response(await readFile(found.path), {
    status: 200,
    headers: {
      ...BASE_SECURITY_HEADERS,
      'Content-Security-Policy': ELECTRON_CSP,
      'Content-Type': found.contentType,
      'Cache-Control': 'no-cache',
    },
  });
}

export function registerProtocolHandlers(protocol: Protocol, services: Services, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => handleAppRequest(rendererDir, request));
  protocol.handle(IMAGE_SCHEME, (request) => handleImageRequest(services, request));
}
