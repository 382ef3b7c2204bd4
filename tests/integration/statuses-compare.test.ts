// Both migration statuses side by side (issue 15): the DotM 3-month status and the 12-month status of the
// 2021 framework, at household and person level; immigrant households split out or left out.
import { beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators, shippedCatalogue, tabulateDataset, type Dataset } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';

let dataset: Dataset;
beforeAll(async () => {
  dataset = await readDataset(writeSyntheticDotm().dir);
}, 60_000);

const row = (r: ReturnType<typeof computeIndicators>, id: string, group = 'all') => r.rows.find((x) => x.id === id && x.group === group)!;

describe('statuses at 3 and 12 months', () => {
  it('--compare takes either household status; fewer households have a 12-month migrant than a 3-month one', () => {
    const three = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status', only: ['mig_emigrant_hh', 'mig_emigrant_hh_12m'] });
    const twelve = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status_12m', only: ['mig_emigrant_hh', 'mig_emigrant_hh_12m'] });
    expect(row(three, 'mig_emigrant_hh').estimate!).toBeGreaterThan(row(three, 'mig_emigrant_hh_12m').estimate!);
    // Each status defines its own groups: by definition every H1 household of the 12-month status has a 12-month emigrant.
    expect(row(twelve, 'mig_emigrant_hh_12m', 'H1').estimate).toBe(1);
    expect(row(twelve, 'mig_emigrant_hh_12m', 'H1').flags).toContain('definitional');
    expect(row(three, 'mig_emigrant_hh_12m', 'H1').estimate!).toBeLessThan(1); // some 3-month emigrants left under 12 months ago
    expect(twelve.reference).toBe('H0');
  });

  it('a person-level status compares person indicators; household indicators are reported as not computable, with the reason', () => {
    const r = computeIndicators(dataset, shippedCatalogue(), {
      compare: 'migratory_status',
      reference: 'native-born citizen',
      only: ['gen_flfp_15', 'mig_emigrant_hh'],
    });
    expect(r.rows.filter((x) => x.id === 'gen_flfp_15').map((x) => x.group)).toEqual(
      expect.arrayContaining(['all', 'native-born citizen', 'foreign-born citizen', 'foreign-born non-citizen']),
    );
    expect(row(r, 'gen_flfp_15', 'foreign-born non-citizen').difference!.versus).toBe('native-born citizen');
    expect(r.skipped).toEqual([{ id: 'mig_emigrant_hh', reason: expect.stringMatching(/"migratory_status" is not at level household/) }]);
  });
});

describe('immigrant households apart from the non-migrant group', () => {
  it('split (HI) or left out (--where): H0 then holds native households only', () => {
    const split = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status_split', only: ['mig_immigrant_hh'] });
    const hi = row(split, 'mig_immigrant_hh', 'HI');
    expect(hi.n).toBeGreaterThan(0);
    expect(hi.estimate).toBe(1);
    expect(row(split, 'mig_immigrant_hh', 'H0').estimate).toBe(0);
    const all = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status', only: ['mig_immigrant_hh'] });
    const without = computeIndicators(dataset, shippedCatalogue(), {
      compare: 'hh_migration_status',
      only: ['mig_immigrant_hh'],
      where: '${hh_immigrant_household} = 0',
    });
    expect(row(all, 'mig_immigrant_hh', 'H0').estimate!).toBeGreaterThan(0);
    expect(row(without, 'mig_immigrant_hh', 'H0').estimate).toBe(0);
    expect(row(all, 'mig_immigrant_hh', 'H0').n - row(without, 'mig_immigrant_hh', 'H0').n).toBe(hi.n);
  });
});

describe('census tables on the add-on and LFS variable names', () => {
  it('the census presets read c_birth / c_citizenship / c_arrival_year, and the host country is native', async () => {
    // The DotM file renamed as a census add-on would name its variables.
    const members = dataset.tables.get('members')!;
    const renamed = new Map(members.columns);
    for (const [from, to] of [
      ['country_birth', 'c_birth'],
      ['citizenship', 'c_citizenship'],
      ['im_year_arrival', 'c_arrival_year'],
    ]) {
      renamed.set(to, { ...renamed.get(from)!, name: to });
      renamed.delete(from);
    }
    const census: Dataset = { ...dataset, tables: new Map(dataset.tables).set('members', { nRows: members.nRows, columns: renamed }) };
    const birth = tabulateDataset(census, { level: 'members', rows: 'country_birth_group', cols: 'sex', universe: "${nativity} = 'foreign-born'" });
    const rows = new Set(birth.tables[0].cells.map((c) => c.row));
    expect(rows.has('GHA')).toBe(false);
    expect(rows.size).toBeGreaterThan(3);
    const nativity = tabulateDataset(census, { level: 'members', rows: 'nativity', cols: 'sex' });
    const original = tabulateDataset(dataset, { level: 'members', rows: 'nativity', cols: 'sex' });
    expect(nativity.tables[0].total.count.estimate).toBeCloseTo(original.tables[0].total.count.estimate, 6);
    expect(nativity.tables[0].cells.map((c) => [c.row, c.col, c.n])).toEqual(original.tables[0].cells.map((c) => [c.row, c.col, c.n]));
  });
});
