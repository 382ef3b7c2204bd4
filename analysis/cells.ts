import type { LonelyPsu } from './design.js';
import { evaluateSubset } from './subset.js';
import { categoricalColumn, getColumn, type DataTable } from './table.js';

/**
 * Means and totals from cells instead of rows (issue 21). A cell gathers the rows of one stratum x PSU
 * x domain x (in the subset or not) x (variable missing or not): its weight W = sum w, its weighted
 * mean m and the sum of squares around it M2 = sum w (y - m)^2. A cell stands for its rows exactly:
 * its weighted total is theirs and its influence value W (m - ybar) / W_domain is the sum of theirs,
 * so the PSU totals, hence the linearised variance, are the rows' (STATISTICS.md, Domains); the counts
 * and the element variance behind the design effect are put back from the cells. A file of millions
 * of rows becomes a few thousand cells, read piece by piece in bounded memory, in parallel (cells of
 * two parts of a file add up), and a database reduces a table to them with one GROUP BY.
 */

/** The table cannot be reduced to cells as asked: the caller reads it row by row (which says what is wrong). */
export class CellsRefused extends Error {}

/** The design the cells keep: weights, strata, one stage of PSUs (with linearisation). */
export interface CellDesign {
  weights: string;
  strata?: string;
  psu: string;
  nest?: boolean;
  lonelyPsu?: LonelyPsu;
}

/** One estimate's cells: of which numeric variable, by which domains, in which subset (an expression). */
export interface CellItem {
  variable: string;
  by: readonly string[];
  subset: string | null;
}

/** Cells as plain data (they cross worker threads by structured clone). */
export interface CellData {
  byCount: number;
  /** Per cell: stratum, PSU, then the by-values (null: missing), flattened (2 + byCount per cell). */
  keys: (string | null)[];
  inside: number[];
  missing: number[];
  rows: number[];
  nonzero: number[];
  weight: number[];
  mean: number[];
  m2: number[];
}

function emptyCells(byCount: number): CellData {
  return { byCount, keys: [], inside: [], missing: [], rows: [], nonzero: [], weight: [], mean: [], m2: [] };
}

/** Cells under construction: adding a cell that exists pools the two (Chan et al.'s update of mean and M2). */
export class CellSet {
  readonly data: CellData;
  private readonly index = new Map<string, number>();

  constructor(byCount: number) {
    this.data = emptyCells(byCount);
  }

  add(keys: readonly (string | null)[], inside: number, missing: number, rows: number, nonzero: number, weight: number, mean: number, m2: number): void {
    let id = inside ? (missing ? '3' : '2') : missing ? '1' : '0';
    for (let j = 0; j < keys.length; j++) id += keys[j] === null ? '\u0002' : `\u0001${keys[j]}`;
    const d = this.data;
    const c = this.index.get(id);
    if (c === undefined) {
      this.index.set(id, d.rows.length);
      for (let j = 0; j < keys.length; j++) d.keys.push(keys[j]);
      d.inside.push(inside);
      d.missing.push(missing);
      d.rows.push(rows);
      d.nonzero.push(nonzero);
      d.weight.push(weight);
      d.mean.push(mean);
      d.m2.push(m2);
      return;
    }
    d.rows[c] += rows;
    d.nonzero[c] += nonzero;
    const wa = d.weight[c];
    const w = wa + weight;
    if (weight !== 0 && !missing) {
      if (wa === 0) {
        d.mean[c] = mean;
        d.m2[c] = m2;
      } else {
        const delta = mean - d.mean[c];
        d.mean[c] += (delta * weight) / w;
        d.m2[c] += m2 + (delta * delta * wa * weight) / w;
      }
    }
    d.weight[c] = w;
  }

  /** Adds every cell of another set (of the same item). */
  merge(other: CellData): void {
    const k = 2 + other.byCount;
    for (let c = 0; c < other.rows.length; c++)
      this.add(
        other.keys.slice(c * k, c * k + k),
        other.inside[c],
        other.missing[c],
        other.rows[c],
        other.nonzero[c],
        other.weight[c],
        other.mean[c],
        other.m2[c],
      );
  }
}

/**
 * Adds a piece of the rows to an item's cells. Rows the design refuses (a missing or negative weight,
 * stratum or PSU) and a variable that is not numeric are CellsRefused: the row-by-row path reports them.
 */
export function accumulateCells(table: DataTable, design: CellDesign, item: CellItem, into: CellSet): void {
  const n = table.nRows;
  if (n === 0) return;
  const yCol = getColumn(table, item.variable, 'variable');
  if (yCol.kind !== 'number') throw new CellsRefused(`${item.variable} is not numeric`);
  const y = yCol.values;
  const wCol = getColumn(table, design.weights, 'weights');
  if (wCol.kind !== 'number') throw new CellsRefused('the weights are not numeric');
  const w = wCol.values;
  const strata = design.strata ? categoricalColumn(table, design.strata, 'strata') : null;
  const psu = categoricalColumn(table, design.psu, 'cluster ids');
  const bys = item.by.map((b) => categoricalColumn(table, b, 'by'));
  const mask = item.subset ? evaluateSubset(table, item.subset) : null;
  const nPsu = psu.levels.length;
  const radix = bys.map((c) => c.levels.length + 1);
  // Per PSU a block of slots: domain x (in the subset) x (missing); a slot holds its cell's number.
  const block = radix.reduce((a, b) => a * b, 1) * 4;
  if (block > 1 << 16) throw new CellsRefused('too many domains');
  const blockOf = new Map<number, number>();
  const psuOfBlock: number[] = [];
  let slots = new Int32Array(block * 64).fill(-1);
  let cells = 0;
  let slotOf = new Int32Array(256);
  let rows = new Float64Array(256);
  let nonzero = new Float64Array(256);
  let weight = new Float64Array(256);
  let shift = new Float64Array(256);
  let s1 = new Float64Array(256);
  let s2 = new Float64Array(256);
  const grow = (a: Float64Array) => {
    const b = new Float64Array(a.length * 2);
    b.set(a);
    return b;
  };
  let lastPsu = -1;
  let base = 0;
  const stratumCodes = strata?.codes;
  const psuCodes = psu.codes;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (!(wi >= 0) || wi === Infinity) throw new CellsRefused('a weight is missing or negative');
    const h = stratumCodes ? stratumCodes[i] : 0;
    const p = psuCodes[i];
    if (h < 0 || p < 0) throw new CellsRefused('a stratum or PSU is missing');
    const hp = h * nPsu + p;
    if (hp !== lastPsu) {
      let b = blockOf.get(hp);
      if (b === undefined) {
        b = psuOfBlock.length;
        blockOf.set(hp, b);
        psuOfBlock.push(hp);
        if ((b + 1) * block > slots.length) {
          const next = new Int32Array(slots.length * 2).fill(-1);
          next.set(slots);
          slots = next;
        }
      }
      base = b * block;
      lastPsu = hp;
    }
    let dom = 0;
    for (let j = 0; j < bys.length; j++) dom = dom * radix[j] + bys[j].codes[i] + 1;
    const yi = y[i];
    const miss = yi === yi ? 0 : 1;
    const slot = base + dom * 4 + (mask ? mask[i] * 2 : 2) + miss;
    let cell = slots[slot];
    if (cell < 0) {
      cell = cells++;
      slots[slot] = cell;
      if (cell === rows.length) {
        const bigger = new Int32Array(slotOf.length * 2);
        bigger.set(slotOf);
        slotOf = bigger;
        rows = grow(rows);
        nonzero = grow(nonzero);
        weight = grow(weight);
        shift = grow(shift);
        s1 = grow(s1);
        s2 = grow(s2);
      }
      slotOf[cell] = slot;
      shift[cell] = miss ? 0 : yi;
    }
    rows[cell]++;
    if (wi !== 0) nonzero[cell]++;
    weight[cell] += wi;
    if (!miss) {
      // Sums around the cell's first value: the mean and M2 without the cancellation of sum w y^2.
      const d = yi - shift[cell];
      s1[cell] += wi * d;
      s2[cell] += wi * d * d;
    }
  }
  const keys: (string | null)[] = new Array(2 + bys.length);
  for (let c = 0; c < cells; c++) {
    const slot = slotOf[c];
    const hp = psuOfBlock[Math.floor(slot / block)];
    let rest = slot % block;
    const miss = rest % 2;
    const inside = (rest >> 1) % 2;
    let dom = rest >> 2;
    for (let j = bys.length - 1; j >= 0; j--) {
      const code = (dom % radix[j]) - 1;
      dom = Math.floor(dom / radix[j]);
      keys[2 + j] = code < 0 ? null : bys[j].levels[code];
    }
    rest = hp % nPsu;
    keys[0] = strata ? strata.levels[(hp - rest) / nPsu] : null;
    keys[1] = psu.levels[rest];
    const W = weight[c];
    const mean = miss ? NaN : W === 0 ? shift[c] : shift[c] + s1[c] / W;
    const m2 = miss || W === 0 ? 0 : Math.max(0, s2[c] - (s1[c] * s1[c]) / W);
    into.add(keys, inside, miss, rows[c], nonzero[c], W, mean, m2);
  }
}
