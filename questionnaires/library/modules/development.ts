import type { Choice } from '../../format.js';
import { CURRENCIES, module, PERSON_BINDS, personRosterStub, question, t } from '../common.js';

const who: Choice[] = [
  { value: 'self', label: t('She alone', 'Elle seule', 'Ella sola') },
  { value: 'joint', label: t('She and her husband/partner jointly', 'Elle et son mari/partenaire ensemble', 'Ella y su esposo/pareja juntos') },
  { value: 'partner', label: t('Husband/partner alone', 'Le mari/partenaire seul', 'El esposo/pareja solo') },
  { value: 'other', label: t('Someone else', "Quelqu'un d'autre", 'Otra persona') },
];

/** M7: education of members aged 5-24 (a follow-up roster keyed on the members). */
export const m7Education = module('dotm-m7-education', t('M7 Education', 'M7 Éducation', 'M7 Educación'), {
  binds: PERSON_BINDS,
  universe: 'members aged 5-24',
  referencePeriods: { ed_attending: 'current school year', ed_spending: 'last 12 months' },
  lists: ['yes_no', 'sex', 'relationship', 'isced'],
  items: [
    personRosterStub([]),
    {
      kind: 'roster',
      name: 'schooling',
      label: t('Education (members aged 5-24)', 'Éducation (membres de 5 à 24 ans)', 'Educación (miembros de 5 a 24 años)'),
      rowsFrom: { roster: 'members', filter: '${age} >= 5 and ${age} <= 24' },
      items: [
        question(
          'ed_attending',
          'select_one',
          t(
            'Is ${name} attending school or university this school year?',
            "${name} fréquente-t-il/elle l'école ou l'université cette année scolaire ?",
            '¿Asiste ${name} a la escuela o universidad este año escolar?',
          ),
          { choices: 'yes_no', required: true },
        ),
        question('ed_level', 'select_one', t('Level attended', 'Niveau fréquenté', 'Nivel que cursa'), {
          choices: 'isced',
          relevant: "${ed_attending} = '1'",
          required: true,
        }),
        question('ed_private', 'select_one', t('Is the school private?', "L'école est-elle privée ?", '¿Es privada la escuela?'), {
          choices: 'yes_no',
          relevant: "${ed_attending} = '1'",
        }),
        question('ed_reason_left', 'text', t('Main reason for not attending', 'Raison principale de la non-fréquentation', 'Razón principal de no asistir'), {
          relevant: "${ed_attending} = '0'",
        }),
        question(
          'ed_spending',
          'decimal',
          t(
            "Spending on ${name}'s education in the last 12 months (fees, uniforms, books, transport)",
            "Dépenses pour l'éducation de ${name} au cours des 12 derniers mois (frais, uniformes, livres, transport)",
            'Gasto en la educación de ${name} en los últimos 12 meses (matrícula, uniformes, libros, transporte)',
          ),
          { relevant: "${ed_attending} = '1'", constraint: '. >= 0' },
        ),
      ],
    },
  ],
});

/** M8: health of all members; vaccination of children 12-23 months. */
export const m8Health = module('dotm-m8-health', t('M8 Health', 'M8 Santé', 'M8 Salud'), {
  binds: PERSON_BINDS,
  universe: 'all members; children 12-23 months for vaccination',
  referencePeriods: { h_ill: 'last 30 days', h_hospital: 'last 12 months', vaccination: 'by the card or the mother' },
  lists: ['yes_no', 'yes_no_dk', 'sex', 'relationship'],
  items: [
    personRosterStub([
      question(
        'h_insured',
        'select_one',
        t('Is ${name} covered by health insurance?', '${name} est-il/elle couvert(e) par une assurance maladie ?', '¿Tiene ${name} seguro de salud?'),
        { choices: 'yes_no', required: true },
      ),
      question(
        'h_ill',
        'select_one',
        t(
          'In the last 30 days, was ${name} ill or injured?',
          'Au cours des 30 derniers jours, ${name} a-t-il/elle été malade ou blessé(e) ?',
          'En los últimos 30 días, ¿estuvo ${name} enfermo/a o lesionado/a?',
        ),
        { choices: 'yes_no', required: true },
      ),
      question('h_consulted', 'select_one', t('Consulted a health worker?', 'A consulté un agent de santé ?', '¿Consultó a un trabajador de salud?'), {
        choices: 'yes_no',
        relevant: "${h_ill} = '1'",
        required: true,
      }),
      question('h_cost', 'decimal', t('Out-of-pocket cost of that care', 'Coût payé de sa poche pour ces soins', 'Gasto de bolsillo de esa atención'), {
        relevant: "${h_consulted} = '1'",
        constraint: '. >= 0',
      }),
      question(
        'h_hospital',
        'select_one',
        t('Hospitalised in the last 12 months?', 'Hospitalisé(e) au cours des 12 derniers mois ?', '¿Hospitalizado/a en los últimos 12 meses?'),
        { choices: 'yes_no' },
      ),
      question('h_age_months', 'integer', t('Age in months', 'Âge en mois', 'Edad en meses'), {
        relevant: '${age} < 2',
        required: true,
        constraint: '. >= 0 and . <= 23',
      }),
      question('v_bcg', 'select_one', t('Received BCG?', 'A reçu le BCG ?', '¿Recibió BCG?'), {
        choices: 'yes_no_dk',
        relevant: '${h_age_months} >= 12',
        required: true,
      }),
      question('v_dpt3', 'select_one', t('Received the third dose of DPT?', 'A reçu la troisième dose de DTC ?', '¿Recibió la tercera dosis de DPT?'), {
        choices: 'yes_no_dk',
        relevant: '${h_age_months} >= 12',
        required: true,
      }),
      question(
        'v_polio3',
        'select_one',
        t(
          'Received the third dose of polio vaccine?',
          'A reçu la troisième dose du vaccin contre la polio ?',
          '¿Recibió la tercera dosis de la vacuna contra la polio?',
        ),
        { choices: 'yes_no_dk', relevant: '${h_age_months} >= 12', required: true },
      ),
      question(
        'v_measles',
        'select_one',
        t('Received the measles vaccine?', 'A reçu le vaccin contre la rougeole ?', '¿Recibió la vacuna contra el sarampión?'),
        { choices: 'yes_no_dk', relevant: '${h_age_months} >= 12', required: true },
      ),
      {
        kind: 'calculate',
        name: 'v_basic',
        calculation: "if(${h_age_months} >= 12, if(${v_bcg} = '1' and ${v_dpt3} = '1' and ${v_polio3} = '1' and ${v_measles} = '1', 1, 0), '')",
        label: t('Basic vaccination complete (BCG, DPT3, polio3, measles)', 'Vaccination de base complète', 'Vacunación básica completa'),
      },
    ]),
    {
      kind: 'calculate',
      name: 'health_oop_total',
      calculation: 'sum(${h_cost})',
      label: t('Out-of-pocket health spending, 30 days', 'Dépenses de santé à la charge du ménage, 30 jours', 'Gasto de bolsillo en salud, 30 días'),
    },
  ],
});

/** M9: labour of members aged 15+. */
export const m9Labour = module('dotm-m9-labour', t('M9 Labour', 'M9 Travail', 'M9 Trabajo'), {
  binds: PERSON_BINDS,
  universe: 'members aged 15 and over',
  referencePeriods: { l_worked: 'last 7 days', l_looked: 'last 4 weeks', l_earnings: 'last month' },
  lists: ['yes_no', 'sex', 'relationship', 'isco'],
  items: [
    personRosterStub([
      question(
        'l_worked',
        'select_one',
        t(
          'Last week, did ${name} work for at least one hour?',
          'La semaine dernière, ${name} a-t-il/elle travaillé au moins une heure ?',
          'La semana pasada, ¿trabajó ${name} al menos una hora?',
        ),
        { choices: 'yes_no', relevant: '${age} >= 15', required: true },
      ),
      question('l_absent', 'select_one', t('Has a job but was absent?', 'A un emploi mais était absent(e) ?', '¿Tiene trabajo pero estuvo ausente?'), {
        choices: 'yes_no',
        relevant: "${l_worked} = '0'",
        required: true,
      }),
      question(
        'l_looked',
        'select_one',
        t('Looked for work in the last 4 weeks?', 'A cherché du travail au cours des 4 dernières semaines ?', '¿Buscó trabajo en las últimas 4 semanas?'),
        { choices: 'yes_no', relevant: "${l_absent} = '0'", required: true },
      ),
      question(
        'l_available',
        'select_one',
        t('Available to start within 2 weeks?', 'Disponible pour commencer dans les 2 semaines ?', '¿Disponible para empezar en 2 semanas?'),
        { choices: 'yes_no', relevant: "${l_looked} = '1'" },
      ),
      question('l_occupation', 'select_one', t('Main occupation', 'Profession principale', 'Ocupación principal'), {
        choices: 'isco',
        relevant: "${l_worked} = '1' or ${l_absent} = '1'",
        required: true,
      }),
      question(
        'l_hours',
        'decimal',
        t('Hours usually worked per week', 'Heures habituellement travaillées par semaine', 'Horas trabajadas habitualmente por semana'),
        { relevant: "${l_worked} = '1'", constraint: '. > 0 and . <= 112' },
      ),
      question('l_earnings', 'decimal', t('Earnings last month', 'Revenus du mois dernier', 'Ingresos del mes pasado'), {
        relevant: "${l_worked} = '1' or ${l_absent} = '1'",
        constraint: '. >= 0',
      }),
      {
        kind: 'calculate',
        name: 'l_in_labour_force',
        calculation: "if(${age} >= 15, if(${l_worked} = '1' or ${l_absent} = '1' or (${l_looked} = '1' and ${l_available} = '1'), 1, 0), '')",
        label: t('In the labour force', 'Dans la population active', 'En la fuerza de trabajo'),
      },
    ]),
  ],
});

/** M10: consumption, short form. */
export const m10Consumption = module(
  'dotm-m10-consumption',
  t('M10 Consumption (short form)', 'M10 Consommation (forme courte)', 'M10 Consumo (forma corta)'),
  {
    binds: [],
    universe: 'every household',
    referencePeriods: { c_food: 'last 7 days', c_nonfood: 'last 30 days', c_annual: 'last 12 months' },
    lists: [],
    items: [
      question(
        'c_food',
        'decimal',
        t(
          'Spending on food and drink in the last 7 days',
          'Dépenses en nourriture et boissons au cours des 7 derniers jours',
          'Gasto en alimentos y bebidas en los últimos 7 días',
        ),
        { required: true, constraint: '. >= 0' },
      ),
      question(
        'c_nonfood',
        'decimal',
        t(
          'Spending on other goods and services in the last 30 days (transport, phone, fuel, soap ...)',
          'Dépenses en autres biens et services au cours des 30 derniers jours',
          'Gasto en otros bienes y servicios en los últimos 30 días',
        ),
        { required: true, constraint: '. >= 0' },
      ),
      question(
        'c_annual',
        'decimal',
        t(
          'Spending in the last 12 months on clothing, furniture, ceremonies and repairs',
          'Dépenses des 12 derniers mois en vêtements, meubles, cérémonies et réparations',
          'Gasto de los últimos 12 meses en ropa, muebles, ceremonias y reparaciones',
        ),
        { required: true, constraint: '. >= 0' },
      ),
      {
        kind: 'calculate',
        name: 'consumption_annual',
        calculation: '${c_food} * 52 + ${c_nonfood} * 12 + ${c_annual}',
        label: t('Annual consumption', 'Consommation annuelle', 'Consumo anual'),
      },
    ],
    settings: { currency: CURRENCIES[0] },
  },
);

/** M11: housing and assets. */
export const m11Housing = module('dotm-m11-housing', t('M11 Housing and assets', 'M11 Logement et biens', 'M11 Vivienda y bienes'), {
  binds: [],
  universe: 'every household',
  referencePeriods: { all: 'now' },
  lists: ['yes_no'],
  items: [
    question(
      'hs_owner',
      'select_one',
      t('Does the household own this dwelling?', 'Le ménage est-il propriétaire de ce logement ?', '¿Es el hogar propietario de esta vivienda?'),
      { choices: 'yes_no', required: true },
    ),
    question('hs_rooms', 'integer', t('Number of rooms used for sleeping', 'Nombre de pièces servant à dormir', 'Número de cuartos para dormir'), {
      required: true,
      constraint: '. >= 1 and . <= 30',
    }),
    question('hs_electricity', 'select_one', t('Electricity?', 'Électricité ?', '¿Electricidad?'), { choices: 'yes_no', required: true }),
    question(
      'hs_piped_water',
      'select_one',
      t('Piped water in the dwelling or yard?', 'Eau courante dans le logement ou la cour ?', '¿Agua entubada en la vivienda o el patio?'),
      { choices: 'yes_no', required: true },
    ),
    question(
      'as_assets',
      'select_multiple',
      t('Which of these does the household own?', 'Lesquels de ces biens le ménage possède-t-il ?', '¿Cuáles de estos bienes posee el hogar?'),
      {
        choices: 'assets',
      },
    ),
  ],
});
m11Housing.choiceLists!.assets = [
  { value: 'tv', label: t('Television', 'Télévision', 'Televisor') },
  { value: 'fridge', label: t('Refrigerator', 'Réfrigérateur', 'Refrigerador') },
  { value: 'phone', label: t('Mobile phone', 'Téléphone portable', 'Teléfono móvil') },
  { value: 'computer', label: t('Computer', 'Ordinateur', 'Computadora') },
  { value: 'car', label: t('Car or truck', 'Voiture ou camion', 'Automóvil o camión') },
  { value: 'motorbike', label: t('Motorcycle', 'Moto', 'Motocicleta') },
  { value: 'land', label: t('Agricultural land', 'Terre agricole', 'Tierra agrícola') },
];

/** M12: financial services. */
export const m12Finance = module('dotm-m12-finance', t('M12 Financial services', 'M12 Services financiers', 'M12 Servicios financieros'), {
  binds: [],
  universe: 'every household',
  referencePeriods: { f_account: 'now', f_loan: 'last 12 months' },
  lists: ['yes_no'],
  items: [
    question(
      'f_account',
      'select_one',
      t('Does any member have a bank account?', 'Un membre a-t-il un compte bancaire ?', '¿Algún miembro tiene cuenta bancaria?'),
      { choices: 'yes_no', required: true },
    ),
    question(
      'f_mobile_money',
      'select_one',
      t('Does any member use mobile money?', "Un membre utilise-t-il l'argent mobile ?", '¿Algún miembro usa dinero móvil?'),
      { choices: 'yes_no', required: true },
    ),
    question('f_savings', 'select_one', t('Does the household have savings?', 'Le ménage a-t-il des économies ?', '¿Tiene ahorros el hogar?'), {
      choices: 'yes_no',
      required: true,
    }),
    question(
      'f_loan',
      'select_one',
      t(
        'Did the household take a loan in the last 12 months?',
        'Le ménage a-t-il contracté un prêt au cours des 12 derniers mois ?',
        '¿Tomó el hogar un préstamo en los últimos 12 meses?',
      ),
      { choices: 'yes_no', required: true },
    ),
    question(
      'f_insurance',
      'select_one',
      t(
        'Does the household have any insurance (life, crop, property)?',
        'Le ménage a-t-il une assurance (vie, récolte, biens) ?',
        '¿Tiene el hogar algún seguro (vida, cosecha, propiedad)?',
      ),
      { choices: 'yes_no', required: true },
    ),
  ],
});

/** M13: gender and decision-making, one woman 15-49 or the head's spouse. */
export const m13Gender = module('dotm-m13-gender', t('M13 Gender and decision-making', 'M13 Genre et prise de décision', 'M13 Género y toma de decisiones'), {
  binds: PERSON_BINDS,
  universe: 'one woman aged 15-49 per household, or the spouse of the head',
  referencePeriods: { all: 'now' },
  lists: ['yes_no', 'sex', 'relationship'],
  items: [
    personRosterStub([
      { kind: 'calculate', name: 'g_eligible', calculation: "if(${sex} = '2' and ((${age} >= 15 and ${age} <= 49) or ${relation} = '2'), 1, 0)" },
    ]),
    question(
      'g_respondent',
      'integer',
      t('Line number of the woman interviewed', 'Numéro de ligne de la femme interrogée', 'Número de línea de la mujer entrevistada'),
      {
        relevant: 'sum(${g_eligible}) > 0',
        required: true,
        constraint: '. >= 1 and . <= count(${members}) and indexed-repeat(${g_eligible}, ${members}, .) = 1',
        constraintMessage: t(
          'Choose a woman aged 15-49 or the spouse of the head',
          'Choisissez une femme de 15 à 49 ans ou la conjointe du chef',
          'Elija a una mujer de 15 a 49 años o la cónyuge del jefe',
        ),
      },
    ),
    question(
      'g_spouse_abroad',
      'select_one',
      t('Is her husband or partner living abroad?', "Son mari ou partenaire vit-il à l'étranger ?", '¿Vive su esposo o pareja en el extranjero?'),
      { choices: 'yes_no', relevant: "${g_respondent} != ''", required: true },
    ),
    question(
      'g_health',
      'select_one',
      t(
        'Who usually decides about her own health care?',
        'Qui décide habituellement de ses propres soins de santé ?',
        '¿Quién decide habitualmente sobre su propia atención de salud?',
      ),
      { choices: 'who', relevant: "${g_respondent} != ''", required: true },
    ),
    question(
      'g_purchases',
      'select_one',
      t(
        'Who usually decides about large household purchases?',
        'Qui décide habituellement des gros achats du ménage ?',
        '¿Quién decide habitualmente sobre las compras grandes del hogar?',
      ),
      { choices: 'who', relevant: "${g_respondent} != ''", required: true },
    ),
    question(
      'g_visits',
      'select_one',
      t(
        'Who usually decides about visits to her family or relatives?',
        'Qui décide habituellement des visites à sa famille ?',
        '¿Quién decide habitualmente sobre las visitas a su familia?',
      ),
      { choices: 'who', relevant: "${g_respondent} != ''", required: true },
    ),
    question(
      'g_remittances',
      'select_one',
      t(
        'Who usually decides how money from abroad is used?',
        "Qui décide habituellement de l'usage de l'argent venu de l'étranger ?",
        '¿Quién decide habitualmente cómo se usa el dinero del extranjero?',
      ),
      { choices: 'who', relevant: "${g_respondent} != ''" },
    ),
    question(
      'g_schooling',
      'select_one',
      t(
        "Who usually decides about the children's schooling?",
        'Qui décide habituellement de la scolarité des enfants ?',
        '¿Quién decide habitualmente sobre la escolaridad de los hijos?',
      ),
      { choices: 'who', relevant: "${g_respondent} != ''" },
    ),
    {
      kind: 'calculate',
      name: 'g_decides',
      calculation:
        "if(${g_respondent} != '', if((${g_health} = 'self' or ${g_health} = 'joint') and (${g_purchases} = 'self' or ${g_purchases} = 'joint') and (${g_visits} = 'self' or ${g_visits} = 'joint'), 1, 0), '')",
      label: t(
        'Decides alone or jointly on health, purchases and visits',
        'Décide seule ou conjointement (santé, achats, visites)',
        'Decide sola o conjuntamente (salud, compras, visitas)',
      ),
    },
  ],
});
m13Gender.choiceLists!.who = who;

/** M14: community and governance (optional). */
export const m14Community = module(
  'dotm-m14-community',
  t('M14 Community and governance (optional)', 'M14 Communauté et gouvernance (facultatif)', 'M14 Comunidad y gobernanza (opcional)'),
  {
    binds: [],
    optional: true,
    universe: 'every household',
    referencePeriods: { all: 'last 12 months' },
    lists: ['yes_no'],
    items: [
      question(
        'cm_association',
        'select_one',
        t(
          'Is any member part of a hometown or diaspora association?',
          "Un membre fait-il partie d'une association de ressortissants ou de la diaspora ?",
          '¿Algún miembro pertenece a una asociación de oriundos o de la diáspora?',
        ),
        { choices: 'yes_no' },
      ),
      question(
        'cm_collective',
        'select_one',
        t(
          'Did the community receive money from abroad for a collective project?',
          "La communauté a-t-elle reçu de l'argent de l'étranger pour un projet collectif ?",
          '¿Recibió la comunidad dinero del extranjero para un proyecto colectivo?',
        ),
        { choices: 'yes_no' },
      ),
      question(
        'cm_trust',
        'select_one',
        t('Do you trust the local government?', 'Faites-vous confiance aux autorités locales ?', '¿Confía en el gobierno local?'),
        { choices: 'yes_no' },
      ),
    ],
  },
);
