// Bundles the Node side with esbuild: the Electron main process, the sandboxed preload (one CommonJS
// file, as a sandboxed preload must be), the CLI, the browser-mode server and the analysis worker.
// Native and binary-carrying packages stay external and are loaded from node_modules at run time; so
// does pdfkit, which reads its data files (font metrics, colour profiles) relative to its own folder.
import { build } from 'esbuild';

const entryPoints = {
  'electron-main': 'main/electron/main.ts',
  preload: 'main/electron/preload.ts',
  'electron-launch': 'main/electron/launcher.ts',
  cli: 'main/cli/index.ts',
  web: 'main/web/web-cli.ts',
  'analysis-worker': 'main/services/analysis/worker.ts',
  bench: 'main/bench/bench.ts',
};

const existing = Object.fromEntries(
  await Promise.all(
    Object.entries(entryPoints).map(async ([name, file]) => {
      const { access } = await import('node:fs/promises');
      try {
        await access(file);
        return [name, file];
      } catch {
        return [name, null];
      }
    }),
  ).then((pairs) => pairs.filter(([, file]) => file !== null)),
);

await build({
  entryPoints: existing,
  outdir: 'out',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'sharp', 'better-sqlite3', 'pdfkit'],
  logLevel: 'warning',
});
