import type { Item, Text } from '../../format.js';
import { module, PERSON_BINDS, personRosterStub, question, t } from '../common.js';
import { foreignBornExpression } from '../../codelists.js';

/** M0: screening and listing of every listed household. */
export const m0Screening = module('dotm-m0-screening', t('M0 Screening and listing', 'M0 Dépistage et dénombrement', 'M0 Tamizaje y listado'), {
  binds: [],
  universe: 'every listed household',
  referencePeriods: { s_member_abroad: 'now; left within the last emigration_years years', s_remit: 'last remittance_months months' },
  lists: ['yes_no'],
  items: [
    { kind: 'metadata', name: 'start', type: 'start' },
    { kind: 'metadata', name: 'enumerator', type: 'enumerator' },
    // Drawn once when the interview starts: random selections (the M13 woman) are reproducible from it.
    { kind: 'metadata', name: 'interview_seed', type: 'seed' },
    question(
      's_member_abroad',
      'select_one',
      t(
        'Is any former member of this household now living in another country?',
        'Un ancien membre de ce ménage vit-il actuellement dans un autre pays ?',
        '¿Algún antiguo miembro de este hogar vive ahora en otro país?',
      ),
      {
        choices: 'yes_no',
        required: true,
        hint: t(
          'Someone who used to live here and left to live abroad in the last ${emigration_years} years.',
          "Quelqu'un qui vivait ici et est parti vivre à l'étranger au cours des ${emigration_years} dernières années.",
          'Alguien que vivía aquí y se fue a vivir al extranjero en los últimos ${emigration_years} años.',
        ),
      },
    ),
    question(
      's_member_returned',
      'select_one',
      t(
        'Has any current member who lived in this country gone to live in another country for ${abroad_months} months or more, and come back?',
        'Un membre actuel qui vivait dans ce pays est-il parti vivre dans un autre pays pendant ${abroad_months} mois ou plus, puis revenu ?',
        '¿Algún miembro actual que vivía en este país se fue a vivir a otro país durante ${abroad_months} meses o más y regresó?',
      ),
      { choices: 'yes_no', required: true },
    ),
    question(
      's_member_born_abroad',
      'select_one',
      t('Was any current member born in another country?', 'Un membre actuel est-il né dans un autre pays ?', '¿Algún miembro actual nació en otro país?'),
      { choices: 'yes_no', required: true },
    ),
    question(
      's_remit',
      'select_one',
      t(
        'In the last ${remittance_months} months, did the household receive money or goods from anyone living abroad?',
        "Au cours des ${remittance_months} derniers mois, le ménage a-t-il reçu de l'argent ou des biens de quelqu'un vivant à l'étranger ?",
        'En los últimos ${remittance_months} meses, ¿recibió el hogar dinero o bienes de alguien que vive en el extranjero?',
      ),
      { choices: 'yes_no', required: true },
    ),
  ],
});

/** M1: the household roster. */
export const m1Roster = module('dotm-m1-roster', t('M1 Household roster', 'M1 Liste des membres du ménage', 'M1 Lista de miembros del hogar'), {
  binds: [],
  universe: 'all usual members',
  referencePeriods: { members: 'now' },
  lists: ['yes_no', 'sex', 'relationship', 'marital', 'isced_a', 'parent_where'],
  items: [
    {
      kind: 'roster',
      name: 'members',
      label: t('Household members', 'Membres du ménage', 'Miembros del hogar'),
      maxRows: 60,
      items: [
        question('name', 'text', t('Name', 'Nom', 'Nombre'), {
          required: true,
          identifier: true,
          hint: t('First name is enough.', 'Le prénom suffit.', 'Basta con el nombre de pila.'),
        }),
        question('sex', 'select_one', t('Sex', 'Sexe', 'Sexo'), { choices: 'sex', required: true }),
        question('birth_date', 'date', t('Date of birth, if known', 'Date de naissance, si connue', 'Fecha de nacimiento, si se conoce'), {
          constraint: '. <= today()',
          constraintMessage: t('The date cannot be in the future', 'La date ne peut pas être dans le futur', 'La fecha no puede ser futura'),
          identifier: true,
          hint: t(
            'From a document where possible; leave empty if unknown.',
            'D’après un document si possible ; laisser vide si inconnue.',
            'De un documento si es posible; dejar vacío si se desconoce.',
          ),
        }),
        question('age', 'integer', t('Age in completed years', 'Âge en années révolues', 'Edad en años cumplidos'), {
          required: true,
          // Age or date of birth: when both are given they must agree (a year's slack for the birthday not yet reached).
          constraint:
            ". >= 0 and . <= 120 and (${birth_date} = '' or abs(. - int((decimal-date-time(today()) - decimal-date-time(${birth_date})) div 365.25)) <= 1)",
          constraintMessage: t(
            'Age must be between 0 and 120 and agree with the date of birth',
            "L'âge doit être entre 0 et 120 et correspondre à la date de naissance",
            'La edad debe estar entre 0 y 120 y coincidir con la fecha de nacimiento',
          ),
          quasiIdentifier: true,
        }),
        question('relation', 'select_one', t('Relationship to the head', 'Lien avec le chef de ménage', 'Parentesco con el jefe/a'), {
          choices: 'relationship',
          required: true,
          // One head, on line 1: the household's variables (head_sex) read line 1.
          constraint: "if(position(..) = 1, . = '1', . != '1')",
          constraintMessage: t(
            'The head is on line 1, and only on line 1',
            'Le chef de ménage est sur la ligne 1, et seulement sur la ligne 1',
            'El jefe/a del hogar va en la línea 1, y solo en la línea 1',
          ),
        }),
        question('marital', 'select_one', t('Marital status', 'Situation matrimoniale', 'Estado civil'), {
          choices: 'marital',
          relevant: '${age} >= 12',
          required: true,
        }),
        question(
          'usual_resident',
          'select_one',
          t(
            'Does ${name} usually live here, and has not been away for ${abroad_months} months or more?',
            '${name} vit-il/elle habituellement ici, sans absence de ${abroad_months} mois ou plus ?',
            '¿${name} vive habitualmente aquí, sin haber estado fuera ${abroad_months} meses o más?',
          ),
          {
            choices: 'yes_no',
            required: true,
            // The usual-residence rule agrees with the migration threshold T: away T months or more is not a member.
            constraint: ". = '1'",
            constraintMessage: t(
              'A person away ${abroad_months} months or more is not a member: list them among the former members abroad (M2) if abroad',
              "Une personne absente ${abroad_months} mois ou plus n'est pas membre : inscrivez-la parmi les anciens membres à l'étranger (M2) si elle y vit",
              'Una persona ausente ${abroad_months} meses o más no es miembro: regístrela entre los antiguos miembros en el extranjero (M2) si vive allí',
            ),
          },
        ),
        question('country_birth', 'country', t('Country of birth', 'Pays de naissance', 'País de nacimiento'), { required: true, quasiIdentifier: true }),
        question('citizenship', 'country', t('Country or countries of citizenship', 'Pays de nationalité', 'País o países de ciudadanía'), {
          multiple: true,
          required: true,
          hint: t(
            'Select every citizenship; "Stateless" if none.',
            'Sélectionnez chaque nationalité ; « Apatride » si aucune.',
            'Seleccione cada ciudadanía; «Apátrida» si ninguna.',
          ),
        }),
        question(
          'education',
          'select_one',
          t('Highest level of education completed', "Plus haut niveau d'études achevé", 'Nivel educativo más alto completado'),
          { choices: 'isced_a', relevant: '${age} >= 5', required: true },
        ),
        question(
          'education_grade',
          'integer',
          t(
            'Years completed in the next level, not finished (0 if none)',
            'Années achevées dans le niveau suivant, non terminé (0 si aucune)',
            'Años aprobados en el nivel siguiente, no terminado (0 si ninguno)',
          ),
          { relevant: "${age} >= 5 and ${education} != '9'", required: true, constraint: '. >= 0 and . <= 8' },
        ),
        {
          // UIS: years of schooling = official durations of the levels completed (settings years_*) + years of the next one.
          kind: 'calculate',
          name: 'years_schooling',
          calculation:
            "if(${education} = '' or ${education} = '9', '', ${education_grade} + if(${education} = '0', 0, ${years_primary} + if(${education} = '1', 0, ${years_lower_secondary} + if(${education} = '2', 0, ${years_upper_secondary} + if(${education} = '3', 0, if(${education} = '4', ${years_post_secondary}, if(${education} = '5', ${years_short_tertiary}, ${years_bachelor} + if(${education} = '6', 0, ${years_master} + if(${education} = '7', 0, ${years_doctoral})))))))))",
          label: t(
            'Years of schooling (official durations of the levels completed plus years of the next level)',
            'Années de scolarité (durées officielles des niveaux achevés plus années du niveau suivant)',
            'Años de escolaridad (duraciones oficiales de los niveles completados más años del nivel siguiente)',
          ),
        },
        ...parentQuestions(
          'mother',
          t(
            'Line number of the mother (0 if not a member)',
            'Numéro de ligne de la mère (0 si non membre)',
            'Número de línea de la madre (0 si no es miembro)',
          ),
          t('Where is the mother?', 'Où est la mère ?', '¿Dónde está la madre?'),
          '2',
        ),
        ...parentQuestions(
          'father',
          t('Line number of the father (0 if not a member)', 'Numéro de ligne du père (0 si non membre)', 'Número de línea del padre (0 si no es miembro)'),
          t('Where is the father?', 'Où est le père ?', '¿Dónde está el padre?'),
          '1',
        ),
        {
          kind: 'calculate',
          name: 'parent_abroad',
          calculation: "if(${age} < 18, if(${mother_where} = 'abroad' or ${father_where} = 'abroad', 1, 0), '')",
          label: t(
            'Child (under 18) with a parent living abroad',
            "Enfant (moins de 18 ans) dont un parent vit à l'étranger",
            'Niño/a (menor de 18) con un padre o madre en el extranjero',
          ),
        },
        {
          // UN 1998, census P&R Rev.3: foreign-born = born in another country; "unknown" and "stateless" are never foreign-born.
          kind: 'calculate',
          name: 'is_immigrant',
          calculation: `if(${foreignBornExpression('country_birth')}, 1, 0)`,
          label: t('Immigrant (foreign-born)', "Immigrant (né à l'étranger)", 'Inmigrante (nacido en el extranjero)'),
        },
        {
          kind: 'calculate',
          name: 'is_citizen',
          calculation: 'if(selected(${citizenship}, ${host_country}), 1, 0)',
          label: t('Citizen of the survey country', 'Citoyen(ne) du pays de l’enquête', 'Ciudadano/a del país de la encuesta'),
        },
        {
          // SDG 17.18 disaggregation by migratory status (UN Statistics Division, 2021 framework).
          kind: 'calculate',
          name: 'migratory_status',
          calculation:
            "if(${country_birth} = '' or ${country_birth} = 'XXX', '', concat(if(${is_immigrant} = 1, 'foreign-born', 'native-born'), ' ', if(${is_citizen} = 1, 'citizen', 'non-citizen')))",
          label: t(
            'Migratory status: native- or foreign-born, citizen or not (SDG 17.18)',
            'Statut migratoire : né dans le pays ou à l’étranger, citoyen ou non (ODD 17.18)',
            'Condición migratoria: nacido en el país o en el extranjero, ciudadano o no (ODS 17.18)',
          ),
        },
      ],
    },
    {
      kind: 'calculate',
      name: 'hh_foreign_born_only',
      calculation: 'if(count(${members}) > 0 and sum(${is_immigrant}) = count(${members}), 1, 0)',
      label: t('Every member is foreign-born', "Tous les membres sont nés à l'étranger", 'Todos los miembros nacieron en el extranjero'),
    },
    { kind: 'calculate', name: 'hh_size', calculation: 'count(${members})', label: t('Household size', 'Taille du ménage', 'Tamaño del hogar') },
    {
      kind: 'calculate',
      name: 'head_sex',
      calculation: "if(count(${members}) > 0, indexed-repeat(${sex}, ${members}, 1), '')",
      label: t('Sex of the household head (first line)', 'Sexe du chef de ménage (première ligne)', 'Sexo del jefe/a del hogar (primera línea)'),
    },
  ],
});

/** M2: emigrants, former members now abroad. */
export const m2Emigrants = module('dotm-m2-emigrants', t('M2 Emigrants', 'M2 Émigrés', 'M2 Emigrantes'), {
  binds: ['s_member_abroad'],
  universe: 'households with a former member abroad (M0)',
  referencePeriods: { emigrants: 'now', em_left: 'date of departure' },
  lists: ['yes_no', 'sex', 'relationship', 'isced_a', 'isco', 'migration_reason', 'migration_finance'],
  items: [
    question('s_member_abroad', 'select_one', t('Former member abroad?', 'Ancien membre à l’étranger ?', '¿Antiguo miembro en el extranjero?'), {
      choices: 'yes_no',
    }),
    question(
      'n_emigrants_listed',
      'integer',
      t(
        'How many former members now live abroad?',
        "Combien d'anciens membres vivent actuellement à l'étranger ?",
        '¿Cuántos antiguos miembros viven ahora en el extranjero?',
      ),
      { relevant: "${s_member_abroad} = '1'", required: true, constraint: '. >= 1 and . <= 30' },
    ),
    {
      kind: 'roster',
      name: 'emigrants',
      label: t('Former members abroad', "Anciens membres à l'étranger", 'Antiguos miembros en el extranjero'),
      relevant: "${s_member_abroad} = '1'",
      repeatCount: '${n_emigrants_listed}',
      items: [
        question('em_name', 'text', t('Name', 'Nom', 'Nombre'), { identifier: true }),
        question('em_sex', 'select_one', t('Sex', 'Sexe', 'Sexo'), { choices: 'sex', required: true }),
        question('em_relation', 'select_one', t('Relationship to the head', 'Lien avec le chef de ménage', 'Parentesco con el jefe/a'), {
          choices: 'relationship',
        }),
        question('em_age_left', 'integer', t('Age when leaving', 'Âge au départ', 'Edad al partir'), { constraint: '. >= 0 and . <= 100', required: true }),
        question(
          'em_left',
          'date',
          t('Month and year of leaving (day 1 if unknown)', 'Mois et année du départ (jour 1 si inconnu)', 'Mes y año de partida (día 1 si se desconoce)'),
          {
            required: true,
            constraint: '. <= today()',
            constraintMessage: t('The date cannot be in the future', 'La date ne peut pas être dans le futur', 'La fecha no puede ser futura'),
          },
        ),
        question('em_country', 'country', t('Country of residence now', 'Pays de résidence actuel', 'País de residencia actual'), {
          required: true,
          specialCountries: false,
        }),
        question(
          'em_education',
          'select_one',
          t('Highest level completed when leaving', 'Plus haut niveau achevé au départ', 'Nivel más alto completado al partir'),
          {
            choices: 'isced_a',
          },
        ),
        question('em_occupation', 'select_one', t('Main occupation abroad', "Profession principale à l'étranger", 'Ocupación principal en el extranjero'), {
          choices: 'isco',
        }),
        question('em_reason', 'select_one', t('Main reason for leaving', 'Raison principale du départ', 'Razón principal de la partida'), {
          choices: 'migration_reason',
        }),
        question('em_contact', 'select_one', t('Does the household keep in contact?', 'Le ménage garde-t-il le contact ?', '¿El hogar mantiene contacto?'), {
          choices: 'yes_no',
        }),
        question('em_return', 'select_one', t('Intends to return to live here?', 'A l’intention de revenir vivre ici ?', '¿Piensa volver a vivir aquí?'), {
          choices: 'yes_no',
        }),
        {
          kind: 'calculate',
          name: 'em_months_abroad',
          calculation: 'int((decimal-date-time(today()) - decimal-date-time(${em_left})) div 30.4375)',
          label: t('Months abroad', "Mois à l'étranger", 'Meses en el extranjero'),
        },
        question(
          'em_cost',
          'amount',
          t(
            'What did the move abroad cost in total (travel, documents, recruitment fees)?',
            "Combien le départ à l'étranger a-t-il coûté au total (voyage, documents, frais de recrutement) ?",
            '¿Cuánto costó en total irse al extranjero (viaje, documentos, comisiones de contratación)?',
          ),
          { constraint: '. >= 0' },
        ),
        question('em_financed', 'select_multiple', t('How was the move paid for?', 'Comment le départ a-t-il été financé ?', '¿Cómo se pagó la partida?'), {
          choices: 'migration_finance',
          relevant: "${em_cost} != ''",
        }),
        {
          // T months abroad (setting abroad_months, UN 1998 / DotM) and left within the recency window (emigration_years).
          kind: 'calculate',
          name: 'is_emigrant',
          calculation: 'if(${em_months_abroad} >= ${abroad_months} and ${em_months_abroad} < ${emigration_years} * 12, 1, 0)',
          label: t(
            'Emigrant: away at least abroad_months months, left within emigration_years years',
            'Émigré : absent au moins abroad_months mois, parti dans les emigration_years dernières années',
            'Emigrante: ausente al menos abroad_months meses, partió en los últimos emigration_years años',
          ),
        },
        {
          // UN 1998 long-term migrant; the 2021 framework's migrant (12 months; 3-11 months is temporary mobility).
          kind: 'calculate',
          name: 'is_emigrant_12m',
          calculation: 'if(${em_months_abroad} >= ${long_term_months} and ${em_months_abroad} < ${emigration_years} * 12, 1, 0)',
          label: t(
            'Long-term emigrant: away at least long_term_months months, left within emigration_years years',
            'Émigré de longue durée : absent au moins long_term_months mois',
            'Emigrante de larga duración: ausente al menos long_term_months meses',
          ),
        },
      ],
    },
    {
      kind: 'calculate',
      name: 'n_emigrants',
      calculation: 'sum(${is_emigrant})',
      label: t('Emigrants (away at least the threshold)', 'Émigrés', 'Emigrantes'),
    },
    {
      kind: 'calculate',
      name: 'n_emigrants_12m',
      calculation: 'sum(${is_emigrant_12m})',
      label: t('Long-term emigrants (12 months or more)', 'Émigrés de longue durée', 'Emigrantes de larga duración'),
    },
  ],
});

export const CORE_PERSON_BINDS = PERSON_BINDS;
export { personRosterStub };

/** Line number of a child's parent in the roster (0: not a member), and where that parent is when not a member. */
function parentQuestions(who: 'mother' | 'father', lineLabel: Text, whereLabel: Text, sex: string): Item[] {
  return [
    question(`${who}_line`, 'integer', lineLabel, {
      relevant: '${age} < 18',
      required: true,
      constraint: `. = 0 or (. >= 1 and . <= count(\${members}) and . != position(..) and indexed-repeat(\${sex}, \${members}, .) = '${sex}')`,
      constraintMessage: t(
        '0, or the line of another member of the right sex',
        "0, ou la ligne d'un autre membre du bon sexe",
        '0, o la línea de otro miembro del sexo correspondiente',
      ),
    }),
    question(`${who}_where`, 'select_one', whereLabel, { choices: 'parent_where', relevant: `\${${who}_line} = 0`, required: true }),
  ];
}
