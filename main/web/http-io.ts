import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail, type ErrorCode, type Result } from '../../shared/result';

/** JSON bodies carry method arguments only (files travel through /upload), so a small cap suffices. */
export const JSON_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Every API answer is a JSON Result, error statuses included, so the client has one thing to parse. */
export function sendResult(
  res: ServerResponse,
  status: number,
  result: Result<unknown>,
  headers: Record<string, string>,
): void {
  const body = JSON.stringify(result);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendRefusal(
  res: ServerResponse,
  refusal: HttpRefusal,
  headers: Record<string, string>,
): void {
  sendResult(res, refusal.status, fail(refusal.code, refusal.message), headers);
}

export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Read and parse a JSON request body, refusing bodies over the cap without buffering them. */
export async function readJsonBody(req: IncomingMessage, limit = JSON_BODY_LIMIT_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpRefusal(400, 'INVALID_INPUT', 'The request body is not valid JSON.');
  }
}

function tooLarge(limit: number): HttpRefusal {
  return new HttpRefusal(
    413,
    'INVALID_INPUT',
    `The request body is over ${Math.round(limit / 1024 / 1024)} MB; files go through /upload.`,
  );
}

/** HTTP status for a service error on the image route (the API route answers 200 with the Result). */
export function statusForErrorCode(code: ErrorCode): number {
  switch (code) {
    case 'NOT_FOUND':
    case 'NO_STUDY':
    case 'FILE_NOT_FOUND':
      return 404;
    case 'INVALID_INPUT':
      return 400;
    default:
      return 500;
  }
}
