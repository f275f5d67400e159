/**
 * Electronegativity (Doyensec's static checker for Electron apps) on the Electron shell and the renderer:
 * no finding may be left, and every reviewed exception is written at its line with the reason
 * (`eng-disable` comments in main/electron/window-options.ts and renderer/index.html). A negative
 * control shows the scan does catch an unsafe window.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

interface Finding {
  id: string;
  file: string;
  location: { line: number };
  severity: { name: string };
  description: string;
}
interface ScanResult {
  errors: { file: string; message: string }[];
  issues: Finding[];
}
type Run = (options: Record<string, unknown>) => Promise<ScanResult>;

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity') as Run;
const electronVersion = (require('electron/package.json') as { version: string }).version;

/** What ships in the window: the shell's sources and the renderer (its HTML carries the CSP). */
function copyApp(into: string): void {
  fs.cpSync(path.join(repoRoot, 'main', 'electron'), path.join(into, 'main', 'electron'), {
    recursive: true,
  });
  fs.cpSync(path.join(repoRoot, 'renderer'), path.join(into, 'renderer'), { recursive: true });
}

async function scan(input: string): Promise<ScanResult> {
  const result = await run({
    input,
    output: null,
    isSarif: false,
    customScan: [],
    // Asks the network which Electron releases carry security fixes: not answerable offline, and
    // Electron updates are a dependency matter, not a property of this code.
    excludeFromScan: ['availablesecurityfixesglobalcheck'],
    severitySet: null,
    confidenceSet: null,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: null,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
  return result;
}

const describeFinding = (f: Finding) => `${f.id} (${f.severity.name}) ${f.file}:${f.location.line}`;

describe('Electronegativity', () => {
  it('finds nothing in the Electron shell and the renderer, and parses every file', async () => {
    const dir = makeTempDir('dermaquant-electronegativity-');
    copyApp(dir);
    const result = await scan(dir);
    // A file it cannot parse would be a file it did not check.
    expect(result.errors).toEqual([]);
    expect(result.issues.map(describeFinding)).toEqual([]);
  }, 120_000);

  it('catches a window without context isolation or sandbox (the scan can fail)', async () => {
    const dir = makeTempDir('dermaquant-electronegativity-control-');
    copyApp(dir);
    const options = path.join(dir, 'main', 'electron', 'window-options.ts');
    const unsafe = fs
      .readFileSync(options, 'utf8')
      .replace('contextIsolation: true', 'contextIsolation: false')
      .replace('sandbox: true', 'sandbox: false');
    fs.writeFileSync(options, unsafe);
    const ids = (await scan(dir)).issues.map((f) => f.id);
    expect(ids).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(ids).toContain('SANDBOX_JS_CHECK');
  }, 120_000);
});
