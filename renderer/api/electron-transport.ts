import { UPLOAD_METHOD, type EventName, type EventPayloads } from '../../shared/api';
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
    async upload(file) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      return (await invoke(UPLOAD_METHOD, { fileName: file.name, bytes })) as Awaited<
        ReturnType<Transport['upload']>
      >;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe {
      const off = bridge.on(event, listener);
      return typeof off === 'function' ? off : () => undefined;
    },
    imageUrl: (imageId, kind) => `dq-image://image/${imageId}/${kind}`,
    tileUrl: (imageId, { level, x, y }) => `dq-image://image/${imageId}/tile/${level}/${x}/${y}`,
  };
}
