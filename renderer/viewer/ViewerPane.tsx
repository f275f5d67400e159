import { useCallback, type ReactNode } from 'react';
import type { ImageRecord, SubjectView, TimepointView } from '../../shared/domain';
import { useAppApi } from '../api/api-context';
import { calibrationSourceLabel, formatPixels, formatUmPerPx } from '../study/format';
import { formatZoom, type Camera, type Point, type Size } from './camera';
import { ImageLayer } from './ImageLayer';
import type { Side } from './pair-cameras';
import { ScaleBar } from './ScaleBar';
import { TileLayer } from './TileLayer';
import { useHtmlImage } from './use-html-image';
import { ViewerStage } from './ViewerStage';

/** An image with the context a label needs: whose it is and when it was taken. */
export interface PairImage {
  record: ImageRecord;
  subject: SubjectView;
  timepoint: TimepointView;
}

interface ViewerPaneProps {
  side: Side;
  role: 'Before' | 'After';
  image: PairImage;
  camera: Camera | null;
  onViewport: (side: Side, size: Size) => void;
  onCamera: (side: Side, camera: Camera) => void;
  onZoomAt: (side: Side, anchor: Point, factor: number) => void;
  /** Extra konva layers over the image (stain overlay, annotations), in image coordinates. */
  layers?: ReactNode;
  /** Mouse buttons that pan (default primary and middle); the annotation tools take the primary one. */
  panButtons?: readonly number[];
  /** A strip under the image (the annotation editor's live measurements). */
  footer?: ReactNode;
}

export function ViewerPane(props: ViewerPaneProps) {
  const { side, role, image, camera, layers } = props;
  const { record, subject, timepoint } = image;
  const { imageUrl } = useAppApi();
  const preview = useHtmlImage(imageUrl(record.id, 'preview'));
  const { onViewport, onCamera, onZoomAt } = props;
  const viewport = useCallback((size: Size) => onViewport(side, size), [onViewport, side]);
  const cameraChange = useCallback((c: Camera) => onCamera(side, c), [onCamera, side]);
  const zoomAt = useCallback((p: Point, f: number) => onZoomAt(side, p, f), [onZoomAt, side]);
  const testId = role.toLowerCase();

  return (
    <section className="viewer-pane" data-testid={`pane-${testId}`} aria-label={`${role} image`}>
      <header className="pane-header">
        <span className={`role-tag role-${testId}`}>{role}</span>
        <span className="pane-title" data-testid={`pane-${testId}-label`}>
          <strong>{subject.code}</strong>
          <span className="sep">·</span>
          {timepoint.label}
          {timepoint.session !== null && <span className="muted"> (session {timepoint.session})</span>}
          {timepoint.date && <span className="muted"> {timepoint.date}</span>}
          <span className="sep">·</span>
          <span className="pane-file" title={record.fileName}>
            {record.fileName}
          </span>
        </span>
        <span className="pane-meta muted">
          {formatPixels(record)}
          {record.umPerPx !== null &&
            ` · ${formatUmPerPx(record.umPerPx)} (${calibrationSourceLabel(record.calibrationSource)})`}
        </span>
      </header>
      <ViewerStage
        camera={camera}
        onViewport={viewport}
        onCamera={cameraChange}
        onZoomAt={zoomAt}
        panButtons={props.panButtons}
        testId={`stage-${testId}`}
        label={`${role}: ${subject.code}, ${timepoint.label}, ${record.fileName}`}
        overlay={
          <>
            {preview.status === 'loading' && <div className="stage-message">Loading the image…</div>}
            {preview.status === 'failed' && (
              <div className="stage-message stage-error" role="alert">
                The preview of {record.fileName} could not be loaded. Reload the window; if it persists,
                import the file again.
              </div>
            )}
            {camera && (
              <div className="stage-hud">
                <ScaleBar scale={camera.scale} umPerPx={record.umPerPx} />
                <span
                  className="zoom-readout"
                  data-testid={`zoom-${testId}`}
                  title="100% = one screen pixel per image pixel"
                >
                  {formatZoom(camera.scale)}
                </span>
              </div>
            )}
          </>
        }
      >
        {preview.image && <ImageLayer record={record} image={preview.image} />}
        {preview.image && <TileLayer record={record} />}
        {layers}
      </ViewerStage>
      {props.footer}
    </section>
  );
}
