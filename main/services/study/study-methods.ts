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

    async setCalibration({ imageId, umPerPx, source }) {
      const study = await session.requireWritable();
      const image = study.repos.images.get(imageId);
      if (!image) throw new UserError('NOT_FOUND', `There is no image with id ${imageId} in this study.`);
      if (image.locked) {
        throw new UserError(
          'LOCKED',
          `The image ${image.fileName} is locked: unlock it before changing its calibration.`,
          { file: image.fileName },
        );
      }
      // The change and its audit record are one transaction: a calibration never changes unrecorded.
      study.db.transaction(() => {
        study.repos.images.setCalibration(imageId, umPerPx, source);
        study.repos.audit.record({
          at: ctx.now(),
          kind: 'calibration-changed',
          entity: 'image',
          entityId: imageId,
          detail: {
            from: { umPerPx: image.umPerPx, source: image.calibrationSource },
            to: { umPerPx, source },
          },
        });
      })();
      changed('calibration-changed');
      return toImageRecord(study.repos.images.get(imageId) ?? image);
    },
  };
}
