import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail } from '../../shared/result';
import type { Services } from '../services/types';
import { EventStreamHub } from './event-stream';
import { handleExport } from './export-route';
import { HttpRefusal, sendRefusal, sendResult, sendText } from './http-io';
import {
  BASE_SECURITY_HEADERS,
  authCookieHeader,
  authCookieName,
  contentSecurityPolicy,
  isAllowedHost,
  isAllowedOrigin,
  isAllowedFetchSite,
  readBearerToken,
  readCookies,
  tokenMatches,
} from './http-security';
import {
  handleApiCall,
  handleImage,
  handleStatic,
  handleUpload,
  methodNotAllowed,
  type RouteContext,
} from './routes';

export interface WebServerOptions {
  services: Services;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (out/renderer). */
  staticDir: string;
}

export interface WebServer {
  /** The address to open, token included: `http://127.0.0.1:PORT/?token=TOKEN`. */
  url: string;
  port: number;
  token: string;
  /** Stop accepting requests, end the event streams and drop open connections. */
  close(): Promise<void>;
}

/** The only interface the server ever binds: browser mode is for the user at this machine. */
export const LOOPBACK = '127.0.0.1';

/**
 * The browser-mode HTTP bridge: the built renderer, the API, uploads, image files and an event stream,
 * all behind a per-launch token, a Host check and an Origin check. It holds no state of its own: every
 * request goes to the services object the caller passes in.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = randomBytes(32).toString('base64url');
  const hub = new EventStreamHub();
  const csp = contentSecurityPolicy();
  let port = options.port;

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => answerFailure(req, res, err));
  });
  // Whole-slide images can take a while to upload to a slow disk; the default of 5 minutes is short.
  server.requestTimeout = 60 * 60 * 1000;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { ...BASE_SECURITY_HEADERS };
    // The Host check comes first: a DNS-rebinding page must learn nothing, not even whether it needs a token.
    if (!isAllowedHost(req.headers.host, port)) {
      throw new HttpRefusal(403, 'FORBIDDEN', `Refused: unexpected Host header; use ${LOOPBACK}:${port}.`);
    }
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const query = new URLSearchParams(rawQuery);
    const ctx: RouteContext = { req, res, services: options.services, path: rawPath, query, headers };

    if (req.method === 'GET' && query.has('token')) return exchangeTokenForCookie(ctx);
    const credential = authentication(req);
    if (credential === null) {
      throw new HttpRefusal(
        401,
        'FORBIDDEN',
        'Missing or wrong access token: open the address that `npm run web` printed (it contains the token).',
      );
    }
    const fetchSite = req.headers['sec-fetch-site'];
    if (
      credential === 'cookie' &&
      !isAllowedFetchSite(typeof fetchSite === 'string' ? fetchSite : undefined)
    ) {
      throw new HttpRefusal(403, 'FORBIDDEN', 'Refused: the request came from another web page.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isAllowedOrigin(req.headers.origin, port)) {
      throw new HttpRefusal(403, 'FORBIDDEN', 'Refused: the request came from another web page.');
    }
    return route(ctx);
  }

  async function route(ctx: RouteContext): Promise<void> {
    const { req, path } = ctx;
    const api = /^\/api\/([^/]+)$/.exec(path);
    if (api) {
      if (req.method !== 'POST') throw methodNotAllowed('POST');
      return handleApiCall(ctx, api[1] ?? '');
    }
    if (path === '/upload') {
      if (req.method !== 'POST') throw methodNotAllowed('POST');
      return handleUpload(ctx);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET');
    if (path === '/events') {
      if (req.method !== 'GET') throw methodNotAllowed('GET');
      return hub.attach(ctx.res, ctx.headers);
    }
    if (path.startsWith('/image/')) return handleImage(ctx);
    if (path.startsWith('/export/')) return handleExport(ctx);
    return handleStatic(ctx, options.staticDir, csp);
  }

  /** How the request proved it holds the token, or null when it did not. */
  function authentication(req: IncomingMessage): 'bearer' | 'cookie' | null {
    if (tokenMatches(readBearerToken(req.headers.authorization), token)) return 'bearer';
    const cookies = readCookies(req.headers.cookie, authCookieName(port));
    return cookies.some((value) => tokenMatches(value, token)) ? 'cookie' : null;
  }

  /** `GET /any?token=T`: trade the token for an HttpOnly cookie and drop it from the address bar. */
  function exchangeTokenForCookie({ res, path, query, headers }: RouteContext): void {
    if (!tokenMatches(query.get('token'), token)) {
      throw new HttpRefusal(
        401,
        'FORBIDDEN',
        'Wrong access token: open the address that `npm run web` printed.',
      );
    }
    query.delete('token');
    // Only a plain local path may follow: `//host` or `/\host` would redirect to another site.
    const safePath = /^\/(?![/\\])[^\\]*$/.test(path) ? path : '/';
    const rest = query.toString();
    res.writeHead(303, {
      ...headers,
      'Set-Cookie': authCookieHeader(port, token),
      Location: rest ? `${safePath}?${rest}` : safePath,
      'Cache-Control': 'no-store',
    });
    res.end();
  }

  const unsubscribe = options.services.onEvent((name, payload) => hub.broadcast(name, payload));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    unsubscribe();
    hub.close();
    throw err;
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    close: () => closeServer(server, hub, unsubscribe),
  };
}

function answerFailure(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const headers = { ...BASE_SECURITY_HEADERS };
  if (err instanceof HttpRefusal) {
    if (res.headersSent) res.destroy();
    // A person at the address bar (a stale tab, a link without the token) gets a sentence, not JSON.
    else if (req.headers.accept?.includes('text/html')) sendText(res, err.status, err.message, headers);
    else sendRefusal(res, err, headers);
    return;
  }
  console.error('[dermaquant] request failed:', err);
  if (!res.headersSent) {
    sendResult(res, 500, fail('INTERNAL', 'The server failed to answer; see its console output.'), headers);
  } else {
    res.destroy();
  }
}

async function closeServer(server: Server, hub: EventStreamHub, unsubscribe: () => void): Promise<void> {
  unsubscribe();
  hub.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive sockets would hold close() open; active requests are cut short on shutdown.
  server.closeAllConnections();
  await closed;
}
