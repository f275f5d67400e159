import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services/index';
import type { Services } from '../../main/services/types';
import { startWebServer, type WebServer } from '../../main/web/server';
import { openEventStream, rawRequest, type RawResponse } from '../helpers/http-client';
import { makeTempDir } from '../helpers/temp-dir';

// The real HTTP bridge over real services on a temporary study, driven with raw HTTP requests.
let root: string;
let staticDir: string;
let services: Services;
let server: WebServer;
let port: number;
let auth: Record<string, string>;

const SECRET = 'this file is outside the application folder';

beforeAll(async () => {
  root = makeTempDir('dq-http-');
  staticDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>DermaQuant</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(staticDir, 'assets', 'link.txt'));
  services = createServices({ studyDir: path.join(root, 'study') });
  server = await startWebServer({ services, port: 0, staticDir });
  port = server.port;
  auth = { Authorization: `Bearer ${server.token}` };
});

afterAll(async () => {
  await server?.close();
  services?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const api = (method: string, input: unknown, headers: Record<string, string> = auth) =>
  rawRequest(port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });

/** The value of an ok Result, failing the test with the error message otherwise. */
function valueOf<T>(response: RawResponse): T {
  const result = response.json as { ok: boolean; value?: T; error?: { message: string } };
  if (!result?.ok) throw new Error(`expected ok, got ${response.status} ${response.body.toString()}`);
  return result.value as T;
}

const errorCode = (response: RawResponse) => (response.json as { error?: { code?: string } }).error?.code;

describe('address and token', () => {
  it('prints an address on 127.0.0.1 with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses every route without the token (401), with a message saying where to find it', async () => {
    for (const request of [
      { path: '/' },
      { path: '/assets/app.js' },
      { path: '/events' },
      { path: '/image/1/preview' },
      { path: '/api/getStudy', method: 'POST', headers: { 'Content-Type': 'application/json' } },
      { path: '/upload?name=a.png', method: 'POST' },
    ]) {
      const response = await rawRequest(port, request);
      expect(response.status, request.path).toBe(401);
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect(response.body.toString()).toMatch(/npm run web/);
    }
  });

  it('tells a person at the address bar what to do, in plain text', async () => {
    const response = await rawRequest(port, { path: '/', headers: { Accept: 'text/html,*/*' } });
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body.toString()).toMatch(
      /^Missing or wrong access token: open the address that `npm run web` printed/,
    );
  });

  it('refuses a wrong token in the query, the bearer header and the cookie', async () => {
    const wrong = server.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await rawRequest(port, { path: `/?token=${wrong}` })).status).toBe(401);
    expect(
      (await rawRequest(port, { path: '/', headers: { Authorization: `Bearer ${wrong}` } })).status,
    ).toBe(401);
    const cookie = `dermaquant_token_${port}=${wrong}`;
    expect((await rawRequest(port, { path: '/', headers: { Cookie: cookie } })).status).toBe(401);
    // The cookie of another instance (another port) is not ours either.
    const otherCookie = `dermaquant_token_${port + 1}=${server.token}`;
    expect((await rawRequest(port, { path: '/', headers: { Cookie: otherCookie } })).status).toBe(401);
  });

  it('trades ?token= for an HttpOnly SameSite=Strict cookie and redirects to the bare path', async () => {
    const first = await rawRequest(port, { path: `/?token=${server.token}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^dermaquant_token_${port}=${server.token};`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await rawRequest(port, { path: '/', headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('<title>DermaQuant</title>');
    const call = await api('getStudy', {}, { Cookie: cookie });
    expect(call.status).toBe(200);
    expect(valueOf(call)).toBeNull();
  });

  it('keeps the path and other query parameters, but never redirects off the site', async () => {
    const kept = await rawRequest(port, { path: `/index.html?view=pair&token=${server.token}` });
    expect(kept.headers.location).toBe('/index.html?view=pair');
    for (const sneaky of ['//evil.example/', '/\\evil.example/']) {
      const response = await rawRequest(port, { path: `${sneaky}?token=${server.token}` });
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/');
    }
  });

  it('accepts a bearer token for scripts', async () => {
    const response = await api('getStudy', {});
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ ok: true, value: null });
  });
});

describe('Host and Origin checks', () => {
  it('refuses a foreign Host with 403 before looking at the token', async () => {
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `localhost.evil:${port}`,
    ]) {
      const withToken = await rawRequest(port, { path: '/', headers: { ...auth, Host: host } });
      expect(withToken.status, host).toBe(403);
      const withoutToken = await rawRequest(port, {
        path: `/?token=${server.token}`,
        headers: { Host: host },
      });
      expect(withoutToken.status, host).toBe(403);
      expect(withoutToken.headers['set-cookie']).toBeUndefined();
    }
  });

  it('accepts localhost:PORT as well as 127.0.0.1:PORT', async () => {
    const response = await rawRequest(port, { path: '/', headers: { ...auth, Host: `localhost:${port}` } });
    expect(response.status).toBe(200);
  });

  it('refuses a state-changing request from another origin even with the cookie', async () => {
    const response = await api('getStudy', {}, { ...auth, Origin: `http://127.0.0.1:${port + 1}` });
    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('FORBIDDEN');
    const own = await api('getStudy', {}, { ...auth, Origin: `http://127.0.0.1:${port}` });
    expect(own.status).toBe(200);
  });
});

describe('API route', () => {
  it('refuses a method not on the allow-list', async () => {
    for (const method of [
      'deleteEverything',
      'constructor',
      '__proto__',
      'studyDir',
      'close',
      'stageUpload',
    ]) {
      const response = await api(method, {});
      expect(response.status, method).toBe(404);
      expect(errorCode(response), method).toBe('UNKNOWN_METHOD');
    }
  });

  it('answers invalid input with INVALID_INPUT naming the field', async () => {
    const response = await api('addTimepoint', { subjectId: -3, label: 'Before' });
    expect(response.status).toBe(200);
    expect(errorCode(response)).toBe('INVALID_INPUT');
    expect((response.json as { error: { message: string } }).error.message).toMatch(/subjectId/);
  });

  it('refuses other verbs, other content types, malformed JSON and oversized bodies', async () => {
    expect((await rawRequest(port, { path: '/api/getStudy', headers: auth })).status).toBe(405);
    const textBody = await rawRequest(port, {
      method: 'POST',
      path: '/api/getStudy',
      headers: { ...auth, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(textBody.status).toBe(415);
    const malformed = await rawRequest(port, {
      method: 'POST',
      path: '/api/getStudy',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"oops',
    });
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe('INVALID_INPUT');
    const huge = await api('addSubject', { code: 'x'.repeat(9 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('marks API answers as not cacheable and carries the security headers', async () => {
    const response = await api('getStudy', {});
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('study, upload, import and images', () => {
  let imageId: number;
  let previewWidth: number;

  it('creates a study, uploads a PNG, imports it and serves its preview and thumbnail', async () => {
    const events = await openEventStream(port, auth);
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);

    valueOf(await api('createStudy', { name: 'Bridge trial' }));
    expect(await events.next('study-changed')).toEqual({ reason: expect.any(String) });
    const subject = valueOf<{ id: number }>(await api('addSubject', { code: 'S-001' }));
    const timepoint = valueOf<{ id: number }>(
      await api('addTimepoint', { subjectId: subject.id, label: 'Before' }),
    );

    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#b06ab3' } })
      .png()
      .toBuffer();
    const upload = await rawRequest(port, {
      method: 'POST',
      path: '/upload?name=biopsy%20before.png',
      headers: { ...auth, 'Content-Type': 'image/png' },
      body: png,
    });
    expect(upload.status).toBe(200);
    const staged = valueOf<{ uploadId: string; fileName: string }>(upload);
    expect(staged.fileName).toBe('biopsy before.png');

    const outcome = valueOf<{ imported: { id: number; width: number; previewWidth: number }[] }>(
      await api('importImages', { timepointId: timepoint.id, uploads: [staged] }),
    );
    expect(outcome.imported).toHaveLength(1);
    const image = outcome.imported[0];
    expect(image?.width).toBe(320);
    imageId = image?.id ?? 0;
    previewWidth = image?.previewWidth ?? 0;
    expect(await events.next('study-changed')).toBeDefined();
    events.close();

    const preview = await rawRequest(port, { path: `/image/${imageId}/preview`, headers: auth });
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    expect(Number(preview.headers['content-length'])).toBe(preview.body.length);
    const decoded = await sharp(preview.body).metadata();
    expect(decoded.format).toBe('jpeg');
    expect(decoded.width).toBe(previewWidth);

    const thumbnail = await rawRequest(port, { path: `/image/${imageId}/thumbnail`, headers: auth });
    expect(thumbnail.status).toBe(200);
    expect((await sharp(thumbnail.body).metadata()).width).toBeLessThanOrEqual(256);
  });

  it('refuses an upload without a name', async () => {
    const response = await rawRequest(port, { method: 'POST', path: '/upload', headers: auth, body: 'x' });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('INVALID_INPUT');
  });

  it('reports a non-image upload with the service message, per file', async () => {
    const upload = await rawRequest(port, {
      method: 'POST',
      path: '/upload?name=notes.txt',
      headers: auth,
      body: 'not an image at all',
    });
    const staged = valueOf<{ uploadId: string; fileName: string }>(upload);
    const view = valueOf<{ subjects: { timepoints: { id: number }[] }[] }>(await api('getStudy', {}));
    const timepointId = view.subjects[0]?.timepoints[0]?.id;
    const outcome = valueOf<{ failed: { fileName: string; code: string; message: string }[] }>(
      await api('importImages', { timepointId, uploads: [staged] }),
    );
    expect(outcome.failed).toEqual([
      { fileName: 'notes.txt', code: 'NOT_AN_IMAGE', message: expect.stringContaining('notes.txt') },
    ]);
  });

  it('answers 404 for anything on the image route that is not a known id and kind', async () => {
    for (const route of [
      '/image/0/preview',
      '/image/-1/preview',
      '/image/1.5/preview',
      `/image/0${imageId}/preview`,
      '/image/1e3/preview',
      `/image/${imageId}/original`,
      `/image/${imageId}/preview/extra`,
      `/image/${imageId}`,
      '/image/99999/preview',
      '/image/99999999999999999999/preview',
      `/image/${imageId}/..%2f..%2fstudy.sqlite`,
      '/image/%2e%2e/%2e%2e',
      `/image/../${imageId}/preview`,
    ]) {
      const response = await rawRequest(port, { path: route, headers: auth });
      expect(response.status, route).toBe(404);
      expect(response.headers['content-type'], route).toMatch(/application\/json/);
    }
  });
});

describe('static files', () => {
  it('serves index.html for / with a strict Content-Security-Policy and security headers', async () => {
    const response = await rawRequest(port, { path: '/', headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "img-src 'self' blob: data:",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const script = await rawRequest(port, { path: '/assets/app.js', headers: auth });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('refuses path traversal, however it is spelled, and symlinks leading out', async () => {
    for (const route of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/assets/link.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const response = await rawRequest(port, { path: route, headers: auth });
      expect(response.status, route).toBeGreaterThanOrEqual(400);
      expect(response.body.toString(), route).not.toContain(SECRET);
    }
  });

  it('answers 404 for a missing file and 405 for other verbs', async () => {
    expect((await rawRequest(port, { path: '/nope.js', headers: auth })).status).toBe(404);
    expect((await rawRequest(port, { method: 'DELETE', path: '/', headers: auth })).status).toBe(405);
    expect((await rawRequest(port, { method: 'HEAD', path: '/events', headers: auth })).status).toBe(405);
  });
});
