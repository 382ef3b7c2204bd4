// A synthetic country for the sampling worked example and the simulation test: 300 enumeration
// areas (EAs) in 4 regions, urban and rural, each with its households; migrant households are
// clustered (their share varies by EA) and the sex of the household head is recorded. Stands in for
// the census frame, the listing operation and fieldwork, which mdsurvey does not simulate itself.
//
//   node examples/sampling/population.mjs frame DIR      frame.csv, region.csv, sex.csv, truth.json
//   node examples/sampling/population.mjs list DIR       listing.csv for the EAs in DIR/eas.csv
//   node examples/sampling/population.mjs fieldwork DIR  interviewed.csv from DIR/households.csv
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ['Coast', 'Highlands', 'North', 'South'];

/** The population: EAs with their households (id, migrant status, sex of head). */
export function generatePopulation(seed = 2026, eas = 300) {
  const rand = mulberry32(seed);
  const areas = [];
  for (let k = 1; k <= eas; k++) {
    const region = REGIONS[Math.floor(rand() * REGIONS.length)];
    const urban = rand() < 0.35 ? 1 : 0;
    const size = Math.round((urban ? 150 : 60) + rand() * (urban ? 250 : 120));
    // Migrant households cluster: some EAs send many emigrants, most few.
    const migrantShare = Math.min(0.9, (region === 'North' ? 0.25 : 0.1) + (rand() < 0.2 ? 0.35 : 0) + rand() * 0.1);
    const households = [];
    for (let h = 1; h <= size; h++) {
      const migrant = rand() < migrantShare ? 1 : 0;
      const femaleHead = rand() < (migrant ? 0.45 : 0.25) ? 1 : 0;
      households.push({ hh: `${k}-${h}`, migrant, head_sex: femaleHead ? 'female' : 'male' });
    }
    areas.push({ ea: `EA${String(k).padStart(3, '0')}`, region, urban, households });
  }
  return areas;
}

/** The frame: one row per EA with its measure of size (households counted at the last census). */
export function frameRows(population) {
  return population.map((a) => ({ ea: a.ea, region: a.region, urban: a.urban, households: a.households.length }));
}

/** Census margins: households by region and by sex of head; the true migrant share. */
export function censusMargins(population) {
  const region = new Map();
  const sex = new Map();
  let migrants = 0;
  let total = 0;
  for (const a of population) {
    region.set(a.region, (region.get(a.region) ?? 0) + a.households.length);
    for (const h of a.households) {
      sex.set(h.head_sex, (sex.get(h.head_sex) ?? 0) + 1);
      migrants += h.migrant;
      total++;
    }
  }
  return { region, sex, migrantShare: migrants / total, households: total };
}

/** The listing (screening) of the selected EAs: every household with its screening status. */
export function listingRows(population, eaIds) {
  const wanted = new Set(eaIds);
  return population
    .filter((a) => wanted.has(a.ea))
    .flatMap((a) => a.households.map((h) => ({ ea: a.ea, hh: h.hh, status: h.migrant ? 'migrant' : 'non-migrant' })));
}

/** Fieldwork: whether each selected household responded (less often in towns and among migrant households), and what it answered. */
export function fieldworkRows(population, sampleRows, seed = 7) {
  const rand = mulberry32(seed);
  const byId = new Map(population.flatMap((a) => a.households.map((h) => [h.hh, { ...h, urban: a.urban }])));
  return sampleRows.map((row) => {
    const h = byId.get(String(row.hh));
    const p = 0.92 - (h.urban ? 0.12 : 0) - (h.migrant ? 0.08 : 0);
    const responded = rand() < p;
    return { ...row, result: responded ? 'respondent' : 'nonrespondent', head_sex: h.head_sex, migrant: responded ? h.migrant : '' };
  });
}

function csv(rows) {
  const cols = Object.keys(rows[0]);
  const esc = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => esc(r[c] ?? '')).join(',')).join('\n')}\n`;
}

function readCsv(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v.replace(/^"|"$/g, '')])));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [step, dir = 'work'] = process.argv.slice(2);
  fs.mkdirSync(dir, { recursive: true });
  const population = generatePopulation();
  if (step === 'frame') {
    const m = censusMargins(population);
    fs.writeFileSync(path.join(dir, 'frame.csv'), csv(frameRows(population)));
    fs.writeFileSync(path.join(dir, 'region.csv'), csv([...m.region].map(([region, total]) => ({ region, total }))));
    fs.writeFileSync(path.join(dir, 'sex.csv'), csv([...m.sex].map(([head_sex, total]) => ({ head_sex, total }))));
    fs.writeFileSync(path.join(dir, 'truth.json'), `${JSON.stringify({ households: m.households, migrantShare: m.migrantShare }, null, 2)}\n`);
    console.log(`frame of ${population.length} EAs, ${m.households} households; true migrant share ${m.migrantShare.toFixed(4)}`);
  } else if (step === 'list') {
    const rows = listingRows(
      population,
      readCsv(path.join(dir, 'eas.csv')).map((r) => r.ea),
    );
    fs.writeFileSync(path.join(dir, 'listing.csv'), csv(rows));
    console.log(`listed ${rows.length} households in the selected EAs`);
  } else if (step === 'fieldwork') {
    const rows = fieldworkRows(population, readCsv(path.join(dir, 'households.csv')));
    fs.writeFileSync(path.join(dir, 'interviewed.csv'), csv(rows));
    console.log(`${rows.filter((r) => r.result === 'respondent').length} of ${rows.length} households responded`);
  } else {
    console.error('usage: node examples/sampling/population.mjs frame|list|fieldwork DIR');
    process.exit(2);
  }
}
