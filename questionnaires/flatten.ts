import type { CompiledQuestionnaire, FieldDef } from './compile-questionnaire.js';
import { textIn } from './compile-questionnaire.js';
import type { Text } from './format.js';

/** One analysis table: the household level or a roster, with the keys that join it to its parents. */
export interface Level {
  /** `household`, or the roster's name. */
  name: string;
  /** The roster definition (null for the household level). */
  roster: FieldDef | null;
  /** Key columns: interview_id, then one `<roster>_key` per enclosing roster and this one. */
  keys: string[];
  /** Variables of this level (questions, calculations, metadata) in questionnaire order. */
  fields: FieldDef[];
  /** Names of this level's variables that identify a person (declared, or computed from one that does). */
  identifiers: Set<string>;
}

/**
 * The fields that identify a person: questions declared `identifier`, and every value computed from
 * one (a calculation or default reading an identifier, directly or through other computed values:
 * `concat('Dear ', ${head_name})` is as identifying as the name). One pass in evaluation order suffices.
 */
export function identifierFields(q: CompiledQuestionnaire): Set<number> {
  const out = new Set<number>();
  // A GPS location finds a household, a photo or a voice shows a person: identifying unless declared otherwise (deny by default).
  const identifyingTypes = new Set(['geopoint', 'geotrace', 'geoshape', 'image', 'audio', 'video', 'file']);
  for (const f of q.fields)
    if (f.item.kind === 'question' && (f.item.identifier === true || (identifyingTypes.has(f.item.type) && f.item.identifier !== false))) out.add(f.index);
  for (const i of q.order) {
    const f = q.fields[i];
    for (const e of [f.calculation, f.defaultValue]) {
      if (!e || out.has(i)) continue;
      if (
        e.refs.some((ref) => {
          const t = q.byName.get(ref);
          return t !== undefined && out.has(t.index);
        })
      )
        out.add(i);
    }
  }
  return out;
}

/** A variable of the codebook. */
export interface CodebookEntry {
  level: string;
  variable: string;
  label: Record<string, string>;
  type: string;
  valueLabels?: Record<string, Record<string, string>>;
  /** amount: the column holding the currency. */
  unit?: string;
  identifier: boolean;
  quasiIdentifier: boolean;
  /** Role in the sampling design (datasets carry the design columns in the household file). */
  design?: 'weight' | 'strata' | 'psu' | 'fpc' | 'replicate';
  /** Geography: `region` is kept in public-use files, finer `area` codes are replaced by meaningless codes. */
  geography?: 'region' | 'area';
}

/** The levels of a questionnaire: household first, then every roster (nested ones after their parent). */
export function levelsOf(q: CompiledQuestionnaire): Level[] {
  const levels: Level[] = [];
  const identifying = identifierFields(q);
  const visit = (scope: number, keys: string[]) => {
    const roster = scope === -1 ? null : q.fields[scope];
    const fields = (q.fieldsOfScope.get(scope) ?? [])
      .map((i) => q.fields[i])
      .filter((f) => f.item.kind === 'question' || f.item.kind === 'calculate' || f.item.kind === 'metadata');
    levels.push({
      name: roster ? roster.name : 'household',
      roster,
      keys,
      fields,
      identifiers: new Set(fields.filter((f) => identifying.has(f.index)).map((f) => f.name)),
    });
    for (const i of q.fieldsOfScope.get(scope) ?? []) {
      const f = q.fields[i];
      if (f.item.kind === 'roster') visit(f.index, [...keys, `${f.name}_key`]);
    }
  };
  visit(-1, ['interview_id']);
  return levels;
}

function allLanguages(t: Text | undefined, q: CompiledQuestionnaire): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lang of q.source.languages.available) out[lang] = textIn(t, lang, q.source.languages.default);
  return out;
}

/** The codebook: every variable of every level with labels in each language, value labels and flags. */
export function codebookOf(q: CompiledQuestionnaire): CodebookEntry[] {
  const out: CodebookEntry[] = [];
  for (const level of levelsOf(q)) {
    for (const f of level.fields) {
      const item = f.item;
      const type = item.kind === 'question' ? item.type : item.kind;
      const label = 'label' in item ? allLanguages(item.label as Text | undefined, q) : allLanguages(item.name, q);
      const entry: CodebookEntry = {
        level: level.name,
        variable: f.name,
        label,
        type,
        identifier: level.identifiers.has(f.name),
        quasiIdentifier: item.kind === 'question' && item.quasiIdentifier === true,
      };
      if (f.choices && item.kind === 'question' && item.type !== 'country')
        entry.valueLabels = Object.fromEntries(f.choices.map((c) => [c.value, allLanguages(c.label, q)]));
      if (item.kind === 'question' && item.type === 'country')
        entry.valueLabels = {
          _codes: { en: 'ISO 3166-1 alpha-3; THIS = this country, XXA = stateless, XXX = unknown; ISO 3166-3 codes for historical entities' },
        };
      if (item.kind === 'question' && item.type === 'amount') entry.unit = `${f.name}_currency`;
      out.push(entry);
    }
  }
  return out;
}

/** The columns of a level's table (amounts get a currency column); identifiers left out when asked. */
export function columnsOf(level: Level, withIdentifiers: boolean): { name: string; field: FieldDef; part: 'value' | 'currency' }[] {
  const cols: { name: string; field: FieldDef; part: 'value' | 'currency' }[] = [];
  for (const f of level.fields) {
    if (!withIdentifiers && level.identifiers.has(f.name)) continue;
    cols.push({ name: f.name, field: f, part: 'value' });
    if (f.item.kind === 'question' && f.item.type === 'amount') cols.push({ name: `${f.name}_currency`, field: f, part: 'currency' });
  }
  return cols;
}

/** The rows one interview contributes to a level: values flattened (selections space-separated, amounts split). */
export function flattenInterview(
  level: Level,
  interviewId: string,
  answers: Record<string, unknown>,
  withIdentifiers: boolean,
): Record<string, string | number>[] {
  const cols = columnsOf(level, withIdentifiers);
  const path = levelPath(level);
  const rows: Record<string, string | number>[] = [];
  const descend = (node: Record<string, unknown>, depth: number, keys: string[]) => {
    if (depth === path.length) {
      const row: Record<string, string | number> = { interview_id: interviewId };
      level.keys.slice(1).forEach((k, i) => (row[k] = keys[i]));
      for (const c of cols) row[c.name] = cell(node[c.field.name], c.part);
      rows.push(row);
      return;
    }
    const children = node[path[depth]];
    if (!Array.isArray(children)) return;
    for (const child of children as Record<string, unknown>[]) descend(child, depth + 1, [...keys, String(child._key ?? '')]);
  };
  descend(answers, 0, []);
  return rows;
}

function levelPath(level: Level): string[] {
  return level.keys.slice(1).map((k) => k.replace(/_key$/, ''));
}

function cell(v: unknown, part: 'value' | 'currency'): string | number {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'object') {
    const a = v as { amount?: number; currency?: string };
    return part === 'currency' ? (a.currency ?? '') : (a.amount ?? '');
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v as string | number;
}
