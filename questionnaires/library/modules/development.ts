import type { Choice } from '../../format.js';
import { module, PERSON_BINDS, personRosterStub, question, t } from '../common.js';

const who: Choice[] = [
  { value: 'self', label: t('She alone', 'Elle seule', 'Ella sola') },
  { value: 'joint', label: t('She and her husband/partner jointly', 'Elle et son mari/partenaire ensemble', 'Ella y su esposo/pareja juntos') },
  { value: 'partner', label: t('Husband/partner alone', 'Le mari/partenaire seul', 'El esposo/pareja solo') },
  { value: 'other', label: t('Someone else', "Quelqu'un d'autre", 'Otra persona') },
];

const notAttending: Choice[] = [
  { value: 'cost', label: t('Cannot afford it', 'Trop cher', 'No puede pagarlo') },
  { value: 'work', label: t('Works or helps at home', 'Travaille ou aide à la maison', 'Trabaja o ayuda en casa') },
  { value: 'finished', label: t('Finished school', 'A fini ses études', 'Terminó sus estudios') },
  { value: 'distance', label: t('School too far', 'École trop loin', 'Escuela muy lejos') },
  { value: 'illness', label: t('Illness or disability', 'Maladie ou handicap', 'Enfermedad o discapacidad') },
  { value: 'not_interested', label: t('Not interested', 'Pas intéressé(e)', 'No le interesa') },
  { value: 'marriage', label: t('Marriage or pregnancy', 'Mariage ou grossesse', 'Matrimonio o embarazo') },
  { value: 'other', label: t('Other', 'Autre', 'Otro') },
];
const vaccinationSource: Choice[] = [
  { value: 'card', label: t('Vaccination card', 'Carnet de vaccination', 'Tarjeta de vacunación') },
  { value: 'recall', label: t("Mother's recall", 'Souvenir de la mère', 'Recuerdo de la madre') },
  { value: 'both', label: t('Card and recall', 'Carnet et souvenir', 'Tarjeta y recuerdo') },
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
        question(
          'ed_reason_left',
          'select_one',
          t('Main reason for not attending', 'Raison principale de la non-fréquentation', 'Razón principal de no asistir'),
          { choices: 'not_attending', relevant: "${ed_attending} = '0'", required: true },
        ),
        question(
          'ed_spending',
          'decimal',
          t(
            "Spending on ${name}'s education in the last 12 months (fees, uniforms, books, transport), in ${local_currency}",
            "Dépenses pour l'éducation de ${name} au cours des 12 derniers mois (frais, uniformes, livres, transport), en ${local_currency}",
            'Gasto en la educación de ${name} en los últimos 12 meses (matrícula, uniformes, libros, transporte), en ${local_currency}',
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
      question(
        'h_cost',
        'decimal',
        t(
          'Out-of-pocket cost of that outpatient care (consultation, tests, medicines prescribed), in ${local_currency}',
          'Coût payé de sa poche pour ces soins ambulatoires (consultation, analyses, médicaments prescrits), en ${local_currency}',
          'Gasto de bolsillo de esa atención ambulatoria (consulta, análisis, medicamentos recetados), en ${local_currency}',
        ),
        { relevant: "${h_consulted} = '1'", required: true, constraint: '. >= 0' },
      ),
      question(
        'h_medicines',
        'decimal',
        t(
          'In the last 30 days, spending on medicines for ${name} bought without a consultation, in ${local_currency}',
          'Au cours des 30 derniers jours, dépenses en médicaments pour ${name} achetés sans consultation, en ${local_currency}',
          'En los últimos 30 días, gasto en medicamentos para ${name} comprados sin consulta, en ${local_currency}',
        ),
        { required: true, constraint: '. >= 0' },
      ),
      question(
        'h_reimbursed',
        'decimal',
        t(
          'Of that spending (30 days), how much was or will be reimbursed by insurance or an employer, in ${local_currency}?',
          'De ces dépenses (30 jours), combien a été ou sera remboursé par une assurance ou un employeur, en ${local_currency} ?',
          'De ese gasto (30 días), ¿cuánto fue o será reembolsado por un seguro o un empleador, en ${local_currency}?',
        ),
        {
          relevant: '${h_cost} > 0 or ${h_medicines} > 0',
          constraint: '. >= 0 and . <= coalesce(${h_cost}, 0) + coalesce(${h_medicines}, 0)',
        },
      ),
      question(
        'h_hospital',
        'select_one',
        t('Hospitalised in the last 12 months?', 'Hospitalisé(e) au cours des 12 derniers mois ?', '¿Hospitalizado/a en los últimos 12 meses?'),
        { choices: 'yes_no' },
      ),
      question(
        'h_hospital_cost',
        'decimal',
        t(
          'Out-of-pocket cost of those hospital stays (12 months, net of reimbursement), in ${local_currency}',
          'Coût payé de sa poche pour ces hospitalisations (12 mois, net des remboursements), en ${local_currency}',
          'Gasto de bolsillo de esas hospitalizaciones (12 meses, neto de reembolsos), en ${local_currency}',
        ),
        { relevant: "${h_hospital} = '1'", required: true, constraint: '. >= 0' },
      ),
      {
        kind: 'calculate',
        name: 'h_oop_30d',
        calculation: 'coalesce(${h_cost}, 0) + coalesce(${h_medicines}, 0) - coalesce(${h_reimbursed}, 0)',
        label: t(
          'Out-of-pocket health spending, 30 days, net of reimbursement',
          'Dépenses de santé à sa charge, 30 jours, nettes',
          'Gasto de bolsillo en salud, 30 días, neto',
        ),
      },
      question('h_age_months', 'integer', t('Age in months', 'Âge en mois', 'Edad en meses'), {
        relevant: '${age} < 2',
        required: true,
        constraint: '. >= 0 and . <= 23',
      }),
      question(
        'v_source',
        'select_one',
        t('Source of the vaccination answers', 'Source des réponses sur la vaccination', 'Fuente de las respuestas sobre vacunación'),
        {
          choices: 'vaccination_source',
          relevant: '${h_age_months} >= 12',
          required: true,
        },
      ),
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
      calculation: 'sum(${h_oop_30d})',
      label: t(
        'Out-of-pocket health spending, 30 days (outpatient care and medicines, net of reimbursement)',
        'Dépenses de santé à la charge du ménage, 30 jours (soins ambulatoires et médicaments, nettes)',
        'Gasto de bolsillo en salud, 30 días (atención ambulatoria y medicamentos, neto)',
      ),
    },
    {
      // SDG 3.8.2 counts every out-of-pocket health payment: 30-day outpatient and medicines annualised, plus 12-month inpatient.
      kind: 'calculate',
      name: 'health_oop_annual',
      calculation: '${health_oop_total} * 12 + sum(${h_hospital_cost})',
      label: t(
        'Out-of-pocket health spending, annual (30-day spending x 12 plus hospital stays of 12 months)',
        'Dépenses de santé à la charge du ménage, annuelles',
        'Gasto de bolsillo en salud, anual',
      ),
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
          'Last week, did ${name} work for at least one hour for pay or profit (a job or a business, including a family business or farm producing for sale)?',
          "La semaine dernière, ${name} a-t-il/elle travaillé au moins une heure contre rémunération ou en vue d'un bénéfice (emploi, entreprise, y compris familiale ou exploitation produisant pour la vente) ?",
          'La semana pasada, ¿trabajó ${name} al menos una hora a cambio de pago o ganancia (empleo o negocio, incluido un negocio familiar o finca que produce para la venta)?',
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
      question(
        'l_earnings',
        'decimal',
        t('Earnings last month, in ${local_currency}', 'Revenus du mois dernier, en ${local_currency}', 'Ingresos del mes pasado, en ${local_currency}'),
        {
          relevant: "${l_worked} = '1' or ${l_absent} = '1'",
          constraint: '. >= 0',
        },
      ),
      question(
        'f_own_account',
        'select_one',
        t(
          'Does ${name} have an account at a bank or another financial institution, or a mobile-money account, alone or with someone else?',
          '${name} a-t-il/elle un compte dans une banque ou une autre institution financière, ou un compte d’argent mobile, seul(e) ou avec quelqu’un ?',
          '¿Tiene ${name} una cuenta en un banco u otra institución financiera, o una cuenta de dinero móvil, solo/a o con otra persona?',
        ),
        { choices: 'yes_no', relevant: '${age} >= 15', required: true, hint: t('SDG 8.10.2', 'ODD 8.10.2', 'ODS 8.10.2') },
      ),
      {
        kind: 'calculate',
        name: 'l_in_labour_force',
        calculation: "if(${age} >= 15, if(${l_worked} = '1' or ${l_absent} = '1' or (${l_looked} = '1' and ${l_available} = '1'), 1, 0), '')",
        label: t('In the labour force', 'Dans la population active', 'En la fuerza de trabajo'),
      },
    ]),
  ],
});

/** M10: consumption, short form with the COICOP divisions an aggregate needs (World Bank LSMS guidance, Deaton and Zaidi 2002). */
export const m10Consumption = module(
  'dotm-m10-consumption',
  t('M10 Consumption (short form)', 'M10 Consommation (forme courte)', 'M10 Consumo (forma corta)'),
  {
    binds: [],
    universe: 'every household',
    referencePeriods: {
      c_food: 'last 7 days',
      c_food_own: 'last 7 days',
      c_food_gifts: 'last 7 days',
      c_nonfood: 'last 30 days',
      c_rent: 'last 30 days',
      c_annual: 'last 12 months',
      c_durables: 'last 12 months',
    },
    lists: [],
    items: [
      money(
        'c_food',
        'Food and drink bought in the last 7 days (COICOP 01-02)',
        'Nourriture et boissons achetées au cours des 7 derniers jours (COICOP 01-02)',
        'Alimentos y bebidas comprados en los últimos 7 días (COICOP 01-02)',
      ),
      money(
        'c_food_own',
        'Value of food the household produced itself and ate, last 7 days',
        'Valeur de la nourriture produite et consommée par le ménage, 7 derniers jours',
        'Valor de los alimentos producidos y consumidos por el hogar, últimos 7 días',
      ),
      money(
        'c_food_gifts',
        'Value of food received as gifts or in kind, last 7 days',
        'Valeur de la nourriture reçue en cadeau ou en nature, 7 derniers jours',
        'Valor de los alimentos recibidos como regalo o en especie, últimos 7 días',
      ),
      money(
        'c_nonfood',
        'Other goods and services in the last 30 days (transport, phone, fuel, soap, utilities; COICOP 04.5, 05.6, 07, 08, 12)',
        'Autres biens et services au cours des 30 derniers jours (transport, téléphone, combustible, savon, charges)',
        'Otros bienes y servicios en los últimos 30 días (transporte, teléfono, combustible, jabón, servicios)',
      ),
      money(
        'c_rent',
        'Rent paid in the last 30 days, or what the dwelling would rent for if owned (imputed rent; COICOP 04.1-04.2)',
        "Loyer payé au cours des 30 derniers jours, ou loyer que le logement rapporterait s'il est possédé (loyer imputé)",
        'Alquiler pagado en los últimos 30 días, o lo que se pagaría por la vivienda si es propia (alquiler imputado)',
      ),
      money(
        'c_annual',
        'Clothing, ceremonies and repairs in the last 12 months (COICOP 03, 04.3)',
        'Vêtements, cérémonies et réparations au cours des 12 derniers mois',
        'Ropa, ceremonias y reparaciones en los últimos 12 meses',
      ),
      money(
        'c_durables',
        'Furniture, appliances and vehicles bought in the last 12 months (COICOP 05.1-05.3, 07.1)',
        'Meubles, appareils et véhicules achetés au cours des 12 derniers mois',
        'Muebles, electrodomésticos y vehículos comprados en los últimos 12 meses',
      ),
      {
        kind: 'calculate',
        name: 'consumption_food_annual',
        calculation: '(${c_food} + ${c_food_own} + ${c_food_gifts}) * 52',
        label: t('Food consumption, annual (bought, own production, gifts)', 'Consommation alimentaire annuelle', 'Consumo de alimentos anual'),
      },
      {
        kind: 'calculate',
        name: 'consumption_annual',
        calculation: '${consumption_food_annual} + (${c_nonfood} + ${c_rent}) * 12 + ${c_annual} + ${c_durables}',
        label: t(
          'Annual consumption in local currency (food incl. own production and gifts, non-food, rent or imputed rent, annual items, durables)',
          'Consommation annuelle en monnaie locale',
          'Consumo anual en moneda local',
        ),
      },
    ],
  },
);

/** A spending question in the survey's local currency. */
function money(name: string, en: string, fr: string, es: string) {
  return question(name, 'decimal', t(`${en}, in \${local_currency}`, `${fr}, en \${local_currency}`, `${es}, en \${local_currency}`), {
    required: true,
    constraint: '. >= 0',
  });
}

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
  binds: [...PERSON_BINDS, 'marital', 'interview_seed'],
  universe: 'one woman aged 15-49, currently married or in union (DHS), drawn at random among the eligible women of the household',
  referencePeriods: { all: 'now' },
  lists: ['yes_no', 'sex', 'relationship', 'marital'],
  items: [
    { kind: 'metadata', name: 'interview_seed', type: 'seed' },
    personRosterStub([
      question('marital', 'select_one', t('Marital status', 'Situation matrimoniale', 'Estado civil'), { choices: 'marital' }),
      {
        // DHS women's decision-making universe: women 15-49 currently married or in union.
        kind: 'calculate',
        name: 'g_eligible',
        calculation: "if(${sex} = '2' and ${age} >= 15 and ${age} <= 49 and ${marital} = '2', 1, 0)",
        label: t(
          'Eligible for M13: woman 15-49, married or in union',
          'Éligible au M13 : femme de 15-49 ans, mariée ou en union',
          'Elegible para M13: mujer de 15-49 años, casada o en unión',
        ),
      },
    ]),
    {
      kind: 'calculate',
      name: 'g_eligible_count',
      calculation: 'sum(${g_eligible})',
      label: t(
        'Eligible women in the household (her weight is the household weight times this number)',
        'Femmes éligibles du ménage (son poids = poids du ménage x ce nombre)',
        'Mujeres elegibles del hogar (su peso = peso del hogar x este número)',
      ),
    },
    {
      // One eligible woman drawn with equal probability 1/g_eligible_count, reproducibly from the interview's seed.
      kind: 'calculate',
      name: 'g_respondent',
      calculation: 'draw-line(${g_eligible}, ${interview_seed})',
      label: t('Line number of the woman drawn for M13', 'Numéro de ligne de la femme tirée pour le M13', 'Número de línea de la mujer sorteada para M13'),
    },
    {
      kind: 'calculate',
      name: 'g_respondent_name',
      calculation: "if(${g_respondent} != '', indexed-repeat(${name}, ${members}, ${g_respondent}), '')",
    },
    {
      kind: 'note',
      name: 'g_selected_note',
      relevant: "${g_respondent} != ''",
      label: t(
        'Interview ${g_respondent_name} (line ${g_respondent}), drawn at random among the ${g_eligible_count} eligible women. Do not replace her with another woman.',
        'Interrogez ${g_respondent_name} (ligne ${g_respondent}), tirée au hasard parmi les ${g_eligible_count} femmes éligibles. Ne la remplacez pas.',
        'Entreviste a ${g_respondent_name} (línea ${g_respondent}), sorteada entre las ${g_eligible_count} mujeres elegibles. No la reemplace.',
      ),
    },
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
m7Education.choiceLists!.not_attending = notAttending;
m8Health.choiceLists!.vaccination_source = vaccinationSource;

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
