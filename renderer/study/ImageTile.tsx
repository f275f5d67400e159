import type { ImageRecord } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { CalibrationEditor } from './CalibrationEditor';
import { formatBytes, formatPixels } from './format';

export function ImageTile({ image, onChanged }: { image: ImageRecord; onChanged: () => Promise<void> }) {
  const { imageUrl } = useAppApi();
  return (
    <figure className="image-tile" data-testid="image-tile" data-image-id={image.id}>
      <div className="thumb">
        <img
          src={imageUrl(image.id, 'thumbnail')}
          alt={`Thumbnail of ${image.fileName}`}
          loading="lazy"
          draggable={false}
        />
      </div>
      <figcaption>
        <span className="image-name" title={image.fileName} data-testid="image-name">
          {image.fileName}
        </span>
        <span className="image-meta muted">
          {formatPixels(image)} · {image.format.toUpperCase()} · {formatBytes(image.byteSize)}
        </span>
        <CalibrationEditor image={image} onChanged={onChanged} />
      </figcaption>
    </figure>
  );
}
