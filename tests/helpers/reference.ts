import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { parseCsvColumns, tableFromRecords, type DataTable } from '../../analysis/index.js';
import { ROOT } from './cli.js';

export const FIXTURES = path.join(ROOT, 'tests', 'fixtures');

/** One row of r-survey-reference.csv (R survey 4.1, 17 significant digits). */
export interface ReferenceRow {
  design: string;
  call: string;
  term: string;
  estimate: number;
  se: number;
  note: string;
}

/** Reads a reference CSV from tests/fixtures/r-survey. */
export function referenceRows(file = 'r-survey-reference.csv'): ReferenceRow[] {
  const rows = parse(fs.readFileSync(path.join(FIXTURES, 'r-survey', file)), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    design: r.design,
    call: r.call,
    term: r.term,
    estimate: Number(r.estimate),
    se: r.se === 'NA' ? NaN : Number(r.se),
    note: r.note,
  }));
}

/** The reference row for a design and call (and term); fails the test if it is not there. */
export function ref(design: string, call: string, term?: string): ReferenceRow {
  const row = referenceRows().find((r) => r.design === design && r.call === call && (term === undefined || r.term === term));
  if (!row) throw new Error(`no reference row for ${design} / ${call} / ${term}`);
  return row;
}

/** A key=value pair from a reference note (`t=2.1 df=13 p=0.05`). */
export function noteValue(note: string, key: string): number {
  const m = new RegExp(`(?:^|\\s)${key.replace('.', '\\.')}=([-0-9.e,]+)`).exec(note);
  if (!m) throw new Error(`no ${key} in note "${note}"`);
  return Number(m[1].split(',')[0]);
}

/** One of the api data sets, every column read (numbers where the whole column is numeric). */
export function apiTable(name: 'apistrat' | 'apiclus1' | 'apiclus2' | 'apisrs'): DataTable {
  const text = fs.readFileSync(path.join(FIXTURES, 'r-survey', `${name}.csv`));
  const header = (parse(text, { to_line: 1 }) as string[][])[0];
  return parseCsvColumns(text, new Map(header.map((h) => [h, 'auto' as const])));
}

/** Row objects of an api data set (for property tests that rebuild tables). */
export function apiRecords(name: string): Record<string, string>[] {
  return parse(fs.readFileSync(path.join(FIXTURES, 'r-survey', `${name}.csv`)), { columns: true }) as Record<string, string>[];
}

export { tableFromRecords };

/** Relative agreement to tol (absolute near zero). */
export function expectClose(actual: number, expected: number, tol = 1e-9): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  const rel = Math.abs(actual - expected) / scale;
  if (!(rel <= tol)) expect.fail(`expected ${actual} to be within ${tol} (relative) of ${expected}; relative difference ${rel.toExponential(3)}`);
}

/** Design degrees of freedom of a stratified one-stage design on an api data set: PSUs (rows) minus strata, read from the fixture. */
export function apiDf(name: string, strata: string): number {
  const rows = parse(fs.readFileSync(path.join(FIXTURES, 'r-survey', `${name}.csv`)), { columns: true }) as Record<string, string>[];
  return rows.length - new Set(rows.map((r) => r[strata])).size;
}
