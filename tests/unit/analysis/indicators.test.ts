import { describe, expect, it } from 'vitest';
import { InputError } from '../../../common/errors.js';
import {
  computeIndicators,
  parseCatalogue,
  parseDatasetDesign,
  shippedCatalogue,
  svydesignCall,
  svysetLine,
  tableFromRecords,
  writeStata,
  type Dataset,
} from '../../../analysis/index.js';
import { compileExpression } from '../../../questionnaires/expressions/index.js';
import { codebookOf, compileQuestionnaire } from '../../../questionnaires/index.js';
import { dotmHousehold, lfsMigration } from '../../../questionnaires/library/index.js';

describe('indicator catalogue (analysis/indicators/catalogue.json)', () => {
  const cat = shippedCatalogue();

  it('covers the indicators of DOMAIN.md in every domain, with labels in the questionnaire languages', () => {
    expect(cat.indicators.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cat.indicators.map((i) => i.domain))).toEqual(
      new Set(['migration', 'remittances', 'education', 'health', 'gender', 'labour', 'consumption']),
    );
    for (const i of cat.indicators) expect(Object.keys(i.label).sort(), i.id).toEqual(['en', 'es', 'fr']);
  });

  it('reads only variables of the library questionnaires (DotM, the ILO SDG 10.7.1 questions), roster line numbers and its own derived variables', () => {
    const known = new Set<string>();
    for (const q of [dotmHousehold(), lfsMigration]) {
      for (const v of codebookOf(compileQuestionnaire(q))) {
        known.add(v.variable);
        if (v.unit) {
          // An amount also gives its conversions (analysis/money.ts).
          known.add(v.unit);
          known.add(`${v.variable}_local`);
          known.add(`${v.variable}_usd`);
        }
      }
    }
    for (const d of cat.derived) known.add(d.name);
    for (const name of Object.keys(cat.settings ?? {})) known.add(name);
    known.add('members_line');
    const refs = [
      ...cat.derived.map((d) => d.expression),
      ...cat.indicators.flatMap((i) => [i.universe, i.variable, i.numerator, i.denominator, i.weightFactor].filter((x): x is string => !!x)),
    ].flatMap((e) => compileExpression(e).refs);
    expect(refs.filter((r) => !known.has(r))).toEqual([]);
  });

  it('rejects a bad catalogue naming the place', () => {
    const base = {
      id: 'c',
      version: '1',
      derived: [],
      indicators: [{ id: 'x', domain: 'health', unit: 'person', level: 'members', statistic: 'ratio', variable: '${a}', label: { en: 'x' } }],
    };
    expect(() => parseCatalogue(base, 'my.json')).toThrow(/my.json \/indicators\/0 \(x\): a ratio needs "numerator" and "denominator"/);
    expect(() => parseCatalogue({ ...base, indicators: [{ ...base.indicators[0], statistic: 'mean', variable: '${a} >' }] }, 'my.json')).toThrow(InputError);
    expect(() => parseCatalogue({ ...base, indicators: [{ ...base.indicators[0], domain: 'sport' }] }, 'my.json')).toThrow(/\/indicators\/0\/domain/);
  });
});

function tinyDataset(variableMap?: Record<string, string>): Dataset {
  // Two strata of two PSUs; H0 and H1 households; the emigrant flag under another name when mapped.
  const status = ['H0', 'H1', 'H0', 'H1', 'H0', 'H1', 'H0', 'H1'];
  const flag = variableMap ? 'q_emig' : 'hh_has_emigrant';
  const household = tableFromRecords(
    status.map((s, i) => ({
      interview_id: `i${i}`,
      st: i < 4 ? 'a' : 'b',
      psu: `p${Math.floor(i / 2)}`,
      w: 1 + i,
      hh_migration_status: s,
      [flag]: s === 'H1' ? 1 : 0,
    })),
  );
  return {
    design: {
      format: 'mdsurvey-dataset/1',
      designLevel: 'household',
      weights: 'w',
      strata: 'st',
      ids: ['psu'],
      levels: [{ name: 'household', file: 'household.csv', keys: ['interview_id'], parent: null }],
      variableMap,
    },
    codebook: { variables: [] },
    tables: new Map([['household', household]]),
  };
}

describe('indicators on a dataset', () => {
  it("maps a composed questionnaire's variable names to the catalogue's and reports what it cannot compute", () => {
    const only = { only: ['mig_emigrant_hh', 'mig_female_emigrants'], compare: 'hh_migration_status' };
    const mapped = computeIndicators(tinyDataset({ hh_has_emigrant: 'q_emig' }), shippedCatalogue(), only);
    const all = mapped.rows.find((r) => r.id === 'mig_emigrant_hh' && r.group === 'all')!;
    expect(all.estimate).toBeCloseTo((2 + 4 + 6 + 8) / 36, 12);
    expect(mapped.rows.find((r) => r.id === 'mig_emigrant_hh' && r.group === 'H1')!.difference!.estimate).toBe(1);
    expect(all.flags).toContain('suppressed'); // 8 cases
    expect(mapped.skipped.map((s) => s.id)).toEqual(['mig_female_emigrants']);
    expect(mapped.skipped[0].reason).toMatch(/emigrants/);
    // Without the map the same dataset has no hh_has_emigrant: skipped with the column named.
    const unmapped = computeIndicators(tinyDataset({}), shippedCatalogue(), only);
    expect(unmapped.rows.find((r) => r.id === 'mig_emigrant_hh')).toBeUndefined();
    expect(unmapped.skipped.find((s) => s.id === 'mig_emigrant_hh')!.reason).toMatch(/unknown column "hh_has_emigrant"/);
    expect(() => computeIndicators(tinyDataset(), shippedCatalogue(), { only: ['nope'] })).toThrow(/no indicator "nope"/);
  });

  it('checks design.json and names the problem', () => {
    const ok = tinyDataset().design;
    expect(parseDatasetDesign(ok)).toEqual(ok);
    expect(() => parseDatasetDesign({ ...ok, designLevel: 'persons' })).toThrow(/designLevel "persons" is not one of the levels/);
    expect(() => parseDatasetDesign({ ...ok, levels: [...ok.levels, { name: 'm', file: 'm.csv', keys: ['interview_id', 'k'], parent: 'x' }] })).toThrow(
      /\/levels\/1 \(m\) names parent "x"/,
    );
    expect(() => parseDatasetDesign({ ...ok, weights: undefined })).toThrow(/must have required property 'weights'/);
  });
});

describe('design commands for Stata and R', () => {
  it('writes svyset and svydesign for a stratified cluster design and for replicate weights', () => {
    const d = tinyDataset().design;
    expect(svysetLine(d)).toBe('svyset psu [pweight=w], strata(st) singleunit(missing)');
    expect(svydesignCall(d, 'household')).toBe(
      'options(survey.lonely.psu = "fail")\ndesign <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = household)',
    );
    const rep = { ...d, replicates: { columns: ['r1', 'r2'], type: 'JK1' as const } };
    expect(svysetLine(rep)).toBe('svyset [pweight=w], jk1rweight(r1 r2) vce(jackknife)');
    expect(svydesignCall(rep)).toMatch(/svrepdesign\(weights = ~w, repweights = "\^\(r1\|r2\)\$", type = "JK1", data = data\)/);
  });
});

describe('Stata .dta 118 writer', () => {
  const t = tableFromRecords([
    { a: 1, s: 'é' },
    { a: '', s: '' },
  ]);
  const bytes = writeStata({
    table: t,
    variables: [{ name: 'a', label: 'A', valueLabels: new Map([[1, 'one']]) }, { name: 's' }],
    timestamp: new Date(Date.UTC(2026, 10, 23, 9, 5)),
  });
  const text = new TextDecoder('latin1').decode(bytes);

  it('has the 118 header, K, N and a map whose offsets point at the sections', () => {
    expect(text.startsWith('<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>')).toBe(true);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const k = text.indexOf('<K>') + 3;
    expect(view.getUint16(k, true)).toBe(2);
    expect(Number(view.getBigUint64(text.indexOf('<N>') + 3, true))).toBe(2);
    expect(text).toContain('23 Nov 2026 09:05');
    const map = text.indexOf('<map>') + 5;
    const tags = [
      '<stata_dta>',
      '<map>',
      '<variable_types>',
      '<varnames>',
      '<sortlist>',
      '<formats>',
      '<value_label_names>',
      '<variable_labels>',
      '<characteristics>',
      '<data>',
      '<strls>',
      '<value_labels>',
      '</stata_dta>',
    ];
    tags.forEach((tag, i) => expect(Number(view.getBigUint64(map + 8 * i, true)), tag).toBe(text.indexOf(tag)));
    expect(Number(view.getBigUint64(map + 8 * 13, true))).toBe(bytes.length);
  });

  it('stores whole numbers with value labels as long, missing as Stata missing, strings at their UTF-8 width', () => {
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const types = text.indexOf('<variable_types>') + 16;
    expect(view.getUint16(types, true)).toBe(65528); // long
    expect(view.getUint16(types + 2, true)).toBe(2); // str2: "é" is two bytes
    const data = text.indexOf('<data>') + 6;
    expect(view.getInt32(data, true)).toBe(1);
    expect(view.getInt32(data + 6, true)).toBe(2147483621); // "." for a long
    expect(text).toContain('<lbl>');
  });

  it('refuses names Stata cannot take and overlong strings, naming them', () => {
    expect(() => writeStata({ table: tableFromRecords([{ 'bad-name': 1 }]), variables: [{ name: 'bad-name' }] })).toThrow(
      /"bad-name" is not a valid Stata variable name/,
    );
    expect(() => writeStata({ table: tableFromRecords([{ s: 'x' }, { s: 'y'.repeat(3000) }]), variables: [{ name: 's' }] })).toThrow(
      /row 2, column s: 3000 bytes/,
    );
  });
});
