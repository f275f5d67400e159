import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { apiSchema, isApiMethod } from '../../shared/api';
import { EXPORT_METHOD } from '../../shared/api-study-export';
import { fail, ok, type Result } from '../../shared/result';
import { dispatch } from '../services/dispatch';
import { toApiError } from '../services/errors';
import type { Services } from '../services/types';
import { isAppUrl } from './app-origin';
import { createChunkedUploads, isUploadMethod, type ChunkedUploadOptions } from './chunked-uploads';
import { INVOKE_CHANNEL } from './ipc-channels';

export interface InvokeHandlerOptions {
  services: Services;
  /**
   * Ask the user where a new study goes. In Electron the UI's "create study" has no folder of its own
   * (browser mode has --study DIR), so the shell asks with a folder dialog; null means cancelled.
   */
  chooseNewStudyFolder: () => Promise<string | null>;
  /** Called after a study was created or opened through IPC (e.g. to remember it for next launch). */
  onStudyOpened?: (dir: string) => void;
  /** `invoke('exportStudyFile', request)`: build an export and save it where the user chooses. */
  exportStudyFile?: (input: unknown) => Promise<Result<unknown>>;
  /** For tests: the timer behind the idle timeout of chunked uploads. */
  uploads?: ChunkedUploadOptions;
}

export type InvokeHandler = (
  senderUrl: string | null,
  method: unknown,
  input: unknown,
) => Promise<Result<unknown>>;

/**
 * The IPC entry point, as a plain function of the sender's URL so tests can call it directly. Refuses
 * callers that are not the app's own page, then hands the call to the same dispatcher as HTTP.
 */
export function createInvokeHandler(options: InvokeHandlerOptions): InvokeHandler {
  const { services } = options;
  const uploads = createChunkedUploads(services, options.uploads);
  return async (senderUrl, method, input) => {
    if (!isAppUrl(senderUrl)) {
      console.error(`[dermaquant] refused IPC call from ${String(senderUrl)}`);
      return fail('FORBIDDEN', 'Refused: the call did not come from the DermaQuant window.');
    }
    if (isUploadMethod(method)) return uploads(method, input);
    if (method === EXPORT_METHOD && options.exportStudyFile) return options.exportStudyFile(input);
    if (!isApiMethod(method)) return dispatch(services, method, input); // answers UNKNOWN_METHOD
    if (method === 'createStudy') return createStudyInChosenFolder(options, input);
    return dispatch(services, method, input);
  };
}

/**
 * Whether an IPC call came from the top frame of the app's own window. The URL check alone would let
 * any frame of the app's origin through: a frame embedded in the page, or another window or web
 * contents that somehow loaded an app:// page. Frames are compared by process and routing id, which
 * identify a frame uniquely (the WebFrameMain objects themselves may be recreated).
 */
export function isMainFrameOf(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  win: BrowserWindow | null,
): boolean {
  if (!win || win.isDestroyed()) return false;
  const frame = event.senderFrame;
  const main = win.webContents.mainFrame;
  return (
    event.sender === win.webContents &&
    frame !== null &&
    frame.processId === main.processId &&
    frame.routingId === main.routingId
  );
}

/** Register the handler on the one invoke channel, for calls from the main frame of `getWindow()`. */
export function registerIpc(
  ipcMain: IpcMain,
  handler: InvokeHandler,
  getWindow: () => BrowserWindow | null,
): void {
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, input: unknown) => {
    if (!isMainFrameOf(event, getWindow())) {
      console.error(`[dermaquant] refused IPC call from a frame other than the app window's main frame`);
      return fail('FORBIDDEN', 'Refused: the call did not come from the DermaQuant window.');
    }
    // senderFrame is non-null here (checked above); its URL must still be the app's own.
    return handler(event.senderFrame?.url ?? null, method, input);
  });
}

async function createStudyInChosenFolder(
  options: InvokeHandlerOptions,
  input: unknown,
): Promise<Result<unknown>> {
  const parsed = apiSchema.createStudy.input.safeParse(input ?? {});
  // Invalid input: let the dispatcher word the message as it does for every other method.
  if (!parsed.success) return dispatch(options.services, 'createStudy', input);
  const dir = await options.chooseNewStudyFolder();
  if (dir === null) return fail('CANCELLED', 'No folder was chosen, so no study was created.');
  try {
    const study = await options.services.createStudyAt(dir, parsed.data.name);
    options.onStudyOpened?.(dir);
    return ok(study);
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
