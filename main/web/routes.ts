import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isApiMethod, UploadMeta, type ImageTileRequest } from '../../shared/api';
import { ok } from '../../shared/result';
import { dispatch } from '../services/dispatch';
import { toApiError } from '../services/errors';
import type { Services } from '../services/types';
import { HttpRefusal, isJsonContentType, readJsonBody, sendResult, statusForErrorCode } from './http-io';
import { parseImageRoutePath, parseImageTilePath } from './image-route';
import { realFileInside } from './path-guard';
import { lookupStaticFile } from './static-files';

/** What every route handler receives: the parsed request and the headers all responses carry. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  services: Services;
  /** Raw (still percent-encoded) path, without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
}

/** `POST /api/<method>`: JSON in, JSON Result out, through the same dispatcher as IPC. */
export async function handleApiCall(ctx: RouteContext, method: string): Promise<void> {
  const { req, res, services, headers } = ctx;
  if (!isApiMethod(method)) {
    const name = JSON.stringify(decodeURIComponentSafe(method).slice(0, 80));
    throw new HttpRefusal(404, 'UNKNOWN_METHOD', `Unknown method ${name}.`);
  }
  // A service outcome, good or bad, is answered with 200: the Result in the body says what happened.
  // Statuses other than 200 mean the request never reached a service.
  const result = await dispatch(services, method, await readApiInput(req));
  sendResult(res, 200, result, headers);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function readApiInput(req: IncomingMessage): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    throw new HttpRefusal(415, 'INVALID_INPUT', 'API calls need Content-Type: application/json.');
  }
  return readJsonBody(req);
}

/** `POST /upload?name=FILE`: the raw body is streamed into the study's staging area. */
export async function handleUpload(ctx: RouteContext): Promise<void> {
  const { req, res, services, headers, query } = ctx;
  const meta = UploadMeta.safeParse({ fileName: query.get('name') ?? '' });
  if (!meta.success) {
    const reason = meta.error.issues[0]?.message ?? 'it is not a file name';
    throw new HttpRefusal(
      400,
      'INVALID_INPUT',
      `An upload needs the file's name as ?name=FILE, and this one cannot be used: ${reason}.`,
    );
  }
  try {
    const staged = await services.stageUpload(req, meta.data.fileName);
    sendResult(res, 200, ok(staged), headers);
  } catch (err) {
    if (res.destroyed) return; // the browser gave up mid-upload; nobody is left to answer
    // Closing the connection stops the browser sending the rest of a refused file.
    sendResult(res, 200, { ok: false, error: toApiError(err) }, { ...headers, Connection: 'close' });
  }
}

/**
 * `GET /image/<id>/<kind>`: a preview or thumbnail, and `GET /image/<id>/tile/<level>/<x>/<y>`: a tile,
 * both resolved from an id, never from a path.
 */
export async function handleImage(ctx: RouteContext): Promise<void> {
  const { res, services, headers, path } = ctx;
  const tile = parseImageTilePath(path);
  if (tile) return handleTile(ctx, tile);
  const request = parseImageRoutePath(path);
  if (!request) {
    throw new HttpRefusal(
      404,
      'NOT_FOUND',
      'No such image route: use /image/<id>/<kind> or /image/<id>/tile/<level>/<x>/<y>.',
    );
  }
  let asset;
  try {
    asset = await services.imageAsset(request.imageId, request.kind);
  } catch (err) {
    const error = toApiError(err);
    sendResult(res, statusForErrorCode(error.code), { ok: false, error }, headers);
    return;
  }
  const studyDir = services.studyDir();
  const real = studyDir === null ? null : await realFileInside(studyDir, asset.path);
  if (real === null) {
    console.error(`[dermaquant] refused image ${request.imageId}: ${asset.path} is outside the study folder`);
    throw new HttpRefusal(404, 'NOT_FOUND', `Image ${request.imageId} has no ${request.kind} file.`);
  }
  const { size } = await stat(real);
  res.writeHead(200, {
    ...headers,
    'Content-Type': asset.contentType,
    'Content-Length': String(size),
    'Cache-Control': 'private, no-cache',
  });
  if (ctx.req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(real), res);
}

/** A tile's bytes. The viewer drops tiles it no longer needs: a closed request cancels a queued render. */
async function handleTile(ctx: RouteContext, request: ImageTileRequest): Promise<void> {
  const { res, services, headers } = ctx;
  const abandoned = new AbortController();
  res.once('close', () => abandoned.abort());
  let tile;
  try {
    tile = await services.imageTile(request, abandoned.signal);
  } catch (err) {
    if (res.destroyed) return; // nobody is left to answer
    const error = toApiError(err);
    sendResult(res, statusForErrorCode(error.code), { ok: false, error }, headers);
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': tile.contentType,
    'Content-Length': String(tile.bytes.length),
    'Cache-Control': 'private, no-cache',
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : tile.bytes);
}

/** The built renderer. `/` is index.html; a path outside the build folder is refused. */
export async function handleStatic(ctx: RouteContext, staticDir: string, csp: string): Promise<void> {
  const { res, headers, path } = ctx;
  const found = await lookupStaticFile(staticDir, path);
  if (found.kind === 'refused') {
    throw new HttpRefusal(403, 'FORBIDDEN', 'That path is outside the application folder.');
  }
  if (found.kind === 'missing') {
    if (path === '/' || path === '/index.html') {
      throw new HttpRefusal(503, 'INTERNAL', 'The user interface is not built: run `npm run build` first.');
    }
    throw new HttpRefusal(404, 'NOT_FOUND', 'Not found.');
  }
  res.writeHead(200, {
    ...headers,
    'Content-Security-Policy': csp,
    'Content-Type': found.contentType,
    'Content-Length': String(found.size),
    'Cache-Control': 'no-cache',
  });
  if (ctx.req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(found.path), res);
}

export function methodNotAllowed(allowed: string): HttpRefusal {
  return new HttpRefusal(405, 'INVALID_INPUT', `Method not allowed here; use ${allowed}.`);
}
