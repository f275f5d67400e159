import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services/index';
import { openEventStream, rawRequest } from '../helpers/http-client';
import { repoRoot } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

// `npm run web` as a user runs it: the bundled out/web.cjs in its own process (npm test builds it first).
const webBundle = path.join(repoRoot, 'out', 'web.cjs');
const tempDir = useTempDirs('dq-web-');
const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/;

interface WebProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function runWeb(args: string[]): WebProcess {
  const child = spawn(process.execPath, [webBundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Start browser mode and wait for its address line. */
async function startWeb(studyDir: string): Promise<WebProcess & { port: number; token: string }> {
  const web = runWeb(['--study', studyDir, '--port', '0']);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const line = web.stdout().split('\n')[0] ?? '';
    const match = URL_LINE.exec(line);
    if (match && web.stdout().includes('\n'))
      return { ...web, port: Number(match[1]), token: match[2] ?? '' };
    if (web.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  web.child.kill('SIGKILL');
  throw new Error(`browser mode did not print its address. stdout: ${web.stdout()} stderr: ${web.stderr()}`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(() => {
  if (!fs.existsSync(webBundle)) {
    throw new Error(`${webBundle} is missing: run \`npm run build:main\` first (npm test does).`);
  }
});

describe('npm run web (out/web.cjs)', () => {
  it('with --port 0 prints only its address on stdout, on a line of its own, and serves it', async () => {
    const web = await startWeb(path.join(tempDir(), 'new-study'));
    try {
      expect(web.stdout()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+\n$/);
      expect(web.port).toBeGreaterThan(0);
      expect(web.stderr()).toMatch(/create one from the browser/);
      const response = await rawRequest(web.port, { path: `/?token=${web.token}` });
      expect(response.status).toBe(303);
    } finally {
      web.child.kill('SIGKILL');
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s ends the event streams, closes the database and exits 0',
    async (signal) => {
      const studyDir = path.join(tempDir(), 'study');
      const web = await startWeb(studyDir);
      const auth = { Authorization: `Bearer ${web.token}`, 'Content-Type': 'application/json' };
      const created = await rawRequest(web.port, {
        method: 'POST',
        path: '/api/createStudy',
        headers: auth,
        body: JSON.stringify({ name: 'Shutdown trial' }),
      });
      expect(created.json).toMatchObject({ ok: true });
      const events = await openEventStream(web.port, auth);
      web.child.kill(signal);
      expect(await withTimeout(web.exit, 10_000, 'shutdown')).toBe(0);
      await withTimeout(events.ended, 2000, 'end of the event stream');
      // A cleanly closed WAL database leaves no -wal file behind.
      expect(fs.existsSync(path.join(studyDir, 'study.sqlite'))).toBe(true);
      expect(fs.existsSync(path.join(studyDir, 'study.sqlite-wal'))).toBe(false);
      await expect(rawRequest(web.port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/);
    },
  );

  it('opens an existing study', async () => {
    const studyDir = path.join(tempDir(), 'existing');
    const services = createServices({ studyDir: null });
    await services.createStudyAt(studyDir, 'Existing trial');
    services.close();
    const web = await startWeb(studyDir);
    try {
      const response = await rawRequest(web.port, {
        method: 'POST',
        path: '/api/getStudy',
        headers: { Authorization: `Bearer ${web.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(response.json).toMatchObject({ ok: true, value: { study: { name: 'Existing trial' } } });
    } finally {
      web.child.kill('SIGKILL');
    }
  });

  it('refuses a non-empty folder that is not a study, and leaves it alone', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'thesis.docx'), 'mine');
    const web = runWeb(['--study', dir, '--port', '0']);
    expect(await withTimeout(web.exit, 10_000, 'exit')).toBe(1);
    expect(web.stderr()).toContain(`${dir} is not a DermaQuant study`);
    expect(web.stderr()).toMatch(/new or empty folder/);
    expect(web.stdout()).toBe('');
    expect(fs.readdirSync(dir)).toEqual(['thesis.docx']);
  });

  it('refuses a study written by a newer DermaQuant, naming the versions', async () => {
    const studyDir = path.join(tempDir(), 'future');
    const services = createServices({ studyDir: null });
    await services.createStudyAt(studyDir, 'Future trial');
    services.close();
    const db = new Database(path.join(studyDir, 'study.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    const web = runWeb(['--study', studyDir, '--port', '0']);
    expect(await withTimeout(web.exit, 10_000, 'exit')).toBe(1);
    expect(web.stderr()).toMatch(/999/);
    expect(web.stderr()).toMatch(/newer|update/i);
    expect(web.stdout()).toBe('');
  });

  it('refuses a file given as the study folder', async () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'x');
    const web = runWeb(['--study', file]);
    expect(await withTimeout(web.exit, 10_000, 'exit')).toBe(1);
    expect(web.stderr()).toMatch(/is a file, not a folder/);
  });

  it('says which port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const web = runWeb(['--study', path.join(tempDir(), 's'), '--port', String(taken)]);
      expect(await withTimeout(web.exit, 10_000, 'exit')).toBe(1);
      expect(web.stderr()).toContain(`port ${taken} is in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 on bad usage', async () => {
    const noStudy = runWeb([]);
    expect(await withTimeout(noStudy.exit, 10_000, 'exit')).toBe(2);
    expect(noStudy.stderr()).toMatch(/--study/);
    const badPort = runWeb(['--study', tempDir(), '--port', 'eighty']);
    expect(await withTimeout(badPort.exit, 10_000, 'exit')).toBe(2);
    expect(badPort.stderr()).toMatch(/port/);
  });
});
