import type { Database } from 'better-sqlite3';
import { AnnotationClassRepository } from './annotation-class-repository';
import { AuditRepository } from './audit-repository';
import { ImageRepository } from './image-repository';
import { StudyRepository } from './study-repository';
import { SubjectRepository } from './subject-repository';
import { TimepointRepository } from './timepoint-repository';

export interface Repositories {
  study: StudyRepository;
  subjects: SubjectRepository;
  timepoints: TimepointRepository;
  images: ImageRepository;
  annotationClasses: AnnotationClassRepository;
  audit: AuditRepository;
}

export function createRepositories(db: Database): Repositories {
  return {
    study: new StudyRepository(db),
    subjects: new SubjectRepository(db),
    timepoints: new TimepointRepository(db),
    images: new ImageRepository(db),
    annotationClasses: new AnnotationClassRepository(db),
    audit: new AuditRepository(db),
  };
}

export { AnnotationClassRepository, AuditRepository, ImageRepository, StudyRepository, SubjectRepository };
export { TimepointRepository };
export type { StoredImage, NewImage, ColourFix } from './image-repository';
export { toImageRecord } from './image-repository';
