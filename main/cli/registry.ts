import type { Command } from 'commander';

/**
 * A command module adds its commands to the program. To add one, write
 * `export const registerFoo: RegisterCommands = (program) => { program.command('foo')... }` in
 * commands/foo.ts and append it to COMMANDS in commands/index.ts.
 */
export type RegisterCommands = (program: Command) => void;
