import type { StudyView } from '../../shared/domain';
import { createServices, type Services } from '../services';

/** Open the study in `dir`, run `work`, and always close the database (checkpointing the WAL). */
export async function withStudy<T>(
  dir: string,
  work: (services: Services, view: StudyView) => Promise<T>,
): Promise<T> {
  const services = createServices({ studyDir: null });
  try {
    const view = await services.openStudy(dir);
    return await work(services, view);
  } finally {
    services.close();
  }
}
