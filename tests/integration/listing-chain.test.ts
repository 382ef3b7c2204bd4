// Phase 1 to phase 2 in one system (issue 15): the stand-alone listing and screening questionnaire is
// filled in each selected area, approved, exported by the server, and the export is what
// `mdsurvey sample select --listing` reads to draw migrant and non-migrant households by quota.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingOf } from '../helpers/listing.js';
import { startApi } from '../helpers/api.js';
import { runMdsurvey } from '../helpers/cli.js';
import { testDatabaseTargets } from '../helpers/databases.js';
import type { Database } from '../../server/db/index.js';

const EAS = [
  { ea: 'EA001', region: 'North', households: 24 },
  { ea: 'EA002', region: 'North', households: 30 },
  { ea: 'EA003', region: 'South', households: 18 },
];

describe.each(testDatabaseTargets())('listing, screening and the phase-2 draw on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-listing-'));

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    surveyId = (await api.as('stat').post('/surveys', { title: 'DotM listing', questionnaire: 'dotm-listing' })).body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    const cases = (
      await api.as('stat').post(`/surveys/${surveyId}/assignments`, {
        assignments: EAS.map((e) => ({ enumeratorId: api.users.enum.id, case: { ea: e.ea } })),
      })
    ).body.assignments as string[];
    for (const [i, e] of EAS.entries()) {
      const { instanceId, answers } = listingOf(e.ea, e.households, 100 + i);
      const r = await api.as('enum').post(`/surveys/${surveyId}/submissions`, {
        instanceId,
        questionnaire: { id: 'dotm-listing', version: '1.0.0' },
        answers,
        assignmentId: cases[i],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await api.as('sup').post(`/surveys/${surveyId}/submissions/${instanceId}/review`, { action: 'approve' })).status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  it("the listing level's export is the input of sample select --listing: households drawn by screening status and quota", async () => {
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/listing.csv`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const listed = parse(text, { columns: true }) as Record<string, string>[];
    expect(listed).toHaveLength(24 + 30 + 18);
    expect(Object.keys(listed[0])).toEqual(expect.arrayContaining(['ea', 'hh', 'screened']));
    expect(text).not.toContain('Head EA'); // the head's name stays in the restricted tier
    fs.writeFileSync(path.join(dir, 'listing.csv'), text);
    fs.writeFileSync(path.join(dir, 'frame.csv'), ['ea,region,households', ...EAS.map((e) => `${e.ea},${e.region},${e.households}`)].join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, 'design.json'),
      JSON.stringify({
        stages: [
          { unit: 'enumeration area', id: 'ea', method: 'srs', sampleSize: 3 },
          { unit: 'household', id: 'hh', cluster: 'ea', method: 'srs', by: 'screened', quotas: { migrant: 4, 'non-migrant': 3 } },
        ],
      }),
    );
    const r = await runMdsurvey([
      'sample',
      'select',
      '--design',
      path.join(dir, 'design.json'),
      '--frame',
      path.join(dir, 'frame.csv'),
      '--listing',
      path.join(dir, 'listing.csv'),
      '--seed',
      '7',
      '--out',
      path.join(dir, 'sample.csv'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const sample = parse(fs.readFileSync(path.join(dir, 'sample.csv')), { columns: true }) as Record<string, string>[];
    for (const e of EAS) {
      const mine = sample.filter((s) => s.ea === e.ea);
      const migrants = listed.filter((l) => l.ea === e.ea && l.screened === 'migrant').length;
      expect(mine.filter((s) => s.screened === 'migrant')).toHaveLength(Math.min(4, migrants));
      expect(mine.filter((s) => s.screened === 'non-migrant')).toHaveLength(Math.min(3, e.households - migrants));
      for (const s of mine) expect(listed.some((l) => l.ea === s.ea && l.hh === s.hh && l.screened === s.screened)).toBe(true);
    }
  }, 60_000);
});
