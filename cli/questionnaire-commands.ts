import type { Command } from 'commander';

/** Registers `questionnaire validate | import-xlsform | export-xlsform`. */
export function registerQuestionnaireCommands(program: Command): void {
  const q = program.command('questionnaire').description('check questionnaires and exchange them as XLSForm');
  q.command('list')
    .description('the questionnaire library: modules and complete questionnaires with ids and versions')
    .action(async () => (await import('./questionnaire-actions.js')).listAction());
  q.command('compose')
    .description('add library modules to a host questionnaire (a file or a library id); binds modules to the host through --map')
    .requiredOption('--host <file|id>', 'host questionnaire')
    .option('--add <id|file>', 'a module to add (repeat the flag)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--map <pairs>', 'module name=host name, comma-separated (e.g. members=persons,age=q_age)')
    .option(
      '--set <setting=value>',
      'a survey setting of the result (repeat): host_country=GHA, local_currency=GHS, abroad_months=12 ...',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--id <id>', 'id of the composed questionnaire')
    .option('--version <version>', 'version of the composed questionnaire')
    .requiredOption('--out <file>', 'composed questionnaire JSON to write')
    .action(async (opts: { host: string; add?: string[]; map?: string; set?: string[]; id?: string; version?: string; out: string }) =>
      (await import('./questionnaire-actions.js')).composeAction(opts),
    );
  q.command('export-library')
    .description('write every library module and questionnaire as JSON and XLSForm into a folder')
    .argument('<dir>', 'folder to write into')
    .action(async (dir: string) => (await import('./questionnaire-actions.js')).exportLibraryAction(dir));
  q.command('validate')
    .description('check a questionnaire (JSON) against the format and compile it; lists every problem')
    .argument('<file>', 'questionnaire JSON, or a library id')
    .action(async (file: string) => (await import('./questionnaire-actions.js')).validateAction(file));
  q.command('import-xlsform')
    .description('convert an XLSForm workbook (.xlsx) to a questionnaire (JSON)')
    .argument('<file>', 'XLSForm .xlsx')
    .requiredOption('--out <file>', 'questionnaire JSON to write')
    .option('--media <dir>', "folder of the form's attachments (CSV choices of select_one_from_file); default: the workbook's folder")
    .action(async (file: string, opts: { out: string; media?: string }) =>
      (await import('./questionnaire-actions.js')).importAction(file, opts.out, opts.media),
    );
  q.command('export-xlsform')
    .description('convert a questionnaire (JSON) to an XLSForm workbook that ODK and KoboToolbox read')
    .argument('<file>', 'questionnaire JSON, or a library id')
    .requiredOption('--out <file>', 'XLSForm .xlsx to write')
    .action(async (file: string, opts: { out: string }) => (await import('./questionnaire-actions.js')).exportAction(file, opts.out));
}
