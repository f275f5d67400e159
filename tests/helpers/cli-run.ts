import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { cliBundle, repoRoot } from './paths';

/** Run the bundled CLI as a user would: a separate node process, real files, real exit codes. */
export function runCli(...args: string[]) {
  const result = spawnSync(process.execPath, [cliBundle, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI's --json output: must be exactly one JSON document on stdout. */
export function runCliJson(...args: string[]) {
  const result = runCli(...args, '--json');
  return { ...result, json: JSON.parse(result.stdout) as Record<string, unknown> };
}

/**
 * A 100 x 100 PNG: white, with a block of `stainedPx` pixels of the purple preset's pure stain colour
 * (140, 80, 170) in the top-left corner, as rows of 100 px then a partial row. With the purple preset,
 * threshold 0.15 and `--tissue none`, exactly `stainedPx` of 10 000 pixels are stained. `variant` tints the
 * last pixel a little (far below the threshold), so images with the same count are different files.
 */
export async function stainedBlockPng(stainedPx: number, variant = 0): Promise<Buffer> {
  const pixels = Buffer.alloc(100 * 100 * 3, 255);
  for (let i = 0; i < stainedPx; i++) pixels.set([140, 80, 170], i * 3);
  pixels[pixels.length - 3] = 255 - (variant % 16);
  return sharp(pixels, { raw: { width: 100, height: 100, channels: 3 } })
    .png()
    .toBuffer();
}

/** stainedBlockPng written to `file` (its folder made as needed). */
export async function writeStainedBlockPng(file: string, stainedPx: number, variant = 0): Promise<string> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await stainedBlockPng(stainedPx, variant));
  return file;
}
