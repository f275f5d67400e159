import {
  API_METHODS,
  StagedUpload,
  apiSchema,
  type ApiClient,
  type ApiMethod,
  type EventName,
  type EventPayloads,
  type ImageAssetKind,
} from '../../shared/api';
import type { ZodType } from 'zod';
import type { TileAddress } from '../../shared/geometry/tiles';
import { fail, type Result } from '../../shared/result';
import { electronBridge } from './bridge';
import { electronTransport } from './electron-transport';
import { httpTransport } from './http-transport';
import type { Transport, Unsubscribe } from './transport';

/** The typed API plus the transport-specific extras the UI needs (uploads, events, image URLs). */
export interface AppApi {
  api: ApiClient;
  upload(file: File): Promise<Result<StagedUpload>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe;
  imageUrl(imageId: number, kind: ImageAssetKind): string;
  tileUrl(imageId: number, tile: TileAddress): string;
}

/** Check an answer against the contract: a malformed answer is reported, never trusted. */
function checkAnswer<T>(what: string, result: Result<unknown>, parse: (v: unknown) => T | Error): Result<T> {
  if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') {
    return fail('INTERNAL', `The answer to ${what} was not a result. Reload the window and try again.`);
  }
  if (!result.ok) return result;
  const parsed = parse(result.value);
  if (parsed instanceof Error) {
    return fail('INTERNAL', `The answer to ${what} did not match the API contract: ${parsed.message}`);
  }
  return { ok: true, value: parsed };
}

function parseWith<T>(schema: ZodType<T>) {
  return (value: unknown): T | Error => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return new Error(issue ? `${issue.path.map(String).join('.') || 'value'}: ${issue.message}` : 'invalid');
  };
}

export function createAppApi(transport: Transport): AppApi {
  const api = Object.fromEntries(
    API_METHODS.map((method: ApiMethod) => [
      method,
      async (input: unknown) =>
        checkAnswer(
          method,
          await transport.call(method, input ?? {}),
          parseWith(apiSchema[method].output as ZodType<unknown>),
        ),
    ]),
  ) as ApiClient;
  return {
    api,
    upload: async (file) =>
      checkAnswer(`the upload of ${file.name}`, await transport.upload(file), parseWith(StagedUpload)),
    on: (event, listener) => transport.on(event, listener),
    imageUrl: (imageId, kind) => transport.imageUrl(imageId, kind),
    tileUrl: (imageId, tile) => transport.tileUrl(imageId, tile),
  };
}

/** Electron when the preload bridge is present, otherwise the browser-mode HTTP bridge. */
export function connectAppApi(): AppApi {
  const bridge = electronBridge();
  return createAppApi(bridge ? electronTransport(bridge) : httpTransport());
}
