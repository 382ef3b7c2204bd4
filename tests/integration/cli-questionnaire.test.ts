import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/reference.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcli-'));
const household = path.join(FIXTURES, 'questionnaires', 'household.json');

describe('mdsurvey questionnaire', () => {
  it('validate: exit 0 with a summary', async () => {
    const r = await runMdsurvey(['questionnaire', 'validate', household]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid questionnaire test-household version 1 \(\d+ questions, 4 rosters/);
  });
  it('validate: every problem and exit 2', async () => {
    const bad = path.join(dir, 'bad.json');
    const q = JSON.parse(fs.readFileSync(household, 'utf8'));
    q.items.push({ kind: 'calculate', name: 'x', calculation: '${nope}' }, { kind: 'question', name: 'region', type: 'text', label: 'dup' });
    fs.writeFileSync(bad, JSON.stringify(q));
    const r = await runMdsurvey(['questionnaire', 'validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/2 problems/);
    expect(r.stderr).toMatch(/x: calculation refers to unknown question \$\{nope\}/);
    expect(r.stderr).toMatch(/region: duplicate name/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
  it.each([
    ['{"id": ', /is not valid JSON/],
    ['[1, 2]', /problem/],
  ])('validate: malformed input %j exits 2', async (content, message) => {
    const f = path.join(dir, `m${Math.random()}.json`);
    fs.writeFileSync(f, content);
    const r = await runMdsurvey(['questionnaire', 'validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  it('import-xlsform and export-xlsform round-trip a pyxform workbook', async () => {
    const json = path.join(dir, 'cf.json');
    const xlsx = path.join(dir, 'cf.xlsx');
    const json2 = path.join(dir, 'cf2.json');
    expect((await runMdsurvey(['questionnaire', 'import-xlsform', path.join(FIXTURES, 'xlsform', 'choice_filter_test.xlsx'), '--out', json])).code).toBe(0);
    expect((await runMdsurvey(['questionnaire', 'export-xlsform', json, '--out', xlsx])).code).toBe(0);
    expect((await runMdsurvey(['questionnaire', 'import-xlsform', xlsx, '--out', json2])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(json2, 'utf8'))).toEqual(JSON.parse(fs.readFileSync(json, 'utf8')));
  });
  it('import-xlsform: an unsupported feature exits 2 with the row', async () => {
    const r = await runMdsurvey([
      'questionnaire',
      'import-xlsform',
      path.join(FIXTURES, 'xlsform', 'case_insensitivity.xlsx'),
      '--out',
      path.join(dir, 'x.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('mdsurvey: survey row 4: question type "osm c1" (OpenStreetMap question) is not supported');
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
  });
});

describe('the questionnaire library on the command line', () => {
  it('list shows the modules with ids and versions', async () => {
    const r = await runMdsurvey(['questionnaire', 'list']);
    expect(r.code).toBe(0);
    for (const id of ['dotm-household', 'dotm-m2-emigrants', 'dotm-m13-gender', 'census-addon', 'lfs-migration'])
      expect(r.stdout).toMatch(new RegExp(`${id}\\s+1\\.0\\.0`));
  });
  it('compose adds modules to a host file through a mapping; a missing mapping exits 2', async () => {
    const host = path.join(dir, 'lfs.json');
    expect((await runMdsurvey(['questionnaire', 'validate', 'example-lfs-core'])).code).toBe(0);
    fs.writeFileSync(host, JSON.stringify((await import('../../questionnaires/index.js')).exampleLfsHost));
    const out = path.join(dir, 'composed.json');
    const ok = await runMdsurvey([
      'questionnaire',
      'compose',
      '--host',
      host,
      '--add',
      'lfs-migration',
      '--add',
      'census-addon',
      '--map',
      'members=persons,name=q_name,sex=q_sex,age=q_age,relation=q_rel',
      '--out',
      out,
    ]);
    expect(ok.code).toBe(0);
    expect((await runMdsurvey(['questionnaire', 'validate', out])).code).toBe(0);
    const bad = await runMdsurvey(['questionnaire', 'compose', '--host', host, '--add', 'lfs-migration', '--out', path.join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/needs "members" from its host/);
  });
  it('compose --set names the host country and local currency of a library questionnaire; a bad code exits 2 naming the setting', async () => {
    const out = path.join(dir, 'ghana.json');
    const r = await runMdsurvey([
      'questionnaire',
      'compose',
      '--host',
      'dotm-household',
      '--set',
      'host_country=GHA',
      '--set',
      'local_currency=GHS',
      '--set',
      'abroad_months=12',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const q = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(q.id).toBe('dotm-household');
    expect(q.settings).toMatchObject({ host_country: 'GHA', local_currency: 'GHS', abroad_months: 12 });
    const bad = await runMdsurvey([
      'questionnaire',
      'compose',
      '--host',
      'dotm-household',
      '--set',
      'local_currency=CEDI',
      '--out',
      path.join(dir, 'bad2.json'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/local_currency: "CEDI" is not an ISO 4217 currency code/);
    expect(fs.existsSync(path.join(dir, 'bad2.json'))).toBe(false);
  });

  it('export-library writes JSON and XLSForm for every module', async () => {
    const out = path.join(dir, 'library');
    const r = await runMdsurvey(['questionnaire', 'export-library', out]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(out, 'dotm-household.xlsx'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'lfs-migration.json'))).toBe(true);
    const back = await runMdsurvey([
      'questionnaire',
      'import-xlsform',
      path.join(out, 'dotm-m3-remittances-received.xlsx'),
      '--out',
      path.join(dir, 'm3.json'),
    ]);
    expect(back.code).toBe(0);
  });
});
