import type { EventName, EventPayloads } from '../../../shared/api';
import type { EventListener } from '../types';

/** Fan-out of service events to the transports; a failing listener never breaks the service call. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch (err) {
        console.error(`[dermaquant] a listener for ${name} failed:`, err);
      }
    }
  }
}
