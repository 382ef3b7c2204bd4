/** Text in the questionnaire's languages: one string (the default language) or language code -> string. */
export type Text = string | Record<string, string>;

/** Answer types of questions. */
export type QuestionType =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'date'
  | 'year'
  | 'time'
  | 'datetime'
  | 'select_one'
  | 'select_multiple'
  | 'country'
  | 'amount'
  | 'acknowledge'
  | 'geopoint'
  | 'geotrace'
  | 'geoshape'
  | 'image'
  | 'audio'
  | 'video'
  | 'file';

/** Fields the engine fills itself. */
/** seed: a random number drawn once when the interview starts (reproducible random selections, `draw-line`). */
/**
 * Interview metadata (XLSForm's metadata types). A browser cannot read a phone's number, SIM serial,
 * subscriber id or account e-mail: those stay empty, as in Enketo; `audit` asks for the interview's
 * paradata, which mdsurvey always keeps.
 */
export type MetadataType = 'start' | 'end' | 'today' | 'deviceid' | 'enumerator' | 'seed' | 'phonenumber' | 'simserial' | 'subscriberid' | 'email' | 'audit';

interface Common {
  /** Variable name, unique in the questionnaire: letters, digits, underscore; fit for analysis. */
  name: string;
  /** Expression: the item applies only when true (skip logic). */
  relevant?: string;
}

/** A question the enumerator asks. */
export interface Question extends Common {
  kind: 'question';
  type: QuestionType;
  label: Text;
  hint?: Text;
  /** Choice list for select_one / select_multiple. */
  choices?: string;
  /** Expression over each choice's properties (e.g. `cf = ${state}`) that keeps a choice in the list. */
  choiceFilter?: string;
  /** country: also offer "this country", stateless, unknown and historical entities (default true). */
  specialCountries?: boolean;
  /** country: several countries may be chosen (citizenship). */
  multiple?: boolean;
  /** amount: allowed currency codes (ISO 4217); the first is the default. */
  currencies?: string[];
  /** true, or an expression that makes the answer required. */
  required?: boolean | string;
  requiredMessage?: Text;
  /** Expression over `.` (the answer) that must hold. */
  constraint?: string;
  constraintMessage?: Text;
  /** Expression giving the initial answer. */
  default?: string;
  /** Expression that computes the answer (the enumerator may not edit it when readOnly). */
  calculation?: string;
  readOnly?: boolean;
  appearance?: string;
  /** A direct identifier (name, phone, address, GPS): never leaves the restricted tier. */
  identifier?: boolean;
  /** A quasi-identifier to coarsen in public-use microdata (age, region, country of birth). */
  quasiIdentifier?: boolean;
}

/** Text shown to the enumerator, no answer. */
export interface Note extends Common {
  kind: 'note';
  label: Text;
  hint?: Text;
  appearance?: string;
}

/** A value computed from other answers (a derived variable). */
export interface Calculate extends Common {
  kind: 'calculate';
  calculation: string;
  /** Label for the codebook. */
  label?: Text;
}

/** A field the engine fills: start, end, today, device id, enumerator. */
export interface Metadata {
  kind: 'metadata';
  name: string;
  type: MetadataType;
}

/** A section or group of items. */
export interface Group extends Common {
  kind: 'group';
  label?: Text;
  appearance?: string;
  items: Item[];
}

/** A roster (repeat group): one row per member, emigrant, transfer ... */
export interface Roster extends Common {
  kind: 'roster';
  label?: Text;
  appearance?: string;
  /** Expression giving the number of rows. */
  repeatCount?: string;
  /** One row per row of another roster (that passes `filter`, evaluated in that row): keys follow that roster's rows. */
  rowsFrom?: { roster: string; filter?: string };
  /** Most rows allowed (open-ended rosters). */
  maxRows?: number;
  items: Item[];
}

export type Item = Question | Note | Calculate | Metadata | Group | Roster;

/** One choice of a list. */
export interface Choice {
  value: string;
  label: Text;
  /** Extra columns used by choice filters (e.g. { "cf": "washington" }). */
  properties?: Record<string, string>;
}

/** A questionnaire (or a module of one), as stored and exchanged. */
export interface Questionnaire {
  id: string;
  version: string;
  title: Text;
  languages: { default: string; available: string[]; names?: Record<string, string> };
  description?: Text;
  /** Survey settings the expressions may read as ${setting_name} (thresholds, currency ...). */
  settings?: Record<string, string | number | boolean>;
  /** Module metadata: reference periods, universe ... */
  meta?: Record<string, unknown>;
  choiceLists?: Record<string, Choice[]>;
  /**
   * Data files of the form (XLSForm's CSV attachments, read by `pulldata('file', ...)`), keyed by file
   * name (`fruits.csv`): a header and rows of text. They travel inside the questionnaire, so the
   * enumerator's app has them offline with the form.
   */
  attachments?: Record<string, Attachment>;
  items: Item[];
}

/** A CSV table attached to a questionnaire. */
export interface Attachment {
  header: string[];
  rows: string[][];
}

/** A filled questionnaire. Roster rows are objects with a stable `_key`. */
export interface ResponseDocument {
  instanceId: string;
  questionnaire: { id: string; version: string };
  answers: Record<string, unknown>;
  meta?: Record<string, unknown>;
  paradata?: Record<string, unknown>;
}
