import type { Command } from 'commander';

/** Registers `questionnaire validate | import-xlsform | export-xlsform`. */
export function registerQuestionnaireCommands(program: Command): void {
  const q = program.command('questionnaire').description('check questionnaires and exchange them as XLSForm');
  q.command('validate')
    .description('check a questionnaire (JSON) against the format and compile it; lists every problem')
    .argument('<file>', 'questionnaire JSON')
    .action(async (file: string) => (await import('./questionnaire-actions.js')).validateAction(file));
  q.command('import-xlsform')
    .description('convert an XLSForm workbook (.xlsx) to a questionnaire (JSON)')
    .argument('<file>', 'XLSForm .xlsx')
    .requiredOption('--out <file>', 'questionnaire JSON to write')
    .action(async (file: string, opts: { out: string }) => (await import('./questionnaire-actions.js')).importAction(file, opts.out));
  q.command('export-xlsform')
    .description('convert a questionnaire (JSON) to an XLSForm workbook that ODK and KoboToolbox read')
    .argument('<file>', 'questionnaire JSON')
    .requiredOption('--out <file>', 'XLSForm .xlsx to write')
    .action(async (file: string, opts: { out: string }) => (await import('./questionnaire-actions.js')).exportAction(file, opts.out));
}
