/**
 * Browser mode: `npm run web -- --study DIR [--port N]` (bundled to out/web.cjs). Opens or prepares the
 * study, starts the HTTP bridge on 127.0.0.1 and prints its address, token included, on a line of its
 * own on stdout (everything else goes to stderr, so scripts can read the address). Exit codes: 0 after
 * Ctrl+C, 1 for a folder or port it cannot use, 2 for bad usage.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { toApiError } from '../services/errors';
import { createServices } from '../services/index';
import type { Services } from '../services/types';
import { startWebServer, type WebServer } from './server';
import { describeStart, inspectStudyFolder, refusalFor } from './study-folder';

/** How long a clean shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 5000;

interface WebOptions {
  study: string;
  port: number;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return port;
}

function parseArguments(argv: string[]): WebOptions {
  const program = new Command('npm run web --')
    .description('Serve DermaQuant to a browser on this machine (127.0.0.1 only).')
    .requiredOption(
      '--study <dir>',
      'study folder: an existing study, or a new or empty folder to create one in',
    )
    .option('--port <n>', 'port to listen on; 0 picks a free one', parsePort, 0)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: 'node' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    throw err;
  }
  return program.opts<WebOptions>();
}

function exitWithMessage(message: string, code = 1): never {
  process.stderr.write(`dermaquant web: ${message}\n`);
  process.exit(code);
}

async function openServices(dir: string): Promise<Services> {
  const state = await inspectStudyFolder(dir);
  const refusal = refusalFor(state, dir);
  if (refusal) exitWithMessage(refusal);
  if (state !== 'study') {
    process.stderr.write(`${describeStart(state, dir)}\n`);
    return createServices({ studyDir: dir });
  }
  const services = createServices({ studyDir: null });
  try {
    await services.openStudy(dir);
  } catch (err) {
    services.close();
    exitWithMessage(toApiError(err).message);
  }
  process.stderr.write(`${describeStart(state, dir)}\n`);
  return services;
}

async function listen(services: Services, port: number): Promise<WebServer> {
  const staticDir = path.join(__dirname, 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    process.stderr.write(
      'Warning: the user interface is not built; run `npm run build` (npm run web does).\n',
    );
  }
  try {
    return await startWebServer({ services, port, staticDir });
  } catch (err) {
    services.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      exitWithMessage(`port ${port} is in use: choose another with --port, or --port 0.`);
    if (code === 'EACCES') exitWithMessage(`no permission to listen on port ${port}: choose one above 1023.`);
    throw err;
  }
}

function stopOnSignals(server: WebServer, services: Services): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130); // a second Ctrl+C means "now"
    stopping = true;
    process.stderr.write(`\n${signal}: stopping DermaQuant browser mode.\n`);
    setTimeout(() => exitWithMessage('shutdown took too long; exiting anyway.'), SHUTDOWN_GRACE_MS).unref();
    server
      .close()
      .then(() => {
        services.close();
        process.exit(0);
      })
      .catch((err: unknown) => exitWithMessage(`shutdown failed: ${String(err)}`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv);
  const dir = path.resolve(options.study);
  const services = await openServices(dir);
  const server = await listen(services, options.port);
  stopOnSignals(server, services);
  process.stderr.write('DermaQuant browser mode. Open this address in a browser on this machine:\n');
  process.stdout.write(`${server.url}\n`);
  process.stderr.write('Press Ctrl+C to stop.\n');
}

main().catch((err: unknown) => {
  console.error('dermaquant web: unexpected error:', err);
  process.exit(1);
});
