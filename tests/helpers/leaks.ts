// What an outsider can work out from published indicator rows: every linear relation the output holds
// is an equation, every hidden figure an unknown; an equation with a single unknown gives it away, and
// what is found feeds the next round. Used over every output format (JSON, CSV, XLSX, HTTP).
//
// Relations, per indicator, category and by-domain:
//   - difference: estimate(g) - estimate(reference) = difference(g)
//   - populations: N(total) = sum of N(parts), for all = reference + migrant, migrant = the other levels,
//     all = every level
//   - margins (means and proportions): N(total) * estimate(total) = sum of N(part) * estimate(part)

/** One published row, as read back from an output (null: not published). */
export interface PublishedRow {
  /** Indicator id, category and by-domain: the rows that add up share it. */
  key: string;
  group: string;
  statistic: string;
  estimate: number | null;
  difference: number | null;
  weightedN: number | null;
}

type Unknown = string;

/**
 * The hidden estimates (`key|group`) that the published rows determine. `reference` is the compare
 * variable's reference level and `combined` the name of the group of all other levels.
 */
export function recoverable(rows: readonly PublishedRow[], reference = 'H0', combined = 'migrant'): Map<string, number> {
  const value = new Map<Unknown, number>();
  const hiddenEstimates = new Set<string>();
  const byKey = new Map<string, Map<string, PublishedRow>>();
  for (const r of rows) {
    const id = `${r.key}|${r.group}`;
    if (r.estimate !== null && Number.isFinite(r.estimate)) value.set(`e:${id}`, r.estimate);
    else hiddenEstimates.add(id);
    if (r.weightedN !== null && Number.isFinite(r.weightedN)) value.set(`N:${id}`, r.weightedN);
    if (!byKey.has(r.key)) byKey.set(r.key, new Map());
    byKey.get(r.key)!.set(r.group, r);
  }
  // Each equation: sum of coefficient x product of variables = constant term, as terms over unknown names.
  type Term = { coef: number; vars: Unknown[] };
  const equations: Term[][] = [];
  for (const [key, groups] of byKey) {
    const id = (g: string) => `${key}|${g}`;
    for (const [g, r] of groups) {
      if (r.difference !== null && Number.isFinite(r.difference) && groups.has(reference))
        equations.push([
          { coef: 1, vars: [`e:${id(g)}`] },
          { coef: -1, vars: [`e:${id(reference)}`] },
          { coef: -r.difference, vars: [] },
        ]);
    }
    const levels = [...groups.keys()].filter((g) => g !== 'all' && g !== combined);
    const relations: [string, string[]][] = [['all', levels]];
    if (groups.has(combined)) relations.push(['all', [reference, combined]], [combined, levels.filter((l) => l !== reference)]);
    const statistic = groups.values().next().value!.statistic;
    for (const [total, parts] of relations) {
      if (!groups.has(total) || parts.some((p) => !groups.has(p))) continue;
      equations.push([{ coef: 1, vars: [`N:${id(total)}`] }, ...parts.map((p) => ({ coef: -1, vars: [`N:${id(p)}`] }))]);
      if (statistic === 'mean' || statistic === 'proportion')
        equations.push([{ coef: 1, vars: [`N:${id(total)}`, `e:${id(total)}`] }, ...parts.map((p) => ({ coef: -1, vars: [`N:${id(p)}`, `e:${id(p)}`] }))]);
    }
  }
  // Propagation: an equation with one unknown variable, appearing linearly, is solved.
  for (let changed = true; changed;) {
    changed = false;
    for (const eq of equations) {
      const unknown = new Set(eq.flatMap((t) => t.vars.filter((v) => !value.has(v))));
      if (unknown.size !== 1) continue;
      const x = [...unknown][0];
      let a = 0;
      let b = 0;
      for (const t of eq) {
        const known = t.vars.filter((v) => v !== x).reduce((p, v) => p * value.get(v)!, t.coef);
        if (t.vars.includes(x)) a += known;
        else b += known;
      }
      if (Math.abs(a) < 1e-12) continue;
      value.set(x, -b / a);
      changed = true;
    }
  }
  const out = new Map<string, number>();
  for (const id of hiddenEstimates) if (value.has(`e:${id}`)) out.set(id, value.get(`e:${id}`)!);
  return out;
}
