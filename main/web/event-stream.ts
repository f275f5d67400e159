import type { ServerResponse } from 'node:http';
import type { EventName, EventPayloads } from '../../shared/api';
import { HttpRefusal } from './http-io';

/** Comment lines keep idle connections (and any proxy in between) from timing out. */
const KEEPALIVE_MS = 20_000;
/** Open streams at once: a few tabs of one user need a handful; each holds a socket and a buffer. */
export const MAX_EVENT_CLIENTS = 16;
/**
 * Bytes waiting to be sent to one client. A client that stops reading (a suspended tab, a stalled
 * socket) would otherwise make the server buffer every later event for it without end.
 */
export const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * Server-sent events for the browser: every open `/events` response receives each service event as
 * `event: NAME` + `data: JSON`. The hub subscribes to the services once and fans out.
 */
export class EventStreamHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepalive: NodeJS.Timeout;

  constructor() {
    this.keepalive = setInterval(() => this.writeAll(': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Take over `res` as an event stream until the client disconnects or the hub closes. */
  attach(res: ServerResponse, headers: Record<string, string>): void {
    if (this.clients.size >= MAX_EVENT_CLIENTS) {
      throw new HttpRefusal(
        503,
        'CONFLICT',
        `Too many open event streams (${MAX_EVENT_CLIENTS}): close some DermaQuant tabs and reload this one.`,
      );
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // `retry` tells EventSource how soon to reconnect after the server restarts.
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  broadcast<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    // JSON.stringify never emits a raw newline, so the payload always fits on one `data:` line.
    this.writeAll(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepalive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private writeAll(chunk: string): void {
    for (const res of this.clients) {
      res.write(chunk);
      if (res.writableLength > MAX_PENDING_BYTES) {
        // It can reconnect (EventSource does) once it reads again; the study state is re-fetched then.
        this.clients.delete(res);
        res.destroy();
      }
    }
  }
}
