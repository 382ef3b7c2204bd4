import { module, PERSON_BINDS, personRosterStub, question, t } from '../common.js';
import { foreignBornExpression } from '../../codelists.js';

/** M3: remittances received, per emigrant and from senders who were never members. */
export const m3RemittancesReceived = module('dotm-m3-remittances-received', t('M3 Remittances received', 'M3 Transferts reçus', 'M3 Remesas recibidas'), {
  binds: ['s_remit', 'emigrants', 'em_name', ...PERSON_BINDS],
  universe: 'households that received money or goods from abroad (M0), per sender',
  referencePeriods: { all: 'last remittance_months months' },
  lists: ['yes_no', 'channel', 'remittance_use', 'sex', 'relationship'],
  items: [
    question('s_remit', 'select_one', t('Received from abroad?', "Reçu de l'étranger ?", '¿Recibió del extranjero?'), { choices: 'yes_no' }),
    personRosterStub([]),
    {
      kind: 'roster',
      name: 'emigrants',
      label: t('Former members abroad', "Anciens membres à l'étranger", 'Antiguos miembros en el extranjero'),
      items: [
        question('em_name', 'text', t('Name', 'Nom', 'Nombre')),
        question(
          'rr_cash',
          'select_one',
          t(
            'In the last ${remittance_months} months, did ${em_name} send money to the household?',
            "Au cours des ${remittance_months} derniers mois, ${em_name} a-t-il/elle envoyé de l'argent au ménage ?",
            'En los últimos ${remittance_months} meses, ¿envió ${em_name} dinero al hogar?',
          ),
          { choices: 'yes_no', relevant: "${s_remit} = '1'", required: true },
        ),
        question(
          'rr_amount',
          'amount',
          t(
            'How much in total in the last ${remittance_months} months, in the currency it was sent in?',
            'Combien au total au cours des ${remittance_months} derniers mois, dans la monnaie de l’envoi ?',
            '¿Cuánto en total en los últimos ${remittance_months} meses, en la moneda del envío?',
          ),
          { relevant: "${rr_cash} = '1'", required: true, constraint: '. > 0' },
        ),
        question('rr_transfers', 'integer', t('How many times?', 'Combien de fois ?', '¿Cuántas veces?'), {
          relevant: "${rr_cash} = '1'",
          constraint: '. >= 1 and . <= 365',
        }),
        question('rr_channel', 'select_one', t('Main channel', 'Moyen principal', 'Canal principal'), {
          choices: 'channel',
          relevant: "${rr_cash} = '1'",
          required: true,
        }),
        question('rr_fee', 'amount', t('Fee paid on the last transfer', 'Frais payés sur le dernier transfert', 'Comisión pagada en la última transferencia'), {
          relevant: "${rr_cash} = '1'",
          constraint: '. >= 0',
        }),
        question(
          'rr_last_amount',
          'amount',
          t('Amount of the last transfer, as sent', 'Montant du dernier transfert, tel qu’envoyé', 'Monto de la última transferencia, tal como se envió'),
          {
            relevant: "${rr_cash} = '1'",
            constraint: '. > 0',
          },
        ),
        question(
          'rr_last_received',
          'decimal',
          t(
            'How much did the household receive for that last transfer, in ${local_currency}?',
            'Combien le ménage a-t-il reçu pour ce dernier transfert, en ${local_currency} ?',
            '¿Cuánto recibió el hogar por esa última transferencia, en ${local_currency}?',
          ),
          {
            relevant: "${rr_cash} = '1'",
            constraint: '. >= 0',
            hint: t(
              'What was paid out here: with the amount sent, it gives the exchange-rate margin (SDG 10.c.1).',
              'Ce qui a été versé ici : avec le montant envoyé, il donne la marge de change (ODD 10.c.1).',
              'Lo que se pagó aquí: con el monto enviado, da el margen cambiario (ODS 10.c.1).',
            ),
          },
        ),
        question(
          'rr_recipient',
          'integer',
          t(
            'Line number of the member who receives the money',
            'Numéro de ligne du membre qui reçoit l’argent',
            'Número de línea del miembro que recibe el dinero',
          ),
          { relevant: "${rr_cash} = '1'", constraint: '. >= 1 and . <= count(${members})' },
        ),
        question('rr_goods', 'amount', t('Value of goods received in kind', 'Valeur des biens reçus en nature', 'Valor de los bienes recibidos en especie'), {
          relevant: "${s_remit} = '1'",
          constraint: '. >= 0',
        }),
        {
          kind: 'calculate',
          name: 'rr_sent_cash',
          calculation: "if(${rr_cash} = '1', 1, 0)",
          label: t('Sent cash', 'A envoyé de l’argent', 'Envió dinero'),
        },
        {
          kind: 'calculate',
          name: 'rr_formal',
          calculation: "if(selected('bank mto post mobile', ${rr_channel}), 1, 0)",
          relevant: "${rr_cash} = '1'",
          label: t('Sent through a formal channel', 'Envoyé par un canal formel', 'Enviado por un canal formal'),
        },
      ],
    },
    // The filter before an open roster: an empty roster is then known to be "none", not "skipped".
    question(
      'os_any',
      'select_one',
      t(
        'In the last ${remittance_months} months, did anyone abroad who was never a member of this household send money or goods to it?',
        "Au cours des ${remittance_months} derniers mois, une personne à l'étranger qui n'a jamais été membre du ménage lui a-t-elle envoyé de l'argent ou des biens ?",
        'En los últimos ${remittance_months} meses, ¿alguien en el extranjero que nunca fue miembro del hogar le envió dinero o bienes?',
      ),
      { choices: 'yes_no', required: true, relevant: "${s_remit} = '1'" },
    ),
    {
      kind: 'roster',
      name: 'other_senders',
      label: t(
        'Senders abroad who were never members',
        "Expéditeurs à l'étranger qui n'ont jamais été membres",
        'Remitentes en el extranjero que nunca fueron miembros',
      ),
      relevant: "${os_any} = '1'",
      maxRows: 10,
      items: [
        question(
          'os_relation',
          'text',
          t('Who is this sender to the household?', 'Qui est cet expéditeur pour le ménage ?', '¿Quién es este remitente para el hogar?'),
        ),
        question(
          'os_amount',
          'amount',
          t(
            'Total received from this sender in the last 12 months',
            'Total reçu de cet expéditeur au cours des 12 derniers mois',
            'Total recibido de este remitente en los últimos 12 meses',
          ),
          { required: true, constraint: '. > 0' },
        ),
        question('os_country', 'country', t('Country the sender lives in', "Pays où vit l'expéditeur", 'País donde vive el remitente'), {
          required: true,
          specialCountries: false,
        }),
        question('os_channel', 'select_one', t('Main channel', 'Moyen principal', 'Canal principal'), { choices: 'channel' }),
      ],
    },
    question('rr_uses', 'select_multiple', t('What was the money used for?', "À quoi l'argent a-t-il servi ?", '¿En qué se usó el dinero?'), {
      choices: 'remittance_use',
      relevant: "${s_remit} = '1'",
      required: true,
    }),
    question('rr_main_use', 'select_one', t('What was the main use?', "Quel a été l'usage principal ?", '¿Cuál fue el uso principal?'), {
      choices: 'remittance_use',
      relevant: "${s_remit} = '1'",
      required: true,
      constraint: 'selected(${rr_uses}, .)',
      constraintMessage: t(
        'The main use must be one of the uses',
        "L'usage principal doit faire partie des usages",
        'El uso principal debe ser uno de los usos',
      ),
    }),
    // No sum of amounts here: they come in several currencies. The analysis converts each amount with the
    // survey's exchange-rate table, then sums (catalogue derived variable remit_total).
    {
      kind: 'calculate',
      name: 'remit_cash_senders',
      calculation: 'sum(${rr_sent_cash}) + count(${other_senders})',
      label: t('Senders abroad who sent cash', "Expéditeurs à l'étranger ayant envoyé de l'argent", 'Remitentes en el extranjero que enviaron dinero'),
    },
    {
      kind: 'calculate',
      name: 'remit_goods_any',
      calculation: 'if(sum(${rr_goods}) > 0, 1, 0)',
      label: t('Received goods in kind', 'A reçu des biens en nature', 'Recibió bienes en especie'),
    },
  ],
});

/** M4: remittances sent abroad. */
export const m4RemittancesSent = module('dotm-m4-remittances-sent', t('M4 Remittances sent', 'M4 Transferts envoyés', 'M4 Remesas enviadas'), {
  binds: [],
  universe: 'every household',
  referencePeriods: { all: 'last remittance_months months' },
  lists: ['yes_no', 'channel'],
  items: [
    question(
      'rs_sent',
      'select_one',
      t(
        'In the last ${remittance_months} months, did the household send money or goods to anyone abroad?',
        "Au cours des ${remittance_months} derniers mois, le ménage a-t-il envoyé de l'argent ou des biens à quelqu'un à l'étranger ?",
        'En los últimos ${remittance_months} meses, ¿envió el hogar dinero o bienes a alguien en el extranjero?',
      ),
      { choices: 'yes_no', required: true },
    ),
    question(
      'rs_amount',
      'amount',
      t('Total sent in the last 12 months', 'Total envoyé au cours des 12 derniers mois', 'Total enviado en los últimos 12 meses'),
      { relevant: "${rs_sent} = '1'", required: true, constraint: '. > 0' },
    ),
    question(
      'rs_country',
      'country',
      t('Main country the money was sent to', "Principal pays de destination de l'argent", 'País principal al que se envió el dinero'),
      { relevant: "${rs_sent} = '1'", specialCountries: false },
    ),
    question('rs_channel', 'select_one', t('Main channel', 'Moyen principal', 'Canal principal'), { choices: 'channel', relevant: "${rs_sent} = '1'" }),
  ],
});

/** M5: return migrants, members who lived abroad and came back. */
export const m5ReturnMigrants = module('dotm-m5-return', t('M5 Return migrants', 'M5 Migrants de retour', 'M5 Migrantes retornados'), {
  binds: [...PERSON_BINDS, 's_member_returned', 'country_birth', 'citizenship'],
  universe: 'native-born or citizen members (any age) of households where a member lived abroad and came back (M0)',
  referencePeriods: { all: 'whole migration history; the most recent stay abroad' },
  lists: ['yes_no', 'sex', 'relationship', 'isco', 'return_reason'],
  items: [
    question('s_member_returned', 'select_one', t('Member lived abroad?', "Membre ayant vécu à l'étranger ?", '¿Miembro vivió en el extranjero?'), {
      choices: 'yes_no',
    }),
    personRosterStub([
      question('country_birth', 'country', t('Country of birth', 'Pays de naissance', 'País de nacimiento')),
      question('citizenship', 'country', t('Citizenship', 'Nationalité', 'Ciudadanía'), { multiple: true }),
      // UN 1998: a return migrant returns to their own country (native-born or citizen), at any age.
      question(
        'rm_lived_abroad',
        'select_one',
        t(
          'Has ${name} ever left this country to live in another country for ${abroad_months} months or more, and come back to live here?',
          '${name} a-t-il/elle déjà quitté ce pays pour vivre dans un autre pays pendant ${abroad_months} mois ou plus, puis est revenu(e) vivre ici ?',
          '¿${name} se fue alguna vez de este país a vivir en otro país durante ${abroad_months} meses o más y regresó a vivir aquí?',
        ),
        {
          choices: 'yes_no',
          relevant: "${s_member_returned} = '1' and (${country_birth} = ${host_country} or selected(${citizenship}, ${host_country}))",
          required: true,
        },
      ),
      question('rm_country', 'country', t('Country of the most recent stay', 'Pays du séjour le plus récent', 'País de la estancia más reciente'), {
        relevant: "${rm_lived_abroad} = '1'",
        required: true,
        specialCountries: false,
      }),
      question('rm_year_left', 'year', t('Year of leaving for that stay', 'Année du départ pour ce séjour', 'Año de partida para esa estancia'), {
        relevant: "${rm_lived_abroad} = '1'",
        required: true,
      }),
      question('rm_year_returned', 'year', t('Year of return', 'Année du retour', 'Año de regreso'), {
        relevant: "${rm_lived_abroad} = '1'",
        required: true,
        constraint: ". >= ${rm_year_left} and . <= format-date(today(), '%Y')",
        constraintMessage: t(
          'Return cannot be before leaving or in the future',
          'Le retour ne peut précéder le départ ni être futur',
          'El regreso no puede ser anterior a la partida ni futuro',
        ),
      }),
      question(
        'rm_months',
        'integer',
        t('Months abroad in total on that stay', "Mois passés à l'étranger au total lors de ce séjour", 'Meses en total en el extranjero en esa estancia'),
        {
          relevant: "${rm_lived_abroad} = '1'",
          required: true,
          constraint: '. >= ${abroad_months} and . <= 1200',
          constraintMessage: t(
            'At least ${abroad_months} months (shorter stays are not migration)',
            'Au moins ${abroad_months} mois (les séjours plus courts ne sont pas une migration)',
            'Al menos ${abroad_months} meses (las estancias más cortas no son migración)',
          ),
        },
      ),
      question('rm_worked', 'select_one', t('Worked while abroad?', "A travaillé à l'étranger ?", '¿Trabajó en el extranjero?'), {
        choices: 'yes_no',
        relevant: "${rm_lived_abroad} = '1'",
      }),
      question('rm_occupation', 'select_one', t('Main occupation abroad', "Profession principale à l'étranger", 'Ocupación principal en el extranjero'), {
        choices: 'isco',
        relevant: "${rm_worked} = '1'",
      }),
      question(
        'lm_cost',
        'amount',
        t(
          'What did getting that job abroad cost ${name} (recruitment fees, documents, travel, in total)?',
          "Combien l'obtention de cet emploi à l'étranger a-t-elle coûté à ${name} (frais de recrutement, documents, voyage, au total) ?",
          '¿Cuánto le costó a ${name} conseguir ese trabajo en el extranjero (comisiones de contratación, documentos, viaje, en total)?',
        ),
        {
          relevant: "${rm_worked} = '1'",
          constraint: '. >= 0',
          hint: t(
            'SDG 10.7.1: recruitment cost borne by the worker',
            'ODD 10.7.1 : coût du recrutement à la charge du travailleur',
            'ODS 10.7.1: costo de contratación a cargo del trabajador',
          ),
        },
      ),
      question(
        'lm_first_month',
        'amount',
        t(
          'Earnings in the first month of that job abroad',
          'Revenus du premier mois de cet emploi à l’étranger',
          'Ingresos del primer mes de ese trabajo en el extranjero',
        ),
        { relevant: "${rm_worked} = '1'", constraint: '. > 0' },
      ),
      question('rm_reason_return', 'select_one', t('Main reason for returning', 'Raison principale du retour', 'Razón principal del regreso'), {
        choices: 'return_reason',
        relevant: "${rm_lived_abroad} = '1'",
        required: true,
      }),
      question('rm_savings', 'select_one', t('Brought savings back?', 'A rapporté des économies ?', '¿Trajo ahorros?'), {
        choices: 'yes_no',
        relevant: "${rm_lived_abroad} = '1'",
      }),
      question(
        'rm_plans_leave',
        'select_one',
        t('Plans to leave again in the next 12 months?', 'Prévoit de repartir dans les 12 prochains mois ?', '¿Planea irse de nuevo en los próximos 12 meses?'),
        { choices: 'yes_no', relevant: "${rm_lived_abroad} = '1'" },
      ),
      {
        // UN 1998 returning migrant: lived in this country (native-born or citizen), abroad at least T months, came back within N years.
        kind: 'calculate',
        name: 'is_return_migrant',
        calculation:
          "if(${rm_lived_abroad} = '1' and (${country_birth} = ${host_country} or selected(${citizenship}, ${host_country})) and ${rm_months} >= ${abroad_months} and number(format-date(today(), '%Y')) - ${rm_year_returned} <= ${return_years}, 1, 0)",
        label: t(
          'Return migrant: abroad at least abroad_months months, returned within return_years years',
          'Migrant de retour : à l’étranger au moins abroad_months mois, revenu dans les return_years dernières années',
          'Migrante retornado: en el extranjero al menos abroad_months meses, regresó en los últimos return_years años',
        ),
      },
      {
        kind: 'calculate',
        name: 'is_return_migrant_12m',
        calculation: 'if(${is_return_migrant} = 1 and ${rm_months} >= ${long_term_months}, 1, 0)',
        label: t(
          'Long-term return migrant: abroad at least long_term_months months',
          'Migrant de retour de longue durée : à l’étranger au moins long_term_months mois',
          'Migrante retornado de larga duración: en el extranjero al menos long_term_months meses',
        ),
      },
    ]),
    {
      kind: 'calculate',
      name: 'n_return_migrants',
      calculation: 'sum(${is_return_migrant})',
      label: t('Return migrants in the household', 'Migrants de retour dans le ménage', 'Migrantes retornados en el hogar'),
    },
    {
      kind: 'calculate',
      name: 'n_return_migrants_12m',
      calculation: 'sum(${is_return_migrant_12m})',
      label: t(
        'Long-term return migrants in the household',
        'Migrants de retour de longue durée dans le ménage',
        'Migrantes retornados de larga duración en el hogar',
      ),
    },
  ],
});

/** Foreign-born (UN 1998): born in another country than the host; unknown and stateless are not. */
const FOREIGN_BORN = foreignBornExpression('country_birth');

/** M6: immigrants, members born abroad. */
export const m6Immigrants = module('dotm-m6-immigrants', t('M6 Immigrants', 'M6 Immigrants', 'M6 Inmigrantes'), {
  binds: [...PERSON_BINDS, 'country_birth'],
  universe: 'members born in another country (M1)',
  referencePeriods: { all: 'now; most recent arrival' },
  lists: ['sex', 'relationship', 'migration_reason'],
  items: [
    personRosterStub([
      question('country_birth', 'country', t('Country of birth', 'Pays de naissance', 'País de nacimiento')),
      question(
        'im_year_arrival',
        'year',
        t('Year of most recent arrival in this country', 'Année de la dernière arrivée dans ce pays', 'Año de la llegada más reciente a este país'),
        { relevant: FOREIGN_BORN, required: true },
      ),
      question(
        'im_prev_country',
        'country',
        t('Country of previous usual residence', 'Pays de résidence habituelle précédent', 'País de residencia habitual anterior'),
        { relevant: FOREIGN_BORN, required: true },
      ),
      question('im_reason', 'select_one', t('Main reason for coming', 'Raison principale de la venue', 'Razón principal de la llegada'), {
        choices: 'migration_reason',
        relevant: FOREIGN_BORN,
      }),
    ]),
  ],
});
