import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/helpers/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The team's shared test data, beside the clone; absent in a user's clone, so tests skip without it. */
export const sharedDataDir = path.resolve(repoRoot, '..', 'shared', 'data');
export const sharedImagesDir = path.join(sharedDataDir, 'images');
export const hasSharedData = fs.existsSync(sharedImagesDir);

/** Path of a file in shared/data/images (check hasSharedData first). */
export const sharedImage = (name: string): string => path.join(sharedImagesDir, name);

/** The bundled CLI (built by `npm run build:main`). */
export const cliBundle = path.join(repoRoot, 'out', 'cli.cjs');
