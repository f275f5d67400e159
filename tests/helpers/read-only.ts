import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Tests run as root here, and root ignores permission bits, so chmod cannot make a study read-only.
 * Two honest ways remain, each probed before use:
 *
 * - the ext4 immutable attribute (`chattr +i`), which even root cannot write through;
 * - a read-only bind mount inside a private mount namespace (`unshare --mount --map-root-user`),
 *   which also works for an ordinary user where user namespaces are enabled.
 *
 * When neither works, the tests that need them skip with a message saying so.
 */

function probeDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dermaquant-ro-probe-'));
}

export function canUseImmutableAttribute(): boolean {
  const dir = probeDir();
  try {
    const set = spawnSync('chattr', ['+i', dir], { stdio: 'ignore' });
    if (set.status !== 0) return false;
    try {
      fs.writeFileSync(path.join(dir, 'x'), 'x');
      return false; // the attribute did not stop the write
    } catch {
      return true;
    } finally {
      spawnSync('chattr', ['-i', dir], { stdio: 'ignore' });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Set or clear the immutable attribute on each path (folders are not recursive). */
export function setImmutable(paths: string[], immutable: boolean): void {
  for (const target of paths) {
    const result = spawnSync('chattr', [immutable ? '+i' : '-i', target], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`chattr failed on ${target}: ${result.stderr}`);
  }
}

export function canUseReadOnlyBindMount(): boolean {
  const dir = probeDir();
  try {
    const script = `mount --bind -o ro "${dir}" "${dir}" && ! touch "${dir}/x" 2>/dev/null`;
    return (
      spawnSync('unshare', ['--mount', '--map-root-user', 'sh', '-c', script], { stdio: 'ignore' }).status ===
      0
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Run `command` with `dir` mounted read-only over itself in a private mount namespace: the command sees
 * a read-only study, everyone else the ordinary folder.
 */
export function runWithReadOnlyFolder(
  dir: string,
  command: string[],
): { status: number | null; stdout: string; stderr: string } {
  const quoted = command.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const script = `mount --bind -o ro "${dir}" "${dir}" && exec ${quoted}`;
  const result = spawnSync('unshare', ['--mount', '--map-root-user', 'sh', '-c', script], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
