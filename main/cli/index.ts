import { Command } from 'commander';
import packageJson from '../../package.json';
import { CommanderError, exitCodeForCommanderError } from './cli-io';
import { COMMANDS } from './commands';

/** The `dermaquant` program with every registered command (exported for tests). */
export function buildProgram(): Command {
  const program = new Command()
    .name('dermaquant')
    .description('Measure newly formed collagen (stained area) in before/after skin-biopsy images.')
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = exitCodeForCommanderError(err);
      return;
    }
    process.stderr.write(`dermaquant: unexpected error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main(process.argv);
