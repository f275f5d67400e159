/** The browser-mode server's HTTP API, called as a script would (Bearer token): set-up for e2e tests. */
import type { WebSession } from './web-session';

/** The service API over HTTP, as a script would call it (Bearer token). */
export function apiOf(session: WebSession) {
  const token = new URL(session.url).searchParams.get('token') ?? '';
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const response = await fetch(new URL(`/api/${method}`, session.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.value as T;
  };
  const importPng = async (timepointId: number, name: string, bytes: Buffer) => {
    const response = await fetch(new URL(`/upload?name=${encodeURIComponent(name)}`, session.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` },
      body: new Uint8Array(bytes),
    });
    const staged = (await response.json()) as { ok: boolean; value: { uploadId: string; fileName: string } };
    if (!staged.ok) throw new Error(`upload of ${name} failed`);
    const outcome = await call<{ imported: { id: number; sha256: string }[] }>('importImages', {
      timepointId,
      uploads: [staged.value],
    });
    if (outcome.imported.length !== 1) throw new Error(`${name} was not imported`);
    return outcome.imported[0]!;
  };
  return { call, importPng };
}

/**
 * A study with one subject, a "Baseline" and a "Week 12" timepoint holding the two PNGs, opened in the
 * pair view with the stain panel showing: the set-up of the stain panel's editor tests.
 */
export async function openPairStudy(
  session: WebSession,
  name: string,
  before: Buffer,
  after: Buffer,
): Promise<{ api: ReturnType<typeof apiOf>; ids: { before: number; after: number } }> {
  const api = apiOf(session);
  await api.call('createStudy', { name });
  const subject = await api.call<{ id: number }>('addSubject', { code: 'S01' });
  const timepoints: number[] = [];
  for (const label of ['Baseline', 'Week 12']) {
    timepoints.push((await api.call<{ id: number }>('addTimepoint', { subjectId: subject.id, label })).id);
  }
  const ids = {
    before: (await api.importPng(timepoints[0]!, 'baseline.png', before)).id,
    after: (await api.importPng(timepoints[1]!, 'week12.png', after)).id,
  };
  const page = session.page;
  await page.goto(new URL(`/#/pair/${ids.before}/${ids.after}`, session.url).href);
  await page.getByTestId('stain-panel').waitFor();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="stage-before"]')?.getAttribute('data-camera'),
  );
  return { api, ids };
}
