/** `dermaquant compare BEFORE AFTER [options] [--json]` (CLI.md): two analyses and the change. */
import { Option } from 'commander';
import { stainChange, type ChangeMeasure } from '../../../shared/analysis/change';
import { commandAction } from '../cli-io';
import type { RegisterCommands } from '../registry';
import { addAnalysisOptions, protocolFromOptions, type AnalysisCliOptions } from '../analysis-options';
import { analysisJson, analyzeWithOptions, describeAnalysis, loadRoi, studyPresetStains } from './analyze';

interface CompareOptions extends AnalysisCliOptions {
  roiBefore?: string;
  roiAfter?: string;
  measure: ChangeMeasure;
}

const signed = (n: number, digits: number) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;

export const registerCompareCommand: RegisterCommands = (program) => {
  const command = program
    .command('compare')
    .description('measure a before and an after image and the change between them')
    .argument('<before>', 'image before treatment')
    .argument('<after>', 'image after treatment');
  addAnalysisOptions(command)
    .option('--roi-before <file.geojson>', 'ROI for the before image only (overrides --roi)')
    .option('--roi-after <file.geojson>', 'ROI for the after image only (overrides --roi)')
    .addOption(
      new Option('--measure <measure>', 'relative change and fold of the stained fraction or area')
        .choices(['fraction', 'area'])
        .default('fraction'),
    )
    .option('--json', 'print one JSON document on stdout')
    .action(
      commandAction(async (output, before: string, after: string, options: CompareOptions) => {
        protocolFromOptions(options);
        const roiBeforeFile = options.roiBefore ?? options.roi;
        const roiAfterFile = options.roiAfter ?? options.roi;
        const roiBefore = roiBeforeFile ? await loadRoi(roiBeforeFile) : null;
        const roiAfter = roiAfterFile ? await loadRoi(roiAfterFile) : null;
        const saved = await studyPresetStains(options);
        const beforeResult = await analyzeWithOptions(before, options, roiBefore, 'before ', output, saved);
        const afterResult = await analyzeWithOptions(after, options, roiAfter, 'after ', output, saved);
        const change = stainChange(beforeResult.measurement, afterResult.measurement, options.measure);
        output.result({
          before: analysisJson(beforeResult, roiBefore),
          after: analysisJson(afterResult, roiAfter),
          change,
        });
        describeAnalysis(beforeResult, output, 'before: ');
        describeAnalysis(afterResult, output, 'after:  ');
        const um2 = change.stainedAreaUm2 === null ? '' : ` (${signed(change.stainedAreaUm2, 1)} um2)`;
        output.line(`change: stained area ${signed(change.stainedAreaPx, 0)} px${um2}`);
        if (change.fractionPoints !== null)
          output.line(`  fraction ${signed(change.fractionPoints, 2)} percentage points`);
        output.line(
          change.relativePercent === null
            ? `  relative change and fold: undefined (${change.reasons.relativePercent})`
            : `  ${change.measure}: relative ${signed(change.relativePercent, 1)} %, fold ${change.foldChange!.toFixed(3)}`,
        );
      }),
    );
};
