// Regenerates questionnaires/library/codelists/currencies.json from the npm package currency-codes
// (the ISO 4217 list of active currencies with their English names and minor-unit digits). Funds,
// precious metals, testing and "no currency" codes are left out: nobody reports an amount in them.
// Run: node scripts/make-currency-list.mjs
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cc = require('currency-codes');
// ISO 4217 codes that are not currencies people are paid in (funds codes, metals, SDR, test and none).
const NOT_MONEY = new Set([
  'BOV',
  'CHE',
  'CHW',
  'CLF',
  'COU',
  'MXV',
  'USN',
  'UYI',
  'UYW',
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);
const currencies = cc
  .codes()
  .filter((code) => !NOT_MONEY.has(code))
  .sort()
  .map((code) => {
    const c = cc.code(code);
    return { code, name: c.currency, digits: c.digits };
  });
const out = {
  id: 'currencies',
  source: `ISO 4217 active currencies (npm currency-codes ${require('currency-codes/package.json').version}), without funds, metals and test codes`,
  currencies,
};
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'questionnaires', 'library', 'codelists', 'currencies.json');
fs.writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`${currencies.length} currencies -> ${file}`);
