import { timingSafeEqual } from 'node:crypto';

/**
 * The browser-mode server's security rules as pure functions, so tests can probe them directly and the
 * server reads as a list of checks. The threat model: the server listens on 127.0.0.1, but any web page
 * the user visits can make the browser send requests to it (CSRF, DNS rebinding), and other local users
 * or programs can connect too. Hence: an exact Host header, a per-launch secret token, an Origin check on
 * state-changing requests and a strict Content-Security-Policy on everything served.
 */

/** Hosts a browser uses for this server. Anything else (a rebinding domain, another port) is refused. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`;
}

/**
 * Browsers send Origin on cross-origin requests and on same-origin POSTs. A page served by another local
 * server (another port on 127.0.0.1) is "same-site", so the SameSite cookie alone does not stop it: the
 * Origin must be this server's own. Scripts (curl, tests) send no Origin and authenticate with a bearer
 * token instead.
 */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  return originHeader === `http://127.0.0.1:${port}` || originHeader === `http://localhost:${port}`;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response timings. */
export function tokenMatches(candidate: string | undefined | null, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are not separated by port, so each server instance uses its own cookie name. */
export function authCookieName(port: number): string {
  return `dermaquant_token_${port}`;
}

export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  return readCookies(cookieHeader, name)[0];
}

/**
 * Every value of the cookie `name`. A browser can hold several cookies of one name (another path, a
 * stale one from an earlier run on the same port) and sends them all, in no order the server controls.
 */
export function readCookies(cookieHeader: string | undefined, name: string): string[] {
  const values: string[] = [];
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values;
}

/**
 * Browsers say in Sec-Fetch-Site who started a request. A cookie-authenticated request must come from
 * our own pages ('same-origin') or from the user (address bar, bookmark, the token link: 'none'). A
 * page of another local server is 'same-site' and gets the SameSite=Strict cookie: it is refused here,
 * GETs included, which the Origin check does not cover. Clients that send no such header (scripts,
 * older browsers) pass; they authenticate with the bearer token or rely on the other checks.
 */
export function isAllowedFetchSite(secFetchSite: string | undefined): boolean {
  return secFetchSite === undefined || secFetchSite === 'same-origin' || secFetchSite === 'none';
}

export function readBearerToken(authorizationHeader: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  return match?.[1];
}

export function authCookieHeader(port: number, token: string): string {
  return `${authCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * The one Content-Security-Policy for the UI, in the browser and in Electron. React applies `style`
 * props through the CSSOM, which CSP does not restrict, so no 'unsafe-inline' is needed. Electron adds
 * its image scheme to img-src (and connect-src, for reading pixels back from the canvas).
 */
export function contentSecurityPolicy(extraImageSources: readonly string[] = []): string {
  const images = ["'self'", 'blob:', 'data:', ...extraImageSources].join(' ');
  const connect = ["'self'", ...extraImageSources].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${images}`,
    "font-src 'self'",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "media-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy as renderer/index.html repeats it in a <meta> tag: the same directives minus
 * frame-ancestors, which browsers ignore (with a console error) when it comes from a meta tag.
 */
export function metaContentSecurityPolicy(extraImageSources: readonly string[] = []): string {
  return contentSecurityPolicy(extraImageSources)
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors '))
    .join('; ');
}

/** Headers on every response, whatever it carries. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // Keeps other local origins from embedding our images or reading them through a same-site request.
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
