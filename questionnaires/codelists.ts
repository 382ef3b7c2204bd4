import countriesData from './library/codelists/countries.json' with { type: 'json' };
import type { Choice } from './format.js';

interface CountryEntry {
  code: string;
  label: Record<string, string>;
  /** World region (UN geoscheme: Africa, Americas, Asia, Europe, Oceania, Antarctic); absent for special answers. */
  region?: string;
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

let regions: Map<string, string> | undefined;
/** World region of a country code (UN geoscheme), or undefined for special answers and unknown codes. */
export function countryRegion(code: string): string | undefined {
  regions ??= new Map([...data.countries, ...data.historical].filter((c) => c.region).map((c) => [c.code, c.region!]));
  return regions.get(code);
}
