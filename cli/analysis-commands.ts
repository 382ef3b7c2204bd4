import { Command, Option } from 'commander';
import { InputError } from '../common/errors.js';

const TABLE_PRESET_IDS = ['census-birth-age-sex', 'census-citizenship-age-sex', 'census-arrival-birth', 'nativity-sex-age'];

/** Disclosure-control flags of indicators and dataset tables. */
function withDisclosureFlags(cmd: Command): Command {
  return cmd
    .option('--min-cases <n>', 'suppress estimates from fewer unweighted cases (default 25)')
    .option('--flag-cases <n>', 'flag estimates from fewer unweighted cases as unreliable (default 50)')
    .option('--max-rse <x>', 'flag a relative standard error above this (default 0.30)')
    .option('--no-suppress', 'show suppressed values (restricted use; flags stay)');
}

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
    .addOption(
      new Option(
        '--pps <method>',
        "PSUs drawn by PPS without replacement: the first --fpc column is each PSU's inclusion probability (R svydesign pps=)",
      ).choices(['brewer', 'overton']),
    )
    .addOption(new Option('--lonely-psu <option>', 'strata with a single PSU').choices(LONELY_PSU_OPTIONS).default('fail'))
    .option('--factor <cols>', 'numeric-coded columns to treat as categories (one proportion per code), as R factor()')
    .option('--subset <expr>', 'subpopulation, in the questionnaire expression language (e.g. "${age} >= 6 and ${age} <= 17")')
    .addOption(new Option('--replicates <type>', 'variance from replicate weights created from the design').choices(['jk1', 'jkn', 'brr', 'fay', 'bootstrap']))
    .option('--repweights <cols>', 'variance from replicate weight columns of the file (comma-separated, or PREFIX* for every column starting with PREFIX)')
    .addOption(
      new Option('--rep-type <type>', 'kind of the given replicate weights (sets the default scale)')
        .choices(['JK1', 'JKn', 'BRR', 'Fay', 'bootstrap', 'other'])
        .default('other'),
    )
    .option('--rep-scale <number>', 'scale of the given replicate weights (overrides the default of --rep-type)')
    .option('--fay-rho <number>', "Fay's rho: for --replicates fay (default 0.3); required with --rep-type Fay")
    .option(
      '--rscales <list|report.json>',
      'per-replicate factors of given JKn weights ((n_h-1)/n_h): comma-separated, or the weights report of mdsurvey weights',
    )
    .option('--boot-replicates <n>', 'number of bootstrap replicates (default 50)')
    .option('--seed <n>', 'seed of the bootstrap draw (default 1)')
    .option('--mse', 'centre replicate variances on the full-sample estimate')
    .option(
      '--poststratify <col=totals.csv>',
      'post-stratify the weights to population totals (CSV: category,total), as R postStratify(): SEs from the residuals',
    )
    .option(
      '--rake <col=totals.csv>',
      'rake the weights to this margin (repeat for each margin), as R rake() with its defaults',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .addOption(new Option('--calibrate <method>', 'calibrate the weights to --totals, as R calibrate()').choices(['linear', 'bounded', 'logit']))
    .option('--totals <file.json>', 'calibration totals: {"population": N, "numeric": {"x": T}, "categorical": {"v": {"a": T}}}')
    .option('--bounds <L,U>', 'bounds on the calibration ratio g (bounded, logit)')
    .option(
      '--calibration <report.json>',
      'the --report of `mdsurvey weights`: --weights were calibrated as it records (its base column must be in the file); SEs use the calibration residuals',
    )
    .addOption(new Option('--format <format>', 'output format (xlsx: datasets only)').choices(['json', 'csv', 'xlsx']).default('json'));
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
      .option('--table <name>', 'with a postgres:// URL in place of FILE: the table (or schema.table) to estimate on, inside the database')
      .option(
        '--spec <file.json>',
        'many estimates in one reading of the file: {"estimates": [{"name", "mean"|"total"|"ratio"|"quantile", "by", "subset"}, ...]}',
      )
      .addOption(new Option('--proportion-ci <method>', 'interval for proportions').choices(['t', 'korn-graubard']).default('t')),
  ).action(async (file: string, flags) => {
    // The worker that will read half of a large CSV file loads its code meanwhile (io/csv-cells.ts).
    if (!flags.replicates && !flags.repweights) (await import('../io/csv-cells-prestart.js')).prestartCellsWorker(file);
    return (await import('./analysis-actions.js')).estimateAction(file, flags);
  });

  withDesignFlags(
    program
      .command('compare')
      .description(
        'difference of a mean or proportion between the two levels of a group, with the design-based t test (R svyttest); without --group, the one-sample test of the mean against --mu',
      )
      .requiredOption('--mean <col>', 'the variable compared')
      .option('--group <col>', 'a column with exactly two levels (in the subset)')
      .option('--mu <number>', 'one-sample test (no --group): the hypothesised mean (default 0), as R svyttest(I(y - mu) ~ 0)'),
  ).action(async (file: string, flags) => (await import('./analysis-actions.js')).compareAction(file, flags));

  withDesignFlags(
    program
      .command('regress')
      .description(
        'design-based linear or logistic regression (R svyglm): coefficients with sandwich or replicate standard errors, t tests on the residual df, Wald tests of terms (regTermTest) and predicted margins by group (svypredmeans)',
      )
      .requiredOption(
        '--formula <formula>',
        'the model, e.g. "remit ~ hh_size + factor(region) + urban*female_head"; factor(x) and text columns are categories (first sorted level the reference)',
      )
      .addOption(
        new Option('--family <family>', 'gaussian (linear) or quasibinomial (logistic, for a 0/1 outcome)')
          .choices(['gaussian', 'quasibinomial', 'linear', 'logistic'])
          .default('gaussian'),
      )
      .option(
        '--test <terms>',
        'Wald test that these terms (comma-separated, e.g. "region" or "urban,urban:female_head") are all zero; repeatable',
        (v: string, prev: string[]) => [...prev, v],
        [] as string[],
      )
      .option('--margins <col>', 'predicted margins per level of this column, not in the formula (R svypredmeans), and their differences to the first level')
      .option('--level <name>', 'on a dataset (folder or .zip): the level (file) of the rows (default the household level); its design comes from design.json'),
  ).action(async (file: string, flags) => {
    const actions = await import('./analysis-actions.js');
    if ((await import('./dataset-actions.js')).isDataset(file)) return actions.regressDatasetAction(file, flags);
    return actions.regressAction(file, flags);
  });

  withDisclosureFlags(
    withDesignFlags(
      program
        .command('tabulate')
        .description(
          'weighted two-way table with the Rao-Scott tests of independence (R svychisq); on a dataset (folder or .zip): presets, --by, margins and disclosure control',
        )
        .option('--rows <col>', 'row variable')
        .option('--cols <col>', 'column variable')
        .option('--preset <id>', `a standard table on a dataset: ${TABLE_PRESET_IDS.join(', ')}`)
        .option('--by <col>', 'dataset: one table per level of this variable')
        .option('--level <name>', "dataset: the level (file) to tabulate (default: the preset's, else the household level)")
        .option('--universe <expr>', 'dataset: who is counted (expression), e.g. "${age} >= 15"')
        .addOption(
          new Option('--stat <stat>', 'dataset, csv output: weighted counts or percentages of the table').choices(['count', 'percent']).default('count'),
        )
        .option('--age-groups <breaks>', 'dataset: lower bounds of the age groups (default 0,15,25,35,45,55,65)')
        .option('--arrival-periods <breaks>', 'dataset: first years of the periods of arrival (default 2000,2010,2015,2020)')
        .option('--top-countries <n>', 'dataset: countries shown by name; the others by world region (default 10)')
        .option('--country-groups <file.json>', 'dataset: {"CODE": "group"} grouping of countries')
        .option('--language <code>', 'dataset: language of the category labels (default en)')
        .option('--out <file>', 'write to this file (required for xlsx)'),
    ),
  ).action(async (file: string, flags) => {
    const actions = await import('./dataset-actions.js');
    if (actions.isDataset(file)) return actions.tabulateDatasetAction(file, flags);
    if (!flags.rows || !flags.cols) throw new InputError('bad-flags', 'tabulate on a CSV file needs --rows and --cols');
    if (flags.format === 'xlsx') throw new InputError('bad-flags', '--format xlsx needs a dataset (folder or .zip)');
    return (await import('./analysis-actions.js')).tabulateAction(file, flags);
  });

  withDisclosureFlags(
    program
      .command('indicators')
      .description('the indicator catalogue on a survey dataset: estimates per group with se, 95% ci, n, differences to non-migrant households and flags')
      .argument('<dataset>', 'dataset folder or .zip (design.json, codebook.json, one CSV per level)')
      .option('--compare <col>', 'group variable (e.g. hh_migration_status): estimates per level and for all non-reference levels together')
      .option('--reference <level>', 'reference level of --compare (default H0, else the first)')
      .option('--by <cols>', 'domains: one estimate per combination of levels (e.g. region,sex)')
      .addOption(
        new Option('--p-adjust <method>', 'differences are descriptive (unadjusted t tests); holm also adjusts their p values within each indicator')
          .choices(['none', 'holm'])
          .default('none'),
      )
      .option('--where <expression>', 'restrict every estimate to a domain, e.g. "${hh_immigrant_household} = 0" (the full design is kept)')
      .option('--only <ids>', 'only these indicators (comma-separated ids)')
      .option('--catalogue <file.json>', 'an indicator catalogue instead of the shipped one')
      .option('--language <code>', 'language of the labels', 'en')
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'xlsx']).default('json'))
      .option('--out <file>', 'write to this file (required for xlsx)'),
  ).action(async (dataset: string, flags) => (await import('./dataset-actions.js')).indicatorsAction(dataset, flags));

  program
    .command('report')
    .description(
      'the Migration Profile statistical annex of a survey dataset: households by migration status, emigrants, return migrants, immigrants, remittances (with the national total), the indicators by migratory status and a technical annex, as XLSX, printable HTML and PDF (headless Chromium)',
    )
    .argument('<dataset>', 'dataset folder or .zip')
    .requiredOption('--out <dir>', 'folder for annex.xlsx, annex.html, annex.pdf and annex.json')
    .addOption(new Option('--language <code>', 'language of the annex').choices(['en', 'fr', 'es']).default('en'))
    .option('--no-pdf', 'do not print the PDF')
    .action(async (dataset: string, flags) => (await import('./report-actions.js')).reportAction(dataset, flags));

  program
    .command('monitor')
    .description(
      "the monitoring matrix of a plan across survey rounds: each round's estimate with its interval, change from baseline and previous round with se and test, progress towards the target, status; XLSX, CSV and JSON",
    )
    .argument('<plan>', 'the monitoring plan (.json, or .xlsx with sheets plan, rounds, indicators); dataset paths relative to it')
    .requiredOption('--out <dir>', 'folder for monitoring.xlsx, monitoring.csv and monitoring.json')
    .option('--catalogue <file.json>', 'an indicator catalogue instead of the shipped one')
    .action(async (plan: string, flags) => (await import('./monitor-actions.js')).monitorAction(plan, flags));

  program
    .command('dataset')
    .description('work on survey datasets')
    .command('attach')
    .description(
      'join columns of a CSV (final weights from `mdsurvey weights`, replicate weights) onto the household file by a case key and set the design; writes a new dataset',
    )
    .argument('<dataset>', 'dataset folder or .zip')
    .requiredOption('--from <file.csv>', 'CSV with the columns to attach')
    .requiredOption('--on <key>', 'case key: a column both have, or DATASET_COLUMN=FILE_COLUMN')
    .requiredOption('--out <dir>', 'new or empty folder for the new dataset')
    .option('--columns <cols>', 'columns to attach (default: every column the household file lacks; PREFIX* allowed)')
    .option('--weights <col>', 'set the weight column of the design')
    .option('--strata <col>', 'set the stratum column')
    .option('--ids <cols>', 'set the cluster columns (PSU[,SSU])')
    .option('--fpc <cols>', 'set the fpc columns')
    .addOption(new Option('--lonely-psu <option>', 'strata with a single PSU').choices(LONELY_PSU_OPTIONS))
    .option('--repweights <cols>', 'replicate weight columns (PREFIX* allowed), e.g. repw*')
    .addOption(new Option('--rep-type <type>', 'kind of the replicate weights').choices(['JK1', 'JKn', 'BRR', 'Fay', 'bootstrap', 'other']))
    .option('--rep-scale <number>', 'scale of the replicate variance')
    .option('--rep-report <file.json>', 'the --report of `mdsurvey weights`: type, scale and per-replicate factors of its replicates')
    .option('--allow-zero-weights', 'keep households whose weight is 0 or missing (out of scope by design); refused otherwise')
    .action(async (dataset: string, flags) => (await import('./dataset-actions.js')).attachAction(dataset, flags));

  program
    .command('export')
    .description('microdata of a dataset as CSV and Stata .dta per level, with design.json, codebook.json, disclosure.json, svyset.do and svydesign.R')
    .argument('<dataset>', 'dataset folder or .zip')
    .requiredOption('--out <dir>', 'new or empty folder to write to')
    .option('--public', 'public-use file: identifiers dropped, age grouped, rare countries coarsened, k-anonymity by local suppression')
    .option('--k <n>', 'k of k-anonymity (default 3)')
    .option('--rare-country <n>', 'a country of birth with fewer records is shown as its world region (default 20)')
    .option('--protect <vars>', 'key variables suppressed only when nothing else is left (default country_birth)')
    .option('--format <list>', 'csv, dta or both', 'csv,dta')
    .option('--language <code>', 'language of the .dta labels', 'en')
    .option('--seed <n>', 'seed of the meaningless codes of a public-use file')
    .action(async (dataset: string, flags) =>
      (await import('./dataset-actions.js')).exportAction(dataset, { ...flags, public: flags.public === true, formats: flags.format }),
    );
}
