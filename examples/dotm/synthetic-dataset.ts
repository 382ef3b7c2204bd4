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
// A later round (--round 2) is the same country three years on: more return migrants, remittances
// cheaper to send; the same EAs are revisited with a new listing (--shared-psus, a rotating design whose
// PSUs are common to both rounds) or a new sample of EAs is drawn (independent rounds).
//
//   npx tsx examples/dotm/synthetic-dataset.ts OUTDIR [--seed N] [--eas N] [--round 2 [--shared-psus]] [--year YYYY]
import { createHash } from 'node:crypto';
import path from 'node:path';
import { mulberry32 } from '../../common/random.js';
import { tableFromRecords } from '../../analysis/index.js';
import { computeWeights, selectSample, type SampleDesign } from '../../sampling/index.js';
import {
  codebookOf,
  compileQuestionnaire,
  flattenInterview,
  levelsOf,
  validateResponse,
  type CodebookEntry,
  type CompiledQuestionnaire,
  type Level,
} from '../../questionnaires/index.js';
import { dotmHousehold } from '../../questionnaires/library/index.js';
import type { ExchangeRate } from '../../analysis/index.js';
import type { DatasetDesign } from '../../analysis/dataset.js';
import { writeDataset } from '../../io/dataset-files.js';

type Row = Record<string, string | number>;
const REGIONS = ['Coast', 'Highlands', 'North', 'South'];
const FOREIGN = ['NGA', 'CIV', 'BFA', 'TGO', 'CHN', 'LBN', 'GBR', 'USA', 'IND', 'SUHH'];
const DESTINATIONS = ['GBR', 'USA', 'ITA', 'DEU', 'NGA', 'CIV', 'ZAF', 'CAN', 'NLD', 'ARE'];
const USES = ['consumption', 'education', 'health', 'housing', 'business', 'savings', 'debt'];
const CHANNELS = ['bank', 'mto', 'post', 'mobile', 'hand', 'informal'];

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
  /** The survey round's year (interview date in June) and how much remittance fees fell (factor). */
  year?: number;
  feeFactor?: number;
}

/** A round of the synthetic survey: round 1 (2026) is the baseline; round 2 (2029) the population moved on. */
export interface SyntheticRound {
  round: number;
  /** The same EAs as round 1 (a new listing and household sample in them): PSUs common to both rounds. */
  sharedPsus?: boolean;
  /** The year of the interviews (default 2026 for round 1, three years later per round). */
  year?: number;
}
const roundYear = (r: SyntheticRound) => r.year ?? 2026 + 3 * (r.round - 1);

/** The population: EAs and their households with migration status (a later round: the same EAs, new households). */
export function population(seed: number, eaCount: number, round = 1, year?: number): { eas: Row[]; households: Household[] } {
  const rand = mulberry32(seed);
  const eas: Row[] = [];
  const households: Household[] = [];
  const shares: number[] = [];
  for (let k = 1; k <= eaCount; k++) {
    const region = REGIONS[k % 4];
    const urban = rand() < 0.35 ? 1 : 0;
    const size = Math.round((urban ? 120 : 50) + rand() * (urban ? 180 : 90));
    const migrantShare = Math.min(0.8, (region === 'North' ? 0.22 : 0.1) + (rand() < 0.2 ? 0.3 : 0) + rand() * 0.1);
    const ea = `EA${String(k).padStart(3, '0')}`;
    households.push(...drawHouseholds(rand, ea, region, urban, size, migrantShare, 1));
    eas.push({ ea, region, urban, households: size });
    shares.push(migrantShare);
  }
  if (round === 1) {
    if (year !== undefined && year !== 2026) for (const h of households) h.year = year;
    return { eas, households };
  }
  // Three years on: the same EAs and sizes, every household drawn again from its own stream; a little
  // more migration, and more of it returned.
  const later = mulberry32(seed ^ (0x5bd1e995 * round));
  const again = eas.flatMap((e, k) =>
    drawHouseholds(
      later,
      e.ea as string,
      e.region as string,
      e.urban as number,
      e.households as number,
      Math.min(0.85, shares[k] * 1.1),
      round,
      year ?? 2026 + 3 * (round - 1),
    ),
  );
  return { eas, households: again };
}

function drawHouseholds(
  rand: () => number,
  ea: string,
  region: string,
  urban: number,
  size: number,
  migrantShare: number,
  round: number,
  year = 2026,
): Household[] {
  const out: Household[] = [];
  // Round 2: more households with a return migrant (the returned share of migrant households rises).
  const returnCut = round === 1 ? 0.55 : 0.4;
  for (let h = 1; h <= size; h++) {
    const migrant = rand() < migrantShare;
    const kind = rand();
    const emigrants = migrant && kind < 0.8 ? 1 + Math.floor(rand() * (rand() < 0.3 ? 3 : 1.5)) : 0;
    const returnMigrant = migrant && (kind >= returnCut || emigrants === 0);
    // The listing misses 4% of migrant households (screening error: they are found at the interview).
    const screened = migrant && rand() > 0.04 ? 'migrant' : 'non-migrant';
    const id = round === 1 ? `${ea}-${String(h).padStart(3, '0')}` : `${ea}-r${round}-${String(h).padStart(3, '0')}`;
    const hh: Household = { id, ea, region, urban, emigrants, returnMigrant, screened, seed: Math.floor(rand() * 2 ** 31) };
    if (round > 1) Object.assign(hh, { year, feeFactor: 0.6 });
    out.push(hh);
  }
  return out;
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}
const yes = (b: boolean) => (b ? '1' : '0');
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The survey's settings: Ghana, cedis, the DotM thresholds (DOMAIN.md). */
export const SETTINGS = { host_country: 'GHA', local_currency: 'GHS' } as const;
/** The interview date of every synthetic household: durations abroad and exchange rates refer to it. */
export const INTERVIEW_DATE = '2026-06-15T09:00:00Z';
const interviewDate = (year: number) => `${year}-06-15T09:00:00Z`;
/** Remittances arrive in cedis, dollars, pounds and euros; the exchange-rate table converts them. */
export const EXCHANGE_RATES: ExchangeRate[] = [
  { currency: 'GHS', from: '2026-01-01', to: '2026-12-31', toLocal: 1, toUsd: 0.0806, line: 2 },
  { currency: 'USD', from: '2026-01-01', to: '2026-12-31', toLocal: 12.1, toUsd: 1, line: 3 },
  { currency: 'USD', from: '2026-06-01', to: '2026-06-30', toLocal: 12.4, toUsd: 1, line: 4 },
  { currency: 'GBP', from: '2026-01-01', to: '2026-12-31', toLocal: 15.6, toUsd: 1.27, line: 5 },
  { currency: 'EUR', from: '2026-01-01', to: '2026-12-31', toLocal: 13.4, toUsd: 1.09, line: 6 },
];
/** Cedis per unit of each currency in June of a year: 2026 as the table above; the cedi loses about 4% a year. */
function junePerLocal(year: number): Record<'USD' | 'GBP' | 'EUR', number> {
  if (year === 2026) return { USD: 12.4, GBP: 15.6, EUR: 13.4 };
  if (year === 2029) return { USD: 13.9, GBP: 17.6, EUR: 15.1 };
  const f = 1.04 ** (year - 2026);
  return { USD: round2(12.4 * f), GBP: round2(15.6 * f), EUR: round2(13.4 * f) };
}
/** The exchange-rate table of a round's year (2026: EXCHANGE_RATES). */
export function exchangeRatesFor(year: number): ExchangeRate[] {
  if (year === 2026) return EXCHANGE_RATES;
  const r = junePerLocal(year);
  const y = (currency: string, toLocal: number, toUsd: number, line: number): ExchangeRate => ({
    currency,
    from: `${year}-01-01`,
    to: `${year}-12-31`,
    toLocal,
    toUsd,
    line,
  });
  return [
    y('GHS', 1, Math.round((1 / r.USD) * 1e4) / 1e4, 2),
    y('USD', r.USD, 1, 3),
    y('GBP', r.GBP, round2(r.GBP / r.USD), 4),
    y('EUR', r.EUR, round2(r.EUR / r.USD), 5),
  ];
}

type Answers = Record<string, unknown>;
/** A stable UUID (version 4 layout) for a household's interview, from its id. */
function uuidOf(id: string): string {
  const h = createHash('sha256').update(`dotm-synthetic ${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const amount = (value: number, currency: string) => ({ amount: value, currency });

/**
 * One interviewed household: the answers the enumerator records in the DotM questionnaire (questions
 * only; the engine computes every calculation when the interview is validated). Rows carry `_key`.
 */
export function interview(hh: Household): { instanceId: string; answers: Answers } {
  const rand = mulberry32(hh.seed);
  const id = uuidOf(hh.id);
  const year = hh.year ?? 2026;
  const feeFactor = hh.feeFactor ?? 1;
  const size = 1 + Math.floor(rand() * 7) + (hh.urban ? 0 : Math.floor(rand() * 3));
  const members: Answers[] = [];
  const femaleHead = rand() < (hh.emigrants ? 0.45 : 0.22);
  const headMarried = rand() < 0.7;
  const foreignHousehold = rand() < 0.01; // a household of immigrants only
  const currencyOfSender = () => (rand() < 0.7 ? 'GHS' : pick(rand, ['USD', 'USD', 'GBP', 'EUR']));
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
    const foreign = foreignHousehold || rand() < 0.05;
    const birth = foreign ? pick(rand, FOREIGN) : 'GHA';
    const m: Answers = {
      _key: `m${line}`,
      name: `Person ${hh.id}/${line}`,
      sex,
      age,
      relation,
      usual_resident: '1',
      country_birth: birth,
      citizenship: foreign && rand() < 0.6 ? [birth === 'SUHH' ? 'RUS' : birth] : ['GHA'],
    };
    if (age >= 12) m.marital = line === 1 ? (headMarried ? '2' : pick(rand, ['1', '3', '4'])) : relation === '2' ? '2' : age >= 20 && rand() < 0.5 ? '2' : '1';
    if (age >= 5) {
      // ISCED-A attainment (0: less than primary) and the years done in the next level.
      m.education = age < 12 ? '0' : pick(rand, age >= 25 ? ['0', '0', '1', '1', '2', '2', '3', '3', '4', '5', '6', '7', '8'] : ['0', '1', '2', '3']);
      m.education_grade = m.education === '8' ? 0 : age < 12 ? Math.max(0, Math.min(age - 6, 5)) : Math.floor(rand() * 3);
    }
    if (age < 18) {
      // The head's children live with the head (and the spouse on line 2 when there is one).
      const mother = relation === '3' ? (femaleHead ? 1 : headMarried && line > 2 ? 2 : 0) : 0;
      const father = relation === '3' ? (!femaleHead ? 1 : 0) : 0;
      m.mother_line = mother === line ? 0 : mother;
      m.father_line = father === line ? 0 : father;
      const where = () => (hh.emigrants > 0 && rand() < 0.4 ? 'abroad' : pick(rand, ['country', 'dead', 'unknown', 'country']));
      if (m.mother_line === 0) m.mother_where = where();
      if (m.father_line === 0) m.father_where = where();
    }
    const canReturn = !foreign || (m.citizenship as string[]).includes('GHA');
    if (hh.returnMigrant && canReturn && !returnerPlaced && (age >= 18 || rand() < 0.1)) {
      returnerPlaced = true;
      // Returned 2014-2025 after 1-3 years abroad: many recent migrations (SDG 10.7.1 looks at the last 3 years).
      const back = Math.min(year - 1, year - 12 + Math.floor(rand() * 12));
      const left = Math.max(back - 1 - Math.floor(rand() * 3), 1990);
      Object.assign(m, {
        rm_lived_abroad: '1',
        rm_country: pick(rand, DESTINATIONS),
        rm_year_left: left,
        rm_year_returned: back,
        rm_months: rand() < 0.2 ? 3 + Math.floor(rand() * 9) : 12 + Math.floor(rand() * 60),
        rm_worked: yes(age >= 15 && rand() < 0.7),
        rm_reason_return: pick(rand, ['contract_end', 'no_work', 'deported', 'savings_target', 'family', 'study_done', 'other']),
        rm_savings: yes(rand() < 0.4),
        rm_plans_leave: yes(rand() < 0.3),
      });
      if (m.rm_worked === '1') {
        m.rm_occupation = pick(rand, ['5', '7', '8', '9']);
        // SDG 10.7.1: first month's earnings abroad (in the destination's currency) and the recruitment cost (often in cedis).
        const [currency, perLocal] = pick(rand, [
          ['USD', 12.4],
          ['GBP', 15.6],
          ['EUR', 13.4],
          ['GHS', 1],
        ] as const);
        const earnings = Math.round((800 + rand() * 2500) * 12.4) / perLocal;
        m.lm_first_month = amount(Math.round(earnings), currency);
        m.lm_cost = amount(Math.round(earnings * perLocal * (0.3 + rand() * 2.5)), 'GHS');
      }
    } else if (hh.returnMigrant && canReturn) m.rm_lived_abroad = '0';
    if (foreign)
      Object.assign(m, {
        im_year_arrival: 1990 + Math.floor(rand() * 35),
        im_prev_country: birth === 'SUHH' ? 'RUS' : birth,
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
    m.h_medicines = rand() < 0.2 ? Math.round(rand() * 60) : 0;
    const spent = ((m.h_cost as number | undefined) ?? 0) + (m.h_medicines as number);
    if (spent > 0) m.h_reimbursed = insured && rand() < 0.3 ? Math.round(spent * rand() * 0.8) : 0;
    m.h_hospital = yes(rand() < 0.04);
    if (m.h_hospital === '1') m.h_hospital_cost = Math.round(500 + rand() * 12000);
    if (age < 2) {
      const months = age * 12 + Math.floor(rand() * 12);
      m.h_age_months = months;
      if (months >= 12) {
        m.v_source = pick(rand, ['card', 'card', 'recall', 'both']);
        for (const k of ['v_bcg', 'v_dpt3', 'v_polio3', 'v_measles']) m[k] = rand() < 0.9 ? '1' : rand() < 0.5 ? '0' : '8';
      }
    }
    if (age >= 15) {
      const worked = rand() < (sex === '1' ? 0.7 : 0.45);
      m.l_worked = yes(worked);
      if (!worked) {
        const absent = rand() < 0.05;
        m.l_absent = yes(absent);
        if (!absent) {
          const looked = rand() < 0.2;
          m.l_looked = yes(looked);
          if (looked) m.l_available = yes(rand() < 0.8);
        }
      }
      if (worked || m.l_absent === '1') {
        m.l_occupation = pick(rand, ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
        m.l_earnings = Math.round(200 + rand() * 3000);
      }
      if (worked) m.l_hours = 10 + Math.floor(rand() * 50);
      m.f_own_account = yes(rand() < (hh.emigrants ? 0.5 : 0.35) + (worked ? 0.15 : 0));
    }
    members.push(m);
  }
  const remit = (hh.emigrants > 0 && rand() < 0.75) || rand() < 0.01;
  const emigrants: Answers[] = [];
  for (let e = 1; e <= hh.emigrants; e++) {
    // Some left under 3 months ago (not yet emigrants), some over the 10-year window (no longer counted).
    const monthsAgo = rand() < 0.06 ? 1 + Math.floor(rand() * 2) : rand() < 0.05 ? 125 + Math.floor(rand() * 200) : 3 + Math.floor(rand() * 110);
    const total = year * 12 + 6 - 1 - monthsAgo;
    const em: Answers = {
      _key: `e${e}`,
      em_name: `Emigrant ${hh.id}/${e}`,
      em_sex: rand() < 0.6 ? '1' : '2',
      em_relation: femaleHead && e === 1 && rand() < 0.6 ? '2' : pick(rand, ['3', '3', '3', '4', '5', '9']),
      em_age_left: 18 + Math.floor(rand() * 30),
      em_left: `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-15`,
      em_country: pick(rand, DESTINATIONS),
      em_education: pick(rand, ['1', '2', '3', '3', '4', '6']),
      em_occupation: pick(rand, ['2', '3', '5', '7', '9']),
      em_reason: pick(rand, ['work', 'work', 'seek_work', 'family', 'study']),
      em_contact: yes(rand() < 0.9),
      em_return: yes(rand() < 0.4),
    };
    if (rand() < 0.5) {
      em.em_cost = amount(Math.round(2000 + rand() * 20000), 'GHS');
      em.em_financed = ['savings', 'family_loan', 'lender_loan', 'sold_assets'].filter(() => rand() < 0.4);
      if ((em.em_financed as string[]).length === 0) em.em_financed = ['savings'];
    }
    if (remit) {
      const cash = rand() < 0.85;
      em.rr_cash = yes(cash);
      if (cash) {
        const currency = currencyOfSender();
        // The reference rates of the interview month.
        const perLocal = currency === 'GHS' ? 1 : junePerLocal(year)[currency as 'USD' | 'GBP' | 'EUR'];
        const transfers = 1 + Math.floor(rand() * 6);
        // About USD 65 to 480 a transfer, in the currency sent.
        const last = Math.round((800 + rand() * 5200) / perLocal);
        const channel = pick(rand, CHANNELS);
        const informal = channel === 'hand' || channel === 'informal';
        Object.assign(em, {
          rr_amount: amount(last * transfers, currency),
          rr_transfers: transfers,
          rr_channel: channel,
          rr_fee: amount(round2(last * (0.02 + rand() * (informal ? 0.02 : 0.08)) * feeFactor), currency),
          rr_last_amount: amount(last, currency),
          // Paid out in cedis at a rate a little below the reference rate (the exchange-rate margin).
          // (round 2: margins narrowed with the fees)
          rr_last_received: round2(last * perLocal * (currency === 'GHS' ? 1 : feeFactor === 1 ? 0.96 + rand() * 0.03 : 0.975 + rand() * 0.018)),
          rr_recipient: 1 + Math.floor(rand() * members.length),
        });
      }
      em.rr_goods = amount(rand() < 0.3 ? Math.round(rand() * 500) : 0, 'GHS');
    }
    emigrants.push(em);
  }
  const otherSenders: Answers[] =
    remit && (rand() < 0.15 || hh.emigrants === 0)
      ? [
          {
            _key: 'o1',
            os_relation: 'cousin',
            os_amount: amount(Math.round(100 + rand() * 1000), currencyOfSender()),
            os_country: pick(rand, DESTINATIONS),
            os_channel: pick(rand, CHANNELS),
          },
        ]
      : [];
  const schooling: Answers[] = [];
  for (const m of members) {
    const age = m.age as number;
    if (age < 5 || age > 24) continue;
    const attending = age <= 17 ? rand() < (hh.emigrants ? 0.9 : 0.82) : rand() < 0.35;
    const s: Answers = { _key: m._key, ed_attending: yes(attending) };
    if (attending)
      Object.assign(s, {
        ed_level: age < 12 ? '1' : age < 15 ? '2' : age < 18 ? '3' : '6',
        ed_private: yes(rand() < (hh.emigrants ? 0.35 : 0.2)),
        ed_spending: Math.round(50 + rand() * (hh.emigrants ? 900 : 500)),
      });
    else s.ed_reason_left = pick(rand, ['cost', 'work', 'finished', 'distance']);
    schooling.push(s);
  }
  const answers: Answers = {
    start: interviewDate(year),
    enumerator: `enum${(hh.seed % 12) + 1}`,
    interview_seed: String(hh.seed),
    s_member_abroad: yes(hh.emigrants > 0),
    s_member_returned: yes(hh.returnMigrant && returnerPlaced && members.some((m) => m.rm_lived_abroad === '1')),
    s_member_born_abroad: yes(members.some((m) => m.country_birth !== 'GHA')),
    s_remit: yes(remit),
    members,
    c_food: Math.round((hh.urban ? 300 : 200) + rand() * 400 + size * 40),
    c_food_own: hh.urban ? 0 : Math.round(rand() * 150),
    c_food_gifts: rand() < 0.2 ? Math.round(rand() * 60) : 0,
    c_nonfood: Math.round(200 + rand() * 600),
    c_rent: Math.round(100 + rand() * (hh.urban ? 600 : 200)),
    c_annual: Math.round(rand() * 3000),
    c_durables: rand() < 0.3 ? Math.round(rand() * 4000) : 0,
    hs_owner: yes(rand() < 0.6),
    hs_rooms: 1 + Math.floor(rand() * 5),
    hs_electricity: yes(rand() < (hh.urban ? 0.95 : 0.6)),
    hs_piped_water: yes(rand() < 0.5),
    as_assets: ['tv', 'fridge', 'phone', 'car'].filter(() => rand() < 0.4) as string[] | undefined,
    f_account: yes(rand() < 0.4),
    f_mobile_money: yes(rand() < 0.6),
    f_savings: yes(rand() < 0.3),
    f_loan: yes(rand() < 0.2),
    f_insurance: yes(rand() < 0.15),
    cm_association: yes(rand() < 0.3),
    cm_collective: yes(rand() < 0.2),
    cm_trust: yes(rand() < 0.5),
    schooling,
  };
  if ((answers.as_assets as string[]).length === 0) delete answers.as_assets;
  // Members who lived abroad are asked about only when the screening said so.
  if (answers.s_member_returned === '0') for (const m of members) for (const k of Object.keys(m)) if (k.startsWith('rm_')) delete m[k];
  if (hh.emigrants > 0) Object.assign(answers, { n_emigrants_listed: hh.emigrants, emigrants });
  if (remit) {
    answers.os_any = yes(otherSenders.length > 0);
    if (otherSenders.length > 0) answers.other_senders = otherSenders;
    const uses = USES.filter(() => rand() < 0.4);
    if (uses.length === 0) uses.push('consumption');
    Object.assign(answers, { rr_uses: uses, rr_main_use: pick(rand, uses) });
  }
  answers.rs_sent = yes(rand() < 0.06);
  if (answers.rs_sent === '1')
    Object.assign(answers, {
      rs_amount: amount(Math.round(100 + rand() * 2000), 'GHS'),
      rs_country: pick(rand, FOREIGN.slice(0, 6)),
      rs_channel: pick(rand, CHANNELS),
    });
  // M13: the questionnaire draws the woman from interview_seed; her answers are given when one is eligible.
  const eligible = members.filter((m) => m.sex === '2' && (m.age as number) >= 15 && (m.age as number) <= 49 && m.marital === '2');
  if (eligible.length > 0) {
    const who = () => pick(rand, ['self', 'joint', 'joint', 'partner', 'other']);
    Object.assign(answers, {
      g_spouse_abroad: yes(femaleHead && emigrants.some((e) => e.em_relation === '2')),
      g_health: who(),
      g_purchases: who(),
      g_visits: who(),
      g_remittances: who(),
      g_schooling: who(),
    });
  }
  return { instanceId: id, answers };
}

/** A validated interview's rows in every level of the questionnaire (identifiers included: the restricted tier). */
function interviewRows(q: CompiledQuestionnaire, levels: Level[], hh: Household): Record<string, Row[]> {
  const { instanceId, answers } = interview(hh);
  const doc = { instanceId, questionnaire: { id: q.source.id, version: q.source.version }, answers };
  const { problems, answers: computed } = validateResponse(q, doc, { now: () => new Date(interviewDate(hh.year ?? 2026)) });
  if (problems.length > 0 || !computed)
    throw new Error(`synthetic interview ${instanceId} does not validate: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return Object.fromEntries(levels.map((l) => [l.name, flattenInterview(l, instanceId, computed, true)]));
}

const SAMPLE_DESIGN: SampleDesign = {
  title: 'DotM two-phase: EAs by PPS within regions, listing (screening), then households by screening status',
  stages: [
    { unit: 'enumeration area', id: 'ea', strata: 'region', method: 'pps', size: 'households', sampleSize: 80, allocation: 'proportional' },
    { unit: 'household', id: 'hh', cluster: 'ea', method: 'srs', by: 'screened', quotas: { migrant: 10, 'non-migrant': 6 } },
  ],
};

/** The synthetic dataset: levels' rows, design.json and codebook, from a seed. */
export function syntheticDotm(seed = 20261123, eaCount = 160, round: SyntheticRound = { round: 1 }) {
  const year = roundYear(round);
  const pop = population(seed, eaCount, round.round, year);
  const frame = tableFromRecords(pop.eas);
  // The sample's seed: round 1's (the same first stage: PSUs common to both rounds) or a new one.
  const sampleSeed = round.round === 1 || round.sharedPsus ? seed : seed + round.round;
  const firstStage = selectSample({ ...SAMPLE_DESIGN, stages: [SAMPLE_DESIGN.stages[0]] }, frame, sampleSeed);
  const selected = new Set(firstStage.rows.map((r) => r.ea as string));
  const listed = pop.households.filter((h) => selected.has(h.ea));
  const listing = tableFromRecords(listed.map((h) => ({ hh: h.id, ea: h.ea, screened: h.screened })));
  const sample = selectSample(SAMPLE_DESIGN, frame, sampleSeed, listing);
  const byId = new Map(pop.households.map((h) => [h.id, h]));
  // Fieldwork: about 8% of households do not respond (more among migrant households, often away).
  const rand = mulberry32((seed ^ 0x2f6b) + (round.round - 1));
  const cases: Row[] = sample.rows.map((r) => ({ ...r, disposition: rand() < (r.screened === 'migrant' ? 0.1 : 0.06) ? 'nonrespondent' : 'respondent' }));
  const caseTable = tableFromRecords(cases);
  const designWeights = Float64Array.from(cases, (c) => c.design_weight as number);
  const regionTotals = new Map(REGIONS.map((r) => [r, pop.households.filter((h) => h.region === r).length]));
  const { weights, report } = computeWeights(caseTable, designWeights, {
    nonresponse: { disposition: 'disposition', classes: ['region', 'screened'] },
    poststratify: { variable: 'region', totals: regionTotals },
  });
  const q = compileQuestionnaire(dotmHousehold(SETTINGS));
  const qLevels = levelsOf(q);
  const levels: Record<string, Row[]> = Object.fromEntries(qLevels.map((l) => [l.name, [] as Row[]]));
  cases.forEach((c, i) => {
    if (c.disposition !== 'respondent') return;
    const hh = byId.get(c.hh as string)!;
    const rows = interviewRows(q, qLevels, hh);
    // The sample's case data: the design columns and the listing's screening status.
    Object.assign(rows.household[0], {
      region: hh.region,
      urban: hh.urban,
      ea: hh.ea,
      screened: hh.screened,
      design_weight: designWeights[i],
      weight: weights[i],
    });
    for (const l of qLevels) levels[l.name].push(...rows[l.name]);
  });
  const design: DatasetDesign = {
    format: 'mdsurvey-dataset/1',
    title: `Synthetic DotM survey${round.round > 1 || year !== 2026 ? ` round ${round.round} (${year}${round.sharedPsus ? ', same EAs' : ''})` : ''} (seed ${seed}): ${levels.household.length} households in ${selected.size} EAs`,
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
    settings: { ...q.settings } as Record<string, string | number>,
    money: { localCurrency: SETTINGS.local_currency, priceBasis: `current prices, June ${year}`, exchangeRates: 'exchange-rates.csv', dateColumn: 'start' },
    provenance: {
      generator: 'examples/dotm/synthetic-dataset.ts',
      seed,
      ...(round.round > 1 ? { round: round.round } : {}),
      weighting: report.steps.map((s) => s.step),
    },
  };
  return { levels, design, codebook: syntheticCodebook(q), exchangeRates: exchangeRatesFor(year), population: pop };
}

/** The codebook: the DotM questionnaire's (identifiers flagged), and the design columns. */
export function syntheticCodebook(q: CompiledQuestionnaire = compileQuestionnaire(dotmHousehold(SETTINGS))): CodebookEntry[] {
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
    ...codebookOf(q),
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
    console.error('usage: npx tsx examples/dotm/synthetic-dataset.ts OUTDIR [--seed N] [--eas N] [--round 2 [--shared-psus]]');
    process.exit(2);
  }
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const data = syntheticDotm(arg('--seed'), arg('--eas'), {
    round: arg('--round') ?? 1,
    sharedPsus: process.argv.includes('--shared-psus'),
    year: arg('--year'),
  });
  writeDataset(out, data.design, { variables: data.codebook, languages: ['en', 'fr', 'es'] }, data.levels, data.exchangeRates);
  console.log(`${data.design.title} -> ${out}`);
}
