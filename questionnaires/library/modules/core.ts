import { CURRENCIES, module, PERSON_BINDS, personRosterStub, question, t } from '../common.js';

/** M0: screening and listing of every listed household. */
export const m0Screening = module('dotm-m0-screening', t('M0 Screening and listing', 'M0 Dépistage et dénombrement', 'M0 Tamizaje y listado'), {
  binds: [],
  universe: 'every listed household',
  referencePeriods: { s_member_abroad: 'now', s_remit: 'last 12 months' },
  lists: ['yes_no'],
  items: [
    { kind: 'metadata', name: 'start', type: 'start' },
    { kind: 'metadata', name: 'enumerator', type: 'enumerator' },
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
          'Someone who used to live here and left to live abroad, however long ago.',
          "Quelqu'un qui vivait ici et est parti vivre à l'étranger, peu importe quand.",
          'Alguien que vivía aquí y se fue a vivir al extranjero, sin importar cuándo.',
        ),
      },
    ),
    question(
      's_member_returned',
      'select_one',
      t(
        'Has any current member lived in another country for 3 months or more?',
        'Un membre actuel a-t-il vécu dans un autre pays pendant 3 mois ou plus ?',
        '¿Algún miembro actual vivió en otro país durante 3 meses o más?',
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
        'In the last 12 months, did the household receive money or goods from anyone living abroad?',
        "Au cours des 12 derniers mois, le ménage a-t-il reçu de l'argent ou des biens de quelqu'un vivant à l'étranger ?",
        'En los últimos 12 meses, ¿recibió el hogar dinero o bienes de alguien que vive en el extranjero?',
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
  lists: ['yes_no', 'sex', 'relationship', 'marital', 'isced'],
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
        question('age', 'integer', t('Age in completed years', 'Âge en années révolues', 'Edad en años cumplidos'), {
          required: true,
          constraint: '. >= 0 and . <= 120',
          constraintMessage: t('Age must be between 0 and 120', "L'âge doit être entre 0 et 120", 'La edad debe estar entre 0 y 120'),
          quasiIdentifier: true,
        }),
        question('relation', 'select_one', t('Relationship to the head', 'Lien avec le chef de ménage', 'Parentesco con el jefe/a'), {
          choices: 'relationship',
          required: true,
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
            'Has lived here most of the last 6 months?',
            'A vécu ici la majeure partie des 6 derniers mois ?',
            '¿Ha vivido aquí la mayor parte de los últimos 6 meses?',
          ),
          { choices: 'yes_no', required: true },
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
          { choices: 'isced', relevant: '${age} >= 5', required: true },
        ),
        {
          kind: 'calculate',
          name: 'is_immigrant',
          calculation: "if(${country_birth} != '' and ${country_birth} != 'THIS', 1, 0)",
          label: t('Immigrant (born abroad)', "Immigrant (né à l'étranger)", 'Inmigrante (nacido en el extranjero)'),
        },
      ],
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
  lists: ['yes_no', 'sex', 'relationship', 'isced', 'isco', 'migration_reason'],
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
        question('em_education', 'select_one', t('Education when leaving', 'Niveau d’études au départ', 'Educación al partir'), { choices: 'isced' }),
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
        {
          kind: 'calculate',
          name: 'is_emigrant',
          calculation: 'if(${em_months_abroad} >= ${abroad_months}, 1, 0)',
          label: t('Emigrant (away at least the threshold)', 'Émigré (absent au moins le seuil)', 'Emigrante (ausente al menos el umbral)'),
        },
        {
          kind: 'calculate',
          name: 'is_emigrant_12m',
          calculation: 'if(${em_months_abroad} >= 12, 1, 0)',
          label: t('Long-term emigrant (12+ months)', 'Émigré de longue durée (12 mois et plus)', 'Emigrante de larga duración (12+ meses)'),
        },
      ],
    },
    {
      kind: 'calculate',
      name: 'n_emigrants',
      calculation: 'sum(${is_emigrant})',
      label: t('Emigrants (away at least the threshold)', 'Émigrés', 'Emigrantes'),
    },
  ],
});

export const CORE_CURRENCIES = CURRENCIES;
export const CORE_PERSON_BINDS = PERSON_BINDS;
export { personRosterStub };
