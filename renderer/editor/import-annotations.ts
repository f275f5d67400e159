/**
 * "Import annotations…": a QuPath GeoJSON, ImageJ .roi or RoiSet .zip file added to one image of the
 * pair. The services do the work (importAnnotations: classes, clipping, repair, one transaction); the
 * editor then takes the stored shapes in as one history step, so a single undo removes the whole
 * import (and autosave deletes it on the server), as for a copied region of interest.
 */
import type { ApiClient, StagedUpload } from '../../shared/api';
import { MAX_ANNOTATION_FILE_BYTES } from '../../shared/formats/annotation-file';
import type { Result } from '../../shared/result';
import type { Side } from '../viewer/pair-cameras';
import { report, sideName, whenIdle } from './actions';
import type { PairEditorStore } from './store';

export const ANNOTATION_FILE_ACCEPT = '.geojson,.json,.roi,.zip';

export async function importAnnotationFile(
  store: PairEditorStore,
  api: ApiClient,
  upload: (file: File) => Promise<Result<StagedUpload>>,
  side: Side,
  file: File,
): Promise<void> {
  const session = store.session(side);
  if (!session || store.busy[side] !== null) return;
  if (session.locked)
    return void store.flash(
      'error',
      `The ${sideName(side)} image is locked: unlock it to import annotations onto it.`,
    );
  // Checked here too, so a large file is not sent only to be refused.
  if (file.size > MAX_ANNOTATION_FILE_BYTES)
    return void store.flash(
      'error',
      `${file.name} is larger than ${MAX_ANNOTATION_FILE_BYTES / 1024 ** 2} MB, more than an annotation file holds.`,
    );
  store.setImportReport(side, null);
  store.setBusy(side, `Importing ${file.name}…`);
  try {
    if (!(await session.flush()))
      return void store.flash(
        'error',
        'Unsaved changes could not be saved first, so nothing was imported. See the save status.',
      );
    const staged = await upload(file);
    if (!report(store, staged)) return;
    const imported = await api.importAnnotations({ imageId: session.imageId, upload: staged.value });
    if (!report(store, imported)) return;
    // New classes may have been made for the file's classification names.
    const classes = await api.listAnnotationClasses({});
    if (classes.ok) store.setClasses(classes.value);
    const fresh = await api.getImageAnnotations({ imageId: session.imageId });
    if (!report(store, fresh)) return;
    await whenIdle(session);
    const added = session.addStored(fresh.value.annotations, `import ${file.name}`);
    if (!report(store, added)) return;
    store.setImportReport(side, imported.value);
  } finally {
    store.setBusy(side, null);
  }
}
