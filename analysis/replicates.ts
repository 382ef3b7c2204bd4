import { InputError } from '../common/errors.js';
import { designDf, type SurveyDesign } from './design.js';
import { numericColumn, type DataTable } from './table.js';
import { mulberry32 } from '../common/random.js';
export { mulberry32 };

export type { ReplicateType, ReplicateWeights } from './replicate-weights.js';
import type { ReplicateType, ReplicateWeights } from './replicate-weights.js';

export interface ReplicateOptions {
  type: Exclude<ReplicateType, 'other'>;
  /** Fay's rho (0 <= rho < 1; BRR is rho = 0). */
  rho?: number;
  /** Bootstrap replicates (default 50). */
  replicates?: number;
  /** Seed of the bootstrap draw. */
  seed?: number;
  mse?: boolean;
}

/** Creates replicate weights from a design (STATISTICS.md, Replicate weights; R as.svrepdesign). */
export function createReplicates(design: SurveyDesign, options: ReplicateOptions): ReplicateWeights {
  const nPsu = design.psuLabels.length;
  const H = design.strataLabels.length;
  const psusOf: number[][] = Array.from({ length: H }, () => []);
  for (let p = 0; p < nPsu; p++) psusOf[design.stratumOfPsu[p]].push(p);
  const fpc = design.stage1Fpc;
  const mse = options.mse ?? false;
  switch (options.type) {
    case 'JK1': {
      if (H > 1) throw new InputError('bad-replicates', 'JK1 is for unstratified designs; use JKn for a stratified one');
      const n = nPsu;
      if (n < 2) throw new InputError('bad-replicates', 'jackknife needs at least two PSUs');
      const m = new Float64Array(n * n).fill(n / (n - 1));
      for (let r = 0; r < n; r++) m[r * n + r] = 0;
      return created(design, 'JK1', m, n, (fpc[0] * (n - 1)) / n, new Float64Array(n).fill(1), mse);
    }
    case 'JKn': {
      const reps: { stratum: number; dropped: number }[] = [];
      for (let h = 0; h < H; h++) {
        if (psusOf[h].length === 1) {
          if (fpc[h] === 0) continue;
          if (design.lonelyPsu === 'fail')
            throw new InputError('lonely-psu', `stratum "${design.strataLabels[h]}" has only one PSU; choose a lonely-PSU option`, design.strataLabels[h]);
          if (design.lonelyPsu !== 'adjust') continue;
        }
        for (const p of psusOf[h]) reps.push({ stratum: h, dropped: p });
      }
      const R = reps.length;
      if (R === 0) throw new InputError('bad-replicates', 'every stratum was sampled completely: there is no sampling variance');
      const m = new Float64Array(nPsu * R).fill(1);
      const rscales = new Float64Array(R);
      reps.forEach(({ stratum, dropped }, r) => {
        const nh = psusOf[stratum].length;
        if (nh === 1) {
          // lonely PSU, adjust: drop it and reweight every other stratum
          for (let p = 0; p < nPsu; p++) m[p * R + r] = design.stratumOfPsu[p] === stratum ? 0 : H / (H - 1);
          rscales[r] = (H - 1) / H;
          return;
        }
        for (const p of psusOf[stratum]) m[p * R + r] = p === dropped ? 0 : nh / (nh - 1);
        rscales[r] = (fpc[stratum] * (nh - 1)) / nh;
      });
      let scale = 1;
      if (design.lonelyPsu === 'average' && R < nPsu) scale = nPsu / R;
      return created(design, 'JKn', m, R, scale, rscales, mse);
    }
    case 'BRR':
    case 'Fay': {
      const rho = options.type === 'BRR' ? 0 : (options.rho ?? 0.3);
      if (!(rho >= 0 && rho < 1)) throw new InputError('bad-replicates', `Fay's rho must be in [0, 1), got ${rho}`);
      for (let h = 0; h < H; h++) {
        if (psusOf[h].length !== 2) {
          throw new InputError(
            'bad-replicates',
            `BRR needs exactly two PSUs per stratum; stratum "${design.strataLabels[h]}" has ${psusOf[h].length}`,
            design.strataLabels[h],
          );
        }
      }
      const had = hadamard(H);
      const R = had.length;
      const m = new Float64Array(nPsu * R);
      for (let r = 0; r < R; r++) {
        for (let h = 0; h < H; h++) {
          // Column 0 of a normalised Hadamard matrix is all +1: skip it so every stratum is balanced.
          const first = had[r][h + 1] === 1;
          m[psusOf[h][0] * R + r] = first ? 2 - rho : rho;
          m[psusOf[h][1] * R + r] = first ? rho : 2 - rho;
        }
      }
      return created(design, options.type, m, R, 1 / (R * (1 - rho) ** 2), new Float64Array(R).fill(1), mse);
    }
    case 'bootstrap': {
      const R = options.replicates ?? 50;
      if (!(Number.isInteger(R) && R >= 2)) throw new InputError('bad-replicates', 'bootstrap needs at least 2 replicates');
      const rand = mulberry32(options.seed ?? 1);
      const m = new Float64Array(nPsu * R);
      for (let r = 0; r < R; r++) {
        for (let h = 0; h < H; h++) {
          const ps = psusOf[h];
          const nh = ps.length;
          if (nh < 2) continue; // a lonely PSU keeps multiplier 0 in every replicate: excluded
          const counts = new Float64Array(nh);
          for (let d = 0; d < nh - 1; d++) counts[Math.floor(rand() * nh)]++;
          // Rao-Wu rescaling with n_h - 1 draws (with replacement: the fpc is not used, as in STATISTICS.md).
          for (let j = 0; j < nh; j++) m[ps[j] * R + r] = (counts[j] * nh) / (nh - 1);
        }
      }
      return created(design, 'bootstrap', m, R, 1 / (R - 1), new Float64Array(R).fill(1), mse);
    }
  }
}

/** Replicate weights given as columns of the data (e.g. published with a survey). */
export function givenReplicates(
  table: DataTable,
  columns: readonly string[],
  options: { type?: ReplicateType; scale?: number; rscales?: number[]; mse?: boolean; rho?: number },
): ReplicateWeights {
  if (columns.length < 2) throw new InputError('bad-replicates', 'give at least two replicate weight columns');
  const cols = columns.map((c) => numericColumn(table, c, 'replicate weights'));
  cols.forEach((col, r) => {
    for (let i = 0; i < col.length; i++) {
      if (!(col[i] >= 0))
        throw new InputError(
          'bad-weight',
          `row ${i + 1}: replicate weight "${columns[r]}" must be a non-negative number`,
          `row ${i + 1}, column ${columns[r]}`,
        );
    }
  });
  const R = cols.length;
  const type = options.type ?? 'other';
  // As R's svrepdesign: given Fay weights need their rho, given (combined) JKn weights their rscales;
  // guessing either (rho = 0, rscales = 1) silently understates the variance.
  if (type === 'Fay' && options.rho === undefined) {
    throw new InputError(
      'fay-rho-required',
      'given Fay replicate weights need the rho they were made with (--fay-rho); R: "With type=\'Fay\' you must supply the correct rho"',
      '--fay-rho',
    );
  }
  if (type === 'JKn' && !options.rscales) {
    throw new InputError(
      'jkn-rscales-required',
      'given JKn replicate weights need the (n_h - 1)/n_h factor of each replicate (--rscales: a list, or the weights report of `mdsurvey weights`); R: "Must provide rscales for combined JKn weights"',
      '--rscales',
    );
  }
  const rho = options.rho ?? 0;
  const defaultScale =
    type === 'JK1' ? (R - 1) / R : type === 'BRR' ? 1 / R : type === 'Fay' ? 1 / (R * (1 - rho) ** 2) : type === 'bootstrap' ? 1 / (R - 1) : 1;
  const scale = options.scale ?? defaultScale;
  // One rscale stands for all replicates, as in R.
  const rscales = options.rscales
    ? Float64Array.from(options.rscales.length === 1 ? new Array(R).fill(options.rscales[0]) : options.rscales)
    : new Float64Array(R).fill(1);
  if (rscales.length !== R)
    throw new InputError('bad-replicates', `${rscales.length} rscales for ${R} replicates (give one, or one per replicate)`, '--rscales');
  return { type, count: R, multipliers: null, columns: cols, scale, rscales, mse: options.mse ?? false, df: matrixRank(cols, table.nRows, R) - 1 };
}

function created(design: SurveyDesign, type: ReplicateType, m: Float64Array, R: number, scale: number, rscales: Float64Array, mse: boolean): ReplicateWeights {
  return { type, count: R, multipliers: m, columns: null, scale, rscales, mse, df: designDf(design) };
}

/** Rank of an n x R matrix given by columns, reducing one row at a time into an echelon basis (memory R x R). */
/**
 * Degrees of freedom of a replicate design for the rows an estimate used: the design's own when they are
 * all its rows (with weight), else, as R's degf() of a subset of a replicate design, the rank of the
 * replicate weights over those rows minus one (JK1 on 15 clusters: 14; on the 8 clusters of a
 * subpopulation: 7).
 */
export function replicateDf(design: SurveyDesign, reps: ReplicateWeights, used: Uint8Array): number {
  const w = design.weights;
  let partial = false;
  for (let i = 0; i < design.nRows && !partial; i++) if (w[i] > 0 && !used[i]) partial = true;
  if (!partial) return reps.df;
  const R = reps.count;
  if (reps.columns) {
    const rows: number[] = [];
    for (let i = 0; i < design.nRows; i++) if (used[i]) rows.push(i);
    return (
      matrixRank(
        reps.columns.map((c) => Float64Array.from(rows, (i) => c[i])),
        rows.length,
        R,
      ) - 1
    );
  }
  // Created replicates: rows of one PSU are multiples of its row of multipliers.
  const present = new Set<number>();
  for (let i = 0; i < design.nRows; i++) if (used[i]) present.add(design.psuOfRow[i]);
  const psus = [...present];
  const m = reps.multipliers!;
  return (
    matrixRank(
      Array.from({ length: R }, (_, r) => Float64Array.from(psus, (p) => m[p * R + r])),
      psus.length,
      R,
    ) - 1
  );
}

function matrixRank(cols: Float64Array[], n: number, R: number): number {
  const basis: Float64Array[] = [];
  const pivots: number[] = [];
  const row = new Float64Array(R);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) for (let r = 0; r < R; r++) maxAbs = Math.max(maxAbs, Math.abs(cols[r][i]));
  const tol = 1e-10 * Math.max(maxAbs, 1);
  for (let i = 0; i < n && basis.length < R; i++) {
    for (let r = 0; r < R; r++) row[r] = cols[r][i];
    for (let b = 0; b < basis.length; b++) {
      const f = row[pivots[b]];
      if (f !== 0) for (let r = 0; r < R; r++) row[r] -= f * basis[b][r];
    }
    let piv = -1;
    let best = tol;
    for (let r = 0; r < R; r++)
      if (Math.abs(row[r]) > best) {
        best = Math.abs(row[r]);
        piv = r;
      }
    if (piv < 0) continue;
    const v = Float64Array.from(row);
    const d = v[piv];
    for (let r = 0; r < R; r++) v[r] /= d;
    // keep the basis reduced so later eliminations stay exact
    for (let b = 0; b < basis.length; b++) {
      const f = basis[b][piv];
      if (f !== 0) for (let r = 0; r < R; r++) basis[b][r] -= f * v[r];
    }
    basis.push(v);
    pivots.push(piv);
  }
  return basis.length;
}

/** A Hadamard matrix (entries +-1) of order a multiple of 4 above H, by Sylvester doubling or Paley's construction. */
export function hadamard(H: number): number[][] {
  let n = 4;
  while (n <= H) n += 4;
  for (;;) {
    const m = sylvesterOrPaley(n);
    if (m) return m;
    n += 4;
  }
}

function sylvesterOrPaley(n: number): number[][] | null {
  if ((n & (n - 1)) === 0) {
    let m = [[1]];
    while (m.length < n) m = [...m.map((r) => [...r, ...r]), ...m.map((r) => [...r, ...r.map((x) => -x)])];
    return m;
  }
  const q = n - 1; // Paley I needs a prime q = 3 mod 4
  if (q % 4 !== 3 || !isPrime(q)) return null;
  const residue = new Set<number>();
  for (let x = 1; x < q; x++) residue.add((x * x) % q);
  const chi = (a: number) => (a % q === 0 ? 0 : residue.has(((a % q) + q) % q) ? 1 : -1);
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  for (let i = 1; i < n; i++) {
    m[i][0] = -1;
    for (let j = 1; j < n; j++) m[i][j] = i === j ? 1 : chi(j - i);
  }
  // normalise so the first column is +1
  for (let i = 0; i < n; i++) if (m[i][0] === -1) m[i] = m[i].map((x) => -x);
  return m;
}

function isPrime(x: number): boolean {
  if (x < 2) return false;
  for (let d = 2; d * d <= x; d++) if (x % d === 0) return false;
  return true;
}
