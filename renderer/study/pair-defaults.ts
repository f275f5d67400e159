import type { SubjectView } from '../../shared/domain';

/**
 * The pair a researcher usually wants: the first image of the subject's first timepoint that has
 * images (before) and the first image of the next such timepoint (after).
 */
export function defaultPair(subject: SubjectView): { beforeId: number | null; afterId: number | null } {
  const withImages = subject.timepoints.filter((tp) => tp.images.length > 0);
  return {
    beforeId: withImages[0]?.images[0]?.id ?? null,
    afterId: withImages[1]?.images[0]?.id ?? null,
  };
}
