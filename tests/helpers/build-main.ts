import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

const OUTPUTS = ['out/cli.cjs', 'out/analysis-worker.cjs'];
const SOURCES = ['main', 'shared', 'package.json'];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function upToDate(): boolean {
  const outputs = OUTPUTS.map((f) => path.join(repoRoot, f));
  if (!outputs.every((f) => fs.existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs));
  return SOURCES.every((s) => newestMtime(path.join(repoRoot, s)) <= built);
}

/**
 * Run `npm run build:main` (out/cli.cjs, out/analysis-worker.cjs) unless out/ is newer than every source.
 * Test files run in parallel processes: a lock folder makes them build one at a time, and the second
 * finds the build fresh and skips it, so no test reads a bundle while another rewrites it.
 */
export function ensureMainBuilt(): void {
  const lock = path.join(repoRoot, 'out', '.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build out/');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!upToDate()) execFileSync('npm', ['run', 'build:main'], { cwd: repoRoot, stdio: 'pipe' });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
