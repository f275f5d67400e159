/**
 * Which images a scale-bar calibration applies to. Images taken with the same objective share one
 * pixel size, so "same objective" means: already calibrated to this image's current pixel size, or
 * not calibrated yet and of the same dimensions and format (the same camera and export settings).
 * Computed from the study view the app already holds; the server applies the list all or nothing.
 */
import type { ImageRecord, StudyView } from '../../shared/domain';

export type CalibrationScope = 'image' | 'pair' | 'objective' | 'study';
export const CALIBRATION_SCOPES: readonly CalibrationScope[] = ['image', 'pair', 'objective', 'study'];

/** Two pixel sizes are the same objective when they agree to 1 part in 10⁴ (stored values round-trip). */
const SAME_SIZE_TOLERANCE = 1e-4;

export function sameObjective(
  target: Pick<ImageRecord, 'umPerPx' | 'width' | 'height' | 'format'>,
  candidate: Pick<ImageRecord, 'umPerPx' | 'width' | 'height' | 'format'>,
): boolean {
  if (candidate.umPerPx === null)
    return (
      candidate.width === target.width &&
      candidate.height === target.height &&
      candidate.format === target.format
    );
  if (target.umPerPx === null) return false;
  return Math.abs(candidate.umPerPx - target.umPerPx) <= SAME_SIZE_TOLERANCE * target.umPerPx;
}

export function studyImages(view: StudyView): ImageRecord[] {
  return view.subjects.flatMap((s) => s.timepoints.flatMap((t) => t.images));
}

export interface ScopeImages {
  /** The other images to calibrate with the drawn one (never the drawn image itself, never locked). */
  alsoImageIds: number[];
  /** Images of the scope left out because they are locked (the server would refuse them all). */
  lockedNames: string[];
}

/**
 * The other images a scope covers. `view` may be null while the study view loads: then only the
 * image and its pair are known, and the wider scopes cover nothing yet.
 */
export function imagesInScope(
  scope: CalibrationScope,
  target: ImageRecord,
  paired: ImageRecord,
  view: StudyView | null,
): ScopeImages {
  let candidates: ImageRecord[];
  if (scope === 'image') candidates = [];
  else if (scope === 'pair') candidates = [paired];
  else {
    const all = view ? studyImages(view) : [];
    candidates = scope === 'study' ? all : all.filter((image) => sameObjective(target, image));
  }
  const others = candidates.filter((image) => image.id !== target.id);
  return {
    alsoImageIds: others.filter((image) => !image.locked).map((image) => image.id),
    lockedNames: others.filter((image) => image.locked).map((image) => image.fileName),
  };
}

/** "this image and 3 others" — how many images a choice will change, in words. */
export function scopeCountText(scope: ScopeImages): string {
  const n = scope.alsoImageIds.length;
  const images = n === 0 ? 'this image only' : `this image and ${n} other${n === 1 ? '' : 's'}`;
  const locked = scope.lockedNames.length;
  return locked === 0
    ? images
    : `${images}; ${locked} locked image${locked === 1 ? '' : 's'} left unchanged (${scope.lockedNames.join(', ')})`;
}
