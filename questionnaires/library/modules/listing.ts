import type { Questionnaire } from '../../format.js';
import { LANGUAGES, lists, MIGRATION_SETTINGS, question, t } from '../common.js';

/**
 * The listing and screening questionnaire of a DotM survey (phase 1): in each selected enumeration area
 * the enumerator lists every dwelling and household with the M0 screening answers. The export of its
 * `listing` level is what `mdsurvey sample select --listing` reads: one row per household with the EA
 * (`ea`), a household id unique in the EA (`hh`) and the screening status (`screened`: migrant or
 * non-migrant, the strata of phase 2). The head's name is an identifier (restricted tier only).
 */
export const dotmListing: Questionnaire = {
  id: 'dotm-listing',
  version: '1.0.0',
  title: t(
    'Development on the Move: listing and screening',
    'Development on the Move : dénombrement et dépistage',
    'Development on the Move: listado y tamizaje',
  ),
  languages: LANGUAGES,
  settings: { ...MIGRATION_SETTINGS },
  choiceLists: lists('yes_no'),
  items: [
    { kind: 'metadata', name: 'start', type: 'start' },
    { kind: 'metadata', name: 'enumerator', type: 'enumerator' },
    question('listing_ea', 'text', t('Enumeration area code', 'Code de la zone de dénombrement', 'Código del área de empadronamiento'), {
      required: true,
      constraint: "regex(., '^[A-Za-z0-9_-]{1,20}$')",
      constraintMessage: t('Letters, digits, - and _ only', 'Lettres, chiffres, - et _ seulement', 'Solo letras, dígitos, - y _'),
    }),
    {
      kind: 'roster',
      name: 'listing',
      label: t('Households of the area', 'Ménages de la zone', 'Hogares del área'),
      maxRows: 500,
      items: [
        question('dwelling', 'integer', t('Dwelling number', 'Numéro du logement', 'Número de vivienda'), {
          required: true,
          constraint: '. >= 1 and . <= 9999',
        }),
        question('household_no', 'integer', t('Household number in the dwelling', 'Numéro du ménage dans le logement', 'Número del hogar en la vivienda'), {
          required: true,
          constraint: '. >= 1 and . <= 20',
        }),
        question('head_name', 'text', t("Head of household's name", 'Nom du chef de ménage', 'Nombre del jefe/a del hogar'), {
          required: true,
          identifier: true,
        }),
        question(
          'l_member_abroad',
          'select_one',
          t(
            'Has a former member of this household left to live in another country in the last ${emigration_years} years?',
            'Un ancien membre de ce ménage est-il parti vivre dans un autre pays au cours des ${emigration_years} dernières années ?',
            '¿Algún antiguo miembro de este hogar se fue a vivir a otro país en los últimos ${emigration_years} años?',
          ),
          { choices: 'yes_no', required: true },
        ),
        question(
          'l_member_returned',
          'select_one',
          t(
            'Has a current member lived in another country for ${abroad_months} months or more and come back?',
            'Un membre actuel a-t-il vécu dans un autre pays pendant ${abroad_months} mois ou plus, puis est revenu ?',
            '¿Algún miembro actual vivió en otro país ${abroad_months} meses o más y regresó?',
          ),
          { choices: 'yes_no', required: true },
        ),
        question(
          'l_member_born_abroad',
          'select_one',
          t('Was a current member born in another country?', 'Un membre actuel est-il né dans un autre pays ?', '¿Algún miembro actual nació en otro país?'),
          { choices: 'yes_no', required: true },
        ),
        question(
          'l_remit',
          'select_one',
          t(
            'In the last ${remittance_months} months, did the household receive money or goods from abroad?',
            "Au cours des ${remittance_months} derniers mois, le ménage a-t-il reçu de l'argent ou des biens de l'étranger ?",
            'En los últimos ${remittance_months} meses, ¿recibió el hogar dinero o bienes del extranjero?',
          ),
          { choices: 'yes_no', required: true },
        ),
        { kind: 'calculate', name: 'ea', calculation: '${listing_ea}', label: t('Enumeration area', 'Zone de dénombrement', 'Área de empadronamiento') },
        {
          kind: 'calculate',
          name: 'hh',
          calculation: "concat(${dwelling}, '-', ${household_no})",
          label: t('Household id in the area (dwelling-household)', 'Identifiant du ménage (logement-ménage)', 'Identificador del hogar (vivienda-hogar)'),
        },
        {
          // DotM phase 1: a household with an absent or a returned migrant is screened as migrant.
          kind: 'calculate',
          name: 'screened',
          calculation: "if(${l_member_abroad} = '1' or ${l_member_returned} = '1', 'migrant', 'non-migrant')",
          label: t('Screening status (phase-2 stratum)', 'Statut au dépistage (strate de la phase 2)', 'Estado de tamizaje (estrato de la fase 2)'),
        },
      ],
    },
    {
      kind: 'calculate',
      name: 'listed_households',
      calculation: 'count(${listing})',
      label: t('Households listed', 'Ménages dénombrés', 'Hogares listados'),
    },
  ],
};
