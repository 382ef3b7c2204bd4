/**
 * What came of a visit to a sampled household that gave no (complete) interview: the final
 * disposition codes of the AAPOR Standard Definitions (10th edition, 2023; in-person household
 * surveys), as enumerators record them. A completed interview is its submission, not a code.
 *
 * eligibility: 'eligible' (a household of the survey that did not respond), 'unknown' (whether there
 * is an eligible household is unknown), 'not-eligible' (no household: vacant, not a dwelling). The
 * response rate (AAPOR RR1) counts interviews over eligible and unknown cases; not-eligible cases
 * leave the denominator, and nonresponse adjustment works on these outcomes.
 */
export const DISPOSITIONS = [
  { code: 'partial', aapor: '1.2', label: 'Partly completed interview', eligibility: 'eligible' },
  { code: 'refused', aapor: '2.11', label: 'Refused (household)', eligibility: 'eligible' },
  { code: 'break_off', aapor: '2.12', label: 'Interview broken off', eligibility: 'eligible' },
  { code: 'no_one_home', aapor: '2.24', label: 'No one at home after repeated visits', eligibility: 'eligible' },
  { code: 'respondent_away', aapor: '2.25', label: 'Respondent away for the whole fieldwork', eligibility: 'eligible' },
  { code: 'unable', aapor: '2.30', label: 'Unable to answer (illness, language)', eligibility: 'eligible' },
  { code: 'not_located', aapor: '3.17', label: 'Address not found', eligibility: 'unknown' },
  { code: 'unsafe', aapor: '3.18', label: 'Unsafe or inaccessible area', eligibility: 'unknown' },
  { code: 'vacant', aapor: '4.60', label: 'Vacant dwelling', eligibility: 'not-eligible' },
  { code: 'not_dwelling', aapor: '4.51', label: 'Not a dwelling (business, destroyed)', eligibility: 'not-eligible' },
] as const;

export type DispositionCode = (typeof DISPOSITIONS)[number]['code'];
export const DISPOSITION_CODES = DISPOSITIONS.map((d) => d.code) as readonly DispositionCode[];

export function dispositionOf(code: string): (typeof DISPOSITIONS)[number] | undefined {
  return DISPOSITIONS.find((d) => d.code === code);
}

/** The dispositions' labels in the interface languages other than English (the enumerator's case list). */
const TRANSLATED: Record<string, Record<DispositionCode, string>> = {
  fr: {
    partial: 'Entretien partiellement rempli',
    refused: 'Refus (ménage)',
    break_off: 'Entretien interrompu',
    no_one_home: 'Personne au logement après plusieurs visites',
    respondent_away: 'Répondant absent pendant tout le terrain',
    unable: 'Incapable de répondre (maladie, langue)',
    not_located: 'Adresse introuvable',
    unsafe: 'Zone dangereuse ou inaccessible',
    vacant: 'Logement vacant',
    not_dwelling: 'Pas un logement (commerce, détruit)',
  },
  es: {
    partial: 'Entrevista parcialmente completada',
    refused: 'Rechazo (hogar)',
    break_off: 'Entrevista interrumpida',
    no_one_home: 'Nadie en casa tras varias visitas',
    respondent_away: 'Informante ausente todo el trabajo de campo',
    unable: 'No puede responder (enfermedad, idioma)',
    not_located: 'Dirección no encontrada',
    unsafe: 'Zona insegura o inaccesible',
    vacant: 'Vivienda desocupada',
    not_dwelling: 'No es una vivienda (comercio, destruida)',
  },
};

/** A disposition's label in a language (its base code), English when there is no translation. */
export function dispositionLabel(code: string, language = 'en'): string {
  const base = language.toLowerCase().split(/[-_]/)[0];
  return TRANSLATED[base]?.[code as DispositionCode] ?? dispositionOf(code)?.label ?? code;
}
