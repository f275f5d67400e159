/**
 * Electron uploads in chunks over the one invoke channel (see UPLOAD_METHODS in shared/api.ts): the
 * renderer reads the file slice by slice, and each chunk is written into a stream that
 * `services.stageUpload` consumes, so neither process ever holds the whole file. The staging keeps its
 * own size cap and removes its partial file on any failure, which is also how an abort cleans up.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { UPLOAD_CHUNK_MAX_BYTES, UPLOAD_METHODS, UploadMeta } from '../../shared/api';
import { fail, ok, type ApiError, type Result } from '../../shared/result';
import { toApiError } from '../services/errors';
import type { Services } from '../services/types';

export const MAX_OPEN_UPLOADS = 8;
export const UPLOAD_IDLE_MS = 10 * 60 * 1000;

/** Run `callback` after `ms`; the returned function cancels it. Injected by tests. */
export type Schedule = (callback: () => void, ms: number) => () => void;

const realSchedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  timer.unref?.(); // an idle upload must not keep the process alive
  return () => clearTimeout(timer);
};

export interface ChunkedUploadOptions {
  schedule?: Schedule;
}

interface OpenUpload {
  fileName: string;
  size: number;
  received: number;
  stream: PassThrough;
  /** The staging's outcome; never rejects. */
  staged: Promise<Result<unknown>>;
  failure: ApiError | null;
  aborted: boolean;
  cancelIdle: () => void;
}

const UploadId = z.string().min(1).max(100);
const Begin = z.object({ size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
const Chunk = z.object({
  uploadId: UploadId,
  offset: z.number().int().min(0),
  bytes: z.instanceof(Uint8Array, { message: 'expected a Uint8Array' }),
});
const Ref = z.object({ uploadId: UploadId });

const METHODS: ReadonlySet<unknown> = new Set(Object.values(UPLOAD_METHODS));
export const isUploadMethod = (method: unknown): boolean => METHODS.has(method);

function parse<T>(schema: z.ZodType<T>, method: string, input: unknown): Result<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return fail('INVALID_INPUT', `Invalid ${method} input: ${where}${issue?.message ?? 'not an object'}.`);
}

/** Resolves when the stream can take more, or has closed. */
function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

export type UploadHandler = (method: unknown, input: unknown) => Promise<Result<unknown>>;

/** The four upload methods, with their open uploads kept between calls. */
export function createChunkedUploads(services: Services, options: ChunkedUploadOptions = {}): UploadHandler {
  const schedule = options.schedule ?? realSchedule;
  const open = new Map<string, OpenUpload>();

  function touch(uploadId: string, upload: OpenUpload): void {
    upload.cancelIdle();
    upload.cancelIdle = schedule(() => void abort(uploadId), UPLOAD_IDLE_MS);
  }

  /** Drop an upload and wait until its staged file is gone. */
  async function abort(uploadId: string): Promise<void> {
    const upload = open.get(uploadId);
    if (!upload) return;
    open.delete(uploadId);
    upload.cancelIdle();
    upload.aborted = true;
    upload.stream.destroy(new Error(`the upload of ${upload.fileName} was aborted`));
    await upload.staged;
  }

  function find(uploadId: string): Result<OpenUpload> {
    const upload = open.get(uploadId);
    if (upload) return ok(upload);
    return fail(
      'NOT_FOUND',
      'There is no open upload with this id: it was finished, aborted, or idle for more than 10 minutes. Upload the file again.',
    );
  }

  function begin(input: unknown): Result<unknown> {
    const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const meta = UploadMeta.safeParse({ fileName: fields.fileName });
    if (!meta.success) {
      const reason = meta.error.issues[0]?.message ?? 'it is not a file name';
      return fail('INVALID_INPUT', `The upload's file name cannot be used: ${reason}.`);
    }
    const sized = parse(Begin, UPLOAD_METHODS.begin, { size: fields.size });
    if (!sized.ok) return sized;
    if (open.size >= MAX_OPEN_UPLOADS) {
      return fail(
        'CONFLICT',
        `${MAX_OPEN_UPLOADS} uploads are already open: wait for them to finish before uploading ${meta.data.fileName}.`,
      );
    }
    const uploadId = randomBytes(18).toString('base64url');
    const stream = new PassThrough();
    stream.on('error', () => undefined); // the staging reports the failure; an abort is one
    const upload: OpenUpload = {
      fileName: meta.data.fileName,
      size: sized.value.size,
      received: 0,
      stream,
      staged: Promise.resolve(ok(null)),
      failure: null,
      aborted: false,
      cancelIdle: () => undefined,
    };
    upload.staged = services.stageUpload(stream, meta.data.fileName).then(ok, (err: unknown) => {
      // An abort is no fault to log: the staging only removed its partial file, as asked.
      upload.failure = upload.aborted
        ? { code: 'CANCELLED', message: `The upload of ${upload.fileName} was aborted.` }
        : toApiError(err);
      stream.destroy();
      return { ok: false as const, error: upload.failure };
    });
    open.set(uploadId, upload);
    touch(uploadId, upload);
    return ok({ uploadId });
  }

  async function chunk(input: unknown): Promise<Result<unknown>> {
    const parsed = parse(Chunk, UPLOAD_METHODS.chunk, input);
    if (!parsed.ok) return parsed;
    const { uploadId, offset, bytes } = parsed.value;
    const found = find(uploadId);
    if (!found.ok) return found;
    const upload = found.value;
    if (upload.failure) return failed(uploadId, upload.failure);
    if (bytes.length > UPLOAD_CHUNK_MAX_BYTES) {
      return fail(
        'INVALID_INPUT',
        `A chunk of ${upload.fileName} has ${bytes.length} bytes; at most ${UPLOAD_CHUNK_MAX_BYTES} are accepted.`,
      );
    }
    if (offset !== upload.received) {
      return fail(
        'INVALID_INPUT',
        `A chunk of ${upload.fileName} came out of order: it starts at byte ${offset}, but ${upload.received} bytes were received so far.`,
      );
    }
    if (offset + bytes.length > upload.size) {
      return fail(
        'INVALID_INPUT',
        `A chunk of ${upload.fileName} goes past the ${upload.size} bytes announced for the file.`,
      );
    }
    upload.received += bytes.length;
    touch(uploadId, upload);
    if (!upload.stream.write(bytes)) await Promise.race([drained(upload.stream), upload.staged]);
    // A stream closed under the write means the staging stopped (e.g. the size cap): wait for its error.
    if (upload.stream.destroyed) await upload.staged;
    if (upload.failure) return failed(uploadId, upload.failure);
    return ok({ received: upload.received });
  }

  /** A staging that failed: answer its error and forget the upload (its file is already removed). */
  async function failed(uploadId: string, error: ApiError): Promise<Result<never>> {
    await abort(uploadId);
    return { ok: false, error };
  }

  async function end(input: unknown): Promise<Result<unknown>> {
    const parsed = parse(Ref, UPLOAD_METHODS.end, input);
    if (!parsed.ok) return parsed;
    const found = find(parsed.value.uploadId);
    if (!found.ok) return found;
    const upload = found.value;
    if (upload.received !== upload.size) {
      await abort(parsed.value.uploadId);
      return fail(
        'INVALID_INPUT',
        `The upload of ${upload.fileName} ended after ${upload.received} of its ${upload.size} bytes, so it was discarded. Upload the file again.`,
      );
    }
    open.delete(parsed.value.uploadId);
    upload.cancelIdle();
    upload.stream.end();
    return upload.staged;
  }

  async function abortCall(input: unknown): Promise<Result<unknown>> {
    const parsed = parse(Ref, UPLOAD_METHODS.abort, input);
    if (!parsed.ok) return parsed;
    const found = find(parsed.value.uploadId);
    if (!found.ok) return found;
    await abort(parsed.value.uploadId);
    return ok({ aborted: true });
  }

  return async (method, input) => {
    if (method === UPLOAD_METHODS.begin) return begin(input);
    if (method === UPLOAD_METHODS.chunk) return chunk(input);
    if (method === UPLOAD_METHODS.end) return end(input);
    return abortCall(input);
  };
}
