import path from 'node:path';

/** The layout of a study folder, in one place. */
export const STUDY_DB_FILE = 'study.sqlite';
export const IMAGES_DIR = 'images';
export const CACHE_DIR = 'cache';
/** Rendered viewer tiles (main/services/images/tiles), bounded in size. */
export const TILE_CACHE_DIR = 'cache/tiles';
export const STAGING_DIR = '.staging';
export const BACKUPS_DIR = 'backups';

export const studyDbPath = (dir: string): string => path.join(dir, STUDY_DB_FILE);
export const imagesPath = (dir: string): string => path.join(dir, IMAGES_DIR);
export const cachePath = (dir: string): string => path.join(dir, CACHE_DIR);
export const stagingPath = (dir: string): string => path.join(dir, STAGING_DIR);
export const backupsPath = (dir: string): string => path.join(dir, BACKUPS_DIR);
