/**
 * Uploads: the bytes travel by each transport's own way (see UPLOAD_METHODS in api.ts) and are staged in
 * the study folder; API methods then refer to them by id. Kept apart from api.ts so method groups
 * declared in their own modules (images, annotation import) can use them without a cycle.
 */
import { z } from 'zod';

/** C0 and C1 control characters (a newline or escape in a name breaks lists, logs and CSV files). */
const hasControlCharacter = (name: string): boolean =>
  [...name].some((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
/** Bidirectional overrides and isolates: "photo\u202Egpj.exe" would display as "photoexe.jpg". */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * The name of an uploaded file as the user's system reported it: a name only, shown in lists and
 * reports, so no folders, no control characters and no text-direction overrides.
 */
export const UploadFileName = z
  .string()
  .trim()
  .min(1, 'the file name is empty')
  .max(255, 'a file name has at most 255 characters')
  .refine((name) => !/[/\\]/.test(name), 'a file name cannot contain / or \\ (give the name, not a path)')
  .refine((name) => name !== '.' && name !== '..', 'a file name cannot be . or ..')
  .refine((name) => !hasControlCharacter(name), 'a file name cannot contain control characters')
  .refine(
    (name) => !BIDI_CONTROLS.test(name),
    'a file name cannot contain text-direction override characters (U+202A to U+202E, U+2066 to U+2069): rename the file',
  );

/** An upload staged by a transport (HTTP body or IPC bytes) inside the study folder, awaiting import. */
export const StagedUpload = z.object({
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not an upload id'),
  fileName: UploadFileName,
});
export type StagedUpload = z.infer<typeof StagedUpload>;
