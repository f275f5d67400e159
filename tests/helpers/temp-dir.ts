import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh folder under the system temp dir. */
export function makeTempDir(prefix = 'dermaquant-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Returns a function that makes temp folders which are removed after each test of the calling file
 * (call it at module or describe level).
 */
export function useTempDirs(prefix?: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = makeTempDir(prefix);
    made.push(dir);
    return dir;
  };
}

/** Every file under `dir` (relative paths) with its size and modification time: to prove nothing changed. */
export function snapshotTree(dir: string): Record<string, { size: number; mtimeMs: number }> {
  const result: Record<string, { size: number; mtimeMs: number }> = {};
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.statSync(full);
        result[path.relative(dir, full)] = { size: stat.size, mtimeMs: stat.mtimeMs };
      }
    }
  };
  walk(dir);
  return result;
}

/** Content hash of every file under `dir` (hidden temp files included): proves nothing was left or changed. */
export function hashTree(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    result[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return result;
}
