/** Fieldwork progress as the server computes it (server/services/progress.ts) and the progress page shows it. */

/** One line of the progress table. */
export interface ProgressRow {
  key: string;
  /** Cases assigned, and the interviews they allow (quota). */
  cases: number;
  quota: number;
  /** Current interviews (a corrected one counts once), by review state. */
  interviews: number;
  states: Record<string, number>;
  /** AAPOR RR1: cases interviewed over cases that are, or may be, eligible (not-eligible ones left out). */
  responseRate: number | null;
  /** Completed, waiting for the supervisor's review; the oldest, in hours since it arrived. */
  waitingReview: number;
  oldestWaitingHours: number | null;
  /** Median length of an interview (paradata start to end), and how many took under a third of the survey's median. */
  medianMinutes: number | null;
  short: number;
  /** Final outcome of each case: interviewed, pending (no visit recorded yet), or the latest visit's disposition code. */
  outcomes: Record<string, number>;
  /** Cases known to hold no household of the survey (vacant, not a dwelling): out of the response rate's denominator. */
  notEligible: number;
}
