/**
 * The two IPC channels between the preload and the main process. Kept in a file of their own so the
 * sandboxed preload bundles nothing else from main/ (least of all zod or the services).
 */
export const INVOKE_CHANNEL = 'dermaquant:invoke';
export const EVENT_CHANNEL = 'dermaquant:event';
