import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { EventHub, PROGRESS_INTERVAL_MS } from '../../main/services/study/event-hub';
import { EventStreamHub, MAX_EVENT_CLIENTS, MAX_PENDING_BYTES } from '../../main/web/event-stream';
import { authCookieName } from '../../main/web/http-security';
import { startWebServer, type WebServer } from '../../main/web/server';
import { openEventStream, rawRequest, type EventStreamReader } from '../helpers/http-client';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs('dq-bridge-hard-');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bridge(): Promise<{ server: WebServer; services: Services }> {
  const services = createServices({ studyDir: path.join(tempDir(), 'study') });
  const staticDir = tempDir();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>DermaQuant</title>');
  const server = await startWebServer({ services, port: 0, staticDir });
  cleanups.push(
    () => services.close(),
    () => server.close(),
  );
  return { server, services };
}

describe('event streams', () => {
  it(`serves at most ${MAX_EVENT_CLIENTS} streams at once, with a message for the next; a closed one frees a place`, async () => {
    const { server } = await bridge();
    const auth = { Authorization: `Bearer ${server.token}` };
    const streams: EventStreamReader[] = [];
    cleanups.push(() => streams.forEach((s) => s.close()));
    for (let i = 0; i < MAX_EVENT_CLIENTS; i++) streams.push(await openEventStream(server.port, auth));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const refused = await rawRequest(server.port, { path: '/events', headers: auth });
    expect(refused.status).toBe(503);
    expect((refused.json as { error: { message: string } }).error.message).toMatch(
      /Too many open event streams/,
    );
    streams.shift()!.close();
    await new Promise((done) => setTimeout(done, 50));
    const again = await openEventStream(server.port, auth);
    streams.push(again);
    expect(again.status).toBe(200);
  });

  it('drops a client that stops reading instead of buffering for it without end', async () => {
    const hub = new EventStreamHub();
    const server: Server = createServer((_req, res) => hub.attach(res, {}));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    cleanups.push(
      () => new Promise<void>((done) => server.close(() => done())),
      () => hub.close(),
    );
    const { port } = server.address() as AddressInfo;
    // A raw client that sends its request and then never reads a byte.
    const socket = net.connect(port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    socket.pause();
    while (hub.size === 0) await new Promise((done) => setTimeout(done, 5));

    const reason = 'x'.repeat(64 * 1024);
    let sent = 0;
    // Enough to fill the kernel's socket buffers several times over, then some.
    while (hub.size > 0 && sent < 1000) {
      hub.broadcast('study-changed', { reason });
      sent++;
      await new Promise((done) => setImmediate(done));
    }
    expect(hub.size).toBe(0);
    // Dropped once about MAX_PENDING_BYTES waited beyond what the kernel holds, not after everything.
    expect(sent * reason.length).toBeLessThan(64 * MAX_PENDING_BYTES);
  });
});

describe('analysis progress is thinned out per job', () => {
  it(`passes the first event, then one per ${PROGRESS_INTERVAL_MS} ms per job, and always the last`, () => {
    let now = 0;
    const hub = new EventHub(() => now);
    const received: { jobId: string; done: number }[] = [];
    hub.on((name, payload) => {
      if (name === 'analysis-progress') received.push(payload as { jobId: string; done: number });
    });
    // Two jobs reporting every millisecond for one second.
    for (let done = 1; done <= 1000; done++) {
      now = done;
      hub.emit('analysis-progress', { jobId: 'a', done, total: 1000 });
      hub.emit('analysis-progress', { jobId: 'b', done, total: 2000 });
    }
    const ofA = received.filter((p) => p.jobId === 'a');
    const ofB = received.filter((p) => p.jobId === 'b');
    expect(ofA[0]?.done).toBe(1);
    expect(ofA.at(-1)?.done).toBe(1000);
    expect(ofA.length).toBeGreaterThanOrEqual(10);
    expect(ofA.length).toBeLessThanOrEqual(12);
    expect(ofB.length).toBeGreaterThanOrEqual(10);
    expect(ofB.length).toBeLessThanOrEqual(11);
    // Other events are never thinned.
    for (let i = 0; i < 50; i++) hub.emit('study-changed', { reason: 'x' });
    expect(received.length).toBe(ofA.length + ofB.length);
  });
});

describe('cookie authentication', () => {
  async function cookieRequest(server: WebServer, cookie: string, headers: Record<string, string> = {}) {
    return rawRequest(server.port, {
      method: 'POST',
      path: '/api/getStudy',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
      body: '{}',
    });
  }

  it('accepts the token in any cookie of our name, not only the first', async () => {
    const { server } = await bridge();
    const name = authCookieName(server.port);
    const stale = `${name}=${'A'.repeat(43)}`;
    const good = `${name}=${server.token}`;
    expect((await cookieRequest(server, `${stale}; ${good}`)).status).toBe(200);
    expect((await cookieRequest(server, `${good}; ${stale}`)).status).toBe(200);
    expect((await cookieRequest(server, `${stale}; other=${server.token}`)).status).toBe(401);
  });

  it('refuses cookie-authenticated requests another site started (Sec-Fetch-Site), GETs included', async () => {
    const { server } = await bridge();
    const cookie = `${authCookieName(server.port)}=${server.token}`;
    for (const site of ['same-site', 'cross-site']) {
      const post = await cookieRequest(server, cookie, { 'Sec-Fetch-Site': site });
      expect(post.status, site).toBe(403);
      const get = await rawRequest(server.port, {
        path: '/',
        headers: { Cookie: cookie, 'Sec-Fetch-Site': site },
      });
      expect(get.status, site).toBe(403);
      const events = await rawRequest(server.port, {
        path: '/image/1/preview',
        headers: { Cookie: cookie, 'Sec-Fetch-Site': site },
      });
      expect(events.status, site).toBe(403);
    }
    // Our own pages, the user (address bar, the token link's redirect) and clients without the header.
    const allowed: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'none' },
      {},
    ];
    for (const headers of allowed) {
      expect((await cookieRequest(server, cookie, headers)).status).toBe(200);
    }
    // The bearer token is never sent by a browser on its own, so it needs no such check.
    const bearer = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/getStudy',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${server.token}`,
        'Sec-Fetch-Site': 'cross-site',
      },
      body: '{}',
    });
    expect(bearer.status).toBe(200);
  });
});
