import { Command, Option } from 'commander';

const LONELY_PSU_OPTIONS = ['fail', 'remove', 'certainty', 'adjust', 'average'];

/** Adds the design flags shared by estimate, compare and tabulate. */
function withDesignFlags(cmd: Command): Command {
  return cmd
    .argument('<file>', 'CSV file: header row, one row per element, empty cell = missing')
    .option('--weights <col>', 'sampling weight column')
    .option('--strata <col>', 'stratum column')
    .option('--ids <cols>', 'cluster id columns, first stage first (PSU[,SSU])')
    .option('--fpc <cols>', 'finite population correction per stage: population counts or sampling fractions')
    .option('--nest', 'PSU ids repeat across strata (nested in strata)')
    .addOption(new Option('--lonely-psu <option>', 'strata with a single PSU').choices(LONELY_PSU_OPTIONS).default('fail'))
    .option('--subset <expr>', 'subpopulation, in the questionnaire expression language (e.g. "${age} >= 6 and ${age} <= 17")')
    .addOption(new Option('--replicates <type>', 'variance from replicate weights created from the design').choices(['jk1', 'jkn', 'brr', 'fay', 'bootstrap']))
    .option('--repweights <cols>', 'variance from replicate weight columns of the file (comma-separated, or PREFIX* for every column starting with PREFIX)')
    .addOption(new Option('--rep-type <type>', 'kind of the given replicate weights (sets the default scale)').choices(['JK1', 'JKn', 'BRR', 'Fay', 'bootstrap', 'other']).default('other'))
    .option('--rep-scale <number>', 'scale of the given replicate weights (overrides the default of --rep-type)')
    .option('--fay-rho <number>', "Fay's rho for --replicates fay (default 0.3)")
    .option('--boot-replicates <n>', 'number of bootstrap replicates (default 50)')
    .option('--seed <n>', 'seed of the bootstrap draw (default 1)')
    .option('--mse', 'centre replicate variances on the full-sample estimate')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'));
}

/** Registers `estimate`, `compare` and `tabulate`. */
export function registerAnalysisCommands(program: Command): void {
  withDesignFlags(
    program
      .command('estimate')
      .description('design-based means, proportions, totals and ratios with standard errors (as R survey)')
      .option('--mean <cols>', 'means (a categorical column gives one proportion per level)')
      .option('--total <cols>', 'totals (a categorical column gives one total per level)')
      .option('--ratio <num/den>', 'ratio of two totals, e.g. api.stu/enroll (comma-separated for several)')
      .option('--quantile <cols>', 'quantiles of these columns (with Woodruff intervals)')
      .option('--probs <list>', 'probabilities for --quantile (default 0.5)')
      .option('--by <cols>', 'domains: one estimate per combination of levels')
      .addOption(new Option('--proportion-ci <method>', 'interval for proportions').choices(['t', 'korn-graubard']).default('t')),
  ).action(async (file: string, flags) => (await import('./analysis-actions.js')).estimateAction(file, flags));

  withDesignFlags(
    program
      .command('compare')
      .description('difference of a mean or proportion between the two levels of a group, with the design-based t test (R svyttest)')
      .requiredOption('--mean <col>', 'the variable compared')
      .requiredOption('--group <col>', 'a column with exactly two levels (in the subset)'),
  ).action(async (file: string, flags) => (await import('./analysis-actions.js')).compareAction(file, flags));

  withDesignFlags(
    program
      .command('tabulate')
      .description('weighted two-way table with the Rao-Scott tests of independence (R svychisq)')
      .requiredOption('--rows <col>', 'row variable')
      .requiredOption('--cols <col>', 'column variable'),
  ).action(async (file: string, flags) => (await import('./analysis-actions.js')).tabulateAction(file, flags));
}
