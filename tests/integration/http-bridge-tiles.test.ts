import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../main/services/types';
import { parseImageTilePath } from '../../main/web/image-route';
import { startWebServer, type WebServer } from '../../main/web/server';
import { rawRequest } from '../helpers/http-client';
import { studyWithFiles, writeTissuePng } from '../helpers/image-study';
import { makeTempDir } from '../helpers/temp-dir';

// The browser-mode tile route over real services: the same checks as every other route, id-only addresses.
let root: string;
let services: Services;
let server: WebServer;
let port: number;
let auth: Record<string, string>;
let imageId: number;

beforeAll(async () => {
  root = makeTempDir('dq-http-tiles-');
  const staticDir = path.join(root, 'renderer');
  fs.mkdirSync(staticDir, { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>DermaQuant</title>');
  const source = await writeTissuePng(path.join(root, 'slide.png'), 1100, 900);
  const study = await studyWithFiles(path.join(root, 'study'), [{ file: source, fileName: 'slide.png' }]);
  services = study.services;
  imageId = study.ids[0]!;
  server = await startWebServer({ services, port: 0, staticDir });
  port = server.port;
  auth = { Authorization: `Bearer ${server.token}` };
});

afterAll(async () => {
  await server?.close();
  services?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('GET /image/<id>/tile/<level>/<x>/<y>', () => {
  it('serves a JPEG tile of the right size, and HEAD without a body', async () => {
    const response = await rawRequest(port, { path: `/image/${imageId}/tile/0/2/1`, headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const { width, height, format } = await sharp(response.body).metadata();
    expect([format, width, height]).toEqual(['jpeg', 1100 - 1024, 900 - 512]);
    const head = await rawRequest(port, {
      method: 'HEAD',
      path: `/image/${imageId}/tile/1/0/0`,
      headers: auth,
    });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('needs the token and the right Host, like every route', async () => {
    const route = `/image/${imageId}/tile/0/0/0`;
    expect((await rawRequest(port, { path: route })).status).toBe(401);
    const rebinding = await rawRequest(port, { path: route, headers: { ...auth, Host: 'evil.example:80' } });
    expect(rebinding.status).toBe(403);
    const wrongToken = await rawRequest(port, { path: route, headers: { Authorization: 'Bearer nope' } });
    expect(wrongToken.status).toBe(401);
    const post = await rawRequest(port, { method: 'POST', path: route, headers: auth });
    expect(post.status).toBe(405);
  });

  it('refuses malformed tile addresses with 404 and no path in the answer', async () => {
    for (const route of [
      `/image/${imageId}/tile/0/0`,
      `/image/${imageId}/tile/0/0/0/0`,
      `/image/${imageId}/tile/-1/0/0`,
      `/image/${imageId}/tile/0/1.5/0`,
      `/image/${imageId}/tile/0/0/1e2`,
      `/image/${imageId}/tile/00/0/0`,
      `/image/${imageId}/tile/0/+1/0`,
      `/image/${imageId}/tile/0/0x1/0`,
      `/image/${imageId}/tile/0/0/%30`,
      `/image/${imageId}/tile/../../study.sqlite`,
      `/image/${imageId}/tile/0/..%2f..%2f/0`,
      `/image/${imageId}/tiles/0/0/0`,
      `/image/0/tile/0/0/0`,
      `/image/../${imageId}/tile/0/0/0`,
      `/image/${imageId}/tile/0/0/99999999999999999999`,
    ]) {
      const response = await rawRequest(port, { path: route, headers: auth });
      expect(response.status, route).toBe(404);
      expect(response.headers['content-type'], route).toMatch(/application\/json/);
      expect(response.body.toString(), route).not.toContain(root);
    }
    expect(parseImageTilePath(`/image/${imageId}/tile/0/0/0`)).toEqual({ imageId, level: 0, x: 0, y: 0 });
  });

  it('answers 404 with the reason for tiles outside the pyramid and unknown images', async () => {
    const outside = await rawRequest(port, { path: `/image/${imageId}/tile/0/3/0`, headers: auth });
    expect(outside.status).toBe(404);
    expect((outside.json as { error: { message: string } }).error.message).toMatch(
      /outside level 0, which has 3 x 2 tiles/,
    );
    const level = await rawRequest(port, { path: `/image/${imageId}/tile/3/0/0`, headers: auth });
    expect((level.json as { error: { message: string } }).error.message).toMatch(/levels 0 to 2/);
    const unknown = await rawRequest(port, { path: `/image/${imageId + 9}/tile/0/0/0`, headers: auth });
    expect(unknown.status).toBe(404);
    expect((unknown.json as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('never serves a file planted in the tile cache as a link to elsewhere', async () => {
    const tiles = path.join(root, 'study', 'cache', 'tiles');
    const name = fs.readdirSync(tiles).find((f) => /-0-2-1\.jpg$/.test(f))!;
    const secret = path.join(root, 'secret.jpg');
    fs.writeFileSync(secret, Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x53, 0x45, 0x43, 0xff, 0xd9]));
    fs.rmSync(path.join(tiles, name));
    fs.symlinkSync(secret, path.join(tiles, name));
    const response = await rawRequest(port, { path: `/image/${imageId}/tile/0/2/1`, headers: auth });
    expect(response.status).toBe(200);
    expect(response.body.includes(Buffer.from('SEC'))).toBe(false);
    expect((await sharp(response.body).metadata()).width).toBe(76); // rendered again from the image
  });
});
