/**
 * The browser-mode download route, GET /export/<format>, over real services on a real, analysed study:
 * the same token, Host and fetch-site checks as every route; the bytes are those `dermaquant study
 * export` writes (the CLI run as a child process on the same study folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type { Services } from '../../main/services/types';
import { attachmentHeader } from '../../main/web/export-route';
import { startWebServer, type WebServer } from '../../main/web/server';
import { AnalysisProtocol } from '../../shared/analysis/protocol';
import { ensureMainBuilt } from '../helpers/build-main';
import { runCli, writeStainedBlockPng } from '../helpers/cli-run';
import { rawRequest } from '../helpers/http-client';
import { makeTempDir } from '../helpers/temp-dir';

let root: string;
let studyDir: string;
let services: Services;
let server: WebServer;
let port: number;
let auth: Record<string, string>;

beforeAll(async () => {
  await ensureMainBuilt();
  root = makeTempDir('dq-http-export-');
  const staticDir = path.join(root, 'renderer');
  fs.mkdirSync(staticDir, { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>DermaQuant</title>');
  studyDir = path.join(root, 'study');
  services = createServices({ studyDir });
  await services.createStudy({ name: 'Pilot étude' });
  let variant = 0;
  for (const [code, counts] of [
    ['S01', [300, 900]],
    ['S02', [500, 1200]],
  ] as const) {
    const subject = await services.addSubject({ code });
    for (const [session, label] of ['baseline', 'week-12'].entries()) {
      const tp = await services.addTimepoint({ subjectId: subject.id, label, session, date: null });
      const file = await writeStainedBlockPng(
        path.join(root, 'src', `${code}-${label}.png`),
        counts[session]!,
        variant++,
      );
      await services.importFiles(tp.id, [{ path: file, fileName: path.basename(file) }]);
    }
  }
  const protocol = AnalysisProtocol.parse({ threshold: { method: 'fixed', od: 0.15 }, tissue: 'none' });
  await services.setAnalysisProtocol({ protocol, unlock: false });
  await services.analyzeStudy({ redo: false });
  server = await startWebServer({ services, port: 0, staticDir });
  port = server.port;
  auth = { Authorization: `Bearer ${server.token}` };
}, 120_000);

afterAll(async () => {
  await server?.close();
  services?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('GET /export/<format>', () => {
  it('sends the CSV the CLI writes, as an attachment named after the study', async () => {
    const response = await rawRequest(port, { path: '/export/csv', headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="Pilot _tude results.csv"; filename*=UTF-8''Pilot%20%C3%A9tude%20results.csv`,
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(Number(response.headers['content-length'])).toBe(response.body.length);
    const file = path.join(root, 'cli.csv');
    const cli = runCli('study', 'export', studyDir, '--csv', file);
    expect(cli.status, cli.stderr).toBe(0);
    expect(response.body.equals(fs.readFileSync(file))).toBe(true);
    expect(response.body.toString('utf8')).toContain('Pilot étude,S02,week-12,1,,image,1,S02-week-12.png');
  });

  it('sends the GeoJSON files the CLI writes, zipped under the same names', async () => {
    const response = await rawRequest(port, { path: '/export/geojson', headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(response.body));
    const folder = path.join(root, 'cli-geojson');
    expect(runCli('study', 'export', studyDir, '--geojson', folder).status).toBe(0);
    expect(Object.keys(entries).sort()).toEqual(fs.readdirSync(folder).sort());
    for (const [name, bytes] of Object.entries(entries)) {
      expect(strFromU8(bytes), name).toBe(fs.readFileSync(path.join(folder, name), 'utf8'));
    }
  });

  it('sends the comparison report for the chosen timepoints, and refuses unknown ones with the reason', async () => {
    const response = await rawRequest(port, {
      path: '/export/pdf?baseline=baseline&followup=week-12&measure=fraction',
      headers: auth,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.body.subarray(0, 5).toString()).toBe('%PDF-');
    const head = await rawRequest(port, { method: 'HEAD', path: '/export/pdf', headers: auth });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);

    const unknown = await rawRequest(port, {
      path: '/export/pdf?baseline=before&followup=week-12',
      headers: auth,
    });
    expect(unknown.status).toBe(404);
    expect((unknown.json as { error: { message: string } }).error.message).toContain(
      'No timepoint with images is labelled "before"',
    );
  });

  it('needs the token, the right Host and a same-site request, like every route', async () => {
    expect((await rawRequest(port, { path: '/export/csv' })).status).toBe(401);
    const wrong = await rawRequest(port, { path: '/export/csv', headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const rebinding = await rawRequest(port, {
      path: '/export/csv',
      headers: { ...auth, Host: 'evil.example:80' },
    });
    expect(rebinding.status).toBe(403);
    const cookie = `dermaquant_token_${port}=${server.token}`;
    const crossSite = await rawRequest(port, {
      path: '/export/csv',
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await rawRequest(port, {
      path: '/export/csv',
      headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    expect((await rawRequest(port, { method: 'POST', path: '/export/csv', headers: auth })).status).toBe(405);
  });

  it('refuses unknown formats and measures with 400', async () => {
    for (const route of ['/export/xlsx', '/export/csv/x', '/export/pdf?measure=volume', '/export/']) {
      const response = await rawRequest(port, { path: route, headers: auth });
      expect(response.status, route).toBe(400);
      expect((response.json as { error: { code: string } }).error.code, route).toBe('INVALID_INPUT');
    }
  });

  it('quotes file names safely in Content-Disposition', () => {
    expect(attachmentHeader('a"b\\c.csv')).toBe(
      `attachment; filename="a_b_c.csv"; filename*=UTF-8''a%22b%5Cc.csv`,
    );
  });
});
