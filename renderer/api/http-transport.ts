import { EVENT_NAMES, type EventName, type EventPayloads } from '../../shared/api';
import { fail, type Result } from '../../shared/result';
import type { Transport, Unsubscribe } from './transport';

const UNREACHABLE =
  'The DermaQuant server did not answer. Check that `npm run web` is still running, then reload this page.';

/** Read a Result from a bridge response; a non-JSON answer becomes a clear error instead of a crash. */
async function readResult(response: Response, what: string): Promise<Result<unknown>> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && typeof (body as { ok?: unknown }).ok === 'boolean') {
      return body as Result<unknown>;
    }
  } catch {
    // fall through: not JSON
  }
  if (response.status === 401 || response.status === 403) {
    return fail(
      'INTERNAL',
      'The server refused this page (its session token changed). Open the address that `npm run web` printed.',
    );
  }
  return fail('INTERNAL', `The server answered ${what} with HTTP ${response.status} and no usable result.`);
}

async function post(url: string, body: BodyInit, contentType: string, what: string) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': contentType },
      credentials: 'same-origin',
    });
  } catch {
    return fail('INTERNAL', UNREACHABLE);
  }
  return readResult(response, what);
}

/**
 * Browser mode: the HTTP bridge serves `POST /api/<method>`, `POST /upload?name=`, the image routes
 * and a server-sent event stream. Its auth cookie makes same-origin requests just work.
 */
export function httpTransport(base = ''): Transport {
  let source: EventSource | null = null;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();

  const dispatchEvent = (name: string, data: string) => {
    if (!(EVENT_NAMES as readonly string[]).includes(name)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const listener of listeners.get(name as EventName) ?? [])
      (listener as (p: unknown) => void)(payload);
  };

  // One shared stream, opened on first subscription. Named SSE events arrive on their own listeners;
  // an unnamed message carrying { event|name, payload } is accepted too.
  const ensureStream = () => {
    if (source || typeof EventSource === 'undefined') return;
    source = new EventSource(`${base}/events`, { withCredentials: true });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (e) => dispatchEvent(name, (e as MessageEvent<string>).data));
    }
    source.onmessage = (e: MessageEvent<string>) => {
      try {
        const msg = JSON.parse(e.data) as { event?: string; name?: string; payload?: unknown };
        const name = msg.event ?? msg.name;
        if (name) dispatchEvent(name, JSON.stringify(msg.payload ?? {}));
      } catch {
        // not an envelope message: ignore (keep-alives, comments)
      }
    };
  };

  return {
    call: (method, input) =>
      post(
        `${base}/api/${encodeURIComponent(method)}`,
        JSON.stringify(input ?? {}),
        'application/json',
        method,
      ),
    upload: async (file) =>
      (await post(
        `${base}/upload?name=${encodeURIComponent(file.name)}`,
        file,
        'application/octet-stream',
        `the upload of ${file.name}`,
      )) as Awaited<ReturnType<Transport['upload']>>,
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe {
      ensureStream();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    imageUrl: (imageId, kind) => `${base}/image/${imageId}/${kind}`,
    tileUrl: (imageId, { level, x, y }) => `${base}/image/${imageId}/tile/${level}/${x}/${y}`,
  };
}
