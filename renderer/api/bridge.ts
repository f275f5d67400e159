import type { EventName, EventPayloads } from '../../shared/api';
import type { Result } from '../../shared/result';

/**
 * What the Electron preload exposes through contextBridge: `invoke` and `on`, nothing more. The
 * renderer never sees ipcRenderer itself.
 */
export interface DermaquantBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): (() => void) | void;
}

declare global {
  interface Window {
    dermaquant?: DermaquantBridge;
  }
}

/** The preload bridge when running inside Electron, otherwise null (browser mode). */
export function electronBridge(): DermaquantBridge | null {
  const bridge = typeof window === 'undefined' ? undefined : window.dermaquant;
  return bridge && typeof bridge.invoke === 'function' ? bridge : null;
}
