import type { Database } from 'better-sqlite3';
import { AnnotationClassRepository } from './annotation-class-repository';
import { AnnotationRepository } from './annotation-repository';
import { AuditRepository } from './audit-repository';
import { ImageRepository } from './image-repository';
import { MeasurementRepository } from './measurement-repository';
import { ProtocolRepository } from './protocol-repository';
import { StainPresetRepository } from './stain-preset-repository';
import { StudyRepository } from './study-repository';
import { SubjectRepository } from './subject-repository';
import { TimepointRepository } from './timepoint-repository';

export interface Repositories {
  study: StudyRepository;
  subjects: SubjectRepository;
  timepoints: TimepointRepository;
  images: ImageRepository;
  annotationClasses: AnnotationClassRepository;
  annotations: AnnotationRepository;
  measurements: MeasurementRepository;
  protocol: ProtocolRepository;
  stainPresets: StainPresetRepository;
  audit: AuditRepository;
}

export function createRepositories(db: Database): Repositories {
  return {
    study: new StudyRepository(db),
    subjects: new SubjectRepository(db),
    timepoints: new TimepointRepository(db),
    images: new ImageRepository(db),
    annotationClasses: new AnnotationClassRepository(db),
    annotations: new AnnotationRepository(db),
    measurements: new MeasurementRepository(db),
    protocol: new ProtocolRepository(db),
    stainPresets: new StainPresetRepository(db),
    audit: new AuditRepository(db),
  };
}

export { AnnotationClassRepository, AnnotationRepository, AuditRepository, ImageRepository };
export { MeasurementRepository, ProtocolRepository, StainPresetRepository, StudyRepository };
export { SubjectRepository, TimepointRepository };
export type { Measurement } from './measurement-repository';
export type { StoredProtocol } from './protocol-repository';
export type { StainPreset } from './stain-preset-repository';
export type { StoredAnnotation, AnnotationKind } from './annotation-repository';
export type { StoredImage, NewImage, ColourFix } from './image-repository';
export { toImageRecord } from './image-repository';
