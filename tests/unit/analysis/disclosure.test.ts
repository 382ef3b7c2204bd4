import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_THRESHOLDS,
  anonymise,
  estimateFlags,
  kAnonymise,
  suppressTable,
  tableFromRecords,
  type CountGrid,
  type Dataset,
} from '../../../analysis/index.js';

const hidden = (s: string) => s === 'suppressed' || s === 'complementary';

function grid(cells: number[][]): CountGrid {
  const rowMargins = cells.map((r) => r.reduce((a, b) => a + b, 0));
  const colMargins = cells[0].map((_, c) => cells.reduce((a, r) => a + r[c], 0));
  return { cells, rowMargins, colMargins, total: rowMargins.reduce((a, b) => a + b, 0) };
}

/** Every line of the table extended by its margins: the entries whose values add up. */
function lines(g: CountGrid, s: ReturnType<typeof suppressTable>): string[][] {
  const ext = [...s.cells.map((row, r) => [...row, s.rowMargins[r]]), [...s.colMargins, s.total]];
  const out: string[][] = ext.map((row) => row);
  for (let c = 0; c < ext[0].length; c++) out.push(ext.map((row) => row[c]));
  void g;
  return out;
}

describe('table disclosure: precision flags, confidentiality blanks (DOMAIN.md: two rule sets kept apart)', () => {
  it('precision never blanks: under 25 cases unreliable, 25-49 flagged; no complementary suppression', () => {
    const g = grid([
      [10, 100, 200],
      [120, 30, 300],
    ]);
    const s = suppressTable(g, DEFAULT_THRESHOLDS);
    expect(s.cells).toEqual([
      ['unreliable', 'published', 'published'],
      ['published', 'flagged', 'published'],
    ]);
    expect([s.primary, s.complementary]).toEqual([0, 0]);
  });

  it('in a table of quasi-identifiers a count of 1 or 2 is blanked, and a second cell in each line so it cannot be recovered from the margins', () => {
    const g = grid([
      [2, 100, 200],
      [120, 30, 300],
    ]);
    const s = suppressTable(g, DEFAULT_THRESHOLDS, { confidential: true });
    expect(s.cells[0][0]).toBe('suppressed');
    // Row 0 and column 0 each had one hidden cell: the smallest other cell of each is hidden too.
    expect(s.cells[0][1]).toBe('complementary');
    expect(s.cells[1][0]).toBe('complementary');
    // Column 1 then has one hidden cell (row 0): the 30 (flagged at first) is the smallest other.
    expect(s.cells[1][1]).toBe('complementary');
    for (const line of lines(g, s)) expect(line.filter(hidden).length).not.toBe(1);
    expect(s.primary).toBe(1);
    // The same table without quasi-identifiers: the 2 is shown, marked unreliable.
    expect(suppressTable(g, DEFAULT_THRESHOLDS).cells[0][0]).toBe('unreliable');
  });

  it('publishes a table with no small cell unchanged and flags high RSE', () => {
    const g = {
      ...grid([
        [60, 70],
        [80, 90],
      ]),
      cv: [
        [0.1, 0.35],
        [0.1, 0.1],
      ],
    };
    const s = suppressTable(g, DEFAULT_THRESHOLDS);
    expect(s.cells).toEqual([
      ['published', 'flagged'],
      ['published', 'published'],
    ]);
    expect(s.complementary).toBe(0);
  });

  it('flags by the thresholds given', () => {
    expect(estimateFlags(24, 0.1, DEFAULT_THRESHOLDS)).toEqual(['suppressed']);
    expect(estimateFlags(25, 0.1, DEFAULT_THRESHOLDS)).toEqual(['unreliable']);
    expect(estimateFlags(49, 0.31, DEFAULT_THRESHOLDS)).toEqual(['unreliable', 'high-rse']);
    expect(estimateFlags(50, 0.3, DEFAULT_THRESHOLDS)).toEqual([]);
    expect(estimateFlags(9, null, { minCases: 10, flagCases: 20, maxRse: 0.2 })).toEqual(['suppressed']);
  });

  it('property: in a confidential table every count of 1-2 is hidden, no line of cells plus margin hides exactly one entry; precision hides nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), (raw) => {
        const width = Math.min(...raw.map((r) => r.length));
        const cells = raw.map((r) => r.slice(0, width));
        const g = grid(cells);
        const s = suppressTable(g, DEFAULT_THRESHOLDS, { confidential: true });
        cells.forEach((row, r) => row.forEach((n, c) => n > 0 && n < 3 && expect(hidden(s.cells[r][c])).toBe(true)));
        for (const line of lines(g, s)) expect(line.filter(hidden).length).not.toBe(1);
        const p = suppressTable(g, DEFAULT_THRESHOLDS);
        for (const line of lines(g, p)) expect(line.filter(hidden)).toEqual([]);
        cells.forEach((row, r) =>
          row.forEach((n, c) => expect(p.cells[r][c]).toBe(n > 0 && n < 25 ? 'unreliable' : n > 0 && n < 50 ? 'flagged' : 'published')),
        );
      }),
      { numRuns: 300 },
    );
  });
});

function microDataset(): Dataset {
  const household = tableFromRecords(
    Array.from({ length: 12 }, (_, i) => ({ interview_id: `iv${i}`, region: i < 6 ? 'North' : 'South', ea: `EA${i % 4}`, weight: 10 })),
  );
  const people = [];
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 3; j++)
      people.push({
        interview_id: `iv${i}`,
        members_key: `m${j}`,
        name: `Person ${i}.${j}`,
        sex: j === 0 ? 1 : 2,
        age: 20 + j,
        country_birth: i === 0 && j === 0 ? 'FJI' : 'THIS',
      });
  }
  return {
    design: {
      format: 'mdsurvey-dataset/1',
      designLevel: 'household',
      weights: 'weight',
      strata: 'region',
      ids: ['ea'],
      levels: [
        { name: 'household', file: 'household.csv', keys: ['interview_id'], parent: null },
        { name: 'members', file: 'members.csv', keys: ['interview_id', 'members_key'], parent: 'household' },
      ],
    },
    codebook: {
      variables: [
        {
          level: 'household',
          variable: 'region',
          label: { en: 'Region' },
          type: 'text',
          identifier: false,
          quasiIdentifier: true,
          design: 'strata',
          geography: 'region',
        },
        { level: 'household', variable: 'ea', label: { en: 'EA' }, type: 'text', identifier: false, quasiIdentifier: false, design: 'psu', geography: 'area' },
        { level: 'household', variable: 'weight', label: { en: 'Weight' }, type: 'decimal', identifier: false, quasiIdentifier: false, design: 'weight' },
        { level: 'members', variable: 'name', label: { en: 'Name' }, type: 'text', identifier: true, quasiIdentifier: false },
        { level: 'members', variable: 'sex', label: { en: 'Sex' }, type: 'select_one', identifier: false, quasiIdentifier: false },
        { level: 'members', variable: 'age', label: { en: 'Age' }, type: 'integer', identifier: false, quasiIdentifier: true },
        { level: 'members', variable: 'country_birth', label: { en: 'Country of birth' }, type: 'country', identifier: false, quasiIdentifier: true },
      ],
    },
    tables: new Map([
      ['household', household],
      ['members', tableFromRecords(people)],
    ]),
  };
}

describe('public-use microdata', () => {
  it('drops identifiers, recodes ids and areas, groups age, coarsens a rare country and reaches k-anonymity', () => {
    const { dataset, report } = anonymise(microDataset(), { k: 3, rareCountry: 5 });
    const members = dataset.tables.get('members')!;
    const household = dataset.tables.get('household')!;
    expect(members.columns.has('name')).toBe(false);
    expect(report.droppedIdentifiers).toEqual(['name']);
    // Interview ids are replaced consistently in both files (they still join) and areas get new codes.
    const hid = household.columns.get('interview_id')!;
    const mid = members.columns.get('interview_id')!;
    expect(hid.kind === 'category' && hid.levels.every((l) => /^H\d+$/.test(l))).toBe(true);
    expect(mid.kind === 'category' && mid.levels.every((l) => hid.kind === 'category' && hid.levels.includes(l))).toBe(true);
    const ea = household.columns.get('ea')!;
    expect(ea.kind === 'category' && ea.levels.every((l) => /^A\d$/.test(l))).toBe(true);
    expect(report.replacedCodes).toEqual(['interview_id', 'ea']);
    // Age in 5-year groups; the one person born in Fiji shows as Oceania, then is suppressed locally.
    const age = members.columns.get('age')!;
    expect(age.kind === 'category' && [...new Set(age.levels)].sort()).toEqual(['20-24']);
    const k = report.kAnonymity.find((x) => x.level === 'members')!;
    expect([...k.keys].sort()).toEqual(['age', 'country_birth', 'region', 'sex']);
    expect(k.riskyBefore).toBe(1);
    expect(k.suppressed.country_birth).toBe(1);
    expect(k.riskyAfter).toBe(0);
    const cob = members.columns.get('country_birth')!;
    expect(cob.kind === 'category' && cob.codes.filter((c) => c < 0).length).toBe(1);
    // The stratum is never suppressed, the weights and design stay.
    expect(household.columns.get('region')).toEqual(microDataset().tables.get('household')!.columns.get('region'));
  });

  it('property: after local suppression every record is k-anonymous or reported', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.constantFrom('1', '2', '3', '4'), b: fc.constantFrom('x', 'y', 'z'), g: fc.constantFrom('N', 'S') }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 2, max: 5 }),
        (records, k) => {
          const t = tableFromRecords(records);
          const { table, report } = kAnonymise(t, t, ['a', 'b'], ['g'], k);
          const val = (c: string, i: number) => {
            const col = table.columns.get(c)!;
            return col.kind === 'category' ? (col.codes[i] < 0 ? null : col.levels[col.codes[i]]) : String(col.values[i]);
          };
          // A blank key value matches any value.
          const matches = (i: number, j: number) => ['a', 'b', 'g'].every((c) => val(c, i) === null || val(c, j) === null || val(c, i) === val(c, j));
          let below = 0;
          for (let i = 0; i < table.nRows; i++) {
            let f = 0;
            for (let j = 0; j < table.nRows; j++) if (matches(i, j)) f++;
            if (f < k) {
              below++;
              // A record still below k has every suppressible key blank (there was nothing left to do).
              expect(val('a', i) === null && val('b', i) === null).toBe(true);
            }
          }
          expect(below).toBe(report.riskyAfter);
        },
      ),
      { numRuns: 200 },
    );
  });
});
