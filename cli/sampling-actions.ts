import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../common/errors.js';
import { numericColumn, type ColumnRole, type DataTable } from '../analysis/index.js';
import { computeWeights, parseSampleDesign, replicateWeights, selectSample, type SampleDesign, type WeightingSteps } from '../sampling/index.js';
import { readTable, readTableHeader } from '../io/read-table.js';
import { parseCalibrationTotals, parsePair, parseTotalsFile, readJson } from './calibration-flags.js';

function loadDesign(file: string): SampleDesign {
  return parseSampleDesign(readJson(file, 'the design'), file);
}

/** Every column as text (categories), except those named as numbers: output keeps the input's spelling. */
async function readAll(file: string, numbers: string[] = []): Promise<{ table: DataTable; header: string[] }> {
  const header = await readTableHeader(file);
  const roles = new Map<string, ColumnRole>(header.filter(Boolean).map((h) => [h, numbers.includes(h) ? 'number' : 'category']));
  return { table: await readTable(file, roles), header };
}

function textOf(table: DataTable, name: string, i: number): string | number {
  const c = table.columns.get(name)!;
  if (c.kind === 'number') return Number.isNaN(c.values[i]) ? '' : c.values[i];
  return c.codes[i] < 0 ? '' : c.levels[c.codes[i]];
}

function writeOut(file: string, content: string): void {
  try {
    fs.writeFileSync(file, content);
  } catch (err) {
    throw new InputError('cannot-write', `cannot write ${file}: ${(err as Error).message}`, file);
  }
}

function seedOf(text: string | undefined, flag = '--seed'): number {
  const seed = Number(text ?? 1);
  if (!Number.isInteger(seed) || seed < 0) throw new InputError('bad-flags', `${flag} takes a whole non-negative number, got "${text}"`);
  return seed;
}

/** Runs `mdsurvey sample select`. */
export async function selectAction(opts: { design: string; frame: string; listing?: string; seed: string; out: string; report?: string }): Promise<void> {
  const design = loadDesign(opts.design);
  const seed = seedOf(opts.seed);
  const first = design.stages[0];
  const { table: frame } = await readAll(opts.frame, first.size ? [first.size] : []);
  const listing = opts.listing ? (await readAll(opts.listing)).table : undefined;
  const selection = selectSample(design, frame, seed, listing);
  if (selection.rows.length === 0) throw new InputError('empty-sample', 'nothing was selected');
  const columns = Object.keys(selection.rows[0]);
  writeOut(opts.out, stringify(selection.rows, { header: true, columns }));
  const report = { seed, strata: selection.strata, clusters: selection.clusters, unlisted: selection.unlisted };
  if (opts.report) writeOut(opts.report, `${JSON.stringify(report, null, 2)}\n`);
  const households = design.stages.length === 2 && listing;
  const lines = [
    `selected ${selection.rows.length} ${households ? 'households' : `${design.stages[0].unit ?? 'first-stage unit'}s`} (seed ${seed}) -> ${opts.out}`,
  ];
  if (design.stages.length === 2 && !listing)
    lines.push('first stage only: list the households of these units, then run again with --listing and the same seed');
  lines.push('stratum            frame units  allocated  certainty  sum of 1/pi1');
  for (const s of selection.strata)
    lines.push(
      `${s.stratum.padEnd(18)} ${String(s.frameUnits).padStart(11)}  ${String(s.allocated).padStart(9)}  ${String(s.certainty).padStart(9)}  ${s.weightSum.toFixed(1).padStart(12)}`,
    );
  const shortfalls = selection.clusters.filter((c) => c.shortfalls.length);
  if (shortfalls.length)
    lines.push(`quota shortfalls (all listed households taken): ${shortfalls.map((c) => `${c.cluster} (${c.shortfalls.join(', ')})`).join('; ')}`);
  if (selection.unlisted.length) lines.push(`selected units with no listed household: ${selection.unlisted.join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs `mdsurvey weights`. */
export async function weightsAction(
  file: string,
  opts: {
    design: string;
    designWeight?: string;
    nonresponse?: string;
    classes?: string;
    poststratify?: string;
    rake?: string[];
    epsilon?: string;
    tolerance?: string;
    maxIterations?: string;
    calibrate?: 'linear' | 'bounded' | 'logit';
    bounds?: string;
    totals?: string;
    trim?: string;
    replicates?: 'jk1' | 'jkn' | 'bootstrap';
    bootReplicates?: string;
    seed?: string;
    out: string;
    report?: string;
  },
): Promise<void> {
  const design = loadDesign(opts.design);
  const weightColumn = opts.designWeight ?? (design.stages.length === 2 ? 'design_weight' : 'w1');
  if ((opts.nonresponse === undefined) !== (opts.classes === undefined) && opts.nonresponse === undefined)
    throw new InputError('bad-flags', '--classes goes with --nonresponse');
  if (opts.calibrate && !opts.totals) throw new InputError('bad-flags', '--calibrate needs --totals');
  if (opts.calibrate && opts.calibrate !== 'linear' && !opts.bounds) throw new InputError('bad-flags', `--calibrate ${opts.calibrate} needs --bounds L,U`);
  const methods = [opts.poststratify, opts.rake?.length ? 'rake' : undefined, opts.calibrate].filter(Boolean);
  if (methods.length > 1) throw new InputError('bad-flags', 'use one of --poststratify, --rake and --calibrate');
  if (opts.epsilon !== undefined && opts.tolerance !== undefined) throw new InputError('bad-flags', 'give --tolerance or --epsilon, not both');
  const epsilon = opts.epsilon === undefined ? undefined : Number(opts.epsilon);
  const tolerance = opts.tolerance === undefined ? 1e-10 : Number(opts.tolerance);
  const maxIterations = opts.maxIterations === undefined ? 1000 : Number(opts.maxIterations);
  if (epsilon !== undefined && !(epsilon > 0)) throw new InputError('bad-flags', `--epsilon takes a positive number, got "${opts.epsilon}"`);
  if (!(tolerance > 0)) throw new InputError('bad-flags', `--tolerance takes a positive number, got "${opts.tolerance}"`);
  if (!(Number.isInteger(maxIterations) && maxIterations > 0))
    throw new InputError('bad-flags', `--max-iterations takes a whole positive number, got "${opts.maxIterations}"`);
  const steps: WeightingSteps = {
    nonresponse: opts.nonresponse
      ? {
          disposition: opts.nonresponse,
          classes: (opts.classes ?? '')
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : undefined,
    poststratify: opts.poststratify ? parseTotalsFile(opts.poststratify, '--poststratify') : undefined,
    rake: opts.rake?.length ? opts.rake.map((r) => parseTotalsFile(r, '--rake')) : undefined,
    rakeOptions: {
      ...(epsilon !== undefined ? { epsilon, relative: epsilon < 1 } : { marginTolerance: tolerance }),
      maxIterations,
      onIteration: process.stderr.isTTY ? (it, change) => process.stderr.write(`\rraking: sweep ${it}, largest change ${change.toPrecision(3)}   `) : undefined,
    },
    calibrate: opts.calibrate
      ? { targets: parseCalibrationTotals(opts.totals!), method: opts.calibrate, bounds: parsePair(opts.bounds, '--bounds') }
      : undefined,
    trim: parsePair(opts.trim, '--trim'),
  };
  const { table, header } = await readAll(file, [weightColumn]);
  if (!table.columns.has(weightColumn))
    throw new InputError('unknown-column', `${file} has no design weight column "${weightColumn}" (set --design-weight)`, weightColumn);
  const designWeights = numericColumn(table, weightColumn, 'design weight');
  designWeights.forEach((w, i) => {
    if (!(w >= 0))
      throw new InputError(
        'bad-weight',
        `row ${i + 1}: the design weight (column "${weightColumn}") must be a non-negative number`,
        `row ${i + 1}, column ${weightColumn}`,
      );
  });
  const { weights, report } = computeWeights(table, designWeights, steps);
  if (process.stderr.isTTY && steps.rake) process.stderr.write('\n');

  const first = design.stages[0];
  const strataCol = first.strata ? 'stratum_h' : undefined;
  let reps: ReturnType<typeof replicateWeights> | undefined;
  if (opts.replicates) {
    reps = replicateWeights(
      table,
      designWeights,
      { strata: strataCol && table.columns.has(strataCol) ? strataCol : first.strata, psu: first.id },
      {
        type: ({ jk1: 'JK1', jkn: 'JKn', bootstrap: 'bootstrap' } as const)[opts.replicates],
        replicates: opts.bootReplicates ? Number(opts.bootReplicates) : undefined,
        seed: seedOf(opts.seed),
      },
      steps,
      process.stderr.isTTY ? (r, n) => process.stderr.write(`\rreplicate weights: ${r}/${n}   `) : undefined,
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    for (const u of reps.unconverged)
      process.stderr.write(
        `mdsurvey: warning: replicate ${u.replicate}: calibration failed to converge (largest relative misfit ${u.misfit.toPrecision(3)}); its last weights are kept, as R does\n`,
      );
  }

  // Per-stratum sums against the frame's unit counts (when the sample carries them).
  if (strataCol && table.columns.has(strataCol)) {
    const sums = new Map<string, { stratum: string; designWeightSum: number; finalWeightSum: number; cases: number; frameUnits?: number }>();
    for (let i = 0; i < table.nRows; i++) {
      const s = String(textOf(table, strataCol, i));
      const e = sums.get(s) ?? { stratum: s, designWeightSum: 0, finalWeightSum: 0, cases: 0 };
      e.designWeightSum += designWeights[i];
      e.finalWeightSum += weights[i];
      e.cases++;
      if (table.columns.has('N_h')) e.frameUnits = Number(textOf(table, 'N_h', i));
      sums.set(s, e);
    }
    report.strata = [...sums.values()];
  }

  // The calibration, recorded so that a dataset with these weights takes its variances on the
  // calibration residuals (dataset attach --rep-report): the weights before it, and its margins or totals.
  // Trimming after calibration moves the weights off the calibration: then nothing is recorded.
  const calibrated = steps.poststratify || steps.rake || steps.calibrate;
  const base = calibrated && !steps.trim ? computeWeights(table, designWeights, { nonresponse: steps.nonresponse }).weights : null;
  const totalsOf = (m: { variable: string; totals: ReadonlyMap<string, number> }) => ({ variable: m.variable, totals: Object.fromEntries(m.totals) });
  const calibration = base
    ? {
        base: 'calibration_base_weight',
        ...(steps.poststratify ? { poststratify: totalsOf(steps.poststratify) } : {}),
        ...(steps.rake ? { rake: steps.rake.map(totalsOf) } : {}),
        ...(steps.calibrate
          ? {
              calibrate: {
                method: steps.calibrate.method,
                ...(steps.calibrate.bounds ? { bounds: steps.calibrate.bounds } : {}),
                ...(steps.calibrate.targets.population !== undefined ? { population: steps.calibrate.targets.population } : {}),
                numeric: Object.fromEntries(steps.calibrate.targets.numeric ?? []),
                categorical: Object.fromEntries((steps.calibrate.targets.categorical ?? []).map((m) => [m.variable, Object.fromEntries(m.totals)])),
              },
            }
          : {}),
      }
    : undefined;
  const outHeader = [...header, ...(base ? ['calibration_base_weight'] : []), 'final_weight', ...(reps ? reps.columns.map((_, r) => `repw${r + 1}`) : [])];
  const rows: (string | number)[][] = [];
  for (let i = 0; i < table.nRows; i++) {
    const row = header.map((h) => textOf(table, h, i));
    if (base) row.push(base[i]);
    row.push(weights[i]);
    if (reps) for (const c of reps.columns) row.push(c[i]);
    rows.push(row);
  }
  writeOut(opts.out, stringify(rows, { header: true, columns: outHeader }));
  const fullReport = {
    ...report,
    ...(calibration ? { calibration } : {}),
    replicates: reps
      ? {
          type: reps.type,
          count: reps.columns.length,
          scale: reps.scale,
          rscales: Array.from(reps.rscales),
          columns: `repw1..repw${reps.columns.length}`,
          ...(reps.unconverged.length ? { unconverged: reps.unconverged } : {}),
        }
      : undefined,
  };
  if (opts.report) writeOut(opts.report, `${JSON.stringify(fullReport, null, 2)}\n`);

  const lines = [
    `weighted ${table.nRows} cases -> ${opts.out}`,
    'step                      cases>0   sum of weights      min       max   max/min  Kish deff   effective n',
  ];
  for (const s of report.steps) {
    const d = s.diagnostics;
    lines.push(
      `${s.step.padEnd(25)} ${String(d.positive).padStart(7)} ${d.sum.toFixed(1).padStart(16)} ${d.min.toPrecision(4).padStart(8)} ${d.max.toPrecision(4).padStart(9)} ${d.ratio.toFixed(1).padStart(9)} ${d.deffWeighting.toFixed(3).padStart(10)} ${d.effectiveN.toFixed(1).padStart(13)}`,
    );
  }
  if (report.achieved) {
    lines.push('margin                    target        achieved');
    for (const a of report.achieved)
      lines.push(
        `${`${a.variable}${a.category !== null ? `=${a.category}` : ''}`.padEnd(25)} ${a.target.toFixed(2).padStart(12)} ${a.achieved.toFixed(2).padStart(15)}`,
      );
  }
  if (report.rakingIterations !== undefined) lines.push(`raking converged in ${report.rakingIterations} sweeps`);
  if (reps) lines.push(`replicate weights: ${reps.columns.length} (${reps.type}, scale ${reps.scale.toPrecision(6)}) as repw1..repw${reps.columns.length}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
