import type {
  ApiServices,
  EventName,
  EventPayloads,
  ImageAssetKind,
  ImageTileRequest,
  StagedUpload,
} from '../../shared/api';
import type { ImportOutcome, StudyView } from '../../shared/domain';

/** A file the image routes may send: always inside the open study's folder. */
export interface ImageAsset {
  path: string;
  contentType: string;
}

/** A rendered tile of an image's pyramid, sent as is by the image routes. */
export interface ImageTile {
  bytes: Buffer;
  contentType: 'image/jpeg';
}

export type EventListener = <E extends EventName>(name: E, payload: EventPayloads[E]) => void;

/**
 * The services object. The ApiServices part is what the renderer may call (through IPC or HTTP, via
 * dispatch); the rest is for the Node side only (the Electron shell, the HTTP bridge, the CLI).
 */
export interface Services extends ApiServices {
  /** Folder of the open study, or of the study to be created there; null when none was chosen. */
  studyDir(): string | null;
  /** Open an existing study (Electron "Open study"); throws NOT_A_STUDY / STUDY_TOO_NEW. */
  openStudy(dir: string): Promise<StudyView>;
  /** Create a study in a new or empty folder and open it (Electron "New study", CLI `study init`). */
  createStudyAt(dir: string, name: string): Promise<StudyView>;
  /** Stage an upload inside the study folder; the bytes are streamed, never held whole in memory. */
  stageUpload(body: AsyncIterable<Uint8Array> | Uint8Array, fileName: string): Promise<StagedUpload>;
  /** Import files by path (CLI); originals are only read. */
  importFiles(timepointId: number, files: { path: string; fileName: string }[]): Promise<ImportOutcome>;
  /** Resolve an image id to a file inside the study folder; throws NOT_FOUND. */
  imageAsset(imageId: number, kind: ImageAssetKind): Promise<ImageAsset>;
  /**
   * One tile of an image's pyramid (shared/geometry/tiles.ts), from the study's tile cache or rendered
   * from the stored copy. The input is validated here too (ImageTileRequest); INVALID_INPUT for a
   * malformed request, NOT_FOUND for an unknown image or an address outside its pyramid, CANCELLED when
   * `signal` aborts first.
   */
  imageTile(request: ImageTileRequest, signal?: AbortSignal): Promise<ImageTile>;
  /** Subscribe to events for the renderer; returns an unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /** Close the database. */
  close(): void;
}
