import { scaleBarFor } from './scale-bar';

/** A bar of a round length in µm, kept right as the zoom changes; or a clear note when uncalibrated. */
export function ScaleBar({ scale, umPerPx }: { scale: number; umPerPx: number | null }) {
  if (umPerPx === null) {
    return (
      <div className="scale-bar scale-bar-missing" data-testid="not-calibrated">
        Not calibrated: no scale bar. Set µm/px on the study screen.
      </div>
    );
  }
  const spec = scaleBarFor(scale / umPerPx);
  if (!spec) return null;
  return (
    <div className="scale-bar" data-testid="scale-bar" data-length-um={spec.lengthUm}>
      <div className="scale-bar-line" style={{ width: `${spec.lengthPx}px` }} />
      <span className="scale-bar-label">{spec.label}</span>
    </div>
  );
}
