import { InputError } from '../common/errors.js';
import { categoricalColumn, type DataTable } from '../analysis/index.js';

/** Response disposition of a sampled case. */
export type Disposition = 'respondent' | 'nonrespondent' | 'ineligible' | 'unknown';

const DISPOSITION_WORDS: Record<string, Disposition> = {
  respondent: 'respondent',
  r: 'respondent',
  rr: 'respondent',
  '1': 'respondent',
  nonrespondent: 'nonrespondent',
  nr: 'nonrespondent',
  '2': 'nonrespondent',
  ineligible: 'ineligible',
  in: 'ineligible',
  '3': 'ineligible',
  unknown: 'unknown',
  uk: 'unknown',
  '4': 'unknown',
};

/** Per weighting class: design-weight sums by disposition and the factor applied to respondents. */
export interface NonresponseClass {
  class: string;
  respondents: number;
  nonrespondents: number;
  ineligible: number;
  unknown: number;
  factor: number;
}

/**
 * Nonresponse adjustment by weighting classes (STATISTICS.md, Weights 2): within each class,
 * respondents' weights times (RR + NR + UK) / RR (sums of design weights), nonrespondents and
 * unknown-eligibility cases 0, ineligibles keep theirs. A class with nonrespondents but no
 * respondent is an InputError naming it (collapse it with another class).
 */
export function adjustForNonresponse(
  table: DataTable,
  weights: Float64Array,
  dispositionColumn: string,
  classColumns: readonly string[],
): { weights: Float64Array; classes: NonresponseClass[] } {
  const n = table.nRows;
  const disp = categoricalColumn(table, dispositionColumn, 'nonresponse');
  const kinds = disp.levels.map((l) => {
    const k = DISPOSITION_WORDS[l.trim().toLowerCase()];
    if (!k)
      throw new InputError(
        'bad-disposition',
        `column "${dispositionColumn}": "${l}" is not a disposition (respondent, nonrespondent, ineligible, unknown; or R, NR, IN, UK; or 1-4)`,
        dispositionColumn,
      );
    return k;
  });
  const classCols = classColumns.map((c) => categoricalColumn(table, c, 'nonresponse class'));
  const classOf = new Int32Array(n);
  const labels: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (disp.codes[i] < 0)
      throw new InputError(
        'missing-value',
        `row ${i + 1}: the disposition (column "${dispositionColumn}") is missing`,
        `row ${i + 1}, column ${dispositionColumn}`,
      );
    const parts = classCols.map((c) => {
      if (c.codes[i] < 0)
        throw new InputError('missing-value', `row ${i + 1}: the weighting class (column "${c.name}") is missing`, `row ${i + 1}, column ${c.name}`);
      return c.levels[c.codes[i]];
    });
    const key = parts.join(' / ') || 'all';
    let k = index.get(key);
    if (k === undefined) {
      k = labels.length;
      labels.push(key);
      index.set(key, k);
    }
    classOf[i] = k;
  }
  const sums = labels.map((label) => ({ class: label, respondents: 0, nonrespondents: 0, ineligible: 0, unknown: 0, factor: NaN }));
  for (let i = 0; i < n; i++) {
    const s = sums[classOf[i]];
    const kind = kinds[disp.codes[i]];
    if (kind === 'respondent') s.respondents += weights[i];
    else if (kind === 'nonrespondent') s.nonrespondents += weights[i];
    else if (kind === 'ineligible') s.ineligible += weights[i];
    else s.unknown += weights[i];
  }
  for (const s of sums) {
    if (s.respondents === 0 && s.nonrespondents + s.unknown > 0) {
      throw new InputError(
        'class-without-respondents',
        `weighting class "${s.class}" has nonrespondents but no respondent: collapse it with a neighbouring class`,
        s.class,
      );
    }
    s.factor = s.respondents > 0 ? (s.respondents + s.nonrespondents + s.unknown) / s.respondents : 1;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kind = kinds[disp.codes[i]];
    out[i] = kind === 'respondent' ? weights[i] * sums[classOf[i]].factor : kind === 'ineligible' ? weights[i] : 0;
  }
  return { weights: out, classes: sums };
}
