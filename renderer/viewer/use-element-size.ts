import { useEffect, useState, type RefObject } from 'react';
import type { Size } from './camera';

/** The content-box size of an element, kept current with a ResizeObserver (whole CSS pixels). */
export function useElementSize(ref: RefObject<HTMLElement | null>): Size | null {
  const [size, setSize] = useState<Size | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const width = Math.floor(entry.contentRect.width);
      const height = Math.floor(entry.contentRect.height);
      // A hidden pane has no size: keep the last real one rather than fitting to zero.
      if (width > 0 && height > 0) {
        setSize((old) => (old && old.width === width && old.height === height ? old : { width, height }));
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
