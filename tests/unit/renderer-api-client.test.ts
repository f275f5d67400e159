/**
 * The renderer's API client: answers are checked against the contract, and transport failures become
 * clear Results instead of exceptions. The HTTP transport runs against a real local HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppApi } from '../../renderer/api/client';
import { httpTransport } from '../../renderer/api/http-transport';
import type { Transport } from '../../renderer/api/transport';

const subject = { id: 1, code: 'S01', notes: '' };

function transportAnswering(answer: unknown): Transport & { calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  return {
    calls,
    call: async (method, input) => {
      calls.push([method, input]);
      return answer as never;
    },
    upload: async () => answer as never,
    on: () => () => undefined,
    imageUrl: (id, kind) => `test://${id}/${kind}`,
    tileUrl: (id, { level, x, y }) => `test://${id}/tile/${level}/${x}/${y}`,
  };
}

describe('createAppApi', () => {
  it('passes a valid answer through and sends the input unchanged', async () => {
    const transport = transportAnswering({ ok: true, value: subject });
    const result = await createAppApi(transport).api.addSubject({ code: 'S01' });
    expect(result).toEqual({ ok: true, value: subject });
    expect(transport.calls).toEqual([['addSubject', { code: 'S01' }]]);
  });

  it('passes a service error through as it came', async () => {
    const error = { code: 'CONFLICT', message: 'A subject with code "S01" already exists.' };
    const result = await createAppApi(transportAnswering({ ok: false, error })).api.addSubject({
      code: 'S01',
    });
    expect(result).toEqual({ ok: false, error });
  });

  it('reports an answer that breaks the contract instead of trusting it', async () => {
    const result = await createAppApi(transportAnswering({ ok: true, value: { id: 'one' } })).api.addSubject({
      code: 'S01',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INTERNAL');
      expect(result.error.message).toMatch(/addSubject did not match the API contract: id/);
    }
    const notAResult = await createAppApi(transportAnswering('<html>')).api.getStudy({});
    expect(notAResult.ok).toBe(false);
  });

  it('checks upload answers too', async () => {
    const app = createAppApi(
      transportAnswering({ ok: true, value: { uploadId: '../../etc', fileName: 'a.png' } }),
    );
    const result = await app.upload(new File([new Uint8Array([1])], 'a.png'));
    expect(result.ok).toBe(false);
  });
});

describe('httpTransport against a real HTTP server', () => {
  let server: http.Server;
  let base: string;
  const seen: { url: string; contentType: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', contentType: req.headers['content-type'], body });
        if (req.url === '/api/getStudy') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok: true, value: null }));
        } else if (req.url === '/api/addSubject') {
          res.writeHead(401, { 'Content-Type': 'text/plain' });
          res.end('no token');
        } else if (req.url?.startsWith('/upload')) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok: true, value: { uploadId: 'abcdefghijklmnop', fileName: 'x y.png' } }));
        } else {
          res.writeHead(500, { 'Content-Type': 'text/html' });
          res.end('<h1>boom</h1>');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts JSON to /api/<method> and reads the Result', async () => {
    const app = createAppApi(httpTransport(base));
    expect(await app.api.getStudy({})).toEqual({ ok: true, value: null });
    expect(seen.at(-1)).toMatchObject({ url: '/api/getStudy', contentType: 'application/json', body: '{}' });
  });

  it('turns a refused request and a non-JSON error page into clear messages', async () => {
    const app = createAppApi(httpTransport(base));
    const refused = await app.api.addSubject({ code: 'S01' });
    expect(refused.ok || refused.error.message).toMatch(/open the address that `npm run web` printed/i);
    const broken = await app.api.renameSubject({ subjectId: 1, code: 'S02' });
    expect(broken.ok || broken.error.message).toBe(
      'The server answered renameSubject with HTTP 500 and no usable result.',
    );
  });

  it('uploads the raw file with its name in the query', async () => {
    const app = createAppApi(httpTransport(base));
    const result = await app.upload(new File(['pixels'], 'x y.png'));
    expect(result).toEqual({ ok: true, value: { uploadId: 'abcdefghijklmnop', fileName: 'x y.png' } });
    expect(seen.at(-1)).toMatchObject({ url: '/upload?name=x%20y.png', body: 'pixels' });
  });

  it('says the server is unreachable when it is gone', async () => {
    const app = createAppApi(httpTransport('http://127.0.0.1:1'));
    const result = await app.api.getStudy({});
    expect(result.ok || result.error.message).toMatch(/did not answer/);
  });

  it('builds image URLs for the image route', () => {
    expect(httpTransport().imageUrl(7, 'thumbnail')).toBe('/image/7/thumbnail');
    expect(httpTransport().tileUrl(7, { level: 2, x: 3, y: 0 })).toBe('/image/7/tile/2/3/0');
  });
});
