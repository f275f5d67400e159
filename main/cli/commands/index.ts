import type { RegisterCommands } from '../registry';
import { registerAnalyzeCommand } from './analyze';
import { registerCompareCommand } from './compare';
import { registerStudyCommands } from './study';

/** Every command module, in the order `dermaquant --help` lists them. */
export const COMMANDS: RegisterCommands[] = [
  registerAnalyzeCommand,
  registerCompareCommand,
  registerStudyCommands,
];
