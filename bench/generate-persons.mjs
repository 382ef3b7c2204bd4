// Writes a synthetic person file for the estimation benchmark: 40 strata, 2,000 PSUs, about 1.1
// million persons in households, household weights (migrant households oversampled, so lighter),
// a migrant flag, age, relationship to the head, a 0/1 outcome and an amount. Seeded: the same
// file every time.   node bench/generate-persons.mjs [OUT] [ROWS]
import fs from 'node:fs';
import path from 'node:path';

const out = process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'out', 'persons.csv');
const target = Number(process.argv[3] ?? 1_100_000);
fs.mkdirSync(path.dirname(out), { recursive: true });

let seed = 20261123;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const STRATA = 40;
const PSUS_PER_STRATUM = 50;
const persons = target / (STRATA * PSUS_PER_STRATUM);
const fd = fs.openSync(out, 'w');
let buf = 'stratum,psu,hh,person,weight,migrant,age,relation,outcome,amount\n';
let rows = 0;
let hhId = 0;
for (let h = 1; h <= STRATA; h++) {
  for (let k = 1; k <= PSUS_PER_STRATUM; k++) {
    const psu = h * 1000 + k;
    const migrantShare = 0.1 + 0.5 * rand();
    let inPsu = 0;
    const psuSize = Math.round(persons * (0.8 + 0.4 * rand()));
    while (inPsu < psuSize) {
      hhId++;
      const migrant = rand() < migrantShare ? 1 : 0;
      const weight = (migrant ? 60 : 180) * (0.7 + 0.6 * rand());
      const size = 1 + Math.floor(rand() * 7);
      const amount = migrant && rand() < 0.7 ? Math.exp(5 + 2 * rand()).toFixed(2) : '0';
      for (let p = 1; p <= size && inPsu < psuSize; p++) {
        const relation = p === 1 ? 1 : p === 2 ? 2 : p <= 5 ? 3 : 4;
        const age = relation === 3 ? Math.floor(rand() * 25) : 18 + Math.floor(rand() * 70);
        const outcome = rand() < (migrant ? 0.62 : 0.48) + (age < 18 ? 0.1 : 0) ? 1 : 0;
        const missing = rand() < 0.01;
        buf += `${h},${psu},${hhId},${p},${weight.toFixed(6)},${migrant},${age},${relation},${missing ? '' : outcome},${p === 1 ? amount : '0'}\n`;
        rows++;
        inPsu++;
        if (buf.length > 1 << 20) {
          fs.writeSync(fd, buf);
          buf = '';
        }
      }
    }
  }
}
fs.writeSync(fd, buf);
fs.closeSync(fd);
process.stderr.write(`wrote ${rows} rows to ${out} (${(fs.statSync(out).size / 1048576).toFixed(1)} MB)\n`);
