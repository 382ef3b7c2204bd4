import { InputError } from '../common/errors.js';
import { designDf, type SurveyDesign } from './design.js';
import { pF, pTwoSided, qt } from './distributions.js';
import { covarianceOf, residualised } from './linearisation.js';
import { replicateDf } from './replicates.js';
import { covarianceOfReplicates, replicateWeightsOf } from './replicate-variance.js';
import { sortedLevelOrder, type DataTable } from './table.js';
import { linearisedCovariance, type Covariance } from './variance.js';
import type { Linearised } from './domain.js';
import { analysisTable, type Dataset } from './dataset.js';
import { prepareDataset, shippedCatalogue } from './indicators/catalogue.js';
import { designOfLevel } from './indicators/compute.js';
import { evaluateSubset } from './subset.js';

/**
 * Design-based regression as R survey's svyglm: the coefficients of a weighted GLM (gaussian/identity
 * or quasibinomial/logit), fitted by R's glm.fit iterations; their covariance by the sandwich (the
 * influence of each coefficient, estfun x (X'WX)^-1, through the design's linearised variance and
 * calibration) or by refitting under each replicate's weights (svrVar); t tests on the residual
 * degrees of freedom degf(design) + 1 - p; Wald tests of groups of terms (regTermTest); predicted
 * margins per level of a group (svypredmeans). Lumley, Complex Surveys (2010), ch. 5; R survey 4.1
 * svyglm.survey.design, svyglm.svyrep.design, svy.varcoef, regTermTest, svypredmeans.
 */

export type Family = 'gaussian' | 'quasibinomial';
export const FAMILIES: readonly Family[] = ['gaussian', 'quasibinomial'];

/** One variable of a formula: a column, read as a number or as a factor (categories). */
interface FormulaVariable {
  /** As written and as R names it: `x` or `factor(x)`. */
  label: string;
  column: string;
  asFactor: boolean;
}

/** A parsed model formula `y ~ a + b*c + d:e` (R's terms: main effects first, then by order). */
export interface Formula {
  response: string;
  intercept: boolean;
  /** Each term: the labels of its variables, as written. */
  terms: string[][];
  variables: Map<string, FormulaVariable>;
}

const VARIABLE = /^(?:factor\(\s*([A-Za-z_.][\w.]*)\s*\)|([A-Za-z_.][\w.]*))$/;
const MAX_FORMULA_LENGTH = 2000;
const MAX_TERMS = 200;

/** The key of a term regardless of the order of its variables (R's canonicalOrder). */
const termKey = (labels: readonly string[]) => [...labels].sort().join(':');

/** Parses `y ~ a + factor(b) + a*c - 1`; a bad formula is an InputError naming the part. */
export function parseFormula(text: string, where = '--formula'): Formula {
  if (text.length > MAX_FORMULA_LENGTH) throw new InputError('bad-formula', `the formula is longer than ${MAX_FORMULA_LENGTH} characters`, where);
  const sides = text.split('~');
  if (sides.length !== 2) throw new InputError('bad-formula', `the formula needs one "~" between the response and the terms, as in "y ~ x + group"`, where);
  const response = sides[0].trim();
  if (!/^[A-Za-z_.][\w.]*$/.test(response)) throw new InputError('bad-formula', `the response "${response}" must be a column name`, where);
  const variables = new Map<string, FormulaVariable>();
  const variable = (token: string): string => {
    const m = VARIABLE.exec(token.trim());
    if (!m) throw new InputError('bad-formula', `"${token.trim()}" is not a column name or factor(column)`, where);
    const column = m[1] ?? m[2];
    const label = m[1] ? `factor(${column})` : column;
    if (column === response) throw new InputError('bad-formula', `the response "${response}" is also a term`, where);
    variables.set(label, { label, column, asFactor: Boolean(m[1]) });
    return label;
  };
  let intercept = true;
  const expanded: string[][] = [];
  // Split on + and -, keeping the sign.
  const parts = sides[1].split(/(?=[+-])/);
  for (const raw of parts) {
    let part = raw.trim();
    let minus = false;
    if (part.startsWith('+')) part = part.slice(1).trim();
    else if (part.startsWith('-')) {
      minus = true;
      part = part.slice(1).trim();
    }
    if (part === '') throw new InputError('bad-formula', 'an empty term (two signs in a row, or a sign at the end)', where);
    if (part === '1' || part === '0') {
      if (part === '0' || minus) intercept = false;
      continue;
    }
    if (minus) throw new InputError('bad-formula', `removing a term ("- ${part}") is not supported; only "- 1" (no intercept)`, where);
    // a*b*c: every non-empty combination of the *-operands; each operand may be an a:b product.
    const operands = part.split('*').map((op) => op.split(':').map(variable));
    const count = 2 ** operands.length;
    if (count > 64) throw new InputError('bad-formula', `"${part}" has too many factors in one product`, where);
    const combos: string[][] = [];
    for (let mask = 1; mask < count; mask++) {
      const labels: string[] = [];
      operands.forEach((op, k) => {
        if (mask & (1 << k)) for (const l of op) if (!labels.includes(l)) labels.push(l);
      });
      combos.push(labels);
    }
    combos.sort((a, b) => a.length - b.length);
    expanded.push(...combos);
  }
  // R's terms(): unique terms, ordered by degree, then by first appearance.
  const seen = new Set<string>();
  const unique: string[][] = [];
  for (const t of expanded) {
    const k = termKey(t);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(t);
  }
  if (unique.length > MAX_TERMS) throw new InputError('bad-formula', `more than ${MAX_TERMS} terms`, where);
  const terms = unique.map((t, i) => ({ t, i })).sort((a, b) => a.t.length - b.t.length || a.i - b.i);
  if (!terms.length && !intercept) throw new InputError('bad-formula', 'the model has no terms and no intercept', where);
  return { response, intercept, terms: terms.map((x) => x.t), variables };
}

/** How the model reads one variable over the rows. */
interface ModelVariable {
  label: string;
  kind: 'number' | 'factor';
  /** Numbers: the values (NaN missing). */
  values?: Float64Array;
  /** Factors: level index of each row (-1 missing), levels in R's order (sorted). */
  codes?: Int32Array;
  levels?: string[];
}

/** The model matrix's plan: its columns, each the product of one piece per variable of its term. */
export interface ModelPlan {
  formula: Formula;
  variables: Map<string, ModelVariable>;
  /** Column names as R names them, "(Intercept)" first when there is one. */
  columns: string[];
  /** The term index of each column (-1: the intercept), as R's assign. */
  assign: number[];
  /** Per column: for each variable of its term, the level (factors) or -1 (numbers). */
  pieces: { label: string; level: number }[][];
}

function readVariable(table: DataTable, v: FormulaVariable, factors: ReadonlySet<string>, rows: Uint8Array | null): ModelVariable {
  const col = table.columns.get(v.column);
  if (!col) throw new InputError('unknown-column', `the formula names "${v.column}", which is not a column of the data`, v.column);
  const asFactor = v.asFactor || factors.has(v.column) || col.kind === 'category';
  if (!asFactor && col.kind === 'number') return { label: v.label, kind: 'number', values: col.values };
  // Factor: levels present in the rows fitted (R's glm drops unused levels), sorted as R sorts them.
  const labels: (string | null)[] =
    col.kind === 'number' ? Array.from(col.values, (x) => (Number.isNaN(x) ? null : String(x))) : Array.from(col.codes, (c) => (c < 0 ? null : col.levels[c]));
  const present = new Set<string>();
  for (let i = 0; i < labels.length; i++) if (labels[i] !== null && (!rows || rows[i])) present.add(labels[i]!);
  const levelList = [...present];
  const levels = sortedLevelOrder(levelList).map((k) => levelList[k]);
  const index = new Map(levels.map((l, k) => [l, k]));
  const codes = Int32Array.from(labels, (l) => (l === null ? -1 : (index.get(l) ?? -1)));
  return { label: v.label, kind: 'factor', codes, levels };
}

/**
 * The model matrix plan of a formula on a table, for the rows `rows` (levels of factors are those
 * present there). Factors use treatment contrasts (the first sorted level is the reference) where the
 * term without the factor is in the model, and one column per level otherwise, as R's model.matrix.
 */
export function planModel(formula: Formula, table: DataTable, factors: ReadonlySet<string>, rows: Uint8Array | null): ModelPlan {
  const variables = new Map<string, ModelVariable>();
  for (const v of formula.variables.values()) {
    const mv = readVariable(table, v, factors, rows);
    if (rows && mv.kind === 'factor' && mv.levels!.length < 2)
      throw new InputError(
        'single-level',
        `"${v.label}" has ${mv.levels!.length ? `one category ("${mv.levels![0]}")` : 'no category'} among the rows fitted; a factor needs two or more (R: contrasts can be applied only to factors with 2 or more levels)`,
        v.column,
      );
    variables.set(v.label, mv);
  }
  const present = new Set(formula.terms.map(termKey));
  if (formula.intercept) present.add('');
  const columns: string[] = [];
  const assign: number[] = [];
  const pieces: { label: string; level: number }[][] = [];
  if (formula.intercept) {
    columns.push('(Intercept)');
    assign.push(-1);
    pieces.push([]);
  }
  formula.terms.forEach((term, t) => {
    // Per variable: its pieces (levels, or the number itself).
    const options = term.map((label) => {
      const v = variables.get(label)!;
      if (v.kind === 'number') return [{ label, level: -1, name: label }];
      const margin = termKey(term.filter((l) => l !== label));
      const first = present.has(margin) ? 1 : 0;
      return v.levels!.slice(first).map((lvl, k) => ({ label, level: k + first, name: `${label}${lvl}` }));
    });
    // Cartesian product, the first variable varying fastest (R's column order).
    let combos: { label: string; level: number; name: string }[][] = [[]];
    for (const opts of options) {
      const next: typeof combos = [];
      for (const o of opts) for (const c of combos) next.push([...c, o]);
      combos = next;
    }
    for (const c of combos) {
      columns.push(c.map((p) => p.name).join(':'));
      assign.push(t);
      pieces.push(c.map(({ label, level }) => ({ label, level })));
    }
  });
  return { formula, variables, columns, assign, pieces };
}

/** The model matrix columns over all rows (0 where a row is incomplete); `override` sets a factor's level for every row. */
export function modelMatrix(plan: ModelPlan, n: number, override?: { label: string; level: number }): Float64Array[] {
  return plan.pieces.map((piece) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let x = 1;
      for (const p of piece) {
        const v = plan.variables.get(p.label)!;
        if (v.kind === 'number') x *= v.values![i];
        else {
          const code = override && override.label === p.label ? override.level : v.codes![i];
          x *= code === p.level ? 1 : 0;
        }
        if (x === 0) break;
      }
      col[i] = Number.isNaN(x) ? 0 : x;
    }
    return col;
  });
}

// ---- R's binomial logit functions (family.c), to follow glm.fit step by step ----
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / Number.EPSILON;
const logitInv = (eta: number) => {
  const t = eta < MTHRESH ? Number.EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return t / (1 + t);
};
const logitMuEta = (eta: number) => {
  const o = Math.exp(eta);
  return Math.abs(eta) > THRESH ? Number.EPSILON : o / ((1 + o) * (1 + o));
};
const yLogY = (y: number, mu: number) => (y !== 0 ? y * Math.log(y / mu) : 0);

interface Link {
  linkinv: (eta: number) => number;
  muEta: (eta: number) => number;
  variance: (mu: number) => number;
  devResid: (y: number, mu: number, wt: number) => number;
  linkfun: (mu: number) => number;
}
const LINKS: Record<Family, Link> = {
  gaussian: {
    linkinv: (e) => e,
    muEta: () => 1,
    variance: () => 1,
    devResid: (y, mu, wt) => wt * (y - mu) * (y - mu),
    linkfun: (mu) => mu,
  },
  quasibinomial: {
    linkinv: logitInv,
    muEta: logitMuEta,
    variance: (mu) => mu * (1 - mu),
    devResid: (y, mu, wt) => 2 * wt * (yLogY(y, mu) + yLogY(1 - y, 1 - mu)),
    linkfun: (mu) => Math.log(mu / (1 - mu)),
  },
};

/** Weighted least squares by Householder QR: minimises sum w_i (z_i - x_i b)^2 over the rows with w > 0. */
function weightedLeastSquares(X: readonly Float64Array[], z: Float64Array, w: Float64Array, rowsIdx: Int32Array, names: readonly string[]) {
  const p = X.length;
  const m = rowsIdx.length;
  // A = sqrt(w) X, column-major; b = sqrt(w) z.
  const A = X.map((col) => {
    const a = new Float64Array(m);
    for (let k = 0; k < m; k++) a[k] = Math.sqrt(w[rowsIdx[k]]) * col[rowsIdx[k]];
    return a;
  });
  const b = new Float64Array(m);
  for (let k = 0; k < m; k++) b[k] = Math.sqrt(w[rowsIdx[k]]) * z[rowsIdx[k]];
  const R = new Float64Array(p * p);
  const norms = A.map((a) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += a[k] * a[k];
    return Math.sqrt(s);
  });
  for (let j = 0; j < p; j++) {
    const a = A[j];
    let s = 0;
    for (let k = j; k < m; k++) s += a[k] * a[k];
    const norm = Math.sqrt(s);
    if (!(norm > 1e-7 * (norms[j] || 1)) || m <= j)
      throw new InputError(
        'collinear-model',
        `the model column "${names[j]}" is a combination of the columns before it (an empty category, a constant or a duplicated variable among the rows fitted); R would give it no coefficient (NA): leave it out`,
        names[j],
      );
    const alpha = a[j] > 0 ? -norm : norm;
    // v = a[j..] - alpha e1; H = I - 2 v v' / v'v.
    const v0 = a[j] - alpha;
    const vv = s - a[j] * a[j] + v0 * v0;
    a[j] = v0;
    const apply = (c: Float64Array) => {
      let d = 0;
      for (let k = j; k < m; k++) d += a[k] * c[k];
      const f = (2 * d) / vv;
      for (let k = j; k < m; k++) c[k] -= f * a[k];
    };
    for (let c = j + 1; c < p; c++) apply(A[c]);
    apply(b);
    for (let c = j + 1; c < p; c++) R[j * p + c] = A[c][j];
    R[j * p + j] = alpha;
  }
  // Back substitution: R beta = (Q'b)[0..p).
  const beta = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let s = b[j];
    for (let c = j + 1; c < p; c++) s -= R[j * p + c] * beta[c];
    beta[j] = s / R[j * p + j];
  }
  // (X'WX)^-1 = R^-1 R^-T.
  const Rinv = new Float64Array(p * p);
  for (let c = 0; c < p; c++) {
    Rinv[c * p + c] = 1 / R[c * p + c];
    for (let j = c - 1; j >= 0; j--) {
      let s = 0;
      for (let k = j + 1; k <= c; k++) s += R[j * p + k] * Rinv[k * p + c];
      Rinv[j * p + c] = -s / R[j * p + j];
    }
  }
  const xtwxInv = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let c = a; c < p; c++) {
      let s = 0;
      for (let k = Math.max(a, c); k < p; k++) s += Rinv[a * p + k] * Rinv[c * p + k];
      xtwxInv[a * p + c] = xtwxInv[c * p + a] = s;
    }
  return { beta, xtwxInv };
}

interface GlmFit {
  beta: Float64Array;
  /** (X' W X)^-1 at the working weights of the last iteration (R's cov.unscaled). */
  xtwxInv: Float64Array;
  /** Working weights of the last iteration (R's glm$weights) and working residuals (y - mu) / mu.eta. */
  workingWeights: Float64Array;
  workingResiduals: Float64Array;
  mu: Float64Array;
  iterations: number;
  converged: boolean;
}

/**
 * R's glm.fit for one weight vector over the rows with weight > 0: starting values from the family's
 * initialize (binomial: (w y + 0.5) / (w + 1)) or `start`, IRLS until |dev - dev_old| / (|dev| + 0.1)
 * < 1e-8, at most 25 iterations.
 */
function glmFit(family: Family, X: readonly Float64Array[], y: Float64Array, prior: Float64Array, names: readonly string[], start?: Float64Array): GlmFit {
  const n = y.length;
  const link = LINKS[family];
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (prior[i] > 0) idx.push(i);
  const rows = Int32Array.from(idx);
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  if (start) {
    for (const i of rows) {
      let e = 0;
      for (let j = 0; j < X.length; j++) e += X[j][i] * start[j];
      eta[i] = e;
      mu[i] = link.linkinv(e);
    }
  } else {
    for (const i of rows) {
      const m0 = family === 'gaussian' ? y[i] : (prior[i] * y[i] + 0.5) / (prior[i] + 1);
      eta[i] = link.linkfun(m0);
      mu[i] = link.linkinv(eta[i]);
    }
  }
  const deviance = () => {
    let d = 0;
    for (const i of rows) d += link.devResid(y[i], mu[i], prior[i]);
    return d;
  };
  let devOld = deviance();
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  let fit: { beta: Float64Array; xtwxInv: Float64Array } | null = null;
  let converged = false;
  let iterations = 0;
  const maxit = family === 'gaussian' ? 1 : 25; // identity link: one weighted least squares is the fit
  for (let iter = 1; iter <= maxit; iter++) {
    iterations = iter;
    for (const i of rows) {
      const me = link.muEta(eta[i]);
      z[i] = eta[i] + (y[i] - mu[i]) / me;
      w[i] = (prior[i] * me * me) / link.variance(mu[i]);
    }
    fit = weightedLeastSquares(X, z, w, rows, names);
    for (const i of rows) {
      let e = 0;
      for (let j = 0; j < X.length; j++) e += X[j][i] * fit.beta[j];
      eta[i] = e;
      mu[i] = link.linkinv(e);
    }
    const dev = deviance();
    if (!Number.isFinite(dev))
      throw new InputError('no-convergence', 'the fit diverged (infinite deviance): the outcome may be perfectly separated by the terms');
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < 1e-8) {
      converged = true;
      break;
    }
    devOld = dev;
  }
  if (family === 'gaussian') converged = true;
  const resid = new Float64Array(n);
  for (const i of rows) resid[i] = (y[i] - mu[i]) / link.muEta(eta[i]);
  return { beta: fit!.beta, xtwxInv: fit!.xtwxInv, workingWeights: w, workingResiduals: resid, mu, iterations, converged };
}

export interface RegressionRequest {
  formula: string;
  family: Family;
  /** Numeric-coded columns read as factors (R factor()). */
  factors?: readonly string[];
  /** Rows of the subpopulation (the full design is kept, as R's subset()). */
  subset?: Uint8Array | null;
  /** Wald tests of groups of terms: each a list of terms as written (`stype`, `ell:stype`). */
  tests?: readonly (readonly string[])[];
  /** Predicted margins per level of this column (R svypredmeans; the column is added to the model as a factor). */
  margins?: string;
  level?: number;
}

export interface Coefficient {
  term: string;
  estimate: number;
  se: number;
  t: number;
  p: number;
  ci: [number, number];
}

export interface WaldTest {
  terms: string[];
  /** F = b' V^-1 b / q, on q and the residual df (R regTermTest, method "Wald"). */
  f: number;
  ndf: number;
  ddf: number;
  p: number;
}

export interface PredictedMargin {
  level: string;
  estimate: number;
  se: number;
}

export interface MarginDifference {
  level: string;
  reference: string;
  difference: number;
  se: number;
  t: number;
  df: number;
  p: number;
  ci: [number, number];
}

export interface Regression {
  formula: string;
  family: Family;
  link: 'identity' | 'logit';
  /** A two-level category as the response: the level counted as 1 (the other, first sorted, is 0). */
  responseLevel?: string;
  n: number;
  missing: number;
  /** Residual degrees of freedom: degf(design) + 1 - p (R's df.residual of svyglm). */
  dfResidual: number;
  coefficients: Coefficient[];
  /** Covariance of the coefficients, row-major, in the order of `coefficients`. */
  covariance: number[];
  variance: string;
  iterations: number;
  converged: boolean;
  tests: WaldTest[];
  margins?: {
    variable: string;
    /** Design degrees of freedom used for the differences' t tests (degf of the rows fitted). */
    df: number;
    levels: PredictedMargin[];
    differences: MarginDifference[];
    covariance: number[];
  };
}

interface FittedModel {
  plan: ModelPlan;
  X: Float64Array[];
  used: Uint8Array;
  n: number;
  missing: number;
  beta: Float64Array;
  covariance: Covariance;
  dfResidual: number;
  iterations: number;
  converged: boolean;
  responseLevel?: string;
}

function fitModel(
  design: SurveyDesign,
  table: DataTable,
  formula: Formula,
  family: Family,
  factors: ReadonlySet<string>,
  subset: Uint8Array | null,
): FittedModel {
  const n = design.nRows;
  const ycol = table.columns.get(formula.response);
  if (!ycol) throw new InputError('unknown-column', `the response "${formula.response}" is not a column of the data`, formula.response);
  let y: Float64Array;
  let responseLevel: string | undefined;
  if (ycol.kind === 'number') y = ycol.values;
  else {
    // A two-level category as R's binomial reads a factor: the first sorted level is 0, the other 1.
    const present = new Set<number>();
    for (let i = 0; i < n; i++) if (ycol.codes[i] >= 0 && (!subset || subset[i])) present.add(ycol.codes[i]);
    const codes = [...present];
    const order = sortedLevelOrder(codes.map((c) => ycol.levels[c])).map((k) => codes[k]);
    if (family !== 'quasibinomial' || order.length !== 2)
      throw new InputError(
        'bad-response',
        family === 'quasibinomial'
          ? `the response "${formula.response}" has ${order.length} categories; a logistic model needs two (or numbers between 0 and 1)`
          : `the response "${formula.response}" holds text; a linear model needs numbers (use --family quasibinomial for a yes/no outcome)`,
        formula.response,
      );
    responseLevel = ycol.levels[order[1]];
    y = Float64Array.from(ycol.codes, (c) => (c < 0 ? NaN : c === order[1] ? 1 : 0));
  }
  // The domain and, inside it, the complete rows (R's na.omit).
  const domain = new Uint8Array(n);
  for (let i = 0; i < n; i++) domain[i] = !subset || subset[i] ? 1 : 0;
  const columns = [...formula.variables.values()].map((v) => {
    const col = table.columns.get(v.column);
    if (!col) throw new InputError('unknown-column', `the formula names "${v.column}", which is not a column of the data`, v.column);
    return col;
  });
  const present = (i: number) => columns.every((c) => (c.kind === 'number' ? !Number.isNaN(c.values[i]) : c.codes[i] >= 0));
  const used = new Uint8Array(n);
  let count = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    if (!domain[i]) continue;
    if (Number.isNaN(y[i]) || !present(i)) {
      missing++;
      continue;
    }
    used[i] = 1;
    if (design.weights[i] > 0) count++;
  }
  if (count === 0) throw new InputError('empty-domain', 'no row of the domain has the response and every term');
  if (family === 'quasibinomial')
    for (let i = 0; i < n; i++)
      if (used[i] && !(y[i] >= 0 && y[i] <= 1))
        throw new InputError(
          'bad-response',
          `row ${i + 1}: a logistic model needs a response between 0 and 1, "${formula.response}" is ${y[i]}`,
          `row ${i + 1}, column ${formula.response}`,
        );
  const plan = planModel(formula, table, factors, used);
  const p = plan.columns.length;
  const X = modelMatrix(plan, n);
  // Prior weights as svyglm: sampling weights over their mean in the domain (rescale = TRUE).
  let sumW = 0;
  let domainRows = 0;
  for (let i = 0; i < n; i++)
    if (domain[i]) {
      sumW += design.weights[i];
      domainRows++;
    }
  const meanW = sumW / domainRows;
  const prior = new Float64Array(n);
  for (let i = 0; i < n; i++) if (used[i]) prior[i] = design.weights[i] / meanW;
  const full = glmFit(family, X, y, prior, plan.columns);

  let covariance: Covariance;
  let dfDesign: number;
  const reps = design.replicates;
  if (reps) {
    // svyglm.svyrep.design: refit under each replicate's weights (scaled to sum 1), starting at the full fit.
    const thetas = Array.from({ length: p }, () => new Float64Array(reps.count));
    const wr = new Float64Array(n);
    const pr = new Float64Array(n);
    for (let r = 0; r < reps.count; r++) {
      replicateWeightsOf(design, reps, r, wr);
      let s = 0;
      for (let i = 0; i < n; i++) if (used[i]) s += wr[i];
      for (let i = 0; i < n; i++) pr[i] = used[i] ? wr[i] / s : 0;
      const b = glmFit(family, X, y, pr, plan.columns, full.beta).beta;
      for (let j = 0; j < p; j++) thetas[j][r] = b[j];
    }
    covariance = covarianceOfReplicates(reps, thetas, Array.from(full.beta));
    // As R: the replicate design's degf before the incomplete rows are dropped.
    dfDesign = replicateDf(design, reps, domain);
  } else {
    // svy.varcoef: influence = estfun (X * working residual * working weight) x (X'WX)^-1.
    const zs = Array.from({ length: p }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      if (!used[i]) continue;
      const e = full.workingResiduals[i] * full.workingWeights[i];
      if (e === 0) continue;
      for (let k = 0; k < p; k++) {
        const ek = X[k][i] * e;
        if (ek === 0) continue;
        for (let j = 0; j < p; j++) zs[j][i] += ek * full.xtwxInv[k * p + j];
      }
    }
    covariance = linearisedCovariance(
      design,
      zs.map((z) => residualised(design, z)),
    );
    dfDesign = designDf(design, used);
  }
  return {
    plan,
    X,
    used,
    n: count,
    missing,
    beta: full.beta,
    covariance,
    dfResidual: dfDesign + 1 - p,
    iterations: full.iterations,
    converged: full.converged,
    ...(responseLevel !== undefined ? { responseLevel } : {}),
  };
}

/** A design-based regression (R svyglm) with its Wald tests and predicted margins. */
export function regress(design: SurveyDesign, table: DataTable, request: RegressionRequest): Regression {
  if (!FAMILIES.includes(request.family)) throw new InputError('bad-option', `the family must be one of ${FAMILIES.join(', ')}`, '--family');
  const formula = parseFormula(request.formula);
  const factors = new Set(request.factors ?? []);
  const subset = request.subset ?? null;
  const model = fitModel(design, table, formula, request.family, factors, subset);
  const p = model.plan.columns.length;
  const level = request.level ?? 0.95;
  const df = model.dfResidual;
  const q = qt(1 - (1 - level) / 2, df);
  const coefficients = model.plan.columns.map((term, j): Coefficient => {
    const estimate = model.beta[j];
    const se = Math.sqrt(model.covariance.values[j * p + j]);
    const t = estimate / se;
    return { term, estimate, se, t, p: df > 0 ? pTwoSided(t, df) : NaN, ci: [estimate - q * se, estimate + q * se] };
  });

  const tests = (request.tests ?? []).map((labels): WaldTest => {
    const keys = labels.map((l) => termKey(parseFormula(`y.response. ~ ${l}`, '--test').terms.at(-1) ?? []));
    const termIndex = keys.map((k, n) => {
      const t = formula.terms.findIndex((term) => termKey(term) === k);
      if (t < 0)
        throw new InputError(
          'unknown-term',
          `--test: "${labels[n]}" is not a term of the model (${formula.terms.map((x) => x.join(':')).join(', ')})`,
          '--test',
        );
      return t;
    });
    const index = model.plan.assign.flatMap((a, j) => (termIndex.includes(a) ? [j] : []));
    const k = index.length;
    const V = new Float64Array(k * k);
    index.forEach((a, r) => index.forEach((b, c) => (V[r * k + c] = model.covariance.values[a * p + b])));
    const b = index.map((j) => model.beta[j]);
    const Vinv = symmetricInverse(V, k);
    let chisq = 0;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) chisq += b[r] * Vinv[r * k + c] * b[c];
    const f = chisq / k;
    return { terms: [...labels], f, ndf: k, ddf: df, p: pF(f, k, df) };
  });

  const out: Regression = {
    formula: request.formula,
    family: request.family,
    link: request.family === 'gaussian' ? 'identity' : 'logit',
    ...(model.responseLevel !== undefined ? { responseLevel: model.responseLevel } : {}),
    n: model.n,
    missing: model.missing,
    dfResidual: df,
    coefficients,
    covariance: Array.from(model.covariance.values),
    variance: design.replicates ? `replicates (${design.replicates.type}, ${design.replicates.count})` : 'linearisation',
    iterations: model.iterations,
    converged: model.converged,
    tests,
  };
  if (request.margins) out.margins = predictedMargins(design, table, formula, request, factors, subset, level);
  return out;
}

/**
 * R's svypredmeans: the model refitted with the group as a factor term; for each level g, every row's
 * prediction with its group set to g, averaged over the rows fitted with the design's weights; the
 * variance is that of those means plus d' V d, d the derivative of the mean with respect to the
 * coefficients. Differences to the first level, with their t tests on the design's df.
 */
function predictedMargins(
  design: SurveyDesign,
  table: DataTable,
  formula: Formula,
  request: RegressionRequest,
  factors: ReadonlySet<string>,
  subset: Uint8Array | null,
  level: number,
): NonNullable<Regression['margins']> {
  const group = request.margins!;
  for (const v of formula.variables.values())
    if (v.column === group)
      throw new InputError(
        'bad-margins',
        `--margins ${group}: leave "${group}" out of the formula; the margins add it to the model as a factor (as R's svypredmeans)`,
        '--margins',
      );
  const label = `factor(${group})`;
  const withGroup: Formula = {
    ...formula,
    variables: new Map([...formula.variables, [label, { label, column: group, asFactor: true }]]),
    terms: [...formula.terms, [label]]
      .map((t, i) => ({ t, i }))
      .sort((a, b) => a.t.length - b.t.length || a.i - b.i)
      .map((x) => x.t),
  };
  const model = fitModel(design, table, withGroup, request.family, factors, subset);
  const n = design.nRows;
  const p = model.plan.columns.length;
  const link = LINKS[request.family];
  const g = model.plan.variables.get(label)!;
  const levels = g.levels!;
  const w = design.weights;
  let sumW = 0;
  for (let i = 0; i < n; i++) if (model.used[i]) sumW += w[i];
  const lins: Linearised[] = [];
  const dg: Float64Array[] = [];
  for (let k = 0; k < levels.length; k++) {
    const Xk = modelMatrix(model.plan, n, { label, level: k });
    const fits = new Float64Array(n);
    const d = new Float64Array(p);
    let W = 0;
    let WY = 0;
    for (let i = 0; i < n; i++) {
      if (!model.used[i]) continue;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += Xk[j][i] * model.beta[j];
      fits[i] = link.linkinv(eta);
      const me = link.muEta(eta);
      for (let j = 0; j < p; j++) d[j] += (w[i] * me * Xk[j][i]) / sumW;
      W += w[i];
      WY += w[i] * fits[i];
    }
    const mean = WY / W;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) if (model.used[i]) z[i] = (w[i] * (fits[i] - mean)) / W;
    lins.push({ estimate: mean, z, used: model.used, n: model.n, missing: 0, weightSum: W, elementVariance: NaN, recipe: { y: fits, denominator: 'weights' } });
    dg.push(d);
  }
  const cond = covarianceOf(design, lins);
  const L = levels.length;
  const vv = new Float64Array(L * L);
  for (let a = 0; a < L; a++)
    for (let b = 0; b < L; b++) {
      let s = 0;
      for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) s += dg[a][j] * model.covariance.values[j * p + k] * dg[b][k];
      vv[a * L + b] = s + cond.values[a * L + b];
    }
  const df = design.replicates ? replicateDf(design, design.replicates, model.used) : designDf(design, model.used);
  const q = qt(1 - (1 - level) / 2, df);
  return {
    variable: group,
    df,
    levels: levels.map((l, k) => ({ level: l, estimate: lins[k].estimate, se: Math.sqrt(vv[k * L + k]) })),
    differences: levels.slice(1).map((l, m) => {
      const k = m + 1;
      const difference = lins[k].estimate - lins[0].estimate;
      const se = Math.sqrt(vv[k * L + k] + vv[0] - 2 * vv[k * L]);
      const t = difference / se;
      return { level: l, reference: levels[0], difference, se, t, df, p: pTwoSided(t, df), ci: [difference - q * se, difference + q * se] as [number, number] };
    }),
    covariance: Array.from(vv),
  };
}

/** Inverse of a symmetric positive definite matrix (Cholesky); singular: an InputError. */
function symmetricInverse(a: Float64Array, k: number): Float64Array {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= L[i * k + m] * L[j * k + m];
      if (i === j) {
        if (!(s > 0)) throw new InputError('singular-matrix', 'the covariance of the tested coefficients is singular (too few PSUs for the terms tested)');
        L[i * k + i] = Math.sqrt(s);
      } else L[i * k + j] = s / L[j * k + j];
    }
  }
  // inv(A) = inv(L)' inv(L)
  const Li = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    Li[c * k + c] = 1 / L[c * k + c];
    for (let i = c + 1; i < k; i++) {
      let s = 0;
      for (let m = c; m < i; m++) s -= L[i * k + m] * Li[m * k + c];
      Li[i * k + c] = s / L[i * k + i];
    }
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = j; m < k; m++) s += Li[m * k + i] * Li[m * k + j];
      out[i * k + j] = out[j * k + i] = s;
    }
  return out;
}

/**
 * One level of a survey dataset ready for a model: the catalogue's derived variables and converted
 * amounts added, the analysis table (parents' columns joined) and its design (recorded calibration too).
 */
export function datasetLevel(input: Dataset, level: string): { table: DataTable; design: SurveyDesign; notes: string[] } {
  const prepared = prepareDataset(input, shippedCatalogue());
  const table = analysisTable(prepared.dataset, level);
  return { table, design: designOfLevel(prepared.dataset, table, level), notes: prepared.notes };
}

/**
 * A regression on one level of a survey dataset, as analysts get it through the API: the catalogue's
 * derived variables and converted amounts, the dataset's design (and recorded calibration), `where` as
 * the domain; refused (InputError 'too-few-cases') when the rows fitted, a category of a factor term
 * or a margins group has fewer than `minCases` cases, so that no coefficient describes a handful of
 * households.
 */
export function regressOnDataset(
  input: Dataset,
  request: Omit<RegressionRequest, 'subset'> & { datasetLevel: string; where?: string; minCases: number },
): Regression {
  const { table, design } = datasetLevel(input, request.datasetLevel);
  const subset = request.where ? evaluateSubset(table, request.where, 'where') : null;
  const result = regress(design, table, { ...request, subset });
  if (result.n < request.minCases)
    throw new InputError('too-few-cases', `the model is fitted on ${result.n} cases, fewer than ${request.minCases}: no estimate is published`);
  // Categories of factor terms and margins groups among the rows fitted.
  const formula = parseFormula(request.formula);
  const factorColumns = [...formula.variables.values()]
    .filter((v) => v.asFactor || (request.factors ?? []).includes(v.column) || table.columns.get(v.column)?.kind === 'category')
    .map((v) => v.column);
  if (request.margins) factorColumns.push(request.margins);
  const fitted = fittedRows(design, table, formula, subset, request.margins);
  for (const column of factorColumns) {
    const col = table.columns.get(column)!;
    const counts = new Map<string, number>();
    for (let i = 0; i < table.nRows; i++) {
      if (!fitted[i]) continue;
      const label = col.kind === 'number' ? String(col.values[i]) : col.levels[col.codes[i]];
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    for (const [label, count] of counts)
      if (count < request.minCases)
        throw new InputError(
          'too-few-cases',
          `category "${label}" of "${column}" has ${count} cases among the rows fitted, fewer than ${request.minCases}: no estimate is published`,
        );
  }
  return result;
}

/** Rows a model fits: in the domain, with a positive weight and every variable present. */
function fittedRows(design: SurveyDesign, table: DataTable, formula: Formula, subset: Uint8Array | null, margins?: string): Uint8Array {
  const columns = [formula.response, ...[...formula.variables.values()].map((v) => v.column), ...(margins ? [margins] : [])];
  const out = new Uint8Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    if ((subset && !subset[i]) || !(design.weights[i] > 0)) continue;
    out[i] = columns.every((c) => {
      const col = table.columns.get(c)!;
      return col.kind === 'number' ? !Number.isNaN(col.values[i]) : col.codes[i] >= 0;
    })
      ? 1
      : 0;
  }
  return out;
}
