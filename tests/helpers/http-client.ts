import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as given (no normalisation of `..` or percent escapes), unlike fetch. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * A plain HTTP request to 127.0.0.1:port. The browser-mode tests need what fetch forbids: a chosen Host
 * header and paths sent byte for byte.
 */
export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: { Host: `127.0.0.1:${port}`, ...request.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

export interface EventStreamReader {
  /** Resolves with the first `event: NAME` block's parsed data; rejects after `timeoutMs`. */
  next(name: string, timeoutMs?: number): Promise<unknown>;
  status: number;
  headers: http.IncomingHttpHeaders;
  close(): void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
}

/** Open a server-sent event stream and read named events from it. */
export function openEventStream(port: number, headers: Record<string, string>): Promise<EventStreamReader> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/events',
      headers: { Host: `127.0.0.1:${port}`, Accept: 'text/event-stream', ...headers },
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let buffer = '';
      const waiters: (() => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (const wake of waiters.splice(0)) wake();
      });
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      const take = (name: string): unknown => {
        const blocks = buffer.split('\n\n');
        for (let i = 0; i < blocks.length - 1; i += 1) {
          const lines = (blocks[i] ?? '').split('\n');
          if (lines.includes(`event: ${name}`)) {
            const data = lines.find((line) => line.startsWith('data: '));
            buffer = blocks.slice(i + 1).join('\n\n');
            return JSON.parse((data ?? 'data: null').slice('data: '.length));
          }
        }
        return undefined;
      };
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        close: () => req.destroy(),
        next: (name, timeoutMs = 5000) =>
          new Promise((found, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`no '${name}' event within ${timeoutMs} ms`)),
              timeoutMs,
            );
            const check = (): void => {
              const value = take(name);
              if (value !== undefined) {
                clearTimeout(timer);
                found(value);
              } else waiters.push(check);
            };
            check();
          }),
      });
    });
    req.end();
  });
}
