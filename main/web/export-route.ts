/**
 * `GET /export/<csv|pdf|geojson>?baseline=&followup=&measure=`: the study's export files as downloads
 * (browser mode's answer to the Electron save dialog). Reached only through the server's token, Host and
 * fetch-site checks, like every route; the bytes are those `dermaquant study export` writes.
 */
import { StudyExportRequest } from '../../shared/api-study-export';
import { validationMessage } from '../../shared/validation-message';
import { toApiError } from '../services/errors';
import { studyExportFile } from '../services/reports/study-exports';
import { HttpRefusal, sendResult, statusForErrorCode } from './http-io';
import type { RouteContext } from './routes';

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function handleExport(ctx: RouteContext): Promise<void> {
  const { res, services, headers, path, query } = ctx;
  const format = /^\/export\/([a-z]+)$/.exec(path)?.[1];
  const parsed = StudyExportRequest.safeParse({
    format,
    baseline: query.get('baseline') || undefined,
    followup: query.get('followup') || undefined,
    measure: query.get('measure') || undefined,
  });
  if (!parsed.success) {
    throw new HttpRefusal(400, 'INVALID_INPUT', validationMessage('Invalid export request', parsed.error));
  }
  let file;
  try {
    file = await studyExportFile(services, parsed.data);
  } catch (err) {
    const error = toApiError(err, 'the export');
    sendResult(res, statusForErrorCode(error.code), { ok: false, error }, headers);
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': file.contentType,
    'Content-Length': String(file.bytes.length),
    'Content-Disposition': attachmentHeader(file.fileName),
    'Cache-Control': 'no-store',
  });
  res.end(ctx.req.method === 'HEAD' ? undefined : file.bytes);
}
