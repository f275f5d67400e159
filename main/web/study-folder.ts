import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { STUDY_DB_FILE } from '../services/study/study-files';

/** What `--study DIR` points at, which decides how browser mode starts. */
export type StudyFolderState =
  | 'study' // holds a study database: open it
  | 'absent' // does not exist yet: the UI's "create study" makes it
  | 'empty' // an empty folder: the UI's "create study" fills it
  | 'not-empty' // other files and no study: refuse rather than mix a study into someone's folder
  | 'not-a-folder'; // a file or something else

export async function inspectStudyFolder(dir: string): Promise<StudyFolderState> {
  let info;
  try {
    info = await stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!info.isDirectory()) return 'not-a-folder';
  const entries = await readdir(dir);
  if (entries.includes(STUDY_DB_FILE)) return 'study';
  // Hidden files (.DS_Store, .git) do not make a folder unsuitable: the services ignore them too.
  return entries.every((name) => name.startsWith('.')) ? 'empty' : 'not-empty';
}

/** The message for a folder browser mode refuses to start with; null when it can start. */
export function refusalFor(state: StudyFolderState, dir: string): string | null {
  switch (state) {
    case 'not-empty':
      return (
        `${dir} is not a DermaQuant study (it has no ${STUDY_DB_FILE}) and is not empty. ` +
        `Pass the folder of an existing study, or a new or empty folder to create one in.`
      );
    case 'not-a-folder':
      return `${dir} is a file, not a folder. Pass the folder of a study, or a new folder to create one in.`;
    default:
      return null;
  }
}

export const describeStart = (state: StudyFolderState, dir: string): string =>
  state === 'study'
    ? `Study: ${dir}`
    : `No study in ${path.basename(dir) || dir} yet: create one from the browser (it will be saved in ${dir}).`;
