import fs from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { getConfig } from 'app-builder-lib/out/util/config/load';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP } from '../../main/electron/protocol';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../main/web/http-security';
import { repoRoot } from '../helpers/paths';

// Settings that static scanners (Electronegativity) and electron-builder read from files, checked where
// they live.

describe('Content-Security-Policy in renderer/index.html', () => {
  const html = fs.readFileSync(path.join(repoRoot, 'renderer', 'index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];

  it("repeats the header's policy (less frame-ancestors, which only works as a header)", () => {
    expect(meta).toBe(metaContentSecurityPolicy(['dq-image:']));
    expect(`${meta}; frame-ancestors 'none'`).toBe(ELECTRON_CSP);
  });

  it('forbids frames, media, plugins and inline script in the meta tag and in both headers', () => {
    for (const policy of [meta ?? '', ELECTRON_CSP, contentSecurityPolicy()]) {
      for (const directive of [
        "frame-src 'none'",
        "media-src 'none'",
        "object-src 'none'",
        "script-src 'self'",
      ]) {
        expect(policy).toContain(directive);
      }
      expect(policy).not.toContain('unsafe');
    }
  });
});

describe('electron-builder.yml', () => {
  /** The file read the way electron-builder itself reads it. */
  async function builderConfig(): Promise<Configuration> {
    const request = {
      packageKey: 'build',
      configFilename: 'electron-builder',
      projectDir: repoRoot,
      packageMetadata: null,
    };
    const read = await getConfig<Configuration>(request, path.join(repoRoot, 'electron-builder.yml'));
    if (!read) throw new Error('electron-builder.yml was not found');
    return read.result;
  }

  it('flips the Electron fuses that turn off ways to run other code in the packaged app', async () => {
    expect((await builderConfig()).electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("passes electron-builder's own schema (a misspelt fuse would be refused there)", async () => {
    const config = await builderConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = {
      ...config,
      electronFuses: { ...config.electronFuses, runAsnode: false },
    } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });
});
