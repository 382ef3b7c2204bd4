import countriesData from './library/codelists/countries.json' with { type: 'json' };
import type { Choice } from './format.js';

interface CountryEntry {
  code: string;
  label: Record<string, string>;
}

const data = countriesData as { countries: CountryEntry[]; historical: CountryEntry[]; special: CountryEntry[] };

/** ISO 3166-1 alpha-3 countries (and, with `special`, historical entities and "this country", stateless, unknown) as choices. */
export function countryChoices(special = true): Choice[] {
  const list = special ? [...data.special, ...data.countries, ...data.historical] : data.countries;
  return list.map((c) => ({ value: c.code, label: c.label }));
}

/** Codes a country answer may take. */
export function countryCodes(special = true): Set<string> {
  return new Set(countryChoices(special).map((c) => c.value));
}
