import type { DisclosureThresholds } from './thresholds.js';

/**
 * What disclosure control decided for one entry of a table (a cell or a margin). Precision: `unreliable`
 * (fewer than minCases unweighted cases: shown, marked), `flagged` (fewer than flagCases, or RSE above
 * maxRse). Confidentiality: `suppressed` (a small count in a table of quasi-identifiers: blanked) and
 * `complementary` (blanked so that a suppressed one cannot be recovered from a margin).
 */
export type CellStatus = 'published' | 'flagged' | 'unreliable' | 'suppressed' | 'complementary';

/** A table with its margins: cells[r][c] unweighted counts, rowMargins[r], colMargins[c], total. */
export interface CountGrid {
  cells: number[][];
  rowMargins: number[];
  colMargins: number[];
  total: number;
  /** Coefficient of variation of each cell's estimate (null where not defined), for the RSE flag. */
  cv?: (number | null)[][];
}

/** Status of every entry; margins included, so what is published can be checked as a whole. */
export interface SuppressionResult {
  cells: CellStatus[][];
  rowMargins: CellStatus[];
  colMargins: CellStatus[];
  total: CellStatus;
  /** Cells suppressed only so that a suppressed cell cannot be recovered from a margin. */
  complementary: number;
  primary: number;
}

const hidden = (s: CellStatus) => s === 'suppressed' || s === 'complementary';

/**
 * Two rule sets, kept apart (DOMAIN.md, Confidentiality). Precision never blanks: cells under minCases
 * are shown as `unreliable`, under flagCases or above maxRse as `flagged`. Confidentiality, only for a
 * table of quasi-identifiers (`confidential`): a cell of 1 to minCellCount - 1 cases is suppressed, then
 * complementary suppression: every row and column of the table extended by its margins (cells + margin,
 * whose cells sum to the margin) must hide either none or at least two entries, otherwise the hidden one
 * is the margin minus the rest. The extra entry hidden is the smallest published cell of the line (a
 * margin only when the line has no other). Repeats until no line hides exactly one entry; it ends
 * because entries are only ever hidden.
 */
export function suppressTable(grid: CountGrid, t: DisclosureThresholds, options: { confidential?: boolean } = {}): SuppressionResult {
  const R = grid.rowMargins.length;
  const C = grid.colMargins.length;
  const minCount = t.minCellCount ?? 3;
  const primary = (n: number, cv: number | null | undefined): CellStatus =>
    options.confidential && n > 0 && n < minCount
      ? 'suppressed'
      : n > 0 && n < t.minCases
        ? 'unreliable'
        : n > 0 && (n < t.flagCases || (cv != null && cv > t.maxRse))
          ? 'flagged'
          : 'published';
  // The extended table: rows 0..R-1 cells with column C the row margin; row R the column margins and total.
  const n: number[][] = [...grid.cells.map((row, r) => [...row, grid.rowMargins[r]]), [...grid.colMargins, grid.total]];
  const s: CellStatus[][] = n.map((row, r) => row.map((v, c) => primary(v, r < R && c < C ? grid.cv?.[r]?.[c] : null)));
  let primaryCount = 0;
  for (const row of s) for (const v of row) if (v === 'suppressed') primaryCount++;
  let complementary = 0;
  const hideOne = (line: [number, number][]) => {
    const open = line.filter(([r, c]) => !hidden(s[r][c]));
    // Prefer interior cells (not margins), then the smallest count; a zero cell hides nothing, so skip it when possible.
    open.sort(([r1, c1], [r2, c2]) => {
      const m1 = r1 === R || c1 === C ? 1 : 0;
      const m2 = r2 === R || c2 === C ? 1 : 0;
      if (m1 !== m2) return m1 - m2;
      const z1 = n[r1][c1] === 0 ? 1 : 0;
      const z2 = n[r2][c2] === 0 ? 1 : 0;
      return z1 - z2 || n[r1][c1] - n[r2][c2];
    });
    const [r, c] = open[0];
    s[r][c] = 'complementary';
    complementary++;
  };
  for (let changed = true; changed;) {
    changed = false;
    const lines: [number, number][][] = [];
    for (let r = 0; r <= R; r++) lines.push(Array.from({ length: C + 1 }, (_, c) => [r, c] as [number, number]));
    for (let c = 0; c <= C; c++) lines.push(Array.from({ length: R + 1 }, (_, r) => [r, c] as [number, number]));
    for (const line of lines) {
      if (line.filter(([r, c]) => hidden(s[r][c])).length === 1) {
        hideOne(line);
        changed = true;
      }
    }
  }
  return {
    cells: s.slice(0, R).map((row) => row.slice(0, C)),
    rowMargins: s.slice(0, R).map((row) => row[C]),
    colMargins: s[R].slice(0, C),
    total: s[R][C],
    complementary,
    primary: primaryCount,
  };
}
