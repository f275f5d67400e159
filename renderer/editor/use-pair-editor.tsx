/**
 * Mounts the annotation editor into the pair view: one store per pair, and the pieces PairView places
 * in its slots (toolbar extras, one set of layers per pane, a side panel) plus the mouse buttons each
 * pane should leave to panning.
 */
import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ImageRecord } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { loadPair } from './actions';
import { CalibrationForm } from './CalibrationForm';
import { ClassManager } from './ClassManager';
import { EditorLayers } from './EditorLayers';
import { EditorToolbar } from './EditorToolbar';
import { ImagePanel } from './ImagePanel';
import { PaneSummary } from './PaneSummary';
import { PairEditorStore } from './store';
import { useEditorKeys } from './use-editor-keys';
import { useStoreVersion } from './use-store';
import { createWandSupport } from './wand-support';
import './editor.css';

export interface PairEditorSlots {
  toolbar: ReactNode;
  layers: [ReactNode, ReactNode];
  /** Live measurements under each image. */
  footers: [ReactNode, ReactNode];
  panel: ReactNode;
  panButtons: readonly number[];
}

function EditorPanel({ store, api }: { store: PairEditorStore; api: ReturnType<typeof useAppApi>['api'] }) {
  useStoreVersion(store);
  return (
    <div className="editor-panel" data-testid="editor-panel">
      <ClassManager store={store} api={api} />
      <ImagePanel store={store} api={api} side={0} />
      <ImagePanel store={store} api={api} side={1} />
    </div>
  );
}

function ToolbarMount({ store, api }: { store: PairEditorStore; api: ReturnType<typeof useAppApi>['api'] }) {
  useStoreVersion(store);
  return (
    <>
      <EditorToolbar store={store} api={api} />
      {store.calibration && <CalibrationForm key={store.calibration.lengthPx} store={store} api={api} />}
    </>
  );
}

export function usePairEditor(before: ImageRecord, after: ImageRecord): PairEditorSlots {
  const { api, imageUrl } = useAppApi();
  const [store] = useState(() => new PairEditorStore([before, after]));
  const wand = useMemo(
    () =>
      createWandSupport(
        (id) => imageUrl(id, 'preview'),
        (message) => store.flash('error', message),
      ),
    [imageUrl, store],
  );

  useEffect(() => {
    let current = true;
    void loadPair(store, api, () => current);
    return () => {
      current = false;
      // Leaving the pair: what is not saved yet goes now.
      for (const slot of store.slots) if (slot.status === 'ready') void slot.session.flush();
    };
  }, [store, api]);
  useEffect(() => store.updateRecords([before, after]), [store, before, after]);
  useEffect(() => {
    // A closing tab or window: the last changes are sent at once (best effort: the page may go first).
    const onHide = () => {
      for (const slot of store.slots) if (slot.status === 'ready') void slot.session.flush();
    };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [store]);
  useEditorKeys(store);
  const panKey = useSyncExternalStore(store.subscribe, () => store.panButtonsKey);
  const panButtons = useMemo(() => panKey.split(',').map(Number), [panKey]);

  return useMemo(
    () => ({
      toolbar: <ToolbarMount store={store} api={api} />,
      layers: [
        <EditorLayers key="before" store={store} api={api} side={0} wand={wand} />,
        <EditorLayers key="after" store={store} api={api} side={1} wand={wand} />,
      ],
      footers: [
        <PaneSummary key="before" store={store} side={0} />,
        <PaneSummary key="after" store={store} side={1} />,
      ],
      panel: <EditorPanel store={store} api={api} />,
      panButtons,
    }),
    [store, api, wand, panButtons],
  );
}
