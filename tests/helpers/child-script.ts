import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './paths';
import { makeTempDir } from './temp-dir';

/**
 * A TypeScript snippet bundled (esbuild) into a script a child process can run, for what one test
 * process cannot do to itself: be killed midway, be traced with strace, hold a database lock while the
 * test process waits on it. Imports may use repository paths (`@repo/main/...`); native modules load
 * from the repository's node_modules.
 */
export interface ChildScript {
  file: string;
  run(args: string[], options?: { prefix?: string[]; timeoutMs?: number }): SpawnSyncReturns<string>;
  dispose(): void;
}

export async function bundleChildScript(source: string): Promise<ChildScript> {
  const dir = makeTempDir('dq-child-');
  const entry = path.join(dir, 'child.ts');
  fs.writeFileSync(entry, source.replaceAll('@repo/', `${repoRoot}/`));
  const file = path.join(dir, 'child.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: file,
    external: ['better-sqlite3', 'sharp'],
    logLevel: 'warning',
  });
  const env = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') };
  return {
    file,
    run: (args, options = {}) => {
      const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
      return spawnSync(command!, [...prefixArgs, file, ...args], {
        encoding: 'utf8',
        env,
        timeout: options.timeoutMs ?? 60_000,
      });
    },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
