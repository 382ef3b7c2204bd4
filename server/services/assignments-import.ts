import { parse } from 'csv-parse/sync';
import type { Database } from '../db/index.js';
import type { User } from '../auth/users.js';
import { HttpProblem } from '../http/problem.js';
import { audit } from '../queries/audit.js';
import { insertAssignment } from '../queries/assignments.js';
import { listUsers } from '../queries/users.js';

/** Most cases one import creates (as the JSON route). */
export const MAX_IMPORTED_CASES = 5000;
const FIELD = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** How the cases of a sample file go to enumerators: a column of user names, or in turn (a whole group, such as an EA, to one). */
export interface AssignmentImport {
  csv: string;
  /** Column holding the enumerator's user name (default `enumerator`). */
  enumeratorColumn?: string;
  /** Without an enumerator column: these enumerators in turn. */
  enumerators?: string[];
  /** With `enumerators`: cases sharing this column's value (an EA) go to the same enumerator. */
  groupBy?: string;
  /** Column with the number of interviews a case allows (default 1). */
  quotaColumn?: string;
  /** Only check and preview; create nothing. */
  dryRun?: boolean;
}

export interface ImportProblem {
  row?: number;
  column?: string;
  message: string;
}

/**
 * Cases from a sample file (the `sample select` output, or any CSV with a header): every other column
 * becomes the case's data (numbers as numbers: weights and probabilities stay numeric). Checked in
 * full before anything is written, every problem named with its row and column; then created in one
 * transaction, or not at all.
 */
export async function importAssignments(
  db: Database,
  user: User,
  surveyId: string,
  b: AssignmentImport,
): Promise<{ status: number; body: Record<string, unknown> }> {
  let records: string[][];
  try {
    records = parse(b.csv, { bom: true, skip_empty_lines: true, relax_column_count: false, to_line: MAX_IMPORTED_CASES + 2 }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new HttpProblem('invalid-body', `the file is not a readable CSV${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`);
  }
  const [header = [], ...rows] = records;
  const problems: ImportProblem[] = [];
  if (rows.length === 0) problems.push({ message: 'the file has no cases (a header line, then one line per case)' });
  if (rows.length > MAX_IMPORTED_CASES) problems.push({ message: `more than ${MAX_IMPORTED_CASES} cases; import them in parts` });
  const names = header.map((h) => h.trim());
  names.forEach((h, k) => {
    if (!FIELD.test(h)) problems.push({ row: 1, column: h || `column ${k + 1}`, message: `"${h}" is not a field name (letters, digits, _ and .)` });
    if (names.indexOf(h) !== k) problems.push({ row: 1, column: h, message: `column "${h}" appears twice` });
  });
  const enumeratorColumn = b.enumerators?.length ? undefined : (b.enumeratorColumn ?? 'enumerator');
  for (const [what, c] of [
    ['enumerator', enumeratorColumn],
    ['group', b.groupBy],
    ['quota', b.quotaColumn],
  ] as const)
    if (c && !names.includes(c)) problems.push({ row: 1, column: c, message: `no ${what} column "${c}" (columns: ${names.join(', ')})` });

  // Who may be given cases: enumerators (a supervisor's own team), by user name.
  const team = new Map(
    (await listUsers(db, user.role === 'supervisor' ? user.id : undefined)).filter((u) => u.role === 'enumerator' && !u.disabled).map((u) => [u.username, u]),
  );
  for (const name of b.enumerators ?? [])
    if (!team.has(name)) problems.push({ message: `"${name}" is not an active enumerator${user.role === 'supervisor' ? ' of your team' : ''}` });

  const cases: { row: number; enumerator: string; quota: number; case: Record<string, string | number> }[] = [];
  const turnOf = new Map<string, string>();
  if (problems.length === 0)
    rows.forEach((r, k) => {
      const row = k + 2;
      const data: Record<string, string | number> = {};
      names.forEach((h, c) => {
        if (h === enumeratorColumn || h === b.quotaColumn) return;
        const v = (r[c] ?? '').trim();
        if (v !== '') data[h] = NUMBER.test(v) ? Number(v) : v;
      });
      let enumerator: string;
      if (enumeratorColumn) {
        enumerator = (r[names.indexOf(enumeratorColumn)] ?? '').trim();
        if (!team.has(enumerator)) {
          problems.push({
            row,
            column: enumeratorColumn,
            message: enumerator ? `"${enumerator}" is not an active enumerator${user.role === 'supervisor' ? ' of your team' : ''}` : 'no enumerator',
          });
          return;
        }
      } else {
        // In turn; a whole group (an EA) to one enumerator, so listing and interviews stay together.
        const key = b.groupBy ? `g:${r[names.indexOf(b.groupBy)] ?? ''}` : `r:${row}`;
        if (!turnOf.has(key)) turnOf.set(key, b.enumerators![turnOf.size % b.enumerators!.length]);
        enumerator = turnOf.get(key)!;
      }
      let quota = 1;
      if (b.quotaColumn) {
        const q = (r[names.indexOf(b.quotaColumn)] ?? '').trim();
        quota = q === '' ? 1 : Number(q);
        if (!Number.isInteger(quota) || quota < 1 || quota > 1000) {
          problems.push({ row, column: b.quotaColumn, message: `quota "${q}" is not a whole number from 1 to 1000` });
          return;
        }
      }
      cases.push({ row, enumerator, quota, case: data });
    });

  const perEnumerator = Object.fromEntries([...new Set(cases.map((c) => c.enumerator))].map((e) => [e, cases.filter((c) => c.enumerator === e).length]));
  const preview = { cases: cases.length, perEnumerator, first: cases.slice(0, 20) };
  if (problems.length) {
    if (b.dryRun) return { status: 200, body: { created: 0, preview, problems } };
    throw new HttpProblem('invalid-body', `the file has ${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing was imported`, {
      errors: problems
        .slice(0, 200)
        .map((p) => ({ path: `${p.row !== undefined ? `row ${p.row}` : 'file'}${p.column ? `, column ${p.column}` : ''}`, message: p.message })),
    });
  }
  if (b.dryRun) return { status: 200, body: { created: 0, preview, problems: [] } };
  const ids = await db.transaction(async (tx) => {
    const out: string[] = [];
    for (const c of cases) out.push(await insertAssignment(tx, surveyId, team.get(c.enumerator)!.id, c.case, c.quota));
    await audit(tx, user, 'assign', 'survey', surveyId, { count: out.length, from: 'csv' });
    return out;
  });
  return { status: 201, body: { created: ids.length, assignments: ids, preview } };
}
