import type { Migration } from './migration';

/**
 * A revision number for the study protocol, raised each time its parameters are saved. Each measurement
 * made with the protocol records the revision, so "made with the protocol as it stands" is an exact
 * comparison rather than one of clock times (a clock set back, or two changes in one millisecond, would
 * fool the latter).
 */
export const protocolRevision: Migration = {
  version: 3,
  name: 'protocol revision',
  up(db) {
    db.exec('ALTER TABLE protocol ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)');
  },
};
