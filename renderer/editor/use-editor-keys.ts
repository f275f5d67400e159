import { useEffect } from 'react';
import { deleteSelected, undoOrRedo } from './actions';
import type { PairEditorStore } from './store';
import { toolForKey } from './tools';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** Escape: the drawing in progress, else the open sheet or form, else the selection. */
function escape(store: PairEditorStore): void {
  const side = store.activeSide;
  if (store.controllers[side]?.cancel()) return;
  if (store.helpOpen) return store.setHelpOpen(false);
  if (store.calibration) return store.setCalibration(null);
  store.session(side)?.select(null);
}

/** The editor's keyboard shortcuts (see tools.ts), on the image worked on last. */
export function useEditorKeys(store: PairEditorStore): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !isTyping(e.target)) {
        escape(store);
        return;
      }
      if (isTyping(e.target)) return;
      const ctrl = e.ctrlKey || e.metaKey;
      const key = e.key;
      if (key === 'Alt') {
        // Keeps Alt from moving the focus to the browser's (or Electron's) menu bar.
        e.preventDefault();
        store.setModifier('alt', true);
        return;
      }
      if (key === ' ') {
        e.preventDefault();
        store.setModifier('space', true);
        return;
      }
      if (ctrl && (key === 'z' || key === 'Z')) {
        e.preventDefault();
        undoOrRedo(store, e.shiftKey ? 'redo' : 'undo');
        return;
      }
      if (ctrl && (key === 'y' || key === 'Y')) {
        e.preventDefault();
        undoOrRedo(store, 'redo');
        return;
      }
      if (ctrl || e.altKey) return;
      const controller = store.controllers[store.activeSide];
      if (key === 'Enter' || key === 'Backspace') {
        if (controller?.key(key)) {
          e.preventDefault();
          return;
        }
      }
      if (key === 'Delete' || key === 'Backspace') {
        e.preventDefault();
        deleteSelected(store);
      } else if (key === '[' || key === ']') {
        store.stepBrush(key === ']' ? 1 : -1);
      } else if (key === '?') {
        store.setHelpOpen(!store.helpOpen);
      } else {
        const tool = e.shiftKey ? null : toolForKey(key);
        if (!tool) return;
        store.setTool(tool);
      }
      e.preventDefault();
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === 'Alt') store.setModifier('alt', false);
      else if (e.key === ' ') {
        if (!isTyping(e.target)) e.preventDefault();
        store.setModifier('space', false);
      }
    };
    const onBlur = () => {
      store.setModifier('alt', false);
      store.setModifier('space', false);
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [store]);
}
