import { useEffect, useState } from 'react';

export type HtmlImageState =
  | { status: 'loading'; image: null }
  | { status: 'loaded'; image: HTMLImageElement }
  | { status: 'failed'; image: null };

/** Load an image for a canvas; same-origin (or the app's protocol), so the canvas stays readable. */
export function useHtmlImage(url: string): HtmlImageState {
  const [state, setState] = useState<{ url: string; value: HtmlImageState }>({
    url,
    value: { status: 'loading', image: null },
  });
  useEffect(() => {
    let current = true;
    const image = new Image();
    image.decoding = 'async';
    image.onload = () => current && setState({ url, value: { status: 'loaded', image } });
    image.onerror = () => current && setState({ url, value: { status: 'failed', image: null } });
    image.src = url;
    return () => {
      current = false;
      image.onload = null;
      image.onerror = null;
    };
  }, [url]);
  // A new URL shows "loading" at once instead of the previous image.
  return state.url === url ? state.value : { status: 'loading', image: null };
}
