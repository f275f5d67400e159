import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../main/electron/ipc-channels';

// The preload runs in Electron's sandbox; here the electron module is replaced by a recorder. The
// ipcRenderer stand-in is a real EventEmitter so subscribe/unsubscribe really happen.
const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  return {
    exposed,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: null as unknown as EventEmitter & { invoke: (...args: unknown[]) => Promise<unknown> },
  };
});
vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }));

interface Bridge {
  invoke(method: string, input?: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

let bridge: Bridge;
const invoke = vi.fn(async (...args: unknown[]) => ({ ok: true, value: args }));

beforeAll(async () => {
  electron.ipcRenderer = Object.assign(new EventEmitter(), { invoke });
  await import('../../main/electron/preload');
  bridge = electron.exposed.dermaquant as Bridge;
});

describe('preload bridge', () => {
  it('exposes exactly invoke and on under window.dermaquant, never ipcRenderer', () => {
    expect(Object.keys(electron.exposed)).toEqual(['dermaquant']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(bridge).every((value) => typeof value === 'function')).toBe(true);
  });

  it('sends invoke on the one invoke channel, uploads included', async () => {
    await bridge.invoke('getStudy', {});
    expect(invoke).toHaveBeenLastCalledWith(INVOKE_CHANNEL, 'getStudy', {});
    const bytes = new Uint8Array([1, 2, 3]);
    await bridge.invoke('uploadChunk', { uploadId: 'u', offset: 0, bytes });
    expect(invoke).toHaveBeenLastCalledWith(INVOKE_CHANNEL, 'uploadChunk', {
      uploadId: 'u',
      offset: 0,
      bytes,
    });
  });

  it('delivers only the subscribed event, without the IPC event object, until unsubscribed', () => {
    const received: unknown[] = [];
    const off = bridge.on('study-changed', (payload) => received.push(payload));
    const ipcEvent = { sender: 'ipcRenderer would leak here' };
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, 'study-changed', { reason: 'a' });
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, 'menu-command', { command: 'import-images' });
    expect(received).toEqual([{ reason: 'a' }]);
    off();
    electron.ipcRenderer.emit(EVENT_CHANNEL, ipcEvent, 'study-changed', { reason: 'b' });
    expect(received).toEqual([{ reason: 'a' }]);
    expect(electron.ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('refuses malformed calls', async () => {
    await expect(bridge.invoke(42 as unknown as string)).rejects.toThrow(/method name/);
    expect(() => bridge.on('study-changed', 'nope' as unknown as () => void)).toThrow(/callback/);
  });
});
