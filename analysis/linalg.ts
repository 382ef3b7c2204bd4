import { InputError } from '../common/errors.js';

/** A dense matrix, row-major. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A rows x cols matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Element (i, j). */
export const at = (m: Matrix, i: number, j: number): number => m.data[i * m.cols + j];

/** A x B. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`matrix shapes ${a.rows}x${a.cols} and ${b.rows}x${b.cols} do not multiply`);
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k];
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += aik * b.data[k * b.cols + j];
    }
  }
  return out;
}

/** A'. */
export function transpose(a: Matrix): Matrix {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

/** Solves A X = B by Gaussian elimination with partial pivoting; a singular A is an InputError. */
export function solve(a: Matrix, b: Matrix): Matrix {
  const n = a.rows;
  if (a.cols !== n || b.rows !== n) throw new Error('solve needs a square system');
  const m = Float64Array.from(a.data);
  const x = Float64Array.from(b.data);
  const k = b.cols;
  let scale = 0;
  for (const v of m) scale = Math.max(scale, Math.abs(v));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (Math.abs(m[p * n + c]) <= 1e-13 * (scale || 1)) throw new InputError('singular-matrix', 'the system is singular (collinear or empty categories)');
    if (p !== c) {
      for (let j = 0; j < n; j++) [m[c * n + j], m[p * n + j]] = [m[p * n + j], m[c * n + j]];
      for (let j = 0; j < k; j++) [x[c * k + j], x[p * k + j]] = [x[p * k + j], x[c * k + j]];
    }
    const piv = m[c * n + c];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c] / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r * n + j] -= f * m[c * n + j];
      for (let j = 0; j < k; j++) x[r * k + j] -= f * x[c * k + j];
    }
  }
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) x[r * k + j] /= m[r * n + r];
  return { rows: n, cols: k, data: x };
}

/**
 * The inverse of a square matrix given row-major (p x p), as solve(A, I); a singular A is an InputError.
 * Example: inverse(Float64Array.of(2, 0, 0, 4), 2) -> [0.5, 0, 0, 0.25].
 */
export function inverse(a: Float64Array, p: number): Float64Array {
  const identity = zeros(p, p);
  for (let i = 0; i < p; i++) identity.data[i * p + i] = 1;
  return solve({ rows: p, cols: p, data: a }, identity).data;
}

/** Residuals of the columns of Y after least-squares regression on the columns of X (R's qr.resid). */
export function residualise(x: Matrix, y: Matrix): Matrix {
  const xt = transpose(x);
  const beta = solve(multiply(xt, x), multiply(xt, y));
  const fitted = multiply(x, beta);
  const out = zeros(y.rows, y.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = y.data[i] - fitted.data[i];
  return out;
}

/** Sum of the diagonal. */
export function trace(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.rows, a.cols); i++) s += a.data[i * a.cols + i];
  return s;
}
