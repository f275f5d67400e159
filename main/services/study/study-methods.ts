import type { Services } from '../types';
import { UserError } from '../errors';
import { toImageRecord } from './repositories';
import type { ServiceContext } from './service-context';
import { isUniqueViolation } from './sqlite-errors';
import type { OpenStudy } from './study-session';
import { buildStudyView } from './study-view';

type StudyMethods = Pick<
  Services,
  | 'getStudy'
  | 'createStudy'
  | 'addSubject'
  | 'renameSubject'
  | 'addTimepoint'
  | 'updateTimepoint'
  | 'setCalibration'
  | 'studyDir'
  | 'openStudy'
  | 'createStudyAt'
>;

function subjectOrThrow(study: OpenStudy, subjectId: number) {
  const subject = study.repos.subjects.get(subjectId);
  if (!subject) throw new UserError('NOT_FOUND', `There is no subject with id ${subjectId} in this study.`);
  return subject;
}

function timepointOrThrow(study: OpenStudy, timepointId: number) {
  const timepoint = study.repos.timepoints.get(timepointId);
  if (!timepoint)
    throw new UserError('NOT_FOUND', `There is no timepoint with id ${timepointId} in this study.`);
  return timepoint;
}

function refuseLockedCalibration(locked: string[]): void {
  if (locked.length === 0) return;
  const one = locked.length === 1;
  throw new UserError(
    'LOCKED',
    `${one ? 'The image' : 'The images'} ${locked.join(', ')} ${one ? 'is' : 'are'} locked: unlock ${one ? 'it' : 'them'} before changing the calibration. Nothing was changed.`,
    { file: locked[0]! },
  );
}

const subjectCodeTaken = (code: string) =>
  new UserError(
    'CONFLICT',
    `A subject with code "${code}" already exists in this study: choose another code.`,
    {
      code,
    },
  );

const timepointLabelTaken = (label: string, subjectCode: string) =>
  new UserError(
    'CONFLICT',
    `Subject "${subjectCode}" already has a timepoint labelled "${label}": choose another label.`,
    { label },
  );

/** Studies, subjects, timepoints and calibration: the study screen's methods. */
export function studyMethods(ctx: ServiceContext): StudyMethods {
  const { session, events } = ctx;
  const changed = (reason: string) => events.emit('study-changed', { reason });

  return {
    studyDir: () => session.dir(),

    async getStudy() {
      const study = await session.current();
      return study ? buildStudyView(study) : null;
    },

    async openStudy(dir) {
      const study = await session.open(dir);
      changed('opened');
      return buildStudyView(study);
    },

    async createStudyAt(dir, name) {
      const study = await session.create(dir, name, ctx.now());
      changed('created');
      return buildStudyView(study);
    },

    async createStudy({ name }) {
      const dir = session.dir();
      if (dir === null) {
        throw new UserError(
          'NO_STUDY',
          'No study folder was chosen: choose a folder for the new study first.',
        );
      }
      const study = await session.create(dir, name, ctx.now());
      changed('created');
      return buildStudyView(study);
    },

    async addSubject({ code }) {
      const study = await session.requireWritable();
      if (study.repos.subjects.findByCode(code)) throw subjectCodeTaken(code);
      try {
        const subject = study.repos.subjects.insert(code, ctx.now());
        changed('subject-added');
        return subject;
      } catch (err) {
        throw isUniqueViolation(err) ? subjectCodeTaken(code) : err;
      }
    },

    async renameSubject({ subjectId, code }) {
      const study = await session.requireWritable();
      subjectOrThrow(study, subjectId);
      const holder = study.repos.subjects.findByCode(code);
      if (holder && holder.id !== subjectId) throw subjectCodeTaken(code);
      study.repos.subjects.rename(subjectId, code);
      changed('subject-renamed');
      return subjectOrThrow(study, subjectId);
    },

    async addTimepoint({ subjectId, label, session: sessionNumber, date }) {
      const study = await session.requireWritable();
      const subject = subjectOrThrow(study, subjectId);
      if (study.repos.timepoints.find(subjectId, label)) throw timepointLabelTaken(label, subject.code);
      const timepoint = study.repos.timepoints.insert(
        subjectId,
        { label, session: sessionNumber, date },
        ctx.now(),
      );
      changed('timepoint-added');
      return timepoint;
    },

    async updateTimepoint({ timepointId, label, session: sessionNumber, date }) {
      const study = await session.requireWritable();
      const timepoint = timepointOrThrow(study, timepointId);
      const holder = study.repos.timepoints.find(timepoint.subjectId, label);
      if (holder && holder.id !== timepointId) {
        throw timepointLabelTaken(label, subjectOrThrow(study, timepoint.subjectId).code);
      }
      study.repos.timepoints.update(timepointId, { label, session: sessionNumber, date });
      changed('timepoint-updated');
      return timepointOrThrow(study, timepointId);
    },

    async setCalibration({ imageId, umPerPx, source, alsoImageIds = [] }) {
      const study = await session.requireWritable();
      const ids = [imageId, ...new Set(alsoImageIds.filter((id) => id !== imageId))];
      // The checks and the changes with their audit records are one transaction, which takes the write
      // lock first (immediate): another process cannot lock an image between the check and the change,
      // and a calibration never changes unrecorded.
      const images = study.db
        .transaction(() => {
          const current = ids.map((id) => study.repos.images.getOrThrow(id));
          refuseLockedCalibration(current.filter((image) => image.locked).map((image) => image.fileName));
          for (const image of current) {
            study.repos.images.setCalibration(image.id, umPerPx, source);
            study.repos.audit.record({
              at: ctx.now(),
              kind: 'calibration-changed',
              entity: 'image',
              entityId: image.id,
              detail: {
                from: { umPerPx: image.umPerPx, source: image.calibrationSource },
                to: { umPerPx, source },
                // Where a value applied to several images was set (its scale bar or typed value).
                ...(image.id === imageId ? {} : { appliedFromImageId: imageId }),
              },
            });
          }
          return current;
        })
        .immediate();
      changed('calibration-changed');
      return toImageRecord(study.repos.images.get(imageId) ?? images[0]!);
    },
  };
}
