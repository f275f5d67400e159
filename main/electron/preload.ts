/**
 * The sandboxed preload (bundled to one CommonJS file, out/preload.cjs). It exposes exactly two
 * functions to the page, never ipcRenderer itself, so the renderer can reach nothing but the checked
 * invoke channel and the event channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-channels';

/** `invoke(method, input)` on the one invoke channel: API methods, uploads in chunks and exports alike. */
function invoke(method: string, input?: unknown): Promise<unknown> {
  if (typeof method !== 'string') return Promise.reject(new TypeError('invoke needs a method name'));
  return ipcRenderer.invoke(INVOKE_CHANNEL, method, input);
}

/** Subscribe to one event; the returned function unsubscribes. */
function on(event: string, callback: (payload: unknown) => void): () => void {
  if (typeof event !== 'string' || typeof callback !== 'function') {
    throw new TypeError('on needs an event name and a callback');
  }
  // The IPC event object stays here: passing it on would hand the page a reference to ipcRenderer.
  const listener = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
    if (name === event) callback(payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, listener);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, listener);
  };
}

contextBridge.exposeInMainWorld('dermaquant', { invoke, on });
