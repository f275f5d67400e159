/** `dermaquant study protocol DIR [analysis options] [--json]` (CLI.md): the study's analysis protocol. */
import type { Command } from 'commander';
import { AnalysisProtocol } from '../../../shared/analysis/protocol';
import type { StudyProtocol } from '../../../shared/analysis/api-schemas';
import { validationMessage } from '../../../shared/validation-message';
import { UserError } from '../../services/errors';
import { addProtocolOptions, protocolFromOptions, type AnalysisCliOptions } from '../analysis-options';
import { commandAction, UsageError, type CommandOutput } from '../cli-io';
import { withStudy } from '../with-study';

type ProtocolCliOptions = AnalysisCliOptions & { unlock?: boolean };

/** Per-image options of `analyze` that a study protocol cannot hold, and where they belong instead. */
const NOT_IN_A_PROTOCOL: Record<string, string> = {
  roi: '--roi is not part of a protocol: regions of interest are drawn per image (in the app), and study analyze measures inside them.',
  umPerPx:
    '--um-per-px is not part of a protocol: calibration belongs to each image (study add --um-per-px, or in the app).',
};

function describeProtocol(current: StudyProtocol, output: CommandOutput): void {
  const p = current.protocol;
  if (!p) {
    output.line('No analysis protocol yet: set one with dermaquant study protocol DIR [analysis options].');
    return;
  }
  const threshold =
    p.threshold.method === 'fixed' ? `fixed ${p.threshold.od} OD` : `automatic (${p.threshold.method})`;
  const stains = p.stains ? ` (vectors ${p.stains.map((s) => s.name).join(', ')})` : '';
  const colours =
    p.stainColours.length > 0 ? `, stain colours ${p.stainColours.map((c) => c.join(',')).join(' / ')}` : '';
  output.line(`Analysis protocol${current.locked ? ' (locked: images were measured with it)' : ''}:`);
  output.line(`  stain ${p.stain}${stains}${colours}, channel ${p.channel ?? "the preset's target"}`);
  output.line(
    `  threshold ${threshold}, tissue ${p.tissue ?? 'auto (none inside an ROI)'} (tissue OD ${p.tissueThresholdOD})`,
  );
  output.line(
    `  white ${Array.isArray(p.white) ? p.white.join(',') : p.white}, smoothing ${p.smoothing ? `${p.smoothing.sigma} ${p.smoothing.unit}` : 'none'}, min object ${p.minObjectArea ?? 'none'}, fill holes ${p.maxHoleArea ?? 'none'}`,
  );
}

/** The options the user typed (commander also reports defaults, e.g. --stain purple). */
const typedOptions = (command: Command): string[] =>
  Object.keys(command.opts()).filter(
    (key) => key !== 'json' && key !== 'unlock' && command.getOptionValueSource(key) === 'cli',
  );

export function registerStudyProtocolCommand(study: Command): void {
  const command = study
    .command('protocol')
    .description(
      "set the study's analysis protocol (the analyze options), or show it when no option is given; refused once images were measured with it",
    )
    .argument('<dir>', 'study folder');
  addProtocolOptions(command)
    .option('--roi <file.geojson>', 'not accepted: regions of interest are drawn per image')
    .option('--um-per-px <x>', 'not accepted: calibration belongs to each image')
    .option(
      '--unlock',
      'change a locked protocol (earlier measurements keep the parameters they were made with; recorded in the audit log)',
    )
    .option('--json', 'print the protocol as JSON')
    .action(
      commandAction(async (output, dir: string, options: ProtocolCliOptions, self: Command) => {
        const typed = typedOptions(self);
        const misplaced = typed.find((key) => key in NOT_IN_A_PROTOCOL);
        if (misplaced) throw new UsageError(NOT_IN_A_PROTOCOL[misplaced]!);
        const input = typed.length > 0 ? protocolFromOptions(options) : null; // usage errors first
        await withStudy(dir, async (services) => {
          let current: StudyProtocol;
          if (input === null) {
            current = await services.getAnalysisProtocol({});
          } else {
            const parsed = AnalysisProtocol.safeParse(input);
            if (!parsed.success) {
              throw new UserError(
                'INVALID_INPUT',
                validationMessage('Invalid analysis protocol', parsed.error),
              );
            }
            current = await services
              .setAnalysisProtocol({ protocol: parsed.data, unlock: Boolean(options.unlock) })
              .catch((err: unknown) => {
                if (err instanceof UserError && err.code === 'LOCKED') {
                  throw new UserError(
                    'LOCKED',
                    `The protocol of ${dir} is locked: images were already measured with it. Run the command again with --unlock to change it (earlier measurements keep the parameters they were made with).`,
                  );
                }
                throw err;
              });
            output.note(
              'dermaquant: study protocol saved; analyse the images with dermaquant study analyze.',
            );
          }
          describeProtocol(current, output);
          output.result(current);
        });
      }),
    );
}
