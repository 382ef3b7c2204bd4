import type { Questionnaire } from '../../format.js';
import { foreignBornExpression } from '../../codelists.js';
import { LANGUAGES, lists, module, PERSON_BINDS, personRosterStub, question, t } from '../common.js';

/** The three census questions on international migration (UN recommendations), plus the optional ones. */
export const censusAddon = module(
  'census-addon',
  t('Census add-on: international migration', 'Complément au recensement : migration internationale', 'Complemento censal: migración internacional'),
  {
    binds: PERSON_BINDS,
    universe: 'every person enumerated',
    referencePeriods: {
      c_birth: 'at birth',
      c_citizenship: 'now',
      c_prev_country: 'most recent arrival',
      c_res_1y: '1 year before the census',
      c_left_abroad: 'last N years (setting emigration_years)',
    },
    lists: ['yes_no', 'sex', 'relationship'],
    items: [
      personRosterStub([
        question('c_birth', 'country', t('In which country was ${name} born?', 'Dans quel pays ${name} est-il/elle né(e) ?', '¿En qué país nació ${name}?'), {
          required: true,
          quasiIdentifier: true,
          hint: t(
            'Country as its borders are now; historical entities for the former USSR, Yugoslavia ...',
            'Pays dans ses frontières actuelles ; entités historiques pour l’ex-URSS, la Yougoslavie…',
            'País en sus fronteras actuales; entidades históricas para la antigua URSS, Yugoslavia…',
          ),
        }),
        question(
          'c_citizenship',
          'country',
          t('What is the citizenship of ${name}?', 'Quelle est la nationalité de ${name} ?', '¿Cuál es la ciudadanía de ${name}?'),
          {
            multiple: true,
            required: true,
            hint: t('Every citizenship; "Stateless" if none.', 'Chaque nationalité ; « Apatride » si aucune.', 'Cada ciudadanía; «Apátrida» si ninguna.'),
          },
        ),
        question(
          'c_ever_abroad',
          'select_one',
          t(
            'Has ${name} ever lived in another country for a year or more?',
            '${name} a-t-il/elle déjà vécu un an ou plus dans un autre pays ?',
            '¿Ha vivido ${name} alguna vez un año o más en otro país?',
          ),
          { choices: 'yes_no', relevant: '${c_birth} = ${host_country}', required: true },
        ),
        question(
          'c_prev_country',
          'country',
          t('Country of previous usual residence', 'Pays de résidence habituelle précédent', 'País de residencia habitual anterior'),
          { relevant: "${c_birth} != ${host_country} or ${c_ever_abroad} = '1'", required: true, specialCountries: false },
        ),
        question(
          'c_arrival_year',
          'year',
          t('Year of most recent arrival in this country', 'Année de la dernière arrivée dans ce pays', 'Año de la llegada más reciente a este país'),
          { relevant: "${c_birth} != ${host_country} or ${c_ever_abroad} = '1'", required: true, constraint: ". <= number(format-date(today(), '%Y'))" },
        ),
        question(
          'c_res_1y',
          'country',
          t(
            'Country of usual residence one year ago (optional)',
            'Pays de résidence habituelle il y a un an (facultatif)',
            'País de residencia habitual hace un año (opcional)',
          ),
          { relevant: '${age} >= 1' },
        ),
        {
          kind: 'calculate',
          name: 'c_foreign_born',
          calculation: `if(${foreignBornExpression('c_birth')}, 1, 0)`,
          label: t('Foreign-born', 'Né(e) à l’étranger', 'Nacido/a en el extranjero'),
        },
        {
          kind: 'calculate',
          name: 'c_citizen',
          calculation: 'if(selected(${c_citizenship}, ${host_country}), 1, 0)',
          label: t('Citizen of this country', 'Citoyen(ne) de ce pays', 'Ciudadano/a de este país'),
        },
      ]),
      question(
        'c_any_left',
        'select_one',
        t(
          'Has any member of this household left to live abroad in the last ${emigration_years} years? (optional)',
          "Un membre de ce ménage est-il parti vivre à l'étranger au cours des ${emigration_years} dernières années ? (facultatif)",
          '¿Algún miembro de este hogar se fue a vivir al extranjero en los últimos ${emigration_years} años? (opcional)',
        ),
        { choices: 'yes_no' },
      ),
      {
        kind: 'roster',
        name: 'c_emigrants',
        label: t('Members who left to live abroad', "Membres partis vivre à l'étranger", 'Miembros que se fueron a vivir al extranjero'),
        relevant: "${c_any_left} = '1'",
        maxRows: 20,
        items: [
          question('ce_sex', 'select_one', t('Sex', 'Sexe', 'Sexo'), { choices: 'sex', required: true }),
          question('ce_age', 'integer', t('Age when leaving', 'Âge au départ', 'Edad al partir'), { required: true, constraint: '. >= 0 and . <= 100' }),
          question('ce_year_left', 'year', t('Year of leaving', 'Année du départ', 'Año de partida'), {
            required: true,
            constraint: ". >= number(format-date(today(), '%Y')) - ${emigration_years}",
          }),
          question('ce_country', 'country', t('Country of destination', 'Pays de destination', 'País de destino'), { required: true, specialCountries: false }),
        ],
      },
    ],
  },
);

/** The migration module of a labour-force survey (ILO 2018 guidelines), keyed on the host's person roster. */
export const lfsMigration = module(
  'lfs-migration',
  t('LFS migration module (ILO 2018)', 'Module migration de l’EFT (OIT 2018)', 'Módulo de migración de la EFT (OIT 2018)'),
  {
    binds: PERSON_BINDS,
    universe: 'persons aged 15 and over in the host survey',
    referencePeriods: { lm_worked_abroad: 'last 5 years', lm_cost: 'the most recent job abroad', lm_remit_sent: 'last 12 months' },
    lists: ['yes_no', 'sex', 'relationship', 'isco', 'migration_reason'],
    items: [
      personRosterStub([
        question('lm_birth', 'country', t('Country of birth', 'Pays de naissance', 'País de nacimiento'), { relevant: '${age} >= 15', required: true }),
        question('lm_citizenship', 'country', t('Country or countries of citizenship', 'Pays de nationalité', 'País o países de ciudadanía'), {
          multiple: true,
          relevant: '${age} >= 15',
          required: true,
        }),
        question(
          'lm_abroad_12m',
          'select_one',
          t('Ever lived abroad for 12 months or more?', "A déjà vécu à l'étranger 12 mois ou plus ?", '¿Ha vivido en el extranjero 12 meses o más?'),
          { choices: 'yes_no', relevant: '${age} >= 15', required: true },
        ),
        question(
          'lm_abroad_3m',
          'select_one',
          t('Ever lived abroad for 3 to 11 months?', "A déjà vécu à l'étranger de 3 à 11 mois ?", '¿Ha vivido en el extranjero de 3 a 11 meses?'),
          { choices: 'yes_no', relevant: "${lm_abroad_12m} = '0'", required: true },
        ),
        question(
          'lm_arrival_year',
          'year',
          t('Year of most recent arrival in this country', 'Année de la dernière arrivée dans ce pays', 'Año de la llegada más reciente a este país'),
          { relevant: "${lm_birth} != ${host_country} or ${lm_abroad_12m} = '1' or ${lm_abroad_3m} = '1'", required: true },
        ),
        question('lm_prev_country', 'country', t('Country of previous residence', 'Pays de résidence précédent', 'País de residencia anterior'), {
          relevant: "${lm_birth} != ${host_country} or ${lm_abroad_12m} = '1' or ${lm_abroad_3m} = '1'",
          specialCountries: false,
        }),
        question(
          'lm_reason',
          'select_one',
          t('Main reason for coming or returning', 'Raison principale de la venue ou du retour', 'Razón principal de la llegada o el regreso'),
          { choices: 'migration_reason', relevant: "${lm_birth} != ${host_country} or ${lm_abroad_12m} = '1' or ${lm_abroad_3m} = '1'", required: true },
        ),
        question(
          'lm_worked_abroad',
          'select_one',
          t(
            'Worked or looked for work abroad in the last 5 years?',
            "A travaillé ou cherché du travail à l'étranger au cours des 5 dernières années ?",
            '¿Trabajó o buscó trabajo en el extranjero en los últimos 5 años?',
          ),
          { choices: 'yes_no', relevant: '${age} >= 15', required: true },
        ),
        question('lm_abroad_country', 'country', t('Country of that work', 'Pays de ce travail', 'País de ese trabajo'), {
          relevant: "${lm_worked_abroad} = '1'",
          required: true,
          specialCountries: false,
        }),
        question('lm_abroad_occupation', 'select_one', t('Occupation abroad', "Profession à l'étranger", 'Ocupación en el extranjero'), {
          choices: 'isco',
          relevant: "${lm_worked_abroad} = '1'",
        }),
        question('lm_abroad_months', 'integer', t('Months worked abroad', "Mois de travail à l'étranger", 'Meses trabajados en el extranjero'), {
          relevant: "${lm_worked_abroad} = '1'",
          constraint: '. >= 1 and . <= 60',
        }),
        question(
          'lm_cost',
          'amount',
          t(
            'What did getting that job abroad cost (fees, documents, travel, in total)?',
            "Combien a coûté l'obtention de cet emploi à l'étranger (frais, documents, voyage, au total) ?",
            '¿Cuánto costó conseguir ese trabajo en el extranjero (comisiones, documentos, viaje, en total)?',
          ),
          {
            relevant: "${lm_worked_abroad} = '1'",
            hint: t('SDG 10.7.1: recruitment cost', 'ODD 10.7.1 : coût du recrutement', 'ODS 10.7.1: costo de contratación'),
          },
        ),
        question(
          'lm_first_month',
          'amount',
          t('Earnings in the first month of that job', 'Revenus du premier mois de cet emploi', 'Ingresos del primer mes de ese trabajo'),
          { relevant: "${lm_worked_abroad} = '1'", constraint: '. > 0' },
        ),
        // The SDG 10.7.1 ratio is computed in the analysis (catalogue lm_cost_ratio), after both amounts are
        // converted with the survey's exchange-rate table: cost and earnings are often in different currencies.
        question(
          'lm_remit_sent',
          'select_one',
          t(
            'Sent money abroad in the last 12 months?',
            "A envoyé de l'argent à l'étranger au cours des 12 derniers mois ?",
            '¿Envió dinero al extranjero en los últimos 12 meses?',
          ),
          { choices: 'yes_no', relevant: '${age} >= 15' },
        ),
      ]),
      question(
        'lm_members_away',
        'integer',
        t(
          'How many usual members are away for 3 months or more to work abroad?',
          "Combien de membres habituels sont absents 3 mois ou plus pour travailler à l'étranger ?",
          '¿Cuántos miembros habituales están fuera 3 meses o más para trabajar en el extranjero?',
        ),
        { constraint: '. >= 0 and . <= 30' },
      ),
      question(
        'lm_remit_received',
        'select_one',
        t(
          'Did the household receive money from abroad in the last 12 months?',
          "Le ménage a-t-il reçu de l'argent de l'étranger au cours des 12 derniers mois ?",
          '¿Recibió el hogar dinero del extranjero en los últimos 12 meses?',
        ),
        { choices: 'yes_no' },
      ),
    ],
  },
);

/** Household statuses derived from the DotM modules (DOMAIN.md definitions; thresholds are settings). */
export const dotmDerived = module('dotm-derived', t('Derived migration statuses', 'Statuts migratoires dérivés', 'Estados migratorios derivados'), {
  binds: [
    'n_emigrants',
    'n_emigrants_12m',
    'n_return_migrants',
    'n_return_migrants_12m',
    'hh_foreign_born_only',
    'members',
    'is_immigrant',
    's_remit',
    'remit_cash_senders',
    'remit_goods_any',
  ],
  universe: 'every household',
  referencePeriods: { hh_remit_receiving: 'last remittance_months months' },
  lists: [],
  items: [
    { kind: 'calculate', name: 'n_emigrants', calculation: '0' },
    { kind: 'calculate', name: 'n_emigrants_12m', calculation: '0' },
    { kind: 'calculate', name: 'n_return_migrants', calculation: '0' },
    { kind: 'calculate', name: 'n_return_migrants_12m', calculation: '0' },
    { kind: 'calculate', name: 'hh_foreign_born_only', calculation: '0' },
    { kind: 'roster', name: 'members', items: [{ kind: 'calculate', name: 'is_immigrant', calculation: '0' }] },
    { kind: 'calculate', name: 's_remit', calculation: "''" },
    { kind: 'calculate', name: 'remit_cash_senders', calculation: '0' },
    { kind: 'calculate', name: 'remit_goods_any', calculation: '0' },
    {
      kind: 'calculate',
      name: 'hh_has_emigrant',
      calculation: 'if(${n_emigrants} > 0, 1, 0)',
      label: t('Household with an emigrant', 'Ménage avec un émigré', 'Hogar con un emigrante'),
    },
    {
      kind: 'calculate',
      name: 'hh_has_return',
      calculation: 'if(${n_return_migrants} > 0, 1, 0)',
      label: t('Household with a return migrant', 'Ménage avec un migrant de retour', 'Hogar con un migrante retornado'),
    },
    {
      kind: 'calculate',
      name: 'hh_has_immigrant',
      calculation: 'if(sum(${is_immigrant}) > 0, 1, 0)',
      label: t('Household with an immigrant', 'Ménage avec un immigrant', 'Hogar con un inmigrante'),
    },
    {
      // DOMAIN.md household migration status at T = abroad_months (DotM; UN 1998 short-term threshold).
      kind: 'calculate',
      name: 'hh_migration_status',
      calculation: "if(${hh_has_emigrant} = 1 and ${hh_has_return} = 1, 'H3', if(${hh_has_emigrant} = 1, 'H1', if(${hh_has_return} = 1, 'H2', 'H0')))",
      label: t(
        'Household migration status at abroad_months months (H0 none, H1 absent migrant, H2 return migrant, H3 both)',
        'Statut migratoire du ménage au seuil abroad_months mois (H0 aucun, H1 migrant absent, H2 migrant de retour, H3 les deux)',
        'Estado migratorio del hogar con umbral de abroad_months meses (H0 ninguno, H1 migrante ausente, H2 retornado, H3 ambos)',
      ),
    },
    {
      // The same status at the long-term threshold (UN 2021 revised framework: 12 months).
      kind: 'calculate',
      name: 'hh_migration_status_12m',
      calculation:
        "if(${n_emigrants_12m} > 0 and ${n_return_migrants_12m} > 0, 'H3', if(${n_emigrants_12m} > 0, 'H1', if(${n_return_migrants_12m} > 0, 'H2', 'H0')))",
      label: t(
        'Household migration status at long_term_months months (UN 2021 framework)',
        'Statut migratoire du ménage au seuil long_term_months mois (cadre ONU 2021)',
        'Estado migratorio del hogar con umbral de long_term_months meses (marco ONU 2021)',
      ),
    },
    {
      kind: 'calculate',
      name: 'hh_migrant',
      calculation: "if(${hh_migration_status} != 'H0', 1, 0)",
      label: t('Migrant household', 'Ménage migrant', 'Hogar migrante'),
    },
    {
      // A household of foreign-born members only, with no emigrant or return migrant, is not a "non-migrant" household.
      kind: 'calculate',
      name: 'hh_immigrant_household',
      calculation: "if(${hh_migration_status} = 'H0' and ${hh_foreign_born_only} = 1, 1, 0)",
      label: t(
        'Immigrant household: every member foreign-born, no emigrant or return migrant',
        "Ménage immigré : tous les membres nés à l'étranger, sans émigré ni migrant de retour",
        'Hogar inmigrante: todos los miembros nacidos en el extranjero, sin emigrante ni retornado',
      ),
    },
    {
      // For comparisons: H0 split into native (H0) and immigrant households (HI), so either can be left out.
      kind: 'calculate',
      name: 'hh_migration_status_split',
      calculation: "if(${hh_immigrant_household} = 1, 'HI', ${hh_migration_status})",
      label: t(
        'Household migration status with immigrant households apart (HI)',
        'Statut migratoire du ménage, ménages immigrés à part (HI)',
        'Estado migratorio del hogar, hogares inmigrantes aparte (HI)',
      ),
    },
    {
      // DOMAIN.md: cash or goods from abroad in the reference period, whether or not the household has a migrant.
      kind: 'calculate',
      name: 'hh_remit_receiving',
      calculation: "if(${s_remit} = '1' and (${remit_cash_senders} > 0 or ${remit_goods_any} = 1), 1, 0)",
      label: t('Remittance-receiving household', 'Ménage recevant des transferts', 'Hogar receptor de remesas'),
    },
  ],
});

/** A small labour-force survey core, the host of the LFS migration module in tests and examples. */
export const exampleLfsHost: Questionnaire = {
  id: 'example-lfs-core',
  version: '2026.1',
  title: t('Example labour force survey, core', "Exemple d'enquête emploi, tronc commun", 'Ejemplo de encuesta de fuerza de trabajo, núcleo'),
  languages: LANGUAGES,
  choiceLists: lists('yes_no', 'sex', 'isco'),
  items: [
    { kind: 'metadata', name: 'start', type: 'start' },
    question('q_region', 'text', t('Region', 'Région', 'Región'), { required: true }),
    {
      kind: 'roster',
      name: 'persons',
      label: t('Persons', 'Personnes', 'Personas'),
      items: [
        question('q_name', 'text', t('Name', 'Nom', 'Nombre'), { required: true, identifier: true }),
        question('q_sex', 'select_one', t('Sex', 'Sexe', 'Sexo'), { choices: 'sex', required: true }),
        question('q_age', 'integer', t('Age', 'Âge', 'Edad'), { required: true, constraint: '. >= 0 and . <= 120' }),
        question('q_rel', 'integer', t('Relationship code (1 = head)', 'Code de lien (1 = chef)', 'Código de parentesco (1 = jefe)')),
        question(
          'q_worked',
          'select_one',
          t('Worked last week for at least one hour?', 'A travaillé au moins une heure la semaine dernière ?', '¿Trabajó al menos una hora la semana pasada?'),
          { choices: 'yes_no', relevant: '${q_age} >= 15', required: true },
        ),
        question('q_occupation', 'select_one', t('Occupation', 'Profession', 'Ocupación'), { choices: 'isco', relevant: "${q_worked} = '1'" }),
      ],
    },
  ],
};
