import {
  UPLOAD_METHODS,
  UPLOAD_SLICE_BYTES,
  type EventName,
  type EventPayloads,
  type StagedUpload,
} from '../../shared/api';
import { fail, type Result } from '../../shared/result';
import type { DermaquantBridge } from './bridge';
import type { Transport, Unsubscribe } from './transport';

/** Electron: IPC through the preload bridge; images through the dq-image:// protocol. */
export function electronTransport(bridge: DermaquantBridge): Transport {
  const invoke = async (method: string, input: unknown): Promise<Result<unknown>> => {
    try {
      return await bridge.invoke(method, input);
    } catch (err) {
      // ipcRenderer.invoke rejects only when the main process handler itself crashed.
      return fail('INTERNAL', `The application could not run ${method}: ${String(err)}`);
    }
  };
  return {
    call: invoke,
    upload: (file) => uploadInSlices(invoke, file),
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe {
      const off = bridge.on(event, listener);
      return typeof off === 'function' ? off : () => undefined;
    },
    imageUrl: (imageId, kind) => `dq-image://image/${imageId}/${kind}`,
    tileUrl: (imageId, { level, x, y }) => `dq-image://image/${imageId}/tile/${level}/${x}/${y}`,
  };
}

type Invoke = (method: string, input: unknown) => Promise<Result<unknown>>;

/**
 * Send a file in slices of UPLOAD_SLICE_BYTES (uploadBegin, uploadChunk per slice, uploadEnd), so only
 * one slice is in memory at a time. Any failure aborts the upload, whose staged part is then removed.
 */
async function uploadInSlices(invoke: Invoke, file: File): Promise<Result<StagedUpload>> {
  const begun = await invoke(UPLOAD_METHODS.begin, { fileName: file.name, size: file.size });
  if (!begun.ok) return begun;
  const { uploadId } = begun.value as { uploadId: string };
  const abort = async <T>(result: Result<T>): Promise<Result<T>> => {
    await invoke(UPLOAD_METHODS.abort, { uploadId });
    return result;
  };
  try {
    for (let offset = 0; offset < file.size; offset += UPLOAD_SLICE_BYTES) {
      const end = Math.min(offset + UPLOAD_SLICE_BYTES, file.size);
      const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
      const sent = await invoke(UPLOAD_METHODS.chunk, { uploadId, offset, bytes });
      if (!sent.ok) return await abort(sent);
    }
  } catch (err) {
    // Reading the file failed (e.g. it was moved or changed while it was being read).
    return abort(fail('FILE_NOT_FOUND', `${file.name} could not be read: ${String(err)}`));
  }
  const ended = await invoke(UPLOAD_METHODS.end, { uploadId });
  return (ended.ok ? ended : await abort(ended)) as Result<StagedUpload>;
}
