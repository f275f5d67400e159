import type { StudyView, SubjectView, TimepointView } from '../../../shared/domain';
import { toImageRecord } from './repositories';
import type { OpenStudy } from './study-session';

/** Everything the study screen shows, assembled from four queries (no per-row round trips). */
export function buildStudyView(study: OpenStudy): StudyView {
  const { repos } = study;
  const row = repos.study.get();
  const timepointsBySubject = new Map<number, TimepointView[]>();
  const imagesByTimepoint = new Map<number, TimepointView['images']>();
  for (const image of repos.images.list()) {
    const list = imagesByTimepoint.get(image.timepointId) ?? [];
    list.push(toImageRecord(image));
    imagesByTimepoint.set(image.timepointId, list);
  }
  for (const timepoint of repos.timepoints.list()) {
    const list = timepointsBySubject.get(timepoint.subjectId) ?? [];
    list.push({ ...timepoint, images: imagesByTimepoint.get(timepoint.id) ?? [] });
    timepointsBySubject.set(timepoint.subjectId, list);
  }
  const subjects: SubjectView[] = repos.subjects
    .list()
    .map((subject) => ({ ...subject, timepoints: timepointsBySubject.get(subject.id) ?? [] }));
  return {
    study: {
      name: row.name,
      dir: study.dir,
      schemaVersion: study.schemaVersion,
      createdAt: row.createdAt,
      readOnly: study.readOnly,
    },
    subjects,
  };
}
