import { Image as KonvaImage, Layer } from 'react-konva';
import type { ImageRecord } from '../../shared/domain';

/**
 * The image itself: the display preview stretched over the full-resolution extent, so everything else
 * on the stage can use full-resolution pixel coordinates (preview pixel = width / previewWidth).
 */
export function ImageLayer({ record, image }: { record: ImageRecord; image: HTMLImageElement }) {
  return (
    <Layer listening={false}>
      <KonvaImage image={image} x={0} y={0} width={record.width} height={record.height} />
    </Layer>
  );
}
