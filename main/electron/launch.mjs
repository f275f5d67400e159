// `npm start` runs this after `npm run build`: the launcher itself is TypeScript (main/electron/launcher.ts),
// bundled to out/electron-launch.cjs, so its path logic is the same code the Electron main process uses.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = fileURLToPath(new URL('../..', import.meta.url));
const bundle = path.join(appRoot, 'out', 'electron-launch.cjs');
if (!existsSync(bundle)) {
  console.error('[dermaquant] The launcher is not built yet: run `npm run build` (npm start does it).');
  process.exit(1);
}
const { launch } = createRequire(import.meta.url)(bundle);
process.exit(await launch(appRoot, process.argv.slice(2)));
