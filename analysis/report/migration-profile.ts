import { InputError } from '../../common/errors.js';
import { analysisTable, withColumn, type Dataset } from '../dataset.js';
import { categoricalFrom, type DataTable } from '../table.js';
import { prepareDataset, shippedCatalogue, type IndicatorCatalogue } from '../indicators/catalogue.js';
import { computeIndicators, designOfLevel, publishedRows, type IndicatorRow } from '../indicators/compute.js';
import { estimate } from '../estimators.js';
import { publishedTabulation, tabulateDataset, type DatasetTabulation } from '../weighted-tables.js';
import { DEFAULT_THRESHOLDS } from '../disclosure/thresholds.js';
import { designDf } from '../design.js';

/**
 * The Migration Profile statistical annex (IOM Migration Profiles; DotM analysis plan): households by
 * migration status, emigrants, return migrants, immigrants, remittances with an annual national total,
 * the indicator catalogue by migratory status, and a technical annex, each table with its universe,
 * reference period, source, unit and the disclosure rules applied. Built from the published outputs
 * only (withheld cells and estimates stay blank), in English, French or Spanish.
 */

export type ReportLanguage = 'en' | 'fr' | 'es';

const T = {
  title: { en: 'Migration Profile: statistical annex', fr: 'Profil migratoire : annexe statistique', es: 'Perfil migratorio: anexo estadístico' },
  contents: { en: 'Contents', fr: 'Sommaire', es: 'Contenido' },
  households: { en: 'Households by migration status', fr: 'Ménages selon le statut migratoire', es: 'Hogares según la condición migratoria' },
  emigrants: { en: 'Emigrants', fr: 'Émigrés', es: 'Emigrantes' },
  returnees: { en: 'Return migrants', fr: 'Migrants de retour', es: 'Migrantes retornados' },
  immigrants: { en: 'Immigrants', fr: 'Immigrés', es: 'Inmigrantes' },
  remittances: { en: 'Remittances', fr: 'Transferts de fonds', es: 'Remesas' },
  indicators: { en: 'Indicators by migratory status', fr: 'Indicateurs selon le statut migratoire', es: 'Indicadores según la condición migratoria' },
  technical: { en: 'Technical annex', fr: 'Annexe technique', es: 'Anexo técnico' },
  universe: { en: 'Universe', fr: 'Champ', es: 'Universo' },
  period: { en: 'Reference period', fr: 'Période de référence', es: 'Período de referencia' },
  source: { en: 'Source', fr: 'Source', es: 'Fuente' },
  unit: { en: 'Unit', fr: 'Unité', es: 'Unidad' },
  disclosure: { en: 'Disclosure control', fr: 'Contrôle de la confidentialité', es: 'Control de la confidencialidad' },
  notAvailable: { en: 'Not available in this dataset', fr: 'Non disponible dans ces données', es: 'No disponible en estos datos' },
  nationalTotal: {
    en: 'Cash remittances received by households in 12 months, national total (weighted)',
    fr: 'Transferts en espèces reçus par les ménages sur 12 mois, total national (pondéré)',
    es: 'Remesas en efectivo recibidas por los hogares en 12 meses, total nacional (ponderado)',
  },
  weightedPct: {
    en: 'percent of the weighted total, with its standard error',
    fr: 'pourcentage du total pondéré, avec son écart-type',
    es: 'porcentaje del total ponderado, con su error estándar',
  },
  allHouseholds: { en: 'all households', fr: 'tous les ménages', es: 'todos los hogares' },
  allEmigrants: { en: 'emigrants of the households (left within the emigration window)', fr: 'émigrés des ménages', es: 'emigrantes de los hogares' },
  returnUniverse: {
    en: 'household members who lived abroad and returned',
    fr: 'membres ayant vécu à l\u2019étranger et revenus',
    es: 'miembros que vivieron en el extranjero y regresaron',
  },
  remitUniverse: {
    en: 'emigrants who sent cash in 12 months',
    fr: 'émigrés ayant envoyé de l\u2019argent en 12 mois',
    es: 'emigrantes que enviaron dinero en 12 meses',
  },
  persons: { en: 'household members', fr: 'membres des ménages', es: 'miembros de los hogares' },
} as const;
type Key = keyof typeof T;
export const reportText = (k: Key, l: ReportLanguage) => T[k][l] ?? T[k].en;

export interface AnnexTable {
  id: string;
  title: string;
  notes: { universe: string; period: string; source: string; unit: string; disclosure: string };
  /** A weighted table (withheld entries blank), or null with the reason when the dataset cannot give it. */
  tabulation: DatasetTabulation | null;
  unavailable?: string;
}

export interface AnnexSection {
  id: string;
  title: string;
  tables: AnnexTable[];
}

export interface MigrationProfileAnnex {
  title: string;
  language: ReportLanguage;
  survey: string;
  sections: AnnexSection[];
  /** The national total of cash remittances received (local currency and USD), with se and 95% interval. */
  remittanceTotal: { currency: string; estimate: number; se: number; ci: [number, number]; n: number }[];
  indicators: IndicatorRow[];
  technical: {
    design: {
      strata: number;
      psus: number;
      df: number;
      households: number;
      persons: number | null;
      weights: string;
      strata_column: string | null;
      psu_column: string | null;
    };
    byScreening: { stratum: string; households: number }[];
    weights: { n: number; sum: number; min: number; max: number; ratio: number; cv: number; kishDeff: number };
    designEffects: { domain: string; indicators: number; median: number }[];
    responseRates: string;
  };
  thresholds: typeof DEFAULT_THRESHOLDS;
  notes: string[];
}

/** Bands of a numeric column as a category column (`lo-hi`, the last `lo+`). */
function banded(table: DataTable, source: string, name: string, breaks: number[]): DataTable {
  const col = table.columns.get(source);
  if (!col || col.kind !== 'number') return table;
  const label = (x: number) => {
    let k = -1;
    for (let i = 0; i < breaks.length; i++) if (x >= breaks[i]) k = i;
    if (k < 0) return null;
    return k === breaks.length - 1 ? `${breaks[k]}+` : `${breaks[k]}-${breaks[k + 1] - 1}`;
  };
  return withColumn(
    table,
    categoricalFrom(
      name,
      Array.from(col.values, (x) => (Number.isNaN(x) ? null : label(x))),
    ),
  );
}

/** The annex of a survey dataset. */
export function migrationProfile(input: Dataset, options: { language?: ReportLanguage; catalogue?: IndicatorCatalogue } = {}): MigrationProfileAnnex {
  const language = options.language ?? 'en';
  const catalogue = options.catalogue ?? shippedCatalogue();
  const prepared = prepareDataset(input, catalogue);
  // Bands the tables use, added to their levels.
  const tables = new Map(prepared.dataset.tables);
  const em = tables.get('emigrants');
  if (em)
    tables.set(
      'emigrants',
      banded(
        banded(em, 'em_age_left', 'em_age_left_group', [0, 15, 20, 25, 30, 35, 40, 50, 60]),
        'rr_amount_local',
        'rr_amount_local_band',
        [0, 1000, 2500, 5000, 10000, 25000],
      ),
    );
  const mem = tables.get('members');
  if (mem) tables.set('members', banded(mem, 'rm_months', 'rm_months_group', [0, 12, 24, 60]));
  const dataset: Dataset = { ...prepared.dataset, tables };
  const d = dataset.design;
  const money = d.money;
  const period = (what: string) => `${what}${money ? `; ${money.priceBasis}` : ''}`;
  const source = d.title ?? 'survey dataset';
  const thresholds = DEFAULT_THRESHOLDS;
  const disclosure = `estimates from fewer than ${thresholds.minCases} cases withheld; cells of quasi-identifiers below ${thresholds.minCellCount} cases blanked with complementary suppression; ${thresholds.flagCases - 1} or fewer cases or RSE above ${thresholds.maxRse * 100}% flagged`;
  const notes: string[] = [...prepared.notes];

  const table = (
    id: string,
    title: string,
    universe: string,
    unit: string,
    request: { level: string; rows: string; cols: string; by?: string; universe?: string; preset?: string },
    when = 'interview date',
  ): AnnexTable => {
    const base = { id, title, notes: { universe, period: period(when), source, unit, disclosure } };
    try {
      return { ...base, tabulation: publishedTabulation(tabulateDataset(dataset, { ...request, language, thresholds })) };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { ...base, tabulation: null, unavailable: `${reportText('notAvailable', language)}: ${err.message}` };
    }
  };
  const pct = reportText('weightedPct', language);
  const sections: AnnexSection[] = [
    {
      id: 'households',
      title: reportText('households', language),
      tables: [
        table('H1', `${reportText('households', language)} × region`, reportText('allHouseholds', language), pct, {
          level: 'household',
          rows: 'hh_migration_status',
          cols: 'region',
        }),
        table('H2', `${reportText('households', language)} × urban`, reportText('allHouseholds', language), pct, {
          level: 'household',
          rows: 'hh_migration_status',
          cols: 'urban',
        }),
      ],
    },
    {
      id: 'emigrants',
      title: reportText('emigrants', language),
      tables: [
        table('E1', `${reportText('emigrants', language)}: destination × sex`, reportText('allEmigrants', language), pct, {
          level: 'emigrants',
          rows: 'em_country',
          cols: 'em_sex',
        }),
        table('E2', `${reportText('emigrants', language)}: age at departure × sex`, reportText('allEmigrants', language), pct, {
          level: 'emigrants',
          rows: 'em_age_left_group',
          cols: 'em_sex',
        }),
        table('E3', `${reportText('emigrants', language)}: education × sex`, reportText('allEmigrants', language), pct, {
          level: 'emigrants',
          rows: 'em_education',
          cols: 'em_sex',
        }),
        table('E4', `${reportText('emigrants', language)}: occupation × sex`, reportText('allEmigrants', language), pct, {
          level: 'emigrants',
          rows: 'em_occupation',
          cols: 'em_sex',
        }),
        table('E5', `${reportText('emigrants', language)}: reason × sex`, reportText('allEmigrants', language), pct, {
          level: 'emigrants',
          rows: 'em_reason',
          cols: 'em_sex',
        }),
      ],
    },
    {
      id: 'returnees',
      title: reportText('returnees', language),
      tables: [
        table('R1', `${reportText('returnees', language)}: country × sex`, reportText('returnUniverse', language), pct, {
          level: 'members',
          rows: 'rm_country',
          cols: 'sex',
          universe: "${rm_lived_abroad} = '1'",
        }),
        table('R2', `${reportText('returnees', language)}: months abroad × sex`, reportText('returnUniverse', language), pct, {
          level: 'members',
          rows: 'rm_months_group',
          cols: 'sex',
          universe: "${rm_lived_abroad} = '1'",
        }),
        table('R3', `${reportText('returnees', language)}: reason for return × sex`, reportText('returnUniverse', language), pct, {
          level: 'members',
          rows: 'rm_reason_return',
          cols: 'sex',
          universe: "${rm_lived_abroad} = '1'",
        }),
      ],
    },
    {
      id: 'immigrants',
      title: reportText('immigrants', language),
      tables: [
        table('I1', `${reportText('immigrants', language)}: country of birth × sex`, reportText('persons', language), pct, {
          level: 'members',
          rows: 'country_birth_group',
          cols: 'sex',
          universe: "${nativity} = 'foreign-born'",
        }),
        table('I2', `${reportText('immigrants', language)}: citizenship × sex`, reportText('persons', language), pct, {
          level: 'members',
          rows: 'citizenship_group',
          cols: 'sex',
          universe: "${nativity} = 'foreign-born'",
        }),
        table('I3', `${reportText('immigrants', language)}: period of arrival × country of birth`, reportText('persons', language), pct, {
          level: 'members',
          rows: 'arrival_period',
          cols: 'country_birth_group',
          universe: "${nativity} = 'foreign-born'",
        }),
      ],
    },
    {
      id: 'remittances',
      title: reportText('remittances', language),
      tables: [
        table(
          'M1',
          `${reportText('remittances', language)}: corridor × channel`,
          reportText('remitUniverse', language),
          pct,
          { level: 'emigrants', rows: 'em_country', cols: 'rr_channel', universe: "${rr_cash} = '1'" },
          '12 months before the interview',
        ),
        table(
          'M2',
          `${reportText('remittances', language)}: value (${money?.localCurrency ?? 'local currency'}) × channel`,
          reportText('remitUniverse', language),
          pct,
          { level: 'emigrants', rows: 'rr_amount_local_band', cols: 'rr_channel', universe: "${rr_cash} = '1'" },
          '12 months before the interview',
        ),
      ],
    },
  ];

  // National total of cash remittances received (weighted), local currency and USD.
  const remittanceTotal: MigrationProfileAnnex['remittanceTotal'] = [];
  // The design level's table and design, for the total and the technical annex.
  const hh = analysisTable(dataset, d.designLevel);
  const design = designOfLevel(dataset, hh, d.designLevel);
  try {
    for (const [variable, currency] of [
      ['remit_total', money?.localCurrency ?? 'local'],
      ['remit_total_usd', 'USD'],
    ] as const) {
      if (!hh.columns.has(variable)) continue;
      const [e] = estimate(design, hh, { totals: [variable] });
      if (e.n < thresholds.minCases) continue;
      remittanceTotal.push({ currency, estimate: e.estimate, se: e.se, ci: e.ci, n: e.n });
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    notes.push(`${reportText('nationalTotal', language)}: ${err.message}`);
  }

  const report = computeIndicators(dataset, catalogue, { compare: 'hh_migration_status', language, thresholds });
  const indicators = publishedRows(report.rows);
  for (const s of report.skipped) notes.push(`${s.id}: ${s.reason}`);

  // Technical annex.
  const w = design.weights;
  let sum = 0;
  let sum2 = 0;
  let min = Infinity;
  let max = 0;
  let n = 0;
  for (const x of w)
    if (x > 0) {
      sum += x;
      sum2 += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
      n++;
    }
  const mean = sum / n;
  const cv = Math.sqrt(sum2 / n - mean * mean) / mean;
  const screened = hh.columns.get('screened');
  const byScreening: { stratum: string; households: number }[] = [];
  if (screened && screened.kind === 'category') {
    const counts = new Map<string, number>();
    for (let i = 0; i < hh.nRows; i++)
      if (screened.codes[i] >= 0) counts.set(screened.levels[screened.codes[i]], (counts.get(screened.levels[screened.codes[i]]) ?? 0) + 1);
    for (const [stratum, households] of [...counts].sort()) byScreening.push({ stratum, households });
  }
  const deffs = new Map<string, number[]>();
  for (const r of indicators)
    if (r.group === 'all' && r.deff !== null && Number.isFinite(r.deff)) deffs.set(r.domain, [...(deffs.get(r.domain) ?? []), r.deff]);
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return {
    title: reportText('title', language),
    language,
    survey: source,
    sections,
    remittanceTotal,
    indicators,
    technical: {
      design: {
        strata: design.strataLabels.length,
        psus: design.psuLabels.length,
        df: designDf(design),
        households: hh.nRows,
        persons: dataset.tables.get('members')?.nRows ?? null,
        weights: d.weights,
        strata_column: d.strata ?? null,
        psu_column: d.ids?.[0] ?? null,
      },
      byScreening,
      weights: { n, sum, min, max, ratio: max / min, cv, kishDeff: (n * sum2) / (sum * sum) },
      designEffects: [...deffs].map(([domain, xs]) => ({ domain, indicators: xs.length, median: median(xs) })),
      responseRates:
        'Response rates by screening stratum come from the sample file with its dispositions (mdsurvey weights --nonresponse writes them in its report); the dataset holds the responding households only.',
    },
    thresholds,
    notes,
  };
}
