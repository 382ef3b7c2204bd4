/** When an estimate is suppressed or flagged (DOMAIN.md, Confidentiality). */
export interface DisclosureThresholds {
  /** Fewer unweighted cases than this: suppressed (default 25). */
  minCases: number;
  /** Fewer than this (and at least minCases): flagged unreliable (default 50). */
  flagCases: number;
  /** Relative standard error above this: flagged (default 0.30). */
  maxRse: number;
  /**
   * Confidentiality, a separate rule: in a frequency table of quasi-identifiers, a cell of 1 to
   * minCellCount - 1 unweighted cases could identify someone; it is blanked, with complementary
   * suppression (default 3, the k of k-anonymity).
   */
  minCellCount?: number;
}

/** The common rule: under 25 cases suppressed, 25-49 flagged, RSE above 30% flagged. */
export const DEFAULT_THRESHOLDS: DisclosureThresholds = { minCases: 25, flagCases: 50, maxRse: 0.3, minCellCount: 3 };

/** Flags of one estimate from its unweighted cases and coefficient of variation. */
export function estimateFlags(n: number, cv: number | null, t: DisclosureThresholds): string[] {
  const flags: string[] = [];
  if (n < t.minCases) flags.push('suppressed');
  else if (n < t.flagCases) flags.push('unreliable');
  if (cv !== null && cv > t.maxRse) flags.push('high-rse');
  return flags;
}
