import type { ImageRecord } from '../../shared/domain';

const SOURCE_LABEL: Record<NonNullable<ImageRecord['calibrationSource']>, string> = {
  file: 'from file',
  typed: 'typed in',
  'scale-bar': 'from scale bar',
};

/** "0.499 µm/px" with enough digits for a microscope calibration, no trailing noise. */
export function formatUmPerPx(umPerPx: number): string {
  return `${Number(umPerPx.toPrecision(4))} µm/px`;
}

export function calibrationSourceLabel(source: ImageRecord['calibrationSource']): string {
  return source ? SOURCE_LABEL[source] : '';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatPixels(image: Pick<ImageRecord, 'width' | 'height'>): string {
  return `${image.width.toLocaleString('en-US')} × ${image.height.toLocaleString('en-US')} px`;
}
