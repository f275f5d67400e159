import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ImageEditSession, SessionEvent } from './session';
import type { PairEditorStore } from './store';
import { NO_DRAFT, type Draft } from './gestures/types';
import type { ToolController } from './tool-controller';

/** Re-renders on every store change and returns its version (the store itself is read directly). */
export function useStoreVersion(store: PairEditorStore): number {
  return useSyncExternalStore(store.subscribe, () => store.version);
}

/** Re-renders on draft and cursor changes of one pane's tool controller (the draft layer). */
export function useControllerDraft(controller: ToolController): ToolController['draft'] {
  useSyncExternalStore(controller.subscribe, () => controller.cursor);
  return useSyncExternalStore(controller.subscribe, () => controller.draft);
}

/**
 * The select tool's move or reshape in progress, or NO_DRAFT: what the shape and mask layers need,
 * without re-rendering them on every brush-cursor move.
 */
export function useEditDraft(controller: ToolController): Draft {
  return useSyncExternalStore(controller.subscribe, () =>
    controller.draft.type === 'edit' ? controller.draft : NO_DRAFT,
  );
}

/**
 * A counter bumped by the session events that pass `accept`: e.g. the shapes layer ignores the tile
 * events of a brush stroke, which the mask layer handles on its own.
 */
export function useSessionEvents(
  session: ImageEditSession | null,
  accept: (event: SessionEvent) => boolean,
): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!session) return;
    return session.subscribe((event) => {
      if (accept(event)) setCount((n) => n + 1);
    });
    // `accept` is a module-level predicate at every call site.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session]);
  return count;
}

export const shapeEvents = (event: SessionEvent): boolean => event.type !== 'tiles';
