// A synthetic Development-on-the-Move survey dataset, for the indicator tests and as a worked example.
//
// A known population (4 regions, 160 enumeration areas, every household's members, emigrants,
// remittances, schooling, health, labour and gender answers drawn from a seeded generator) is sampled
// with a two-phase design, as DotM did: phase 1 selects EAs by PPS and lists (screens) every household
// in them as migrant or non-migrant; phase 2 selects households per EA by screening status with quotas
// (10 migrant, 6 non-migrant). Weights come from sampling/: design weights 1/(pi1 pi2), nonresponse
// adjustment in region x status classes, post-stratification to the known households per region.
// The result is written as a survey dataset (design.json, codebook.json, one CSV per level).
//
//   npx tsx examples/dotm/synthetic-dataset.ts OUTDIR [--seed N] [--eas N]
import path from 'node:path';
import { mulberry32 } from '../../common/random.js';
import { tableFromRecords } from '../../analysis/index.js';
import { computeWeights, selectSample, type SampleDesign } from '../../sampling/index.js';
import { codebookOf, compileQuestionnaire, type CodebookEntry } from '../../questionnaires/index.js';
import { dotmHousehold, lfsMigration } from '../../questionnaires/library/index.js';
import type { DatasetDesign } from '../../analysis/dataset.js';
import { writeDataset } from '../../io/dataset-files.js';

type Row = Record<string, string | number>;
const REGIONS = ['Coast', 'Highlands', 'North', 'South'];
const FOREIGN = ['NGA', 'CIV', 'BFA', 'TGO', 'CHN', 'LBN', 'GBR', 'USA', 'IND', 'SUHH'];
const DESTINATIONS = ['GBR', 'USA', 'ITA', 'DEU', 'NGA', 'CIV', 'ZAF', 'CAN', 'NLD', 'ARE'];
const USES = ['consumption', 'education', 'health', 'housing', 'business', 'savings', 'debt'];
const CHANNELS = ['bank', 'mto', 'post', 'mobile', 'hand', 'informal'];
/** Interviews took place in June 2026: durations abroad are counted to this date. */
const INTERVIEW = { year: 2026, month: 6 };

interface Household {
  id: string;
  ea: string;
  region: string;
  urban: number;
  /** True composition (what the interview finds). */
  emigrants: number;
  returnMigrant: boolean;
  /** What the listing recorded at screening (it misses some migrant households). */
  screened: 'migrant' | 'non-migrant';
  seed: number;
}

/** The population: EAs and their households with migration status. */
export function population(seed: number, eaCount: number): { eas: Row[]; households: Household[] } {
  const rand = mulberry32(seed);
  const eas: Row[] = [];
  const households: Household[] = [];
  for (let k = 1; k <= eaCount; k++) {
    const region = REGIONS[k % 4];
    const urban = rand() < 0.35 ? 1 : 0;
    const size = Math.round((urban ? 120 : 50) + rand() * (urban ? 180 : 90));
    const migrantShare = Math.min(0.8, (region === 'North' ? 0.22 : 0.1) + (rand() < 0.2 ? 0.3 : 0) + rand() * 0.1);
    const ea = `EA${String(k).padStart(3, '0')}`;
    for (let h = 1; h <= size; h++) {
      const migrant = rand() < migrantShare;
      const kind = rand();
      const emigrants = migrant && kind < 0.8 ? 1 + Math.floor(rand() * (rand() < 0.3 ? 3 : 1.5)) : 0;
      const returnMigrant = migrant && (kind >= 0.55 || emigrants === 0);
      // The listing misses 4% of migrant households (screening error: they are found at the interview).
      const screened = migrant && rand() > 0.04 ? 'migrant' : 'non-migrant';
      households.push({ id: `${ea}-${String(h).padStart(3, '0')}`, ea, region, urban, emigrants, returnMigrant, screened, seed: Math.floor(rand() * 2 ** 31) });
    }
    eas.push({ ea, region, urban, households: size });
  }
  return { eas, households };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}
const yes = (b: boolean) => (b ? '1' : '0');
const round2 = (x: number) => Math.round(x * 100) / 100;

/** One interviewed household: its rows in every level (answers as the questionnaire records them). */
export function interview(hh: Household): { household: Row; members: Row[]; emigrants: Row[]; other_senders: Row[]; schooling: Row[] } {
  const rand = mulberry32(hh.seed);
  const id = `iv-${hh.id}`;
  const size = 1 + Math.floor(rand() * 7) + (hh.urban ? 0 : Math.floor(rand() * 3));
  const members: Row[] = [];
  const femaleHead = rand() < (hh.emigrants ? 0.45 : 0.22);
  const headMarried = rand() < 0.7;
  const currency = 'GHS';
  let returnerPlaced = !hh.returnMigrant;
  for (let line = 1; line <= size; line++) {
    const relation = line === 1 ? '1' : line === 2 && headMarried && !femaleHead ? '2' : rand() < 0.8 ? '3' : pick(rand, ['4', '5', '6', '7', '8', '9']);
    const sex = line === 1 ? (femaleHead ? '2' : '1') : relation === '2' ? '2' : rand() < 0.5 ? '1' : '2';
    const age =
      line === 1
        ? 25 + Math.floor(rand() * 50)
        : relation === '2'
          ? 20 + Math.floor(rand() * 45)
          : relation === '3'
            ? Math.floor(rand() * 26)
            : Math.floor(rand() * 80);
    const foreign = rand() < 0.05;
    const birth = foreign ? pick(rand, FOREIGN) : 'THIS';
    const m: Row = {
      interview_id: id,
      members_key: `m${line}`,
      name: `Person ${hh.id}/${line}`,
      sex,
      age,
      relation,
      usual_resident: '1',
      country_birth: birth,
      citizenship: foreign && rand() < 0.6 ? birth : 'THIS',
      is_immigrant: foreign ? 1 : 0,
    };
    if (age >= 12) m.marital = line === 1 ? (headMarried ? '2' : pick(rand, ['1', '3', '4'])) : relation === '2' ? '2' : age >= 20 && rand() < 0.5 ? '2' : '1';
    if (age >= 5) m.education = age < 6 ? '0' : pick(rand, age >= 25 ? ['X', '1', '1', '2', '2', '3', '3', '4', '5', '6', '7', '8'] : ['1', '2', '3']);
    if (hh.returnMigrant && !returnerPlaced && age >= 18) {
      returnerPlaced = true;
      const left = 2005 + Math.floor(rand() * 15);
      const back = Math.min(2025, left + 1 + Math.floor(rand() * 6));
      Object.assign(m, {
        rm_lived_abroad: '1',
        rm_country: pick(rand, DESTINATIONS),
        rm_year_left: left,
        rm_year_returned: back,
        rm_months: 6 + Math.floor(rand() * 60),
        rm_worked: yes(rand() < 0.7),
        rm_reason_return: pick(rand, ['work', 'family', 'study', 'forced', 'other']),
        rm_savings: yes(rand() < 0.4),
        rm_plans_leave: yes(rand() < 0.3),
      });
      m.is_return_migrant = 1;
      if (m.rm_worked === '1') {
        m.rm_occupation = pick(rand, ['5', '7', '8', '9']);
        const earnings = Math.round(800 + rand() * 2500);
        const cost = Math.round(earnings * (0.3 + rand() * 2.5));
        Object.assign(m, {
          lm_cost: cost,
          lm_cost_currency: currency,
          lm_first_month: earnings,
          lm_first_month_currency: currency,
          lm_cost_ratio: cost / earnings,
        });
      }
    } else if (age >= 15 && hh.returnMigrant) {
      m.rm_lived_abroad = '0';
      m.is_return_migrant = 0;
    } else m.is_return_migrant = 0;
    if (foreign)
      Object.assign(m, {
        im_year_arrival: 1990 + Math.floor(rand() * 35),
        im_prev_country: birth,
        im_reason: pick(rand, ['work', 'seek_work', 'family', 'study', 'forced']),
      });
    const insured = rand() < (hh.emigrants ? 0.55 : 0.4);
    const ill = rand() < 0.15;
    m.h_insured = yes(insured);
    m.h_ill = yes(ill);
    if (ill) {
      const consulted = rand() < (insured ? 0.75 : 0.55);
      m.h_consulted = yes(consulted);
      if (consulted) m.h_cost = Math.round(rand() * (insured ? 40 : 150));
    }
    m.h_hospital = yes(rand() < 0.04);
    if (age < 2) {
      const months = age * 12 + Math.floor(rand() * 12);
      m.h_age_months = months;
      if (months >= 12) {
        const v = ['v_bcg', 'v_dpt3', 'v_polio3', 'v_measles'].map((k) => [k, rand() < 0.9 ? '1' : rand() < 0.5 ? '0' : '8'] as const);
        for (const [k, val] of v) m[k] = val;
        m.v_basic = v.every(([, val]) => val === '1') ? 1 : 0;
      }
    }
    if (age >= 15) {
      const worked = rand() < (sex === '1' ? 0.7 : 0.45);
      m.l_worked = yes(worked);
      let inLf = worked;
      if (!worked) {
        const absent = rand() < 0.05;
        m.l_absent = yes(absent);
        inLf = absent;
        if (!absent) {
          const looked = rand() < 0.2;
          m.l_looked = yes(looked);
          if (looked) {
            const available = rand() < 0.8;
            m.l_available = yes(available);
            inLf = available;
          }
        }
      }
      if (worked)
        Object.assign(m, {
          l_occupation: pick(rand, ['1', '2', '3', '4', '5', '6', '7', '8', '9']),
          l_hours: 10 + Math.floor(rand() * 50),
          l_earnings: Math.round(200 + rand() * 3000),
        });
      m.l_in_labour_force = inLf ? 1 : 0;
    }
    m.g_eligible = sex === '2' && ((age >= 15 && age <= 49) || relation === '2') ? 1 : 0;
    members.push(m);
  }
  const remit = hh.emigrants > 0 && rand() < 0.75;
  const emigrants: Row[] = [];
  for (let e = 1; e <= hh.emigrants; e++) {
    const monthsAgo = rand() < 0.06 ? 1 + Math.floor(rand() * 2) : 3 + Math.floor(rand() * 120);
    const total = INTERVIEW.year * 12 + INTERVIEW.month - 1 - monthsAgo;
    const em: Row = {
      interview_id: id,
      emigrants_key: `e${e}`,
      em_name: `Emigrant ${hh.id}/${e}`,
      em_sex: yes(rand() < 0.6) === '1' ? '1' : '2',
      em_relation: femaleHead && e === 1 && rand() < 0.6 ? '2' : pick(rand, ['3', '3', '3', '4', '5', '9']),
      em_age_left: 18 + Math.floor(rand() * 30),
      em_left: `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-15`,
      em_country: pick(rand, DESTINATIONS),
      em_education: pick(rand, ['1', '2', '3', '3', '4', '6']),
      em_occupation: pick(rand, ['2', '3', '5', '7', '9']),
      em_reason: pick(rand, ['work', 'work', 'seek_work', 'family', 'study']),
      em_contact: yes(rand() < 0.9),
      em_return: yes(rand() < 0.4),
      em_months_abroad: monthsAgo,
      is_emigrant: monthsAgo >= 3 ? 1 : 0,
      is_emigrant_12m: monthsAgo >= 12 ? 1 : 0,
    };
    if (remit) {
      const cash = rand() < 0.85;
      em.rr_cash = yes(cash);
      if (cash) {
        const transfers = 1 + Math.floor(rand() * 12);
        const last = Math.round(100 + rand() * 900);
        const channel = pick(rand, CHANNELS);
        Object.assign(em, {
          rr_amount: last * transfers,
          rr_amount_currency: currency,
          rr_transfers: transfers,
          rr_channel: channel,
          rr_fee: round2(last * (0.02 + rand() * (channel === 'hand' || channel === 'informal' ? 0.02 : 0.08))),
          rr_fee_currency: currency,
          rr_last_amount: last,
          rr_last_amount_currency: rand() < 0.05 ? 'USD' : currency,
          rr_formal: ['bank', 'mto', 'post', 'mobile'].includes(channel) ? 1 : 0,
        });
      }
      em.rr_goods = rand() < 0.3 ? Math.round(rand() * 500) : 0;
    }
    emigrants.push(em);
  }
  const otherSenders: Row[] =
    remit && rand() < 0.15
      ? [
          {
            interview_id: id,
            other_senders_key: 'o1',
            os_relation: 'cousin',
            os_amount: Math.round(100 + rand() * 1000),
            os_amount_currency: currency,
            os_channel: pick(rand, CHANNELS),
          },
        ]
      : [];
  const schooling: Row[] = [];
  for (const m of members) {
    const age = m.age as number;
    if (age < 5 || age > 24) continue;
    const attending = age <= 17 ? rand() < (hh.emigrants ? 0.9 : 0.82) : rand() < 0.35;
    const s: Row = { interview_id: id, schooling_key: m.members_key, ed_attending: yes(attending) };
    if (attending)
      Object.assign(s, {
        ed_level: age < 12 ? '1' : age < 15 ? '2' : age < 18 ? '3' : '6',
        ed_private: yes(rand() < (hh.emigrants ? 0.35 : 0.2)),
        ed_spending: Math.round(50 + rand() * (hh.emigrants ? 900 : 500)),
      });
    else s.ed_reason_left = pick(rand, ['cost', 'work', 'finished', 'distance']);
    schooling.push(s);
  }
  const sum = (rows: Row[], k: string) => rows.reduce((a, r) => a + (typeof r[k] === 'number' ? (r[k] as number) : 0), 0);
  const nEmigrants = emigrants.filter((e) => e.is_emigrant === 1).length;
  const nReturn = members.filter((m) => m.is_return_migrant === 1).length;
  const remitTotal = sum(emigrants, 'rr_amount') + sum(otherSenders, 'os_amount');
  const goods = sum(emigrants, 'rr_goods');
  const cFood = Math.round((hh.urban ? 300 : 200) + rand() * 400 + size * 40);
  const cNon = Math.round(200 + rand() * 600);
  const cAnnual = Math.round(rand() * 3000);
  const household: Row = {
    interview_id: id,
    start: '2026-06-15T09:00:00Z',
    enumerator: `enum${(hh.seed % 12) + 1}`,
    region: hh.region,
    urban: hh.urban,
    ea: hh.ea,
    screened: hh.screened,
    s_member_abroad: yes(hh.emigrants > 0),
    s_member_returned: yes(hh.returnMigrant),
    s_member_born_abroad: yes(members.some((m) => m.is_immigrant === 1)),
    s_remit: yes(remit),
    hh_size: size,
    head_sex: members[0].sex,
    n_emigrants: nEmigrants,
    remit_total: remitTotal,
    remit_goods_total: goods,
    n_return_migrants: nReturn,
    health_oop_total: sum(members, 'h_cost'),
    c_food: cFood,
    c_nonfood: cNon,
    c_annual: cAnnual,
    consumption_annual: cFood * 52 + cNon * 12 + cAnnual,
    hs_owner: yes(rand() < 0.6),
    hs_rooms: 1 + Math.floor(rand() * 5),
    hs_electricity: yes(rand() < (hh.urban ? 0.95 : 0.6)),
    hs_piped_water: yes(rand() < 0.5),
    as_assets: ['tv', 'fridge', 'phone', 'car'].filter(() => rand() < 0.4).join(' '),
    f_account: yes(rand() < 0.4),
    f_mobile_money: yes(rand() < 0.6),
    f_savings: yes(rand() < 0.3),
    f_loan: yes(rand() < 0.2),
    f_insurance: yes(rand() < 0.15),
    cm_association: yes(rand() < 0.3),
    cm_collective: yes(rand() < 0.2),
    cm_trust: yes(rand() < 0.5),
  };
  if (hh.emigrants > 0) household.n_emigrants_listed = hh.emigrants;
  if (remit)
    Object.assign(household, {
      rr_uses: USES.filter(() => rand() < 0.4).join(' ') || 'consumption',
      rr_main_use: pick(rand, [...USES, 'consumption', 'education']),
    });
  household.rs_sent = yes(rand() < 0.06);
  if (household.rs_sent === '1')
    Object.assign(household, {
      rs_amount: Math.round(100 + rand() * 2000),
      rs_amount_currency: currency,
      rs_country: pick(rand, FOREIGN.slice(0, 6)),
      rs_channel: pick(rand, CHANNELS),
    });
  const eligible = members.findIndex((m) => m.g_eligible === 1);
  if (eligible >= 0) {
    const who = () => pick(rand, ['self', 'joint', 'joint', 'partner', 'other']);
    const g: Row = {
      g_respondent: eligible + 1,
      g_spouse_abroad: yes(femaleHead && emigrants.some((e) => e.em_relation === '2' && e.is_emigrant === 1)),
      g_health: who(),
      g_purchases: who(),
      g_visits: who(),
      g_remittances: who(),
      g_schooling: who(),
    };
    g.g_decides = [g.g_health, g.g_purchases, g.g_visits].every((v) => v === 'self' || v === 'joint') ? 1 : 0;
    Object.assign(household, g);
  }
  const hasEm = nEmigrants > 0 ? 1 : 0;
  const hasRet = nReturn > 0 ? 1 : 0;
  const status = hasEm && hasRet ? 'H3' : hasEm ? 'H1' : hasRet ? 'H2' : 'H0';
  Object.assign(household, {
    hh_has_emigrant: hasEm,
    hh_has_return: hasRet,
    hh_has_immigrant: members.some((m) => m.is_immigrant === 1) ? 1 : 0,
    hh_migration_status: status,
    hh_migrant: status === 'H0' ? 0 : 1,
    hh_remit_receiving: remit && (remitTotal > 0 || goods > 0) ? 1 : 0,
  });
  return { household, members, emigrants, other_senders: otherSenders, schooling };
}

const SAMPLE_DESIGN: SampleDesign = {
  title: 'DotM two-phase: EAs by PPS within regions, listing (screening), then households by screening status',
  stages: [
    { unit: 'enumeration area', id: 'ea', strata: 'region', method: 'pps', size: 'households', sampleSize: 80, allocation: 'proportional' },
    { unit: 'household', id: 'hh', cluster: 'ea', method: 'srs', by: 'screened', quotas: { migrant: 10, 'non-migrant': 6 } },
  ],
};

/** The synthetic dataset: levels' rows, design.json and codebook, from a seed. */
export function syntheticDotm(seed = 20261123, eaCount = 160) {
  const pop = population(seed, eaCount);
  const frame = tableFromRecords(pop.eas);
  const firstStage = selectSample({ ...SAMPLE_DESIGN, stages: [SAMPLE_DESIGN.stages[0]] }, frame, seed);
  const selected = new Set(firstStage.rows.map((r) => r.ea as string));
  const listed = pop.households.filter((h) => selected.has(h.ea));
  const listing = tableFromRecords(listed.map((h) => ({ hh: h.id, ea: h.ea, screened: h.screened })));
  const sample = selectSample(SAMPLE_DESIGN, frame, seed, listing);
  const byId = new Map(pop.households.map((h) => [h.id, h]));
  // Fieldwork: about 8% of households do not respond (more among migrant households, often away).
  const rand = mulberry32(seed ^ 0x2f6b);
  const cases: Row[] = sample.rows.map((r) => ({ ...r, disposition: rand() < (r.screened === 'migrant' ? 0.1 : 0.06) ? 'nonrespondent' : 'respondent' }));
  const caseTable = tableFromRecords(cases);
  const designWeights = Float64Array.from(cases, (c) => c.design_weight as number);
  const regionTotals = new Map(REGIONS.map((r) => [r, pop.households.filter((h) => h.region === r).length]));
  const { weights, report } = computeWeights(caseTable, designWeights, {
    nonresponse: { disposition: 'disposition', classes: ['region', 'screened'] },
    poststratify: { variable: 'region', totals: regionTotals },
  });
  const levels = { household: [] as Row[], members: [] as Row[], emigrants: [] as Row[], other_senders: [] as Row[], schooling: [] as Row[] };
  cases.forEach((c, i) => {
    if (c.disposition !== 'respondent') return;
    const iv = interview(byId.get(c.hh as string)!);
    iv.household.design_weight = designWeights[i];
    iv.household.weight = weights[i];
    levels.household.push(iv.household);
    levels.members.push(...iv.members);
    levels.emigrants.push(...iv.emigrants);
    levels.other_senders.push(...iv.other_senders);
    levels.schooling.push(...iv.schooling);
  });
  const design: DatasetDesign = {
    format: 'mdsurvey-dataset/1',
    title: `Synthetic DotM survey (seed ${seed}): ${levels.household.length} households in ${selected.size} EAs`,
    designLevel: 'household',
    weights: 'weight',
    strata: 'region',
    ids: ['ea'],
    lonelyPsu: 'fail',
    levels: [
      { name: 'household', file: 'household.csv', keys: ['interview_id'], parent: null },
      { name: 'members', file: 'members.csv', keys: ['interview_id', 'members_key'], parent: 'household' },
      { name: 'emigrants', file: 'emigrants.csv', keys: ['interview_id', 'emigrants_key'], parent: 'household' },
      { name: 'other_senders', file: 'other_senders.csv', keys: ['interview_id', 'other_senders_key'], parent: 'household' },
      {
        name: 'schooling',
        file: 'schooling.csv',
        keys: ['interview_id', 'schooling_key'],
        parent: 'household',
        follows: { level: 'members', on: { schooling_key: 'members_key' } },
      },
    ],
    settings: { abroad_months: 3, return_years: 10 },
    provenance: { generator: 'examples/dotm/synthetic-dataset.ts', seed, weighting: report.steps.map((s) => s.step) },
  };
  return { levels, design, codebook: syntheticCodebook(), population: pop };
}

/** The codebook: the DotM questionnaire's, the ILO SDG 10.7.1 questions, and the design columns. */
export function syntheticCodebook(): CodebookEntry[] {
  const dotm = codebookOf(compileQuestionnaire(dotmHousehold()));
  const lfs = codebookOf(compileQuestionnaire(lfsMigration))
    .filter((v) => ['lm_cost', 'lm_first_month', 'lm_cost_ratio'].includes(v.variable))
    .map((v) => ({ ...v, level: 'members' }));
  const design = (variable: string, en: string, type: string, extra: Partial<CodebookEntry> = {}): CodebookEntry => ({
    level: 'household',
    variable,
    label: { en },
    type,
    identifier: false,
    quasiIdentifier: false,
    ...extra,
  });
  return [
    ...dotm,
    ...lfs,
    design('region', 'Region (stratum)', 'text', { quasiIdentifier: true, design: 'strata', geography: 'region' }),
    design('urban', 'Urban area', 'select_one', { valueLabels: { '1': { en: 'Urban' }, '0': { en: 'Rural' } } }),
    design('ea', 'Enumeration area (PSU)', 'text', { design: 'psu', geography: 'area' }),
    design('screened', 'Screening status at listing (phase 1)', 'text'),
    design('design_weight', 'Design weight 1/(pi1 pi2)', 'decimal'),
    design('weight', 'Final weight (nonresponse-adjusted, post-stratified to households per region)', 'decimal', { design: 'weight' }),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx examples/dotm/synthetic-dataset.ts OUTDIR [--seed N] [--eas N]');
    process.exit(2);
  }
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const data = syntheticDotm(arg('--seed'), arg('--eas'));
  writeDataset(out, data.design, { variables: data.codebook, languages: ['en', 'fr', 'es'] }, data.levels);
  console.log(`${data.design.title} -> ${out}`);
}
