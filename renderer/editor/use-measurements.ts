import { useEffect, useState } from 'react';
import type { Measurements } from './area-tally';
import type { ImageEditSession } from './session';
import type { PairEditorStore } from './store';

/**
 * During a stroke the numbers follow at most every MEASURE_INTERVAL_MS (the tally itself is incremental;
 * this only spares React a re-render per dab), so they are never more than that behind.
 */
const MEASURE_INTERVAL_MS = 50;

export function useMeasurements(store: PairEditorStore, session: ImageEditSession): Measurements {
  const [value, setValue] = useState(() => session.measure(store.roleOf));
  const classes = store.classes;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const update = () => {
      timer = null;
      last = performance.now();
      setValue(session.measure(store.roleOf));
    };
    update();
    const unsubscribe = session.subscribe((event) => {
      if (event.type === 'state' || timer !== null) return;
      // The first change after a pause shows at once; during a stroke, at most every interval.
      timer = setTimeout(update, Math.max(0, MEASURE_INTERVAL_MS - (performance.now() - last)));
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [store, session, classes]);
  return value;
}
