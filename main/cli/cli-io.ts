import { CommanderError, type Command } from 'commander';
import type { ApiError } from '../../shared/result';
import { toApiError } from '../services/errors';

/**
 * How every command talks to the user (see ../shared/docs/CLI.md): results on stdout (with --json,
 * exactly one JSON document and nothing else), messages and progress on stderr, exit 0 on success,
 * 1 on a user error, 2 on bad usage.
 */
export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_USAGE = 2;

/** Bad arguments found after commander parsed them (reported like commander's own usage errors). */
export class UsageError extends Error {}

export interface CommandOutput {
  /** --json was given. */
  json: boolean;
  /** A human-readable result line (stdout; suppressed with --json). */
  line(text: string): void;
  /** A message or progress note (stderr). */
  note(text: string): void;
  /** The result: JSON on stdout with --json; otherwise nothing (the command printed lines). */
  result(value: unknown): void;
  /** Mark the run as failed (exit 1) without stopping: e.g. some of several files failed. */
  failLater(error: ApiError): void;
}

function outputFor(json: boolean): CommandOutput & { failures: ApiError[] } {
  const failures: ApiError[] = [];
  return {
    json,
    failures,
    line: (text) => {
      if (!json) process.stdout.write(`${text}\n`);
    },
    note: (text) => process.stderr.write(`${text}\n`),
    result: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    failLater: (error) => {
      failures.push(error);
      process.stderr.write(`dermaquant: ${error.message}\n`);
    },
  };
}

/** One line for any error; internal errors get their stack only when DERMAQUANT_DEBUG is set. */
function reportError(err: unknown, json: boolean): void {
  const error = toApiError(err);
  process.stderr.write(`dermaquant: ${error.message}\n`);
  if (error.code === 'INTERNAL' && process.env.DERMAQUANT_DEBUG && err instanceof Error) {
    process.stderr.write(`${err.stack ?? ''}\n`);
  }
  if (json) process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
}

/**
 * Wrap a command's action: gives it an output that honours --json, and turns any thrown error into a
 * one-line message and exit code 1 (UsageError: exit 2). Commander passes the Command last.
 */
export function commandAction<Args extends unknown[]>(
  handler: (output: CommandOutput, ...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const command = args[args.length - 1] as Command;
    const json = Boolean(command.optsWithGlobals().json);
    const output = outputFor(json);
    try {
      await handler(output, ...args);
      if (output.failures.length > 0) process.exitCode = EXIT_USER_ERROR;
    } catch (err) {
      if (err instanceof UsageError) {
        // Same form and exit code as commander's own usage errors.
        command.error(`error: ${err.message}`, { exitCode: EXIT_USAGE, code: 'dermaquant.usage' });
      }
      reportError(err, json);
      process.exitCode = EXIT_USER_ERROR;
    }
  };
}

/**
 * Exit code for an error commander raised while parsing: --help and --version exit 0; a missing
 * subcommand (commander shows help with a non-zero code), an unknown option or a bad value are usage errors.
 */
export function exitCodeForCommanderError(err: CommanderError): number {
  return err.exitCode === EXIT_OK ? EXIT_OK : EXIT_USAGE;
}

export { CommanderError };
