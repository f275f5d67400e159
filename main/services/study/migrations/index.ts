import { initialSchema } from './001-initial';
import { notStainedClass } from './002-not-stained-class';
import { protocolRevision } from './003-protocol-revision';
import type { Migration } from './migration';

export type { Migration } from './migration';

/** Every schema step, in order. Add a new file and append it here; never change a shipped one. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, notStainedClass, protocolRevision];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
