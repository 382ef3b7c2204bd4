import type { Questionnaire } from '../format.js';
import { composeQuestionnaire } from '../compose.js';
import { MIGRATION_SETTINGS, t, type QuestionnaireModule } from './common.js';
import { m0Screening, m1Roster, m2Emigrants } from './modules/core.js';
import { m3RemittancesReceived, m4RemittancesSent, m5ReturnMigrants, m6Immigrants } from './modules/migration.js';
import { m7Education, m8Health, m9Labour, m10Consumption, m11Housing, m12Finance, m13Gender, m14Community } from './modules/development.js';
import { censusAddon, dotmDerived, exampleLfsHost, lfsMigration } from './modules/addons.js';
import { dotmListing } from './modules/listing.js';

export type { QuestionnaireModule };
export { MIGRATION_SETTINGS };

/** The DotM household modules in questionnaire order (M0 is the host of the others). */
export const DOTM_MODULES: QuestionnaireModule[] = [
  m0Screening,
  m1Roster,
  m2Emigrants,
  m3RemittancesReceived,
  m4RemittancesSent,
  m5ReturnMigrants,
  m6Immigrants,
  m7Education,
  m8Health,
  m9Labour,
  m10Consumption,
  m11Housing,
  m12Finance,
  m13Gender,
  m14Community,
];

/** Every module of the library. */
export const LIBRARY_MODULES: QuestionnaireModule[] = [...DOTM_MODULES, dotmDerived, censusAddon, lfsMigration];

/** Settings a survey gives the library's questionnaires (DOMAIN.md: thresholds, host country, local currency). */
export type LibrarySettings = Partial<typeof MIGRATION_SETTINGS>;

let dotm: Questionnaire | undefined;
/**
 * The stand-alone DotM household questionnaire: M0-M14 and the derived statuses, composed. A survey
 * names its host country and local currency (and may change the thresholds) through `settings`.
 */
export function dotmHousehold(settings?: LibrarySettings): Questionnaire {
  const compose = () =>
    composeQuestionnaire(m0Screening, [...DOTM_MODULES.slice(1), dotmDerived], {
      id: 'dotm-household',
      version: '1.0.0',
      title: t('Development on the Move: household survey', 'Development on the Move : enquête ménages', 'Development on the Move: encuesta de hogares'),
      ...(settings ? { settings } : {}),
    });
  if (settings) return compose();
  dotm ??= compose();
  return dotm;
}

/** Complete questionnaires of the library (ready to field). */
export function libraryQuestionnaires(): Questionnaire[] {
  return [dotmHousehold(), dotmListing, exampleLfsHost];
}

/** A module or questionnaire of the library by id, or undefined. */
export function libraryItem(id: string): Questionnaire | undefined {
  return LIBRARY_MODULES.find((m) => m.id === id) ?? libraryQuestionnaires().find((q) => q.id === id);
}

/** The mapping that binds the person-level modules to the example LFS host. */
export const EXAMPLE_LFS_MAPPING = { members: 'persons', name: 'q_name', sex: 'q_sex', age: 'q_age', relation: 'q_rel' };

export { m0Screening, m1Roster, m2Emigrants, m3RemittancesReceived, m4RemittancesSent, m5ReturnMigrants, m6Immigrants };
export { m7Education, m8Health, m9Labour, m10Consumption, m11Housing, m12Finance, m13Gender, m14Community };
export { censusAddon, dotmDerived, dotmListing, exampleLfsHost, lfsMigration };
