import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const screenshotDir = path.join(repoRoot, 'tests', 'output', 'screenshots');
const webEntry = path.join(repoRoot, 'out', 'web.cjs');

// Debian's Chromium by default; CHROMIUM_PATH points elsewhere (e.g. another distribution's package).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** The server prints its address, token included, on a line of its own. */
const URL_LINE = /^http:\/\/127\.0\.0\.1:\d+\/\S*$/m;
const START_TIMEOUT_MS = 30_000;

export interface WebSession {
  url: string;
  studyDir: string;
  browser: Browser;
  page: Page;
  /** Console errors, failed requests the page did not expect, and uncaught exceptions. */
  pageProblems: string[];
  serverLog: () => string;
  stop: () => Promise<void>;
}

/** Reasons the e2e suite cannot run at all; tests fail with this message rather than pretending. */
export function missingPrerequisites(): string | null {
  if (!existsSync(webEntry)) return `${webEntry} is missing: run \`npm run build\` first.`;
  if (!existsSync(path.join(repoRoot, 'out', 'renderer', 'index.html')))
    return 'The renderer is not built: run `npm run build`.';
  if (!existsSync(CHROMIUM))
    return `${CHROMIUM} is missing: install Debian's chromium package or set CHROMIUM_PATH.`;
  return null;
}

function waitForUrl(server: ChildProcess, log: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`The web server printed no URL within ${START_TIMEOUT_MS} ms.\n${log()}`));
    }, START_TIMEOUT_MS);
    server.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = URL_LINE.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The web server exited (code ${code}) before printing its URL.\n${log()}`));
    });
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.kill('SIGKILL'), 5000);
    server.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    server.kill('SIGINT'); // what Ctrl+C sends: the clean shutdown path
  });
}

/**
 * `node out/web.cjs --study <tmpdir> --port 0`, then Chromium on the printed URL. The study folder
 * is a fresh temporary folder unless one is given (to restart on the same study).
 */
export async function startWebSession(options: { studyDir?: string } = {}): Promise<WebSession> {
  const studyDir = options.studyDir ?? (await mkdtemp(path.join(os.tmpdir(), 'dq-e2e-study-')));
  const ownsStudyDir = options.studyDir === undefined;
  let output = '';
  const server = spawn(process.execPath, [webEntry, '--study', studyDir, '--port', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const serverLog = () => `--- web server output ---\n${output}`;

  let browser: Browser | null = null;
  try {
    const url = await waitForUrl(server, serverLog);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageProblems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageProblems.push(`console: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => pageProblems.push(`page error: ${err.message}`));
    await page.goto(url);
    const openedBrowser = browser;
    return {
      url,
      studyDir,
      browser: openedBrowser,
      page,
      pageProblems,
      serverLog,
      stop: async () => {
        await openedBrowser.close();
        await stopServer(server);
        if (ownsStudyDir) await rm(studyDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    await stopServer(server);
    if (ownsStudyDir) await rm(studyDir, { recursive: true, force: true });
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}
