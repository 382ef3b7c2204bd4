import { InputError } from '../common/errors.js';
import type { Choice, Item, Questionnaire, Text } from './format.js';
import { compileQuestionnaire } from './compile-questionnaire.js';

/** A module: a questionnaire whose `meta.module.binds` names stub items its host provides. */
export interface ModuleLike extends Questionnaire {
  meta?: Questionnaire['meta'] & { module?: { binds?: string[] } };
}

export interface ComposeOptions {
  /** Module name -> host name, for the bound items whose names differ (e.g. members -> persons, age -> q_age). */
  mapping?: Record<string, string>;
  id?: string;
  version?: string;
  title?: Text;
  /** Settings of the survey (host_country, local_currency, thresholds): they replace the host's and the modules' values. */
  settings?: Record<string, string | number | boolean>;
}

/** Raised when modules do not fit their host: every clash and missing binding is listed. */
export class CompositionError extends InputError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('composition-failed', `cannot compose: ${problems.join('; ')}`);
    this.name = 'CompositionError';
    this.problems = problems;
  }
}

function findItem(items: Item[], name: string): Item | undefined {
  for (const item of items) {
    if (item.name === name) return item;
    if (item.kind === 'group' || item.kind === 'roster') {
      const found = findItem(item.items, name);
      if (found) return found;
    }
  }
  return undefined;
}

function allNames(items: Item[], out = new Set<string>()): Set<string> {
  for (const item of items) {
    out.add(item.name);
    if (item.kind === 'group' || item.kind === 'roster') allNames(item.items, out);
  }
  return out;
}

/** ${old} -> ${new} in an expression or text (also inside jr:choice-name's quoted '${q}'). */
function renameRefs(text: string, renames: Map<string, string>): string {
  if (renames.size === 0) return text;
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => (renames.has(name) ? `\${${renames.get(name)}}` : whole));
}

function renameText(t: Text | undefined, renames: Map<string, string>): Text | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return renameRefs(t, renames);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, renameRefs(v, renames)]));
}

const EXPRESSION_KEYS = ['relevant', 'constraint', 'calculation', 'default', 'choiceFilter', 'repeatCount'] as const;
const TEXT_KEYS = ['label', 'hint', 'constraintMessage', 'requiredMessage'] as const;

function renameItem(item: Item, renames: Map<string, string>): Item {
  const copy = structuredClone(item) as Item & Record<string, unknown>;
  for (const k of EXPRESSION_KEYS) if (typeof copy[k] === 'string') copy[k] = renameRefs(copy[k] as string, renames);
  if (copy.kind === 'question' && typeof copy.required === 'string') copy.required = renameRefs(copy.required, renames);
  for (const k of TEXT_KEYS) if (copy[k] !== undefined) copy[k] = renameText(copy[k] as Text, renames);
  if (copy.kind === 'roster' && copy.rowsFrom) {
    copy.rowsFrom = {
      roster: renames.get(copy.rowsFrom.roster) ?? copy.rowsFrom.roster,
      ...(copy.rowsFrom.filter ? { filter: renameRefs(copy.rowsFrom.filter, renames) } : {}),
    };
  }
  if (copy.kind === 'group' || copy.kind === 'roster') copy.items = copy.items.map((i) => renameItem(i, renames));
  return copy;
}

/**
 * Adds modules to a host questionnaire: each module's bound stub items are matched to the host's
 * (by name, or through `mapping`), references to them are renamed, and every other item is
 * inserted where its stub parent sits (person-level items into the host's person roster). Name
 * clashes and missing bindings are reported together, never silently renamed. The result is a new
 * questionnaire version, checked by compiling it.
 */
export function composeQuestionnaire(host: Questionnaire, modules: readonly ModuleLike[], options: ComposeOptions = {}): Questionnaire {
  const out: Questionnaire = structuredClone(host);
  out.choiceLists = { ...(out.choiceLists ?? {}) };
  out.settings = { ...(out.settings ?? {}), ...(options.settings ?? {}) };
  const chosen = new Set(Object.keys(options.settings ?? {}));
  const problems: string[] = [];
  const mapping = options.mapping ?? {};
  for (const mod of modules) {
    const binds = mod.meta?.module?.binds ?? [];
    const renames = new Map<string, string>();
    for (const b of binds) {
      const target = mapping[b] ?? b;
      if (target !== b) renames.set(b, target);
      const hostItem = findItem(out.items, target);
      const stub = findItem(mod.items, b);
      if (!hostItem) {
        problems.push(`module ${mod.id} needs "${b}" from its host, which has no item "${target}"${target === b ? ` (map it: ${b}=HOST_NAME)` : ''}`);
        continue;
      }
      if (stub && (stub.kind === 'roster') !== (hostItem.kind === 'roster')) {
        problems.push(`module ${mod.id} binds "${b}" (a ${stub.kind}) to host item "${target}" (a ${hostItem.kind})`);
      }
    }
    const names = allNames(out.items);
    const insert = (items: Item[], target: Item[]) => {
      for (const item of items) {
        if (binds.includes(item.name)) {
          if (item.kind === 'roster') {
            const hostRoster = findItem(out.items, mapping[item.name] ?? item.name);
            if (hostRoster && hostRoster.kind === 'roster') insert(item.items, hostRoster.items);
          }
          continue;
        }
        const clash = [...allNames([item])].filter((n) => names.has(n));
        if (clash.length) {
          problems.push(`module ${mod.id}: name${clash.length > 1 ? 's' : ''} ${clash.map((n) => `"${n}"`).join(', ')} already in the questionnaire`);
          continue;
        }
        target.push(renameItem(item, renames));
        for (const n of allNames([item])) names.add(n);
      }
    };
    insert(mod.items, out.items);
    for (const [listName, choices] of Object.entries(mod.choiceLists ?? {})) {
      const existing = out.choiceLists[listName];
      if (!existing) out.choiceLists[listName] = choices as Choice[];
      else if (JSON.stringify(existing) !== JSON.stringify(choices))
        problems.push(`module ${mod.id}: choice list "${listName}" differs from the host's list of that name`);
    }
    for (const [k, v] of Object.entries(mod.settings ?? {})) {
      if (out.settings[k] === undefined) out.settings[k] = v;
      else if (chosen.has(k)) continue;
      else if (out.settings[k] !== v)
        problems.push(`module ${mod.id}: setting "${k}" is ${JSON.stringify(v)} but the host has ${JSON.stringify(out.settings[k])}`);
    }
    for (const lang of mod.languages.available)
      if (!out.languages.available.includes(lang)) out.languages = { ...out.languages, available: [...out.languages.available, lang] };
  }
  if (problems.length) throw new CompositionError(problems);
  out.id = options.id ?? `${host.id}-with-${modules.map((m) => m.id).join('-')}`;
  out.version = options.version ?? `${host.version}+${modules.map((m) => `${m.id}.${m.version}`).join('+')}`;
  if (options.title) out.title = options.title;
  const { module: _hostModule, ...hostMeta } = (host.meta ?? {}) as Record<string, unknown>;
  out.meta = {
    ...hostMeta,
    composition: {
      host: { id: host.id, version: host.version },
      modules: modules.map((m) => ({
        id: m.id,
        version: m.version,
        referencePeriods: (m.meta?.module as { referencePeriods?: unknown } | undefined)?.referencePeriods,
      })),
      mapping,
    },
  };
  if (Object.keys(out.choiceLists).length === 0) delete out.choiceLists;
  compileQuestionnaire(out);
  return out;
}
