import countriesData from './library/codelists/countries.json' with { type: 'json' };
import currencyData from './library/codelists/currencies.json' with { type: 'json' };
import type { Choice } from './format.js';

interface CountryEntry {
  code: string;
  label: Record<string, string>;
  /** World region (UN geoscheme: Africa, Americas, Asia, Europe, Oceania, Antarctic); absent for special answers. */
  region?: string;
}

const data = countriesData as { countries: CountryEntry[]; historical: CountryEntry[]; special: CountryEntry[] };

/** The code of "this country" when the survey does not name its host country (settings.host_country). */
export const THIS_COUNTRY = 'THIS';
/** Special country answers that are never a country of birth abroad: stateless and unknown. */
export const NOT_A_COUNTRY: readonly string[] = ['XXA', 'XXX'];

/**
 * The questionnaire expression "born abroad" for a country-of-birth question: not empty, not the host
 * country, not unknown or stateless (UN 1998: foreign-born is born in another country).
 */
export function foreignBornExpression(variable: string): string {
  return [`\${${variable}} != ''`, `\${${variable}} != \${host_country}`, ...NOT_A_COUNTRY.map((c) => `\${${variable}} != '${c}'`)].join(' and ');
}

/**
 * ISO 3166-1 alpha-3 countries (and, with `special`, historical entities and "this country", stateless,
 * unknown) as choices. With a host country (an ISO code), "this country" stores that code (labelled
 * "This country (Ghana)", first in the list), so that answers hold ISO codes only and a native coded
 * GHA and one who picked "this country" are the same answer.
 */
export function countryChoices(special = true, hostCountry?: string): Choice[] {
  const host = hostCountry && hostCountry !== THIS_COUNTRY ? data.countries.find((c) => c.code === hostCountry) : undefined;
  if (!special) return data.countries.map((c) => ({ value: c.code, label: c.label }));
  if (!host) return [...data.special, ...data.countries, ...data.historical].map((c) => ({ value: c.code, label: c.label }));
  const thisLabel = data.special.find((c) => c.code === THIS_COUNTRY)!.label;
  const label = Object.fromEntries(Object.entries(thisLabel).map(([lang, text]) => [lang, `${text} (${host.label[lang] ?? host.label.en})`]));
  return [
    { value: host.code, label },
    ...data.special.filter((c) => c.code !== THIS_COUNTRY).map((c) => ({ value: c.code, label: c.label })),
    ...[...data.countries, ...data.historical].filter((c) => c.code !== host.code).map((c) => ({ value: c.code, label: c.label })),
  ];
}

/** Codes a country answer may take. */
export function countryCodes(special = true, hostCountry?: string): Set<string> {
  return new Set(countryChoices(special, hostCountry).map((c) => c.value));
}

const countrySet = new Set(data.countries.map((c) => c.code));
/** True when the code is an ISO 3166-1 alpha-3 country of the list (not a special answer or historical entity). */
export function isCountryCode(code: string): boolean {
  return countrySet.has(code);
}

/**
 * A country code as a reader wants it: the country's name in the language (ISO 3166 names in en, fr, es),
 * the special answers' labels, and `region:Africa` (a country shown by its world region) as "Africa
 * (other countries)". An unknown code is returned as it is.
 */
export function countryLabel(code: string, language = 'en'): string {
  const region = /^region:(.+)$/.exec(code);
  if (region) return `${region[1]} (${language === 'fr' ? 'autres pays' : language === 'es' ? 'otros países' : 'other countries'})`;
  const entry = [...data.special, ...data.countries, ...data.historical].find((c) => c.code === code);
  return entry ? (entry.label[language] ?? entry.label.en) : code;
}

let regions: Map<string, string> | undefined;
/** World region of a country code (UN geoscheme), or undefined for special answers and unknown codes. */
export function countryRegion(code: string): string | undefined {
  regions ??= new Map([...data.countries, ...data.historical].filter((c) => c.region).map((c) => [c.code, c.region!]));
  return regions.get(code);
}

interface CurrencyEntry {
  code: string;
  name: string;
  digits: number;
}
const currencies = (currencyData as { currencies: CurrencyEntry[] }).currencies;

/** ISO 4217 codes of the currencies amounts may be reported in (funds, metals and test codes left out). */
export function currencyCodes(): string[] {
  return currencies.map((c) => c.code);
}

const currencySet = new Set(currencies.map((c) => c.code));
/** True when the code is an ISO 4217 currency of the list. */
export function isCurrencyCode(code: string): boolean {
  return currencySet.has(code);
}

/** English name of a currency (ISO 4217), or the code itself. */
export function currencyName(code: string): string {
  return currencies.find((c) => c.code === code)?.name ?? code;
}

/**
 * The currencies an amount question offers: the ones it lists (every ISO 4217 currency when it lists
 * none), with the survey's local currency (settings.local_currency) first.
 */
export function amountCurrencies(listed: string[] | undefined, localCurrency: unknown): string[] {
  const list = listed && listed.length > 0 ? listed : currencyCodes();
  // An unknown local code is not offered (the compiler reports it).
  const local = typeof localCurrency === 'string' && list.includes(localCurrency) ? localCurrency : null;
  return local ? [local, ...list.filter((c) => c !== local)] : list;
}
