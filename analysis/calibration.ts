import { InputError } from '../common/errors.js';
import { categoricalColumn, numericColumn, sortedLevelOrder, type DataTable } from './table.js';
import { inverse } from './linalg.js';

/** Known population totals for the categories of one variable (a census margin). */
export interface Margin {
  variable: string;
  /** Category label -> population total. */
  totals: ReadonlyMap<string, number>;
}

/** Replaces an influence variable by its calibration residual (as R survey's svyrecvar does). */
export type Residualiser = (z: Float64Array) => Float64Array;

/** New weights with what the variance needs to know about how they were made. */
export interface CalibrationResult {
  weights: Float64Array;
  residualise: Residualiser;
  iterations: number;
  converged: boolean;
  /** Not converged (kept, see keepUnconverged): the largest relative misfit |T - t| / (1 + |T|). */
  failed?: number;
  /** Achieved totals against targets, per margin or variable. */
  achieved: { variable: string; category: string | null; target: number; achieved: number }[];
}

interface CodedMargin {
  variable: string;
  codes: Int32Array;
  /** Population total per category code (NaN: category not in the sample). */
  target: Float64Array;
  labels: string[];
}

/** Maps a margin onto the table's categories; a sample category missing from the totals, or a target category with no sample case, is an InputError naming it. */
function codeMargin(table: DataTable, margin: Margin): CodedMargin {
  const col = categoricalColumn(table, margin.variable, 'margin');
  const missingRow = col.codes.indexOf(-1);
  if (missingRow >= 0) {
    throw new InputError(
      'missing-value',
      `row ${missingRow + 1}: the calibration variable "${margin.variable}" is missing`,
      `row ${missingRow + 1}, column ${margin.variable}`,
    );
  }
  const counts = new Int32Array(col.levels.length);
  for (const c of col.codes) counts[c]++;
  const target = new Float64Array(col.levels.length).fill(NaN);
  col.levels.forEach((label, k) => {
    const t = margin.totals.get(label);
    if (t === undefined && counts[k] > 0) {
      throw new InputError(
        'margin-category-missing',
        `margin "${margin.variable}": category "${label}" is in the sample but has no population total`,
        margin.variable,
      );
    }
    if (t !== undefined) {
      if (!(t >= 0) || !Number.isFinite(t))
        throw new InputError('bad-total', `margin "${margin.variable}": the total of "${label}" must be a non-negative number`, margin.variable);
      target[k] = t;
    }
  });
  for (const [label, t] of margin.totals) {
    const k = col.levels.indexOf(label);
    if ((k < 0 || counts[k] === 0) && t > 0) {
      throw new InputError(
        'margin-category-empty',
        `margin "${margin.variable}": category "${label}" has a population total of ${t} but no sample cases; collapse it with a neighbouring category`,
        margin.variable,
      );
    }
  }
  return { variable: margin.variable, codes: col.codes, target, labels: col.levels };
}

function sumsByCode(codes: Int32Array, w: Float64Array, nLevels: number): Float64Array {
  const s = new Float64Array(nLevels);
  for (let i = 0; i < codes.length; i++) s[codes[i]] += w[i];
  return s;
}

/**
 * GREG residual with design-weighted regression (R: postStratify, regcalibrate, grake):
 * z - w * X B with B = (X' D X)^-1 X' D (z / w), D the weights before calibration, w after.
 */
function gregResidualiser(columns: Float64Array[], before: Float64Array, after: Float64Array): Residualiser {
  const p = columns.length;
  const n = before.length;
  const xtdx = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      const ca = columns[a];
      const cb = columns[b];
      for (let i = 0; i < n; i++) s += before[i] * ca[i] * cb[i];
      xtdx[a * p + b] = xtdx[b * p + a] = s;
    }
  }
  const inv = inverse(xtdx, p);
  return (z) => {
    const rhs = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      const ca = columns[a];
      let s = 0;
      for (let i = 0; i < n; i++) if (after[i] !== 0) s += (before[i] * ca[i] * z[i]) / after[i];
      rhs[a] = s;
    }
    const beta = new Float64Array(p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) beta[a] += inv[a * p + b] * rhs[b];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let fit = 0;
      for (let a = 0; a < p; a++) fit += columns[a][i] * beta[a];
      out[i] = z[i] - after[i] * fit;
    }
    return out;
  };
}

/** Post-stratification residual: the GREG residual with indicator columns, computed per category in O(n). */
function postStratumResidualiser(codes: Int32Array, nLevels: number, before: Float64Array, after: Float64Array): Residualiser {
  const denom = sumsByCode(codes, before, nLevels);
  return (z) => {
    const num = new Float64Array(nLevels);
    for (let i = 0; i < z.length; i++) if (after[i] !== 0) num[codes[i]] += (z[i] * before[i]) / after[i];
    const out = new Float64Array(z.length);
    for (let i = 0; i < z.length; i++) {
      const c = codes[i];
      out[i] = z[i] - (denom[c] > 0 ? num[c] / denom[c] : 0) * after[i];
    }
    return out;
  };
}

/** Post-stratifies: within each category, weights times N_g / sum w (R postStratify). */
export function postStratify(table: DataTable, weights: Float64Array, margin: Margin): CalibrationResult {
  const m = codeMargin(table, margin);
  const L = m.labels.length;
  const sums = sumsByCode(m.codes, weights, L);
  for (let k = 0; k < L; k++) {
    if (sums[k] === 0 && m.target[k] > 0) {
      throw new InputError('margin-category-empty', `post-stratum "${m.labels[k]}" of "${margin.variable}" has no weight in the sample`, margin.variable);
    }
  }
  const out = new Float64Array(weights.length);
  for (let i = 0; i < out.length; i++) {
    const c = m.codes[i];
    out[i] = sums[c] > 0 ? (weights[i] * m.target[c]) / sums[c] : 0;
  }
  return {
    weights: out,
    residualise: postStratumResidualiser(m.codes, L, weights, out),
    iterations: 1,
    converged: true,
    achieved: achievedOf([m], out),
  };
}

function achievedOf(margins: CodedMargin[], w: Float64Array): CalibrationResult['achieved'] {
  return margins.flatMap((m) => {
    const s = sumsByCode(m.codes, w, m.labels.length);
    return m.labels.map((label, k) => ({ variable: m.variable, category: label, target: m.target[k], achieved: s[k] }));
  });
}

export interface RakeOptions {
  /** Stop when the weighted cross-table of all margin variables changes by less than this (R: epsilon, default 1 weight unit). */
  epsilon?: number;
  /** epsilon is relative to the sum of weights (R: epsilon < 1 means relative). Default: absolute when epsilon >= 1. */
  relative?: boolean;
  /** Most sweeps (R default 10). */
  maxIterations?: number;
  /**
   * Stop instead when every margin is within this relative error of its targets,
   * max |achieved - target| / target (R's rule, the change between sweeps, is used when absent).
   */
  marginTolerance?: number;
  /** Throw when not converged (default); false returns converged: false. */
  failOnNonConvergence?: boolean;
  /** Called after every sweep (for progress). */
  onIteration?: (iteration: number, change: number) => void;
  /**
   * Exactly this many sweeps, without a convergence test: how R rakes the replicates of a replicate
   * design (every replicate gets as many sweeps as the full sample took).
   */
  sweeps?: number;
}

/**
 * Raking (iterative proportional fitting), as R `rake()`: each sweep post-stratifies to every margin
 * in turn; it stops when no cell of the weighted cross-table of the margin variables moved by epsilon
 * or more. Margins whose totals disagree, and categories without sample cases, are InputErrors.
 */
export function rake(table: DataTable, weights: Float64Array, margins: readonly Margin[], options: RakeOptions = {}): CalibrationResult {
  if (margins.length === 0) throw new InputError('no-margins', 'raking needs at least one margin');
  const coded = margins.map((m) => codeMargin(table, m));
  const grand = coded.map((m) => m.target.reduce((s, t) => s + (Number.isNaN(t) ? 0 : t), 0));
  for (let j = 1; j < grand.length; j++) {
    if (Math.abs(grand[j] - grand[0]) > 1e-9 * Math.max(1, Math.abs(grand[0]))) {
      throw new InputError(
        'margins-disagree',
        `the margins' totals disagree: "${margins[0].variable}" sums to ${grand[0]} but "${margins[j].variable}" to ${grand[j]}`,
        margins[j].variable,
      );
    }
  }
  const maxIterations = options.sweeps ?? options.maxIterations ?? 10;
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const eps = options.epsilon ?? 1;
  const epsilon = (options.relative ?? eps < 1) ? eps * total : eps;

  // Every unit of a cell of the cross-classification gets the same factor at each step, so the
  // sweeps run on the table of cells; unit weights are the base weight times the cell's factor.
  const { cellOf, nCells, codeOfCell } = crossCells(coded, n);
  const cellBase = new Float64Array(nCells);
  for (let i = 0; i < n; i++) cellBase[cellOf[i]] += weights[i];
  const factor = new Float64Array(nCells).fill(1);
  const stepFactors = coded.map(() => new Float64Array(nCells));
  const oldTable = Float64Array.from(cellBase);
  const newTable = new Float64Array(nCells);
  let iteration = 0;
  let converged = false;
  let change = Infinity;
  while (iteration < maxIterations) {
    coded.forEach((m, j) => {
      const codes = codeOfCell[j];
      const sums = new Float64Array(m.labels.length);
      for (let c = 0; c < nCells; c++) sums[codes[c]] += cellBase[c] * factor[c];
      for (let c = 0; c < nCells; c++) {
        const k = codes[c];
        factor[c] = sums[k] > 0 ? (factor[c] * m.target[k]) / sums[k] : 0;
      }
      stepFactors[j].set(factor);
    });
    change = 0;
    for (let c = 0; c < nCells; c++) {
      newTable[c] = cellBase[c] * factor[c];
      change = Math.max(change, Math.abs(newTable[c] - oldTable[c]));
    }
    if (options.marginTolerance !== undefined) change = marginError(coded, codeOfCell, newTable);
    options.onIteration?.(iteration + 1, change);
    if (options.sweeps === undefined && (options.marginTolerance !== undefined ? change < options.marginTolerance : change < epsilon)) {
      converged = true;
      break;
    }
    oldTable.set(newTable);
    iteration++;
  }
  if (options.sweeps !== undefined) converged = true;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = weights[i] * factor[cellOf[i]];
  if (!converged && (options.failOnNonConvergence ?? true)) {
    const worst = achievedOf(coded, w).reduce((a, b) => (Math.abs(b.achieved - b.target) > Math.abs(a.achieved - a.target) ? b : a));
    throw new InputError(
      'raking-not-converged',
      `raking did not converge in ${maxIterations} sweeps (last ${options.marginTolerance !== undefined ? 'relative margin error' : 'change'} ${change.toPrecision(3)}, tolerance ${(options.marginTolerance ?? epsilon).toPrecision(3)}); furthest from its target: ${worst.variable}=${worst.category} (${worst.achieved.toPrecision(8)} against ${worst.target}). Allow more sweeps or collapse sparse categories`,
      worst.variable,
    );
  }
  // As R's svyrecvar for raking: ten passes of centring z / w within each margin's categories
  // (unweighted means), w being the weights after that margin in the last sweep.
  const residualise: Residualiser = (z) => {
    const x = Float64Array.from(z);
    for (let pass = 0; pass < 10; pass++) {
      coded.forEach((m, j) => {
        const L = m.labels.length;
        const f = stepFactors[j];
        const sums = new Float64Array(L);
        const counts = new Float64Array(L);
        for (let i = 0; i < n; i++) {
          const c = m.codes[i];
          counts[c]++;
          const psw = weights[i] * f[cellOf[i]];
          if (psw !== 0) sums[c] += x[i] / psw;
        }
        for (let c = 0; c < L; c++) sums[c] /= counts[c];
        for (let i = 0; i < n; i++) x[i] -= weights[i] * f[cellOf[i]] * sums[m.codes[i]];
      });
    }
    return x;
  };
  return {
    weights: w,
    residualise,
    iterations: options.sweeps !== undefined ? iteration : converged ? iteration + 1 : iteration,
    converged,
    achieved: achievedOf(coded, w),
  };
}

/** Largest relative distance of a margin category from its target, computed on the cell table. */
function marginError(coded: CodedMargin[], codeOfCell: Int32Array[], table: Float64Array): number {
  let worst = 0;
  coded.forEach((m, j) => {
    const sums = new Float64Array(m.labels.length);
    for (let c = 0; c < table.length; c++) sums[codeOfCell[j][c]] += table[c];
    for (let k = 0; k < sums.length; k++) {
      const t = m.target[k];
      if (t > 0) worst = Math.max(worst, Math.abs(sums[k] - t) / t);
    }
  });
  return worst;
}

/** Cells of the cross-classification of the margins: the cell of each unit and each cell's category per margin. */
function crossCells(coded: CodedMargin[], n: number): { cellOf: Int32Array; nCells: number; codeOfCell: Int32Array[] } {
  const cellOf = new Int32Array(n);
  const radices = coded.map((m) => m.labels.length);
  const product = radices.reduce((a, b) => a * b, 1);
  const keys: number[] = [];
  if (product <= 1 << 22) {
    // Dense mixed-radix index, compacted to the cells that occur.
    const dense = new Int32Array(product).fill(-1);
    for (let i = 0; i < n; i++) {
      let key = 0;
      for (const m of coded) key = key * m.labels.length + m.codes[i];
      let c = dense[key];
      if (c < 0) {
        c = dense[key] = keys.length;
        keys.push(key);
      }
      cellOf[i] = c;
    }
  } else {
    const index = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      let key = 0;
      for (const m of coded) key = key * m.labels.length + m.codes[i];
      let c = index.get(key);
      if (c === undefined) {
        c = keys.length;
        index.set(key, c);
        keys.push(key);
      }
      cellOf[i] = c;
    }
  }
  const codeOfCell = coded.map(() => new Int32Array(keys.length));
  keys.forEach((key, c) => {
    for (let j = coded.length - 1; j >= 0; j--) {
      codeOfCell[j][c] = key % radices[j];
      key = Math.floor(key / radices[j]);
    }
  });
  return { cellOf, nCells: keys.length, codeOfCell };
}

/** Calibration targets: numeric totals, categorical margins and (optionally) the population size. */
export interface CalibrationTargets {
  /** Population size: adds an intercept column. */
  population?: number;
  /** Totals of numeric variables. */
  numeric?: ReadonlyMap<string, number>;
  /** Totals per category of categorical variables. */
  categorical?: readonly Margin[];
}

export type CalibrationMethod = 'linear' | 'bounded' | 'logit';

export interface CalibrateOptions {
  method?: CalibrationMethod;
  /** Bounds on g = new weight / old weight (bounded linear and logit). */
  bounds?: [number, number];
  /** Convergence: max |T - t| / (1 + |T|) (default 1e-7, as R). */
  tolerance?: number;
  maxIterations?: number;
  /**
   * Keep the weights of the last step when the totals are not reached (converged: false, `failed` the
   * largest relative misfit), as R does for each replicate of a replicate design; default: an InputError,
   * as R's calibrate() stops ("Calibration failed") on the full sample.
   */
  keepUnconverged?: boolean;
}

/**
 * Calibration to known totals (Deville and Sarndal): w = d F(x' lambda), Newton steps on lambda.
 * linear: F(u) = 1 + u (one step, R regcalibrate); bounded: F clipped to [L, U]; logit: the
 * logit distance with bounds L < 1 < U. Impossible targets (no convergence, singular system) are InputErrors.
 */
export function calibrate(table: DataTable, weights: Float64Array, targets: CalibrationTargets, options: CalibrateOptions = {}): CalibrationResult {
  const n = weights.length;
  const columns: Float64Array[] = [];
  const names: { variable: string; category: string | null }[] = [];
  const T: number[] = [];
  if (targets.population !== undefined) {
    columns.push(new Float64Array(n).fill(1));
    names.push({ variable: '(population)', category: null });
    T.push(targets.population);
  }
  for (const [variable, total] of targets.numeric ?? []) {
    const v = numericColumn(table, variable, 'calibration');
    const bad = v.findIndex((x) => Number.isNaN(x));
    if (bad >= 0)
      throw new InputError('missing-value', `row ${bad + 1}: the calibration variable "${variable}" is missing`, `row ${bad + 1}, column ${variable}`);
    columns.push(v);
    names.push({ variable, category: null });
    T.push(total);
  }
  for (const margin of targets.categorical ?? []) {
    const m = codeMargin(table, margin);
    // With an intercept, one category is redundant: leave out the first in sorted order, as R's
    // model.matrix does (treatment contrasts on a factor's sorted levels), whatever the file order.
    const order = sortedLevelOrder(m.labels);
    order.forEach((k, rank) => {
      const label = m.labels[k];
      if (targets.population !== undefined && rank === 0) return;
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = m.codes[i] === k ? 1 : 0;
      columns.push(col);
      names.push({ variable: margin.variable, category: label });
      T.push(m.target[k]);
    });
  }
  const p = columns.length;
  if (p === 0) throw new InputError('no-targets', 'calibration needs at least one population total');
  const method = options.method ?? 'linear';
  const [L, U] = options.bounds ?? [-Infinity, Infinity];
  if (method !== 'linear' && !(L < 1 && U > 1)) throw new InputError('bad-bounds', `calibration bounds must satisfy lower < 1 < upper, got ${L},${U}`);
  if (method === 'logit' && !(Number.isFinite(L) && Number.isFinite(U))) throw new InputError('bad-bounds', 'logit calibration needs finite bounds');
  const F = distance(method, L, U);
  const tolerance = options.tolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 50;

  // R's grake: Newton steps eta += ginv(sum w F'(x'eta) x x') (T - t), halving a step whose g is not
  // finite, until every |T - t| / (1 + |T|) < tolerance, at most maxIterations steps.
  const lambda = new Float64Array(p);
  const g = new Float64Array(n);
  const deriv = new Float64Array(n);
  const current = () => {
    const t = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      const ca = columns[a];
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * g[i] * ca[i];
      t[a] = s;
    }
    return t;
  };
  const update = () => {
    let finite = true;
    for (let i = 0; i < n; i++) {
      let u = 0;
      for (let a = 0; a < p; a++) u += columns[a][i] * lambda[a];
      g[i] = F.value(u);
      deriv[i] = F.derivative(u);
      if (!Number.isFinite(g[i]) || !Number.isFinite(deriv[i])) finite = false;
    }
    return finite;
  };
  update();
  const misfit = () => {
    const t = current();
    return T.map((x, a) => x - t[a]);
  };
  let iterations = 0;
  let iter = 1;
  let converged = false;
  let failed = NaN;
  for (;;) {
    // G = sum d F'(x'lambda) x x'
    const G = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      const d = weights[i] * deriv[i];
      if (d === 0) continue;
      for (let a = 0; a < p; a++) {
        const da = d * columns[a][i];
        if (da === 0) continue;
        for (let b = a; b < p; b++) G[a * p + b] += da * columns[b][i];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) G[a * p + b] = G[b * p + a];
    const inv = pseudoInverse(G, p);
    const m = misfit();
    const step = new Float64Array(p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) step[a] += inv[a * p + b] * m[b];
    for (let a = 0; a < p; a++) lambda[a] += step[a];
    iterations++;
    while (!update() && iter < maxIterations) {
      iter++;
      for (let a = 0; a < p; a++) {
        step[a] /= 2;
        lambda[a] -= step[a];
      }
    }
    const after = misfit();
    let worst = 0;
    for (let a = 0; a < p; a++) worst = Math.max(worst, Math.abs(after[a]) / (1 + Math.abs(T[a])));
    if (worst < tolerance) {
      converged = true;
      break;
    }
    iter++;
    if (iter > maxIterations) {
      failed = worst;
      break;
    }
  }
  if (!converged && !options.keepUnconverged) {
    throw new InputError(
      'calibration-not-converged',
      `${method} calibration did not reach the totals in ${maxIterations} iterations${Number.isFinite(L) ? ` within bounds ${L},${U}` : ''} (largest relative misfit ${failed.toPrecision(3)}): widen the bounds, drop a target, or check that the targets are not collinear`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = weights[i] * g[i];
  const t = current();
  return {
    weights: out,
    residualise: gregResidualiser(columns, weights, out),
    iterations,
    converged,
    ...(converged ? {} : { failed }),
    achieved: names.map((x, a) => ({ variable: x.variable, category: x.category, target: T[a], achieved: t[a] })),
  };
}

/**
 * Moore-Penrose inverse of a symmetric matrix (p x p, row-major) from its eigen-decomposition (cyclic
 * Jacobi rotations): eigenvalues below 256 machine epsilons of the largest are treated as zero, as R's
 * MASS::ginv(tol = 256 * .Machine$double.eps) in survey's grake.
 */
function pseudoInverse(a: Float64Array, p: number): Float64Array {
  const A = Float64Array.from(a);
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) V[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += A[i * p + j] * A[i * p + j];
    if (off < 1e-300) break;
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) {
        const aij = A[i * p + j];
        if (aij === 0) continue;
        const theta = (A[j * p + j] - A[i * p + i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = A[k * p + i];
          const akj = A[k * p + j];
          A[k * p + i] = c * aki - s * akj;
          A[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = A[i * p + k];
          const ajk = A[j * p + k];
          A[i * p + k] = c * aik - s * ajk;
          A[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = V[k * p + i];
          const vkj = V[k * p + j];
          V[k * p + i] = c * vki - s * vkj;
          V[k * p + j] = s * vki + c * vkj;
        }
      }
  }
  let largest = 0;
  for (let i = 0; i < p; i++) largest = Math.max(largest, Math.abs(A[i * p + i]));
  const out = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const ev = A[k * p + k];
    if (!(Math.abs(ev) > 256 * Number.EPSILON * largest)) continue;
    for (let i = 0; i < p; i++) {
      const vik = V[i * p + k] / ev;
      if (vik === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] += vik * V[j * p + k];
    }
  }
  return out;
}

/** The calibration function F and its derivative (Deville and Sarndal 1992). */
function distance(method: CalibrationMethod, L: number, U: number): { value(u: number): number; derivative(u: number): number } {
  if (method === 'linear') return { value: (u) => 1 + u, derivative: () => 1 };
  if (method === 'bounded') {
    return {
      value: (u) => Math.min(U, Math.max(L, 1 + u)),
      derivative: (u) => (1 + u > L && 1 + u < U ? 1 : 0),
    };
  }
  const A = (U - L) / ((1 - L) * (U - 1));
  return {
    // As R's cal.logit: an overflowing exp gives NaN, and grake then halves the step.
    value: (u) => {
      const e = Math.exp(A * u);
      return (L * (U - 1) + U * (1 - L) * e) / (U - 1 + (1 - L) * e);
    },
    derivative: (u) => {
      const e = Math.exp(A * u);
      const den = U - 1 + (1 - L) * e;
      return (U * (1 - L) * e * A) / den - ((L * (U - 1) + U * (1 - L) * e) * ((1 - L) * e * A)) / (den * den);
    },
  };
}
