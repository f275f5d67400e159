/**
 * Exporting from the Results screen. The transports differ: in Electron the main process asks where to
 * save (invoke 'exportStudyFile'); in browser mode the HTTP bridge sends the file as a download
 * (GET /export/<format>, same-origin, the session cookie proves the token).
 */
import { EXPORT_METHOD, ExportOutcome, type StudyExportRequest } from '../../shared/api-study-export';
import { fail, type Result } from '../../shared/result';
import { electronBridge } from '../api/bridge';

export function exportUrl(request: StudyExportRequest): string {
  const query = new URLSearchParams();
  if (request.format === 'pdf') {
    if (request.baseline) query.set('baseline', request.baseline);
    if (request.followup) query.set('followup', request.followup);
    query.set('measure', request.measure);
  }
  const rest = query.toString();
  return `/export/${request.format}${rest ? `?${rest}` : ''}`;
}

export async function exportStudy(request: StudyExportRequest): Promise<Result<ExportOutcome | 'download'>> {
  const bridge = electronBridge();
  if (bridge) {
    const result = await bridge.invoke(EXPORT_METHOD, request);
    if (!result.ok) return result;
    const parsed = ExportOutcome.safeParse(result.value);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : fail('INTERNAL', 'The export answered in an unexpected form.');
  }
  // The browser saves the answer; an error answer (JSON) would be saved too, so check first with HEAD.
  const head = await fetch(exportUrl(request), { method: 'HEAD', credentials: 'same-origin' }).catch(
    () => null,
  );
  if (!head) return fail('INTERNAL', 'The DermaQuant server did not answer: check that it is still running.');
  if (!head.ok) {
    const answer = await fetch(exportUrl(request), { credentials: 'same-origin' })
      .then((r) => r.json() as Promise<Result<never>>)
      .catch(() => null);
    return answer && !answer.ok ? answer : fail('INTERNAL', `The export failed (HTTP ${head.status}).`);
  }
  const link = document.createElement('a');
  link.href = exportUrl(request);
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
  return { ok: true, value: 'download' };
}
