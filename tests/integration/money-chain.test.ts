// Money across the whole chain (issue 15): a statistician names the local currency in the questionnaire
// and uploads the survey's exchange-rate table; enumerators send remittances in cedis, dollars, pounds and
// euros; interviews are approved; the dataset export carries the table; indicators convert every amount
// before summing, refuse a missing rate by name, and state the unit of every money figure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi } from '../helpers/api.js';
import { interview, population, SETTINGS } from '../../examples/dotm/synthetic-dataset.js';
import { dotmHousehold } from '../../questionnaires/library/index.js';
import { readDataset } from '../../io/dataset-files.js';
import { computeIndicators, shippedCatalogue } from '../../analysis/index.js';
import type { Database } from '../../server/db/index.js';
import { recoverable } from '../helpers/leaks.js';
import { runMdsurvey } from '../helpers/cli.js';

const RATES_WITHOUT_EUR = `currency,period,to_local,to_usd
GHS,2026,1,0.0806
USD,2026,12.1,1
GBP,2026,15.6,1.27
`;
const RATES = `${RATES_WITHOUT_EUR}EUR,2026,13.4,1.09
`;
const RATE: Record<string, number> = { GHS: 1, USD: 12.1, GBP: 15.6, EUR: 13.4 };

describe.each(testDatabaseTargets())('money from the interview to the published figure on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-money-'));

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const settings = {
      design: { weights: 'w', strata: 'region', ids: ['ea'], lonelyPsu: 'adjust' },
      caseFields: { region: 'region', ea: 'area', w: 'design' },
      money: { priceBasis: 'current prices, June 2026' },
    };
    const r = await api.as('stat').post('/surveys', { title: 'DotM Ghana', questionnaire: dotmHousehold(SETTINGS), settings });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    surveyId = r.body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    // Households with emigrants (most of them receive remittances), from the synthetic population.
    const households = population(20261123, 40)
      .households.filter((h) => h.emigrants > 0)
      .slice(0, 36);
    const cases = (
      await api.as('stat').post(`/surveys/${surveyId}/assignments`, {
        assignments: households.map((h, i) => ({ enumeratorId: api.users.enum.id, case: { region: h.region, ea: h.ea, w: 50 + (i % 5) * 10 } })),
      })
    ).body.assignments as string[];
    for (let i = 0; i < households.length; i++) {
      const { instanceId, answers } = interview(households[i]);
      const doc = { instanceId, questionnaire: { id: 'dotm-household', version: '1.0.0' }, answers, assignmentId: cases[i] };
      const s = await api.as('enum').post(`/surveys/${surveyId}/submissions`, doc);
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      expect((await api.as('sup').post(`/surveys/${surveyId}/submissions/${instanceId}/review`, { action: 'approve' })).status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  it('refuses a bad exchange-rate file naming line and column, and changes nothing', async () => {
    const bad = await api.call(
      'PUT',
      `/surveys/${surveyId}/exchange-rates`,
      { csv: 'currency,period,to_local,to_usd\nUSD,2026,12.1,1\nGHS,2026,2,0.08\n' },
      api.users.stat.token,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('bad-exchange-rates');
    expect(bad.body.detail).toMatch(/line 3, column to_local: the local currency GHS converts to itself at 1/);
    expect((await api.as('stat').get(`/surveys/${surveyId}/exchange-rates`)).status).toBe(404);
    // An enumerator may not set rates.
    expect((await api.call('PUT', `/surveys/${surveyId}/exchange-rates`, { csv: RATES }, api.users.enum.token)).status).toBe(403);
  });

  it('refuses to compute with a missing rate, naming the currency and the period', async () => {
    expect((await api.call('PUT', `/surveys/${surveyId}/exchange-rates`, { csv: RATES_WITHOUT_EUR }, api.users.stat.token)).status).toBe(200);
    const r = await api.as('analyst').get(`/surveys/${surveyId}/indicators?compare=hh_migration_status`);
    expect(r.status).toBe(422);
    expect(r.body.detail).toMatch(/no exchange rate from EUR to GHS for 2026-06-15/);
  });

  it('converts every amount before summing: the published mean equals the hand-converted one, in GHS with its price basis', async () => {
    const put = await api.call('PUT', `/surveys/${surveyId}/exchange-rates`, { csv: RATES }, api.users.stat.token);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ localCurrency: 'GHS', rates: 4, currencies: ['EUR', 'GBP', 'GHS', 'USD'] });
    expect((await api.as('analyst').get(`/surveys/${surveyId}/exchange-rates`)).body).toBe(RATES);
    const r = await api.as('analyst').get(`/surveys/${surveyId}/indicators`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const mean = r.body.rows.find((x: { id: string; group: string }) => x.id === 'rem_mean_amount' && x.group === 'all');
    expect(mean.moneyUnit).toBe('GHS, current prices, June 2026');
    expect(r.body.rows.find((x: { id: string }) => x.id === 'rem_share_consumption').moneyUnit).toBeNull();

    // The analyst's dataset: the table travels with it, and design.json says the unit.
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const design = JSON.parse(await zip.file('design.json')!.async('string'));
    expect(design.money).toEqual({ localCurrency: 'GHS', priceBasis: 'current prices, June 2026', exchangeRates: 'exchange-rates.csv', dateColumn: 'start' });
    expect(await zip.file('exchange-rates.csv')!.async('string')).toBe(RATES);

    // By hand from the exported CSVs: each amount times its own rate, summed per household, weighted mean over receiving households.
    const csv = async (name: string) => parse(await zip.file(name)!.async('string'), { columns: true }) as Record<string, string>[];
    const [hh, em, os] = [await csv('household.csv'), await csv('emigrants.csv'), await csv('other_senders.csv')];
    const total = new Map<string, number>();
    let currencies = new Set<string>();
    for (const e of em)
      if (e.rr_cash === '1') {
        total.set(e.interview_id, (total.get(e.interview_id) ?? 0) + Number(e.rr_amount) * RATE[e.rr_amount_currency]);
        currencies.add(e.rr_amount_currency);
      }
    for (const o of os) total.set(o.interview_id, (total.get(o.interview_id) ?? 0) + Number(o.os_amount) * RATE[o.os_amount_currency]);
    currencies = new Set([...currencies, ...os.map((o) => o.os_amount_currency)]);
    expect(currencies.size).toBeGreaterThanOrEqual(3); // the chain is exercised with several currencies
    const receiving = hh.filter((h) => h.hh_remit_receiving === '1');
    const num = receiving.reduce((a, h) => a + Number(h.w) * (total.get(h.interview_id) ?? 0), 0);
    const den = receiving.reduce((a, h) => a + Number(h.w), 0);
    expect(Math.abs(mean.estimate - num / den) / (num / den)).toBeLessThan(1e-12);

    // Over HTTP too, no suppressed group can be worked out from what is served (tests/helpers/leaks.ts).
    const byStatus = await api.as('analyst').get(`/surveys/${surveyId}/indicators?compare=hh_migration_status`);
    expect(byStatus.status).toBe(200);
    type Served = {
      id: string;
      category: string | null;
      group: string;
      statistic: string;
      estimate: number | null;
      weightedN: number | null;
      difference: { estimate: number } | null;
      flags: string[];
    };
    const served = byStatus.body.rows as Served[];
    const key = (x: Served) => `${x.id}:${x.category ?? ''}`;
    const suppressedRows = new Set(served.filter((x) => x.flags.includes('suppressed')).map((x) => `${key(x)}|${x.group}`));
    expect(suppressedRows.size).toBeGreaterThan(0);
    const found = recoverable(
      served.map((x) => ({
        key: key(x),
        group: x.group,
        statistic: x.statistic,
        estimate: x.estimate,
        difference: x.difference?.estimate ?? null,
        weightedN: x.weightedN,
      })),
    );
    expect([...found.keys()].filter((k) => suppressedRows.has(k))).toEqual([]);

    // The same file read back by the CLI's reader gives the same figure.
    const file = path.join(work, 'dataset.zip');
    fs.writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer' }));
    const local = computeIndicators(await readDataset(file), shippedCatalogue(), { only: ['rem_mean_amount'] });
    expect(local.rows[0].estimate).toBeCloseTo(mean.estimate, 9);
  }, 60_000);

  it('serves a design-based regression to the analyst equal to the CLI on the analyst dataset, refusing identifiers and small categories', async () => {
    const body = { formula: 'hh_size ~ f_account + n_emigrants', family: 'linear', tests: [['f_account']] };
    const r = await api.call('POST', `/surveys/${surveyId}/regress`, body, api.users.analyst.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.coefficients.map((c: { term: string }) => c.term)).toEqual(['(Intercept)', 'f_account', 'n_emigrants']);
    // The same model by the CLI on the analyst's dataset.zip.
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    const file = path.join(work, 'regress.zip');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const cli = await runMdsurvey(['regress', file, '--formula', body.formula, '--test', 'f_account']);
    expect(cli.code, cli.stderr).toBe(0);
    const local = JSON.parse(cli.stdout);
    r.body.coefficients.forEach((c: { estimate: number; se: number }, k: number) => {
      expect(Math.abs(c.estimate - local.coefficients[k].estimate)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.estimate)));
      expect(Math.abs(c.se - local.coefficients[k].se)).toBeLessThanOrEqual(1e-12 * Math.max(1, c.se));
    });
    expect(r.body.tests[0].p).toBeCloseTo(local.tests[0].p, 12);
    // An identifier cannot enter a model; a category with fewer than 25 households is not published.
    const named = await api.call('POST', `/surveys/${surveyId}/regress`, { formula: 'hh_size ~ g_respondent_name' }, api.users.analyst.token);
    expect(named.status).toBe(422);
    expect(named.body.code).toBe('not-an-analysis-variable');
    const small = await api.call('POST', `/surveys/${surveyId}/regress`, { formula: 'hh_size ~ region' }, api.users.analyst.token);
    expect(small.status).toBe(422);
    expect(small.body.detail).toMatch(/category "[^"]+" of "region" has \d+ cases among the rows fitted, fewer than 25/);
    const bad = await api.call('POST', `/surveys/${surveyId}/regress`, { formula: 'hh_size ~ ~' }, api.users.analyst.token);
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toMatch(/one "~"/);
    expect((await api.call('POST', `/surveys/${surveyId}/regress`, { formula: 'hh_size ~ 1', extra: 1 }, api.users.analyst.token)).status).toBe(422);
  }, 60_000);

  it('serves weighted tables and the indicators workbook to the analyst as the CLI computes them, nothing withheld included', async () => {
    const r = await api.as('analyst').get(`/surveys/${surveyId}/tables?rows=hh_migration_status&cols=region&language=fr`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    const file = path.join(work, 'tables.zip');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const cli = await runMdsurvey(['tabulate', file, '--rows', 'hh_migration_status', '--cols', 'region', '--language', 'fr']);
    expect(cli.code, cli.stderr).toBe(0);
    const local = JSON.parse(cli.stdout);
    expect(r.body.tables[0].cells.map((c: { count: { estimate: number } | null }) => c.count?.estimate ?? null)).toEqual(
      local.tables[0].cells.map((c: { count: { estimate: number } | null }) => c.count?.estimate ?? null),
    );
    const hidden = r.body.tables[0].cells.filter((c: { status: string }) => c.status === 'suppressed' || c.status === 'complementary');
    for (const c of hidden) expect([c.n, c.count, c.percent]).toEqual([null, null, null]);
    // Identifiers make no table; the workbook of the indicators is served.
    const named = await api.as('analyst').get(`/surveys/${surveyId}/tables?rows=g_respondent_name&cols=region`);
    expect(named.status).toBe(422);
    const xlsx = await fetch(`${api.url}/api/v1/surveys/${surveyId}/indicators?format=xlsx`, {
      headers: { authorization: `Bearer ${api.users.analyst.token}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
  }, 60_000);
});
