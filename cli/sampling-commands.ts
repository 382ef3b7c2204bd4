import { Command, Option } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `sample select` and `weights`. */
export function registerSamplingCommands(program: Command): void {
  const sample = program.command('sample').description('draw samples from a frame and a listing');
  sample
    .command('select')
    .description('select enumeration areas (PPS or SRS, by stratum) and households by screening status and quota, reproducibly')
    .requiredOption('--design <file>', 'sample design (design.json)')
    .requiredOption('--frame <file>', 'frame CSV of first-stage units')
    .option('--listing <file>', 'listing CSV of households in the selected units (for the second stage)')
    .requiredOption('--seed <n>', 'random seed: the same seed gives the same sample')
    .requiredOption('--out <file>', 'where to write the selection (CSV)')
    .option('--report <file>', 'where to write a JSON report (allocation, certainty units, shortfalls)')
    .action(async (opts) => (await import('./sampling-actions.js')).selectAction(opts));

  program
    .command('weights')
    .description('weights for a responding sample: design weights, nonresponse adjustment, post-stratification, raking or calibration, trimming')
    .argument('<file>', 'the sample CSV (from `sample select`, with fieldwork results)')
    .requiredOption('--design <file>', 'the sample design (design.json) the sample was drawn with')
    .option('--design-weight <col>', 'column of the design weights (default design_weight, or w1 for a one-stage design)')
    .option('--nonresponse <col>', 'disposition column: respondent, nonrespondent, ineligible, unknown (or R, NR, IN, UK)')
    .option('--classes <cols>', 'weighting classes for the nonresponse adjustment')
    .option('--poststratify <col=totals.csv>', 'post-stratify to population totals (CSV: category,total)')
    .option('--rake <col=totals.csv>', 'a raking margin (repeat the flag for each margin)', collect)
    .option('--tolerance <number>', 'raking: stop when every margin is within this relative error of its targets (default 1e-10)')
    .option(
      '--epsilon <number>',
      "raking: R's rule instead: stop when no cell of the margins moves by this much between sweeps (below 1: relative to the weight total)",
    )
    .option('--max-iterations <n>', 'raking: most sweeps (default 1000)')
    .addOption(new Option('--calibrate <method>', 'calibrate to totals (--totals)').choices(['linear', 'bounded', 'logit']))
    .option('--bounds <L,U>', 'bounds on the calibration ratio g (bounded, logit)')
    .option('--totals <file>', 'calibration totals (JSON: {"population": N, "numeric": {"x": T}, "categorical": {"v": {"a": T}}})')
    .option('--trim <L,U>', 'trim final weights to [L, U] keeping their total')
    .addOption(new Option('--replicates <type>', 'also write replicate weights put through the same steps').choices(['jk1', 'jkn', 'bootstrap']))
    .option('--boot-replicates <n>', 'bootstrap replicates (default 50)')
    .option('--seed <n>', 'seed of the bootstrap (default 1)')
    .requiredOption('--out <file>', 'where to write the weighted sample (CSV)')
    .option('--report <file>', 'where to write the diagnostics (JSON)')
    .action(async (file, opts) => (await import('./sampling-actions.js')).weightsAction(file, opts));
}
