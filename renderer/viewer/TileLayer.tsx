import { useEffect, useMemo } from 'react';
import { Image as KonvaImage, Layer } from 'react-konva';
import type { ImageRecord } from '../../shared/domain';
import {
  chooseTileLevel,
  tileImageRect,
  tilePyramid,
  tilesOfRange,
  visibleTileRange,
  type PixelRect,
  type TileAddress,
  type TileRange,
} from '../../shared/geometry/tiles';
import type { Camera, Size } from './camera';
import { tileKey } from './tile-loader';
import { useTileLoader } from './use-tile-loader';
import { useStageView } from './ViewerStage';

/** Screen pixels around the viewport whose tiles load too, so a short pan finds them ready. */
const MARGIN_PX = 128;

function visibleImageRect(camera: Camera, viewport: Size, margin: number): PixelRect {
  return {
    left: (-margin - camera.x) / camera.scale,
    top: (-margin - camera.y) / camera.scale,
    width: (viewport.width + 2 * margin) / camera.scale,
    height: (viewport.height + 2 * margin) / camera.scale,
  };
}

const rangeKey = (range: TileRange | null) =>
  range ? `${range.level}:${range.x0}-${range.x1}:${range.y0}-${range.y1}` : '';

/**
 * Full-resolution tiles over the preview (which stays underneath, so nothing is ever blank): at the
 * level whose pixel is about one screen pixel, only the visible tiles plus a margin. Tiles of coarser
 * levels already loaded are drawn first, so zooming in shows the next best thing while the new level
 * loads. Nothing is drawn or fetched where the preview is as detailed as the view needs (small images,
 * zoomed out).
 */
export function TileLayer({ record }: { record: ImageRecord }) {
  const { camera, viewport } = useStageView();
  const { cache, loader } = useTileLoader(record.id);
  const pyramid = useMemo(() => tilePyramid(record.width, record.height), [record.width, record.height]);
  const pixelRatio = window.devicePixelRatio || 1;
  const previewDownsample = record.width / record.previewWidth;
  const level = chooseTileLevel(pyramid, camera.scale * pixelRatio, previewDownsample);
  const visible = visibleImageRect(camera, viewport, MARGIN_PX);
  const range = level === null ? null : visibleTileRange(pyramid, level, visible);
  const wanted = rangeKey(range);

  useEffect(() => {
    loader.want(range ? tilesOfRange(range) : []);
    // `wanted` stands for `range`: ask again only when the set of tiles changes, not on every pan step.
  }, [loader, wanted]); // eslint-disable-line react-hooks/exhaustive-deps

  if (level === null) {
    cache.keep(new Set());
    return null;
  }
  const drawn: { key: string; tile: TileAddress; bitmap: ImageBitmap }[] = [];
  // Coarsest first, so finer tiles cover them; only levels finer than the preview add anything.
  for (let l = Math.ceil(Math.log2(previewDownsample)) - 1; l >= level; l--) {
    const levelRange = visibleTileRange(pyramid, l, visible);
    for (const tile of levelRange ? tilesOfRange(levelRange) : []) {
      const key = tileKey(tile);
      const bitmap = cache.get(key);
      if (bitmap) drawn.push({ key, tile, bitmap });
    }
  }
  cache.keep(new Set(drawn.map((d) => d.key)));
  // At or beyond a tile's own size, show its pixels as they are: smoothing would blur 1:1 whenever the
  // pan leaves the image at a fraction of a screen pixel.
  const magnified = camera.scale * 2 ** level * pixelRatio >= 1 - 1e-6;
  return (
    <Layer listening={false} imageSmoothingEnabled={!magnified}>
      {drawn.map(({ key, tile, bitmap }) => {
        const rect = tileImageRect(pyramid, tile);
        return (
          <KonvaImage
            key={key}
            image={bitmap}
            x={rect.left}
            y={rect.top}
            width={rect.width}
            height={rect.height}
          />
        );
      })}
    </Layer>
  );
}
