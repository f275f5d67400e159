import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isPathInside, realFileInside } from './path-guard';

/** Content types of the files a Vite build produces. Unknown extensions are served as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number; contentType: string }
  | { kind: 'refused' }
  | { kind: 'missing' };

/**
 * Map a URL path (still percent-encoded, without query) to a file of the built renderer in `root`.
 * `/` means index.html. Refused: undecodable paths, NUL bytes, backslashes, any `..` segment, and any
 * file whose real path (after symlinks) leaves `root`.
 */
export async function lookupStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\'))
    return { kind: 'refused' };
  if (decoded.split('/').some((segment) => segment === '..')) return { kind: 'refused' };
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const absoluteRoot = path.resolve(root);
  const candidate = path.resolve(absoluteRoot, relative);
  if (!isPathInside(absoluteRoot, candidate) || candidate === absoluteRoot) return { kind: 'refused' };

  const real = await realFileInside(absoluteRoot, candidate);
  if (real === null) {
    // Either it does not exist, or it is a symlink leading outside: tell them apart for the status code.
    return (await exists(candidate)) ? { kind: 'refused' } : { kind: 'missing' };
  }
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', path: real, size: info.size, contentType: contentTypeFor(real) };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
