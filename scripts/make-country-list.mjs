// Regenerates questionnaires/library/codelists/countries.json from the npm package i18n-iso-countries
// (ISO 3166-1 alpha-3 codes with English, French and Spanish names), adding the historical entities
// of ISO 3166-3 that census questions on country of birth need and the special answers of the census
// add-on, and the world region of each (npm world-countries, UN geoscheme) for coarsening a rare country
// of birth in public-use microdata. Run: node scripts/make-country-list.mjs
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const countries = require('i18n-iso-countries');
for (const lang of ['en', 'fr', 'es']) countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`));
// Kosovo is UNK in world-countries and XKK in i18n-iso-countries (neither is an ISO code).
const regionOf = new Map(require('world-countries').map((c) => [c.cca3 === 'UNK' || c.cca2 === 'XK' ? 'XKK' : c.cca3, c.region]));
const list = Object.keys(countries.getAlpha3Codes())
  .sort()
  .map((code) => ({
    code,
    label: { en: countries.getName(code, 'en'), fr: countries.getName(code, 'fr'), es: countries.getName(code, 'es') },
    region: regionOf.get(code) ?? missingRegion(code),
  }));
function missingRegion(code) {
  throw new Error(`world-countries has no region for ${code}`);
}
const historical = [
  { code: 'SUHH', label: { en: 'USSR (former Soviet Union)', fr: 'URSS (ex-Union soviétique)', es: 'URSS (antigua Unión Soviética)' }, region: 'Europe' },
  { code: 'YUCS', label: { en: 'Yugoslavia (former)', fr: 'Yougoslavie (ex-)', es: 'Yugoslavia (antigua)' }, region: 'Europe' },
  { code: 'CSHH', label: { en: 'Czechoslovakia (former)', fr: 'Tchécoslovaquie (ex-)', es: 'Checoslovaquia (antigua)' }, region: 'Europe' },
  {
    code: 'DDDE',
    label: { en: 'German Democratic Republic (former)', fr: 'République démocratique allemande (ex-)', es: 'República Democrática Alemana (antigua)' },
    region: 'Europe',
  },
  { code: 'SCHH', label: { en: 'Serbia and Montenegro (former)', fr: 'Serbie-et-Monténégro (ex-)', es: 'Serbia y Montenegro (antigua)' }, region: 'Europe' },
];
const special = [
  { code: 'THIS', label: { en: 'This country', fr: 'Ce pays', es: 'Este país' } },
  { code: 'XXA', label: { en: 'Stateless', fr: 'Apatride', es: 'Apátrida' } },
  { code: 'XXX', label: { en: 'Unknown', fr: 'Inconnu', es: 'Desconocido' } },
];
const out = {
  id: 'countries',
  source: `npm i18n-iso-countries ${require('i18n-iso-countries/package.json').version} (ISO 3166-1 alpha-3), ISO 3166-3 historical entities, census special answers; regions: npm world-countries ${require('world-countries/package.json').version}`,
  countries: list,
  historical,
  special,
};
const file = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'questionnaires', 'library', 'codelists', 'countries.json');
fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
console.log(`${list.length} countries, ${historical.length} historical, ${special.length} special -> ${file}`);
