import { useEffect, useMemo, useState } from 'react';
import type { TileAddress } from '../../shared/geometry/tiles';
import { useAppApi } from '../api/api-context';
import { TileBitmapCache } from './tile-bitmap-cache';
import { TileLoader } from './tile-loader';

/** Per pane: enough 512 px tiles for a 4K screen and its margin twice over, about 128 MB decoded. */
const CACHE_TILES = 128;
const CACHE_BYTES = 128 * 1024 * 1024;

/**
 * The tile cache and loader of one image. When the image leaves the screen its requests are aborted
 * and its bitmaps closed. `version` changes whenever a tile arrives, to redraw.
 */
export function useTileLoader(imageId: number) {
  const { tileUrl } = useAppApi();
  const [version, setVersion] = useState(0);
  const tiles = useMemo(() => {
    const cache = new TileBitmapCache<ImageBitmap>(CACHE_TILES, CACHE_BYTES);
    const onLoaded = () => setVersion((v) => v + 1);
    const loader = new TileLoader((tile: TileAddress) => tileUrl(imageId, tile), cache, onLoaded);
    return { cache, loader };
  }, [imageId, tileUrl]);
  useEffect(
    () => () => {
      tiles.loader.cancelAll();
      tiles.cache.clear();
    },
    [tiles],
  );
  return { ...tiles, version };
}
