import type { Choice, Item, Question, Questionnaire, Text } from '../format.js';
import isced from './codelists/isced2011.json' with { type: 'json' };
import isco from './codelists/isco08.json' with { type: 'json' };
import remittances from './codelists/remittances.json' with { type: 'json' };
import currencies from './codelists/currencies.json' with { type: 'json' };

/** A text in English, French and Spanish. */
export const t = (en: string, fr: string, es: string): Text => ({ en, fr, es });

/** A question. */
export function question(name: string, type: Question['type'], label: Text, extra: Partial<Question> = {}): Question {
  return { kind: 'question', name, type, label, ...extra };
}

/** Languages of every library module. */
export const LANGUAGES = { default: 'en', available: ['en', 'fr', 'es'], names: { en: 'English', fr: 'Français', es: 'Español' } };

/** Survey settings the library's derived variables read (thresholds are settings, never constants in code). */
export const MIGRATION_SETTINGS = {
  abroad_months: 3,
  return_years: 10,
  remittance_months: 12,
};

/** Currencies offered for amounts. */
export const CURRENCIES: string[] = currencies.codes.slice(0, 12);

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
  isco: isco.choices,
  channel: remittances.channels,
  remittance_use: remittances.uses,
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
    choiceLists: lists(...spec.lists),
    items: spec.items,
  };
}
