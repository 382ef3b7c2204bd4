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

/**
 * Cells as plain data, in typed arrays (they cross worker threads by structured clone, a copy of bytes).
 * The key columns are the stratum, the PSU, then each by-column: a cell holds a code into each one's
 * levels (-1: missing; every level is a key of some cell).
 */
export interface CellData {
  byCount: number;
  /** Levels of each key column (the stratum's are empty without strata). */
  levels: string[][];
  /** Per cell its code in each key column, flattened (2 + byCount per cell). */
  codes: Int32Array;
  inside: Uint8Array;
  missing: Uint8Array;
  rows: Float64Array;
  nonzero: Float64Array;
  weight: Float64Array;
  mean: Float64Array;
  m2: Float64Array;
}

/** A typed array of `size` elements holding the first `used` of `a` (the rest zero). */
function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, size: number, used = a.length): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, used));
  return b;
}

/** The codes of a key column's levels in a set's own levels (new ones are added), looked up once per level. */
class LevelCodes {
  readonly levels: string[] = [];
  private readonly index = new Map<string, number>();
  private source: readonly string[] | null = null;
  private map = new Int32Array(16);
  private mapped = 0;

  code(label: string | null): number {
    if (label === null) return -1;
    let c = this.index.get(label);
    if (c === undefined) {
      c = this.levels.length;
      this.levels.push(label);
      this.index.set(label, c);
    }
    return c;
  }

  /**
   * The set's code of each of `levels` (a column's levels; a parser's list grows from piece to piece,
   * so only its new levels are looked up). Levels are added to the set only when a cell uses them.
   */
  codesOf(levels: readonly string[]): Int32Array {
    if (levels !== this.source) {
      this.source = levels;
      this.mapped = 0;
    }
    if (levels.length > this.map.length) {
      const bigger = new Int32Array(Math.max(levels.length, this.map.length * 2));
      bigger.set(this.map.subarray(0, this.mapped));
      this.map = bigger;
    }
    this.map.fill(-2, this.mapped, levels.length);
    this.mapped = levels.length;
    return this.map;
  }

  /** The set's code of level `c` of the column last given to codesOf. */
  resolve(c: number): number {
    if (c < 0) return -1;
    let g = this.map[c];
    if (g === -2) g = this.map[c] = this.code(this.source![c]);
    return g;
  }
}

/** Cells under construction: adding a cell that exists pools the two (Chan et al.'s update of mean and M2). */
export class CellSet {
  private readonly keyColumns: LevelCodes[];
  private readonly width: number;
  private readonly index = new Map<string, number>();
  private n = 0;
  private codes = new Int32Array(0);
  private inside = new Uint8Array(0);
  private missing = new Uint8Array(0);
  private rows = new Float64Array(0);
  private nonzero = new Float64Array(0);
  private weight = new Float64Array(0);
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);
  /** Working arrays of accumulateCells. */
  readonly scratch = new PieceCells();
  /** The key of the cell being added (addKeyed). */
  readonly key: Int32Array;

  constructor(readonly byCount: number) {
    this.width = 2 + byCount;
    this.keyColumns = Array.from({ length: this.width }, () => new LevelCodes());
    this.key = new Int32Array(this.width);
    this.grow(256);
  }

  private grow(capacity: number): void {
    const used = this.n;
    this.codes = grown(this.codes, capacity * this.width, used * this.width);
    this.inside = grown(this.inside, capacity, used);
    this.missing = grown(this.missing, capacity, used);
    this.rows = grown(this.rows, capacity, used);
    this.nonzero = grown(this.nonzero, capacity, used);
    this.weight = grown(this.weight, capacity, used);
    this.mean = grown(this.mean, capacity, used);
    this.m2 = grown(this.m2, capacity, used);
  }

  /** Adds a cell keyed by labels (null: missing): the stratum (null without strata), the PSU, the by-values. */
  add(keys: readonly (string | null)[], inside: number, missing: number, rows: number, nonzero: number, weight: number, mean: number, m2: number): void {
    for (let j = 0; j < this.width; j++) this.key[j] = this.keyColumns[j].code(keys[j]);
    this.addKeyed(inside, missing, rows, nonzero, weight, mean, m2);
  }

  /** The key columns' level codes, for accumulateCells (codesOf / resolve). */
  column(j: number): LevelCodes {
    return this.keyColumns[j];
  }

  /** Adds a cell whose key codes are in this.key (filled by the caller through column(j)). */
  addKeyed(inside: number, missing: number, rows: number, nonzero: number, weight: number, mean: number, m2: number): void {
    let id = inside ? (missing ? '3' : '2') : missing ? '1' : '0';
    for (let j = 0; j < this.width; j++) id += `,${this.key[j]}`;
    const c = this.index.get(id);
    if (c === undefined) {
      const k = this.n;
      if (k * this.width === this.codes.length) this.grow(k * 2);
      this.index.set(id, k);
      this.codes.set(this.key, k * this.width);
      this.inside[k] = inside;
      this.missing[k] = missing;
      this.rows[k] = rows;
      this.nonzero[k] = nonzero;
      this.weight[k] = weight;
      this.mean[k] = mean;
      this.m2[k] = m2;
      this.n++;
      return;
    }
    this.rows[c] += rows;
    this.nonzero[c] += nonzero;
    const wa = this.weight[c];
    const w = wa + weight;
    if (weight !== 0 && !missing) {
      if (wa === 0) {
        this.mean[c] = mean;
        this.m2[c] = m2;
      } else {
        const delta = mean - this.mean[c];
        this.mean[c] += (delta * weight) / w;
        this.m2[c] += m2 + (delta * delta * wa * weight) / w;
      }
    }
    this.weight[c] = w;
  }

  /** The cells (a copy of the set's arrays, trimmed). */
  get data(): CellData {
    const n = this.n;
    return {
      byCount: this.byCount,
      levels: this.keyColumns.map((k) => [...k.levels]),
      codes: this.codes.slice(0, n * this.width),
      inside: this.inside.slice(0, n),
      missing: this.missing.slice(0, n),
      rows: this.rows.slice(0, n),
      nonzero: this.nonzero.slice(0, n),
      weight: this.weight.slice(0, n),
      mean: this.mean.slice(0, n),
      m2: this.m2.slice(0, n),
    };
  }
}

/**
 * The cells of several parts of a table (two threads' shares of a file) as one set, without pooling
 * cells of the same key: any partition of the rows into cells gives the same estimates (the PSU totals
 * and the domain sums are sums over cells). Only the parts' levels are matched, one lookup per level.
 */
export function concatCells(parts: readonly CellData[]): CellData {
  if (parts.length === 1) return parts[0];
  const byCount = parts[0].byCount;
  const width = 2 + byCount;
  const keyColumns = Array.from({ length: width }, () => new LevelCodes());
  const total = parts.reduce((s, p) => s + p.rows.length, 0);
  const out: CellData = {
    byCount,
    levels: keyColumns.map((k) => k.levels),
    codes: new Int32Array(total * width),
    inside: new Uint8Array(total),
    missing: new Uint8Array(total),
    rows: new Float64Array(total),
    nonzero: new Float64Array(total),
    weight: new Float64Array(total),
    mean: new Float64Array(total),
    m2: new Float64Array(total),
  };
  let at = 0;
  for (const p of parts) {
    if (p.byCount !== byCount) throw new Error('cells of different items');
    const n = p.rows.length;
    const maps = keyColumns.map((k, j) => p.levels[j].map((label) => k.code(label)));
    for (let c = 0; c < n * width; c++) {
      const code = p.codes[c];
      out.codes[at * width + c] = code < 0 ? -1 : maps[c % width][code];
    }
    for (const f of ['inside', 'missing', 'rows', 'nonzero', 'weight', 'mean', 'm2'] as const) (out[f] as Float64Array).set(p[f] as Float64Array, at);
    at += n;
  }
  return out;
}

/** Working arrays of accumulateCells, kept by a CellSet from one piece to the next (no new arrays per piece). */
class PieceCells {
  /** Per PSU of the piece a block of slots (domain x in the subset x missing); a slot holds its cell's number or -1. */
  slots = new Int32Array(1024).fill(-1);
  blockOf = new Map<number, number>();
  psuOfBlock = new Int32Array(64);
  blocks = 0;
  private usedSlots = 0;
  cells = 0;
  slotOf = new Int32Array(256);
  rows = new Float64Array(256);
  nonzero = new Float64Array(256);
  weight = new Float64Array(256);
  shift = new Float64Array(256);
  s1 = new Float64Array(256);
  s2 = new Float64Array(256);

  private sub = new Int32Array(0);
  private zeros = new Int32Array(0);

  /** An array of n zeros for each row's slot in its block (reused: new arrays for every piece kept the collector busy). */
  rowSlots(n: number): Int32Array {
    if (this.sub.length < n) this.sub = new Int32Array(n);
    const sub = this.sub.subarray(0, n);
    sub.fill(0);
    return sub;
  }

  /** n stratum codes of 0 (a design without strata). */
  noStrata(n: number): Int32Array {
    if (this.zeros.length < n) this.zeros = new Int32Array(n);
    return this.zeros;
  }

  reset(): void {
    // The slots the last piece used (its blocks may have been larger: a by-column made from numbers
    // has the levels of its own piece).
    this.slots.fill(-1, 0, this.usedSlots);
    this.usedSlots = 0;
    this.blockOf.clear();
    this.blocks = 0;
    this.cells = 0;
  }

  newBlock(hp: number, block: number): number {
    const b = this.blocks++;
    this.blockOf.set(hp, b);
    if (b === this.psuOfBlock.length) this.psuOfBlock = grown(this.psuOfBlock, b * 2);
    this.psuOfBlock[b] = hp;
    if ((b + 1) * block > this.slots.length) {
      const next = new Int32Array(Math.max(this.slots.length * 2, (b + 1) * block)).fill(-1);
      next.set(this.slots);
      this.slots = next;
    }
    this.usedSlots = (b + 1) * block;
    return b;
  }

  newCell(slot: number, first: number): number {
    const cell = this.cells++;
    if (cell === this.rows.length) {
      const size = cell * 2;
      this.slotOf = grown(this.slotOf, size);
      this.rows = grown(this.rows, size);
      this.nonzero = grown(this.nonzero, size);
      this.weight = grown(this.weight, size);
      this.shift = grown(this.shift, size);
      this.s1 = grown(this.s1, size);
      this.s2 = grown(this.s2, size);
    }
    this.slots[slot] = cell;
    this.slotOf[cell] = slot;
    this.rows[cell] = 0;
    this.nonzero[cell] = 0;
    this.weight[cell] = 0;
    this.s1[cell] = 0;
    this.s2[cell] = 0;
    this.shift[cell] = first;
    return cell;
  }
}

/**
 * The rows of a piece into its cells: only typed arrays and numbers here, so that the optimised code
 * of this loop stays valid from piece to piece (as part of accumulateCells it was thrown away again
 * and again on the shapes of the piece's columns, and ran unoptimised meanwhile).
 */
function sumRows(
  pc: PieceCells,
  n: number,
  w: Float64Array,
  y: Float64Array,
  hCodes: Int32Array,
  pCodes: Int32Array,
  nPsu: number,
  sub: Int32Array,
  block: number,
): void {
  let lastPsu = -1;
  let base = 0;
  let slots = pc.slots;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (!(wi >= 0) || wi === Infinity) throw new CellsRefused('a weight is missing or negative');
    const h = hCodes[i];
    const p = pCodes[i];
    if (h < 0 || p < 0) throw new CellsRefused('a stratum or PSU is missing');
    const hp = h * nPsu + p;
    if (hp !== lastPsu) {
      let b = pc.blockOf.get(hp);
      if (b === undefined) {
        b = pc.newBlock(hp, block);
        slots = pc.slots;
      }
      base = b * block;
      lastPsu = hp;
    }
    const yi = y[i];
    const miss = yi === yi ? 0 : 1;
    const slot = base + sub[i] + miss;
    let cell = slots[slot];
    if (cell < 0) cell = pc.newCell(slot, miss ? 0 : yi);
    pc.rows[cell]++;
    if (wi !== 0) pc.nonzero[cell]++;
    pc.weight[cell] += wi;
    if (!miss) {
      // Sums around the cell's first value: the mean and M2 without the cancellation of sum w y^2.
      const d = yi - pc.shift[cell];
      pc.s1[cell] += wi * d;
      pc.s2[cell] += wi * d * d;
    }
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
  const wCol = getColumn(table, design.weights, 'weights');
  if (wCol.kind !== 'number') throw new CellsRefused('the weights are not numeric');
  const strata = design.strata ? categoricalColumn(table, design.strata, 'strata') : null;
  const psu = categoricalColumn(table, design.psu, 'cluster ids');
  const bys = item.by.map((b) => categoricalColumn(table, b, 'by'));
  const mask = item.subset ? evaluateSubset(table, item.subset) : null;
  const radix = Int32Array.from(bys, (c) => c.levels.length + 1);
  const block = radix.reduce((a, b) => a * b, 1) * 4;
  if (block > 1 << 16) throw new CellsRefused('too many domains');
  // Each row's place in its PSU's block but for the missing bit: domain x 4 + in the subset x 2, column by column.
  const pc = into.scratch;
  const sub = pc.rowSlots(n);
  for (let j = 0; j < bys.length; j++) addDomainColumn(sub, bys[j].codes, radix[j], n);
  addSubsetColumn(sub, mask, n);
  pc.reset();
  sumRows(pc, n, wCol.values, yCol.values, strata ? strata.codes : pc.noStrata(n), psu.codes, psu.levels.length, sub, block);
  // The piece's level codes as the set's (parsers keep their dictionaries from piece to piece).
  if (strata) into.column(0).codesOf(strata.levels);
  into.column(1).codesOf(psu.levels);
  for (let j = 0; j < bys.length; j++) into.column(2 + j).codesOf(bys[j].levels);
  addPieceCells(pc, into, block, psu.levels.length, radix, strata !== null);
}

// The loops of accumulateCells are small functions of typed arrays: each is compiled once, quickly;
// as one function with the column lookups they were compiled again and again, at ~50 ms a time.

function addDomainColumn(sub: Int32Array, codes: Int32Array, radix: number, n: number): void {
  for (let i = 0; i < n; i++) sub[i] = sub[i] * radix + codes[i] + 1;
}

function addSubsetColumn(sub: Int32Array, mask: Uint8Array | null, n: number): void {
  if (mask) for (let i = 0; i < n; i++) sub[i] = sub[i] * 4 + mask[i] * 2;
  else for (let i = 0; i < n; i++) sub[i] = sub[i] * 4 + 2;
}

/** The piece's cells into the set, keyed by the set's level codes. */
function addPieceCells(pc: PieceCells, into: CellSet, block: number, nPsu: number, radix: Int32Array, hasStrata: boolean): void {
  const { cells, slotOf, psuOfBlock, rows, nonzero, weight, shift, s1, s2 } = pc;
  const key = into.key;
  const byCount = radix.length;
  for (let c = 0; c < cells; c++) {
    const slot = slotOf[c];
    const hp = psuOfBlock[Math.floor(slot / block)];
    let rest = slot % block;
    const miss = rest % 2;
    const inside = (rest >> 1) % 2;
    let dom = rest >> 2;
    for (let j = byCount - 1; j >= 0; j--) {
      key[2 + j] = into.column(2 + j).resolve((dom % radix[j]) - 1);
      dom = Math.floor(dom / radix[j]);
    }
    rest = hp % nPsu;
    key[0] = hasStrata ? into.column(0).resolve((hp - rest) / nPsu) : -1;
    key[1] = into.column(1).resolve(rest);
    const W = weight[c];
    const mean = miss ? NaN : W === 0 ? shift[c] : shift[c] + s1[c] / W;
    const m2 = miss || W === 0 ? 0 : Math.max(0, s2[c] - (s1[c] * s1[c]) / W);
    into.addKeyed(inside, miss, rows[c], nonzero[c], W, mean, m2);
  }
}
