// Readers of the files researchers bring (issue 21): the same person file written by R as quoted CSV,
// Stata .dta (formats 113-119, strLs) and SPSS .sav (compressed and not), and as Parquet, gives the
// same estimates through `mdsurvey estimate` (to 1e-12 relative: write.csv rounds to 15 digits); in the
// binary formats a category takes its value labels. Bad files are refused with exit code 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { parquetWriteFile } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { need, rTool } from '../helpers/tools.js';
import { runMdsurvey } from '../helpers/cli.js';
import { openDta, readDta } from '../../io/stata.js';
import { openSav } from '../../io/spss.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const DESIGN = ['--weights', 'weight', '--strata', 'stratum', '--ids', 'psu'];
const ASKS = [
  ['--mean', 'outcome', '--by', 'migrant', '--subset', '${age} >= 6 and ${relation} = 3'],
  ['--total', 'amount', '--by', 'relation'],
  ['--mean', 'age', '--by', 'stratum'],
];
const LABELS: Record<string, Record<string, string>> = {
  migrant: { '0': 'non-migrant', '1': 'migrant' },
  relation: { '1': 'head', '2': 'spouse', '3': 'child', '4': 'other' },
};
type Estimate = { domain: Record<string, string> | null; estimate: number; se: number; n: number };

async function estimates(file: string, ask: string[]): Promise<Estimate[]> {
  const r = await runMdsurvey(['estimate', file, ...DESIGN, ...ask], { env: { MDSURVEY_DEBUG: '1' } });
  expect(r.code, r.stderr).toBe(0);
  // CSV, Stata 117-119 and SPSS files are reduced to cells chunk by chunk (every ask here is a mean or
  // total): nothing falls back to reading row by row.
  if (/\.(csv|dta|sav)$/.test(file)) expect(r.stderr).not.toMatch(/row by row/);
  return (JSON.parse(r.stdout) as { estimates: Estimate[] }).estimates;
}

/** The CSV's domains spelled as the labelled files spell them (codes -> labels). */
const labelled = (e: Estimate) => ({
  ...e,
  domain: e.domain && Object.fromEntries(Object.entries(e.domain).map(([k, v]) => [k, LABELS[k]?.[v] ?? v])),
});
const key = (e: Estimate) => JSON.stringify(e.domain);
function expectSame(got: Estimate[], want: Estimate[], what: string) {
  expect(got.map(key).sort(), what).toEqual(want.map(key).sort());
  for (const w of want) {
    const g = got.find((x) => key(x) === key(w))!;
    expect(g.n, what).toBe(w.n);
    for (const f of ['estimate', 'se'] as const) expect(Math.abs(g[f] - w[f]) / Math.abs(w[f]), `${what} ${f} ${key(w)}`).toBeLessThan(1e-12);
  }
}

describe.runIf(need(rTool(), 'files written by R haven'))('estimates from every file format equal the CSV', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'formats-'));
  let reference: Estimate[][];
  beforeAll(async () => {
    const r = spawnSync('Rscript', [path.join(here, '..', 'fixtures', 'formats', 'write-formats.R')], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // Parquet (no R arrow on Debian): the CSV's rows written by hyparquet-writer, amounts with nulls, psu as text.
    const rows = parse(fs.readFileSync(path.join(dir, 'persons.csv')), { columns: true }) as Record<string, string>[];
    const num = (c: string) => rows.map((x) => (x[c] === 'NA' ? null : Number(x[c])));
    // Row groups of 700 rows: the reader fetches each group's column chunks by byte range.
    await parquetWriteFile({
      filename: path.join(dir, 'persons.parquet'),
      rowGroupSize: 700,
      columnData: [
        { name: 'stratum', data: rows.map((x) => x.stratum), type: 'STRING' },
        { name: 'psu', data: rows.map((x) => x.psu), type: 'STRING' },
        { name: 'weight', data: num('weight'), type: 'DOUBLE' },
        { name: 'outcome', data: num('outcome'), type: 'DOUBLE' },
        { name: 'age', data: num('age'), type: 'INT32' },
        { name: 'relation', data: num('relation'), type: 'INT32' },
        { name: 'amount', data: num('amount'), type: 'DOUBLE' },
        { name: 'migrant', data: num('migrant'), type: 'INT32' },
      ],
    });
    reference = await Promise.all(ASKS.map((a) => estimates(path.join(dir, 'persons.csv'), a)));
  }, 120_000);

  const files = [
    'persons-v8.dta',
    'persons-v10.dta',
    'persons-v12.dta',
    'persons-v13.dta',
    'persons-v14.dta',
    'persons-v15.dta',
    'persons-strl.dta',
    'persons.sav',
    'persons-none.sav',
    'persons.parquet',
  ];
  it.each(files)(
    '%s',
    async (name) => {
      const file = path.join(dir, name);
      for (const [k, ask] of ASKS.entries()) {
        const want = name.endsWith('.parquet') ? reference[k] : reference[k].map(labelled);
        expectSame(await estimates(file, ask), want, `${name} ${ask.join(' ')}`);
      }
    },
    60_000,
  );

  it('reads a .dta file by chunks of rows exactly as it reads it whole', () => {
    for (const name of files.filter((f) => f.endsWith('.dta'))) {
      const file = path.join(dir, name);
      const whole = readDta(fs.readFileSync(file), file);
      // Chunks of about 100 bytes: many chunks, the last one short.
      const streamed = openDta(file, 100);
      try {
        expect(streamed.names).toEqual(whole.names);
        expect(streamed.nRows).toBe(whole.nRows);
        expect(streamed.columns(whole.names)).toEqual(whole.names.map((n) => whole.column(n)));
      } finally {
        streamed.close();
      }
    }
  });

  it('reads a .sav file by chunks of bytes exactly as in one chunk (compressed blocks and cases cut anywhere)', () => {
    for (const name of files.filter((f) => f.endsWith('.sav'))) {
      const file = path.join(dir, name);
      const whole = openSav(file, 1 << 30);
      try {
        expect(whole.nRows).toBeGreaterThan(100);
        const columns = whole.columns(whole.names);
        // Chunks of 8 to 200 bytes: command blocks, their data and cases split at every place.
        for (const bytes of [8, 61, 100, 200]) {
          const streamed = openSav(file, bytes);
          try {
            expect(streamed.names).toEqual(whole.names);
            expect(streamed.nRows).toBe(whole.nRows);
            expect(streamed.columns(whole.names)).toEqual(columns);
            // Chunk by chunk: rows in order, each chunk its rows of every column.
            const pieces: unknown[][] = whole.names.map(() => []);
            let next = 0;
            streamed.forEachChunk(whole.names, (r0, r1, cs) => {
              expect(r0).toBe(next);
              next = r1;
              cs.forEach((c, j) => pieces[j].push(...c.values));
            });
            expect(next).toBe(whole.nRows);
            pieces.forEach((values, j) => expect(values).toEqual([...columns[j].values]));
          } finally {
            streamed.close();
          }
        }
      } finally {
        whole.close();
      }
    }
  });

  it('refuses a .sav file cut in its cases, naming it', () => {
    for (const name of files.filter((f) => f.endsWith('.sav'))) {
      const bytes = fs.readFileSync(path.join(dir, name));
      const cut = path.join(dir, `cut-${name}`);
      fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 300));
      const sav = openSav(cut, 100);
      try {
        expect(() => sav.columns(sav.names)).toThrow(new RegExp(`cut-${name}.*(cut short|past the end|declares)`));
      } finally {
        sav.close();
      }
    }
  });

  it('refuses a truncated or foreign file with exit code 2 and the file named', async () => {
    const cut = path.join(dir, 'cut.dta');
    fs.writeFileSync(cut, fs.readFileSync(path.join(dir, 'persons-v14.dta')).subarray(0, 5000));
    const notSav = path.join(dir, 'not.sav');
    fs.writeFileSync(notSav, 'stratum,psu\nA,1\n');
    const notParquet = path.join(dir, 'not.parquet');
    fs.writeFileSync(notParquet, 'hello');
    for (const f of [cut, notSav, notParquet]) {
      const r = await runMdsurvey(['estimate', f, ...DESIGN, '--mean', 'outcome']);
      expect(r.code, `${f}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(path.basename(f));
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  }, 60_000);
});
