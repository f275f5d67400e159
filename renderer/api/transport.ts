import type { EventName, EventPayloads, ImageAssetKind, StagedUpload } from '../../shared/api';
import type { TileAddress } from '../../shared/geometry/tiles';
import type { Result } from '../../shared/result';

export type Unsubscribe = () => void;

/**
 * The few things that differ between Electron and the browser. Everything above this (validation,
 * the typed client) is shared, so the UI behaves the same under both.
 */
export interface Transport {
  /** Call an API method; resolves to whatever Result the other side sent (validated later). */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Stage one file for import. */
  upload(file: File): Promise<Result<StagedUpload>>;
  /** Subscribe to a pushed event. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe;
  /** Where the image routes serve an image asset. */
  imageUrl(imageId: number, kind: ImageAssetKind): string;
  /** Where the image routes serve a tile of an image's pyramid (shared/geometry/tiles.ts). */
  tileUrl(imageId: number, tile: TileAddress): string;
}
