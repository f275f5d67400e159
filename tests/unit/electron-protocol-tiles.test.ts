import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  handleImageRequest,
  parseImageProtocolUrl,
  parseTileProtocolUrl,
} from '../../main/electron/protocol';
import type { Services } from '../../main/services/types';
import { studyWithFiles, writeTissuePng } from '../helpers/image-study';
import { makeTempDir } from '../helpers/temp-dir';

// dq-image://image/<id>/tile/<level>/<x>/<y> with real services on a temporary study.
let root: string;
let services: Services;
let imageId: number;

beforeAll(async () => {
  root = makeTempDir('dq-protocol-tiles-');
  const source = await writeTissuePng(path.join(root, 'slide.png'), 700, 600);
  const study = await studyWithFiles(path.join(root, 'study'), [{ file: source, fileName: 'slide.png' }]);
  services = study.services;
  imageId = study.ids[0]!;
});

afterAll(() => {
  services?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('dq-image tile addresses', () => {
  it('parses dq-image://image/<id>/tile/<level>/<x>/<y> and nothing else', () => {
    expect(parseTileProtocolUrl('dq-image://image/3/tile/0/1/2')).toEqual({
      imageId: 3,
      level: 0,
      x: 1,
      y: 2,
    });
    expect(parseImageProtocolUrl('dq-image://image/3/tile/0/1/2')).toBeNull();
    for (const url of [
      'dq-image://image/3/tile/0/1',
      'dq-image://image/3/tile/0/1/2/3',
      'dq-image://image/3/tile/-1/0/0',
      'dq-image://image/3/tile/0/1.5/0',
      'dq-image://image/3/tile/0/1e2/0',
      'dq-image://image/3/tile/01/0/0',
      'dq-image://image/3/tile/0/0/0?path=/etc/passwd',
      'dq-image://image/3/tile/0/0/0#x',
      'dq-image://image/3/tile/0/%2e%2e/0',
      'dq-image://image/0/tile/0/0/0',
      'dq-image://image/3/tiles/0/0/0',
      'dq-image://files/3/tile/0/0/0',
      'app://image/3/tile/0/0/0',
      'dq-image://image/3/tile/0/0/9999999999',
    ]) {
      expect(parseTileProtocolUrl(url), url).toBeNull();
    }
  });
});

describe('dq-image tile handler', () => {
  it('serves a tile readable by the app origin', async () => {
    const response = await handleImageRequest(
      services,
      new Request(`dq-image://image/${imageId}/tile/0/1/1`),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('access-control-allow-origin')).toBe('app://dermaquant');
    const { width, height } = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([width, height]).toEqual([700 - 512, 600 - 512]);
  });

  it('refuses malformed and out-of-range tile addresses without naming a path', async () => {
    for (const [url, status] of [
      [`dq-image://image/${imageId}/tile/0/1`, 404],
      [`dq-image://image/${imageId}/tile/x/0/0`, 404],
      [`dq-image://image/${imageId}/tile/0/0/0/extra`, 404],
      [`dq-image://image/${imageId}/tile/0/2/0`, 404],
      [`dq-image://image/${imageId}/tile/7/0/0`, 404],
      [`dq-image://image/${imageId + 5}/tile/0/0/0`, 404],
    ] as const) {
      const response = await handleImageRequest(services, new Request(url));
      expect(response.status, url).toBe(status);
      expect(await response.text(), url).not.toContain(root);
    }
  });

  it('answers a cancelled request without rendering for it', async () => {
    const abort = new AbortController();
    abort.abort();
    const request = new Request(`dq-image://image/${imageId}/tile/1/0/0`, { signal: abort.signal });
    const response = await handleImageRequest(services, request);
    expect(response.status).toBe(500);
    expect(
      fs.readdirSync(path.join(root, 'study', 'cache', 'tiles')).filter((f) => f.includes('-1-0-0')),
    ).toEqual([]);
  });
});
