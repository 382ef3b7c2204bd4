import type { Choice, Item, Question, Questionnaire, Text } from '../format.js';
import isced from './codelists/isced2011.json' with { type: 'json' };
import isco from './codelists/isco08.json' with { type: 'json' };
import remittances from './codelists/remittances.json' with { type: 'json' };

/** A text in English, French and Spanish. */
export const t = (en: string, fr: string, es: string): Text => ({ en, fr, es });

/** A question. */
export function question(name: string, type: Question['type'], label: Text, extra: Partial<Question> = {}): Question {
  return { kind: 'question', name, type, label, ...extra };
}

/** Languages of every library module. */
export const LANGUAGES = { default: 'en', available: ['en', 'fr', 'es'], names: { en: 'English', fr: 'Français', es: 'Español' } };

/**
 * Survey settings the library's questions and derived variables read (thresholds are settings, never
 * constants in code; DOMAIN.md, Definitions). A survey sets them when it composes its questionnaire
 * (`dotmHousehold({ host_country: 'GHA', local_currency: 'GHS' })`, `mdsurvey questionnaire compose --set`).
 */
export const MIGRATION_SETTINGS = {
  /** ISO 3166-1 alpha-3 code of the survey country; "this country" answers store it (THIS: not named). */
  host_country: 'THIS',
  /** ISO 4217 code of the local currency: offered first by every amount question, the unit of published money figures. */
  local_currency: 'USD',
  /** T, the short-term threshold (UN 1998; DotM): months abroad that make an emigrant or a return migrant. */
  abroad_months: 3,
  /** The long-term threshold (UN 1998 long-term migrant; UN 2021 framework: under 12 months is temporary mobility). */
  long_term_months: 12,
  /** Recency window for emigrants: left within the last N years (as the census add-on question). */
  emigration_years: 10,
  /** Recency window for return migrants: came back within the last N years. */
  return_years: 10,
  /** Reference period of remittances received and sent. */
  remittance_months: 12,
  /** Official durations (years) of each ISCED level in the survey country: years of schooling add them up (UIS). */
  years_primary: 6,
  years_lower_secondary: 3,
  years_upper_secondary: 3,
  years_post_secondary: 1,
  years_short_tertiary: 2,
  years_bachelor: 4,
  years_master: 2,
  years_doctoral: 3,
};

const choice = (value: string, label: Text): Choice => ({ value, label });

/** Choice lists shared by the modules. */
export const COMMON_LISTS: Record<string, Choice[]> = {
  yes_no: [choice('1', t('Yes', 'Oui', 'Sí')), choice('0', t('No', 'Non', 'No'))],
  yes_no_dk: [choice('1', t('Yes', 'Oui', 'Sí')), choice('0', t('No', 'Non', 'No')), choice('8', t("Don't know", 'Ne sait pas', 'No sabe'))],
  sex: [choice('1', t('Male', 'Homme', 'Hombre')), choice('2', t('Female', 'Femme', 'Mujer'))],
  relationship: [
    choice('1', t('Head', 'Chef de ménage', 'Jefe/a del hogar')),
    choice('2', t('Spouse or partner', 'Conjoint(e)', 'Cónyuge o pareja')),
    choice('3', t('Son or daughter', 'Fils ou fille', 'Hijo/a')),
    choice('4', t('Son- or daughter-in-law', 'Gendre ou belle-fille', 'Yerno o nuera')),
    choice('5', t('Grandchild', 'Petit-enfant', 'Nieto/a')),
    choice('6', t('Parent or parent-in-law', 'Parent ou beau-parent', 'Padre/madre o suegro/a')),
    choice('7', t('Brother or sister', 'Frère ou sœur', 'Hermano/a')),
    choice('8', t('Other relative', 'Autre parent', 'Otro pariente')),
    choice('9', t('Not related', 'Sans lien de parenté', 'Sin parentesco')),
  ],
  marital: [
    choice('1', t('Never married', 'Jamais marié(e)', 'Nunca casado/a')),
    choice('2', t('Married or in union', 'Marié(e) ou en union', 'Casado/a o en unión')),
    choice('3', t('Separated or divorced', 'Séparé(e) ou divorcé(e)', 'Separado/a o divorciado/a')),
    choice('4', t('Widowed', 'Veuf ou veuve', 'Viudo/a')),
  ],
  isced: isced.choices,
  isced_a: isced.attainment,
  isco: isco.choices,
  channel: remittances.channels,
  remittance_use: remittances.uses,
  return_reason: [
    choice('contract_end', t('Contract or job ended', 'Fin du contrat ou de l’emploi', 'Terminó el contrato o el empleo')),
    choice('no_work', t('Could not find work', 'N’a pas trouvé de travail', 'No encontró trabajo')),
    choice('deported', t('Deported or forced to return', 'Expulsé(e) ou forcé(e) à revenir', 'Deportado/a u obligado/a a regresar')),
    choice('savings_target', t('Reached the savings target', "A atteint l'objectif d'épargne", 'Alcanzó la meta de ahorro')),
    choice('study_done', t('Studies completed', 'Études terminées', 'Terminó los estudios')),
    choice('family', t('Family reasons', 'Raisons familiales', 'Razones familiares')),
    choice(
      'conditions',
      t('Hardship or discrimination abroad', "Difficultés ou discrimination à l'étranger", 'Dificultades o discriminación en el extranjero'),
    ),
    choice('illness', t('Illness or injury', 'Maladie ou blessure', 'Enfermedad o lesión')),
    choice('retired', t('Retirement', 'Retraite', 'Jubilación')),
    choice('invest', t('To invest or start a business here', 'Pour investir ou créer une entreprise ici', 'Para invertir o emprender aquí')),
    choice('other', t('Other', 'Autre', 'Otro')),
  ],
  migration_finance: [
    choice('savings', t('Own or household savings', 'Épargne propre ou du ménage', 'Ahorros propios o del hogar')),
    choice('family_loan', t('Loan from family or friends', 'Prêt de la famille ou d’amis', 'Préstamo de familiares o amigos')),
    choice('lender_loan', t('Loan from a bank or money lender', "Prêt d'une banque ou d'un prêteur", 'Préstamo de un banco o prestamista')),
    choice('sold_assets', t('Sold land, livestock or other assets', 'Vente de terres, bétail ou autres biens', 'Venta de tierras, ganado u otros bienes')),
    choice('employer', t('Employer or recruiter paid', "Payé par l'employeur ou le recruteur", 'Pagó el empleador o reclutador')),
    choice('remittances', t('Money from another migrant', "Argent d'un autre migrant", 'Dinero de otro migrante')),
    choice('other', t('Other', 'Autre', 'Otro')),
  ],
  parent_where: [
    choice('abroad', t('Lives abroad', "Vit à l'étranger", 'Vive en el extranjero')),
    choice('country', t('Lives elsewhere in this country', 'Vit ailleurs dans ce pays', 'Vive en otro lugar de este país')),
    choice('dead', t('Has died', 'Est décédé(e)', 'Ha fallecido')),
    choice('unknown', t("Don't know", 'Ne sait pas', 'No sabe')),
  ],
  migration_reason: [
    choice('work', t('Work', 'Travail', 'Trabajo')),
    choice('seek_work', t('Look for work', 'Chercher du travail', 'Buscar trabajo')),
    choice('family', t('Family reasons', 'Raisons familiales', 'Razones familiares')),
    choice('study', t('Study', 'Études', 'Estudios')),
    choice('forced', t('Conflict, persecution or disaster', 'Conflit, persécution ou catastrophe', 'Conflicto, persecución o desastre')),
    choice('other', t('Other', 'Autre', 'Otro')),
  ],
};

/** The lists a module uses, picked from COMMON_LISTS. */
export function lists(...names: string[]): Record<string, Choice[]> {
  return Object.fromEntries(names.map((n) => [n, COMMON_LISTS[n]]));
}

/** The person roster as modules see it: the host binds its own roster and variables to these names. */
export function personRosterStub(items: Item[]): Item {
  return {
    kind: 'roster',
    name: 'members',
    label: t('Household members', 'Membres du ménage', 'Miembros del hogar'),
    items: [
      question('name', 'text', t('Name', 'Nom', 'Nombre'), { identifier: true }),
      question('sex', 'select_one', t('Sex', 'Sexe', 'Sexo'), { choices: 'sex' }),
      question('age', 'integer', t('Age in completed years', 'Âge en années révolues', 'Edad en años cumplidos')),
      question('relation', 'select_one', t('Relationship to the head', 'Lien avec le chef de ménage', 'Parentesco con el jefe/a'), { choices: 'relationship' }),
      ...items,
    ],
  };
}

/** Names a module leaves to its host (its stub person roster and variables). */
export const PERSON_BINDS = ['members', 'name', 'sex', 'age', 'relation'];

/** A library module: a questionnaire that compiles on its own, plus what it needs from its host. */
export type QuestionnaireModule = Questionnaire & {
  meta: {
    module: {
      /** Stub items the host provides (bound by name or by a mapping when composing). */
      binds: string[];
      /** Reference periods of the module's questions. */
      referencePeriods: Record<string, string>;
      universe: string;
      optional?: boolean;
    };
  };
};

/** Builds a module from its parts. */
export function module(
  id: string,
  title: Text,
  spec: {
    version?: string;
    binds: string[];
    referencePeriods: Record<string, string>;
    universe: string;
    optional?: boolean;
    lists: string[];
    items: Item[];
    settings?: Record<string, string | number | boolean>;
  },
): QuestionnaireModule {
  return {
    id,
    version: spec.version ?? '1.0.0',
    title,
    languages: LANGUAGES,
    settings: { ...MIGRATION_SETTINGS, ...(spec.settings ?? {}) },
    meta: { module: { binds: spec.binds, referencePeriods: spec.referencePeriods, universe: spec.universe, ...(spec.optional ? { optional: true } : {}) } },
    ...(spec.lists.length ? { choiceLists: lists(...spec.lists) } : {}),
    items: spec.items,
  };
}
