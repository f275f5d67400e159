import type { ServerResponse } from 'node:http';
import type { EventName, EventPayloads } from '../../shared/api';

/** Comment lines keep idle connections (and any proxy in between) from timing out. */
const KEEPALIVE_MS = 20_000;

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
    for (const res of this.clients) res.write(chunk);
  }
}
