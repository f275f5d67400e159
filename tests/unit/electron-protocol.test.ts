import fs from 'node:fs';
import path from 'node:path';
import type { Protocol } from 'electron';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ELECTRON_CSP,
  handleAppRequest,
  handleImageRequest,
  parseImageProtocolUrl,
  PRIVILEGED_SCHEMES,
  registerProtocolHandlers,
} from '../../main/electron/protocol';
import { createServices } from '../../main/services/index';
import type { Services } from '../../main/services/types';
import { makeTempDir } from '../helpers/temp-dir';

// The two custom schemes with real services on a temporary study holding one real imported image.
let root: string;
let services: Services;
let imageId: number;
let rendererDir: string;
const SECRET = 'TOP-SECRET-7f3a9c';

beforeAll(async () => {
  root = makeTempDir('dq-protocol-');
  services = createServices({ studyDir: null });
  await services.createStudyAt(path.join(root, 'study'), 'Protocol trial');
  const subject = await services.addSubject({ code: 'S-01' });
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: 'Before',
    session: null,
    date: null,
  });
  const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#9b59b6' } })
    .png()
    .toBuffer();
  const staged = await services.stageUpload(png, 'before.png');
  const outcome = await services.importImages({ timepointId: timepoint.id, uploads: [staged] });
  imageId = outcome.imported[0]?.id ?? 0;
  fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
  rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>DermaQuant</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
});

afterAll(() => {
  services?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('scheme registration', () => {
  it('registers app: and dq-image: as standard, secure schemes; only images allow CORS', () => {
    const byName = Object.fromEntries(PRIVILEGED_SCHEMES.map((s) => [s.scheme, s.privileges]));
    expect(byName.app).toMatchObject({ standard: true, secure: true });
    expect(byName['dq-image']).toMatchObject({ standard: true, secure: true, corsEnabled: true });
    expect(byName.app?.bypassCSP).toBeFalsy();
    expect(byName['dq-image']?.bypassCSP).toBeFalsy();
  });

  it('hands both schemes to protocol.handle', () => {
    const handle = vi.fn();
    registerProtocolHandlers({ handle } as unknown as Protocol, services, rendererDir);
    expect(handle.mock.calls.map((call) => call[0]).sort()).toEqual(['app', 'dq-image']);
  });
});

describe('dq-image URL parsing', () => {
  it('accepts dq-image://image/<id>/<kind> only', () => {
    expect(parseImageProtocolUrl('dq-image://image/3/preview')).toEqual({ imageId: 3, kind: 'preview' });
    for (const url of [
      'dq-image://image/0/preview',
      'dq-image://image/-2/preview',
      'dq-image://image/2.5/preview',
      'dq-image://image/2/full',
      'dq-image://image/2/preview/x',
      'dq-image://image/2/preview?path=/etc/passwd',
      'dq-image://image/2/preview#x',
      'dq-image://files/2/preview',
      'dq-image://image//etc/passwd',
      'dq-image://image/%2e%2e/preview',
      'dq-image:///etc/passwd',
      'file:///etc/passwd',
      'app://image/2/preview',
      'not a url',
    ]) {
      expect(parseImageProtocolUrl(url), url).toBeNull();
    }
  });
});

describe('dq-image handler', () => {
  it('serves the preview and the thumbnail by id, readable by the app origin', async () => {
    const preview = await handleImageRequest(services, new Request(`dq-image://image/${imageId}/preview`));
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
    expect(preview.headers.get('access-control-allow-origin')).toBe('app://dermaquant');
    const bytes = Buffer.from(await preview.arrayBuffer());
    expect((await sharp(bytes).metadata()).width).toBe(80);
    const thumbnail = await handleImageRequest(
      services,
      new Request(`dq-image://image/${imageId}/thumbnail`),
    );
    expect(thumbnail.status).toBe(200);
  });

  it('answers 404 for malformed addresses and unknown ids', async () => {
    for (const url of [
      'dq-image://image/0/preview',
      'dq-image://image/1/full',
      `dq-image://image/${imageId + 100}/preview`,
    ]) {
      const response = await handleImageRequest(services, new Request(url));
      expect(response.status, url).toBe(404);
    }
  });

  it('never serves a file outside the study: a symlink planted in the cache is replaced by a rebuilt file', async () => {
    const asset = await services.imageAsset(imageId, 'thumbnail');
    const secret = path.join(root, 'secret.txt');
    fs.rmSync(asset.path);
    fs.symlinkSync(secret, asset.path);
    const response = await handleImageRequest(services, new Request(`dq-image://image/${imageId}/thumbnail`));
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.toString('latin1')).not.toContain(SECRET);
    expect((await sharp(body).metadata()).format).toBe('jpeg');
    expect(fs.lstatSync(asset.path).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(secret, 'utf8')).toBe(SECRET);
  });

  it('refuses a path outside the study folder even if the services named one (a bug must not leak files)', async () => {
    const secret = path.join(root, 'secret.txt');
    const faulty: Services = {
      ...services,
      imageAsset: async () => ({ path: secret, contentType: 'image/jpeg' }),
    };
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = await handleImageRequest(faulty, new Request(`dq-image://image/${imageId}/thumbnail`));
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(SECRET);
      expect(log).toHaveBeenCalledWith(expect.stringContaining('outside the study folder'));
    } finally {
      log.mockRestore();
    }
  });

  it('refuses everything when no study is open', async () => {
    const empty = createServices({ studyDir: null });
    try {
      const response = await handleImageRequest(empty, new Request(`dq-image://image/${imageId}/preview`));
      expect(response.status).toBe(404);
    } finally {
      empty.close();
    }
  });
});

describe('app handler', () => {
  it('serves the renderer with the Content-Security-Policy that admits dq-image: for images', async () => {
    const response = await handleAppRequest(rendererDir, new Request('app://dermaquant/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
    expect(ELECTRON_CSP).toContain("img-src 'self' blob: data: dq-image:");
    expect(ELECTRON_CSP).toContain("script-src 'self'");
    expect(ELECTRON_CSP).not.toContain('unsafe');
    expect(ELECTRON_CSP).toContain("frame-src 'none'");
    expect(ELECTRON_CSP).toContain("media-src 'none'");
    expect(await response.text()).toContain('<title>DermaQuant</title>');
    const script = await handleAppRequest(rendererDir, new Request('app://dermaquant/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('refuses paths outside the renderer folder and other hosts', async () => {
    for (const url of [
      'app://dermaquant/..%2fsecret.txt',
      'app://dermaquant/assets/..%2f..%2fsecret.txt',
      'app://dermaquant/%2e%2e%2fsecret.txt',
    ]) {
      const response = await handleAppRequest(rendererDir, new Request(url));
      expect(response.status, url).toBe(403);
      expect(await response.text()).not.toContain(SECRET);
    }
    expect((await handleAppRequest(rendererDir, new Request('app://other/index.html'))).status).toBe(404);
    expect((await handleAppRequest(rendererDir, new Request('app://dermaquant/missing.js'))).status).toBe(
      404,
    );
  });
});
