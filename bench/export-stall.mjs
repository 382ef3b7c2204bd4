// Does a large export hold up other requests? (issue 14: "dataset.zip and indicators of 20,000
// households stall the server 5-9 s and add ~1 GB".) Starts the built server on a fresh PostgreSQL
// database, stores N approved DotM households on 200 sample cases, then, while /api/v1/health is polled
// every 50 ms, downloads dataset.zip and the indicators as an analyst. Prints each download's time, the
// health latencies during it, and the server's peak resident memory (VmHWM).
//   node bench/export-stall.mjs [--households 20000] [--url postgres://postgres@127.0.0.1:5432/postgres]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { arg, startBenchServer } from './bench-server.mjs';

const adminUrl = arg('--url', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const households = Number(arg('--households', 20000));
const bench = await startBenchServer(adminUrl);
const { url, call, adminToken } = bench;
// (after the server start, which builds dist/ when needed)
const { household } = await import('./dotm-household.mjs');
try {
  const enumId = (await call('POST', '/users', { username: 'loader', password: 'bench-secret-pass-1', role: 'enumerator' }, adminToken)).body.user.id;
  await call('POST', '/users', { username: 'reader', password: 'bench-secret-pass-2', role: 'analyst' }, adminToken);
  const analyst = (await call('POST', '/auth/login', { username: 'reader', password: 'bench-secret-pass-2', token: true })).body.token;
  const settings = { design: { weights: 'w', strata: 'region', ids: ['ea'] }, caseFields: { region: 'region', ea: 'area' } };
  const surveyId = (await call('POST', '/surveys', { title: 'Stall', questionnaire: 'dotm-household', settings }, adminToken)).body.survey.id;
  await call('PATCH', `/surveys/${surveyId}`, { state: 'fieldwork' }, adminToken);
  const cases = Array.from({ length: 200 }, (_, k) => ({ enumeratorId: enumId, case: { region: `R${k % 4}`, ea: `EA${k}`, w: 50 + (k % 7) }, quota: 1000 }));
  const assignments = (await call('POST', `/surveys/${surveyId}/assignments`, { assignments: cases }, adminToken)).body.assignments;
  // The interviews go straight into the database (the ingestion benchmark measures the other way in).
  const answers = JSON.stringify(household());
  const db = new pg.Client({ connectionString: bench.databaseUrl });
  await db.connect();
  for (let done = 0; done < households; done += 1000) {
    const ids = Array.from({ length: Math.min(1000, households - done) }, () => randomUUID());
    await db.query(
      `INSERT INTO submissions (instance_id, interview_id, survey_id, questionnaire_version, assignment_id, enumerator_id, state, answers, content_hash)
       SELECT id, id, $1, '1.0.0', ($2::uuid[])[1 + (k % 200)], $3, 'hq_approved', $4::jsonb, 'bench' FROM unnest($5::uuid[]) WITH ORDINALITY AS t(id, k)`,
      [surveyId, assignments, enumId, answers, ids],
    );
  }
  await db.end();
  console.log(`${households} approved DotM households (6 members, 2 emigrants each) on 200 cases`);

  const timed = async (label, p) => {
    const health = [];
    let running = true;
    const poll = (async () => {
      while (running) {
        const t = performance.now();
        await fetch(`${url}/api/v1/health`).then((r) => r.arrayBuffer());
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1${p}`, { headers: { authorization: `Bearer ${analyst}` } });
    const bytes = (await res.arrayBuffer()).byteLength;
    const seconds = (performance.now() - t0) / 1000;
    running = false;
    await poll;
    health.sort((a, b) => a - b);
    const pct = (q) => health[Math.min(health.length - 1, Math.floor(health.length * q))].toFixed(0);
    console.log(
      `${label}: ${res.status}, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; /health during it (${health.length} polls): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${health.at(-1).toFixed(0)} ms`,
    );
  };
  await timed('dataset.zip', `/surveys/${surveyId}/export/dataset.zip`);
  await timed('indicators', `/surveys/${surveyId}/indicators?compare=hh_migration_status`);
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${bench.pid}/status`, 'utf8'))?.[1];
  console.log(`server peak resident memory: ${(Number(hwm) / 1024).toFixed(0)} MB`);
} finally {
  await bench.stop();
}
