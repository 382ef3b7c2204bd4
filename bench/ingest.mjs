// Ingestion benchmark (issue: server): validated DotM household submissions against PostgreSQL.
// Starts the built server on a fresh database, then (1) sends as fast as it can with 32 requests in
// flight for 10 s (throughput), and (2) sends at a fixed 300 requests/s for 10 s (latency p50/p99).
//   node bench/ingest.mjs [--url postgres://postgres@127.0.0.1:5432/postgres] [--seconds 10] [--workers 1] [--wrk-only] [--runs 1]
// --wrk-only: only (3), e.g. to watch where the CPU goes while wrk loads the server.
// --runs N: (3) N times on the same server, each printed, then the medians (throughput, p99, CPU per submission).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { arg, root, startBenchServer } from './bench-server.mjs';

const adminUrl = arg('--url', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const seconds = Number(arg('--seconds', 10));
const workers = Number(arg('--workers', 1));
const wrkOnly = process.argv.includes('--wrk-only');
const runs = Number(arg('--runs', 1));
const bench = await startBenchServer(adminUrl, {
  // BENCH_PROFILE=dir: a CPU profile of the server; BENCH_NODE_ARGS: more flags for its Node (experiments).
  nodeArgs: [
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROFILE] : []),
    ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
  ],
  serveArgs: workers > 1 ? ['--workers', String(workers)] : [],
});
const { url, call, adminToken } = bench;
// (after the server start, which builds dist/ when needed)
const { household } = await import('./dotm-household.mjs');
const loader = (await call('POST', '/users', { username: 'loader', password: 'bench-secret-pass-1', role: 'enumerator' }, adminToken)).body.user.id;
const token = (await call('POST', '/auth/login', { username: 'loader', password: 'bench-secret-pass-1', token: true })).body.token;
const surveyId = (await call('POST', '/surveys', { title: 'Load', questionnaire: 'dotm-household' }, adminToken)).body.survey.id;
await call('PATCH', `/surveys/${surveyId}`, { state: 'fieldwork' }, adminToken);
// An enumerator submits only to a survey in which they hold a case.
await call('POST', `/surveys/${surveyId}/assignments`, { assignments: [{ enumeratorId: loader, case: { ea: 'EA1' } }] }, adminToken);
const answers = household();
const bodyFor = () =>
  JSON.stringify({
    instanceId: randomUUID(),
    questionnaire: { id: 'dotm-household', version: '1.0.0' },
    answers,
    paradata: { start: '2026-01-01T10:00:00Z', end: '2026-01-01T11:02:00Z' },
  });
const post = async () => {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/surveys/${surveyId}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: bodyFor(),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`status ${res.status}`);
  return performance.now() - t0;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
console.log(`DotM household submission: ${bodyFor().length} bytes of JSON, validated by the engine, one transaction each`);
for (let i = 0; i < 200; i++) await post(); // warm-up

if (!wrkOnly) {
  // 1. Throughput: 32 in flight.
  let sent = 0;
  const end1 = performance.now() + seconds * 1000;
  const latencies1 = [];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (performance.now() < end1) {
        latencies1.push(await post());
        sent++;
      }
    }),
  );
  console.log(
    `throughput: ${(sent / seconds).toFixed(0)} submissions/s with 32 in flight (p50 ${pct(latencies1, 0.5).toFixed(1)} ms, p99 ${pct(latencies1, 0.99).toFixed(1)} ms)`,
  );

  // 2. Latency at a fixed arrival rate of 300/s (open loop: requests start on schedule, not when the last one ended).
  const rate = 300;
  const latencies2 = [];
  const start = performance.now();
  const inflight = [];
  for (let k = 0; k < rate * seconds; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post().then((ms) => latencies2.push(ms)));
  }
  await Promise.all(inflight);
  console.log(
    `at ${rate} submissions/s for ${seconds} s: p50 ${pct(latencies2, 0.5).toFixed(1)} ms, p99 ${pct(latencies2, 0.99).toFixed(1)} ms, max ${Math.max(...latencies2).toFixed(1)} ms`,
  );
}

// 3. With wrk (C, from Debian's packages), if installed: a load generator that leaves the CPU to the server.
if (spawnSync('which', ['wrk']).status === 0) {
  const bodyFile = path.join(root, 'bench', 'out', 'ingest-body.json');
  fs.mkdirSync(path.dirname(bodyFile), { recursive: true });
  fs.writeFileSync(bodyFile, bodyFor().replace(/"instanceId":"[^"]+"/, '"instanceId":"__ID__"'));
  const env = { ...process.env, BODY_FILE: bodyFile, TOKEN: token, SURVEY: surveyId };
  // Warm-up with wrk itself (not counted): the server's hot paths are compiled by the optimising
  // compiler only after some thousands of submissions; a census server runs for hours.
  spawnSync('wrk', ['-t2', '-c32', `-d${Math.min(5, seconds)}s`, '-s', path.join(root, 'bench', 'ingest-wrk.lua'), url], { env, encoding: 'utf8' });
  const results = [];
  for (let run = 0; run < runs; run++) {
    const before = cpuTicks();
    const r = spawnSync('wrk', ['-t2', '-c32', `-d${seconds}s`, '-s', path.join(root, 'bench', 'ingest-wrk.lua'), '--latency', url], { env, encoding: 'utf8' });
    const after = cpuTicks();
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
    const p99 = /99%\s+([\d.]+)(\w+)/.exec(r.stdout);
    const p99ms = p99 ? Number(p99[1]) * ({ us: 0.001, ms: 1, s: 1000 }[p99[2]] ?? NaN) : NaN;
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? '0';
    const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? NaN);
    const spent = before && after ? cpuBetween(before, after, bench.pid) : null;
    const cpu = spent ? { server: (1000 * spent.server) / requests, postgres: (1000 * spent.postgres) / requests } : null;
    results.push({ rps, p99ms, cpu });
    console.log(`wrk (2 threads, 32 connections, ${seconds} s): ${rps.toFixed(0)} submissions/s, p99 ${p99ms.toFixed(1)} ms, non-2xx responses ${non2xx}`);
    if (cpu) console.log(`  CPU per submission: server ${cpu.server.toFixed(2)} ms, PostgreSQL ${cpu.postgres.toFixed(2)} ms`);
  }
  if (runs > 1) {
    const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
    const cpus = results.filter((x) => x.cpu);
    console.log(
      `median of ${runs} wrk runs: ${median(results.map((x) => x.rps)).toFixed(0)} submissions/s, p99 ${median(results.map((x) => x.p99ms)).toFixed(1)} ms` +
        (cpus.length
          ? `, CPU per submission: server ${median(cpus.map((x) => x.cpu.server)).toFixed(2)} ms, PostgreSQL ${median(cpus.map((x) => x.cpu.postgres)).toFixed(2)} ms`
          : ''),
    );
  }
} else {
  console.log('wrk not installed (apt-get install wrk): skipped the low-overhead load generator');
}

await bench.stop();

/**
 * The processes of the machine with their CPU ticks so far (user + system); null where /proc is not
 * there (Linux only).
 */
function cpuTicks() {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const procs = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let text;
    try {
      text = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const close = text.lastIndexOf(')');
    const f = text.slice(close + 2).split(' ');
    procs.set(Number(d), { comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
  }
  return procs;
}

/**
 * CPU seconds spent between two cpuTicks() by the server process and its children (the --workers
 * processes), and by the PostgreSQL processes: process by process, so that one ending or starting
 * meanwhile (a backend, autovacuum) is not taken for time given back. A process that ended is not counted.
 */
function cpuBetween(before, after, serverPid) {
  const tick = 100; // USER_HZ on Linux
  let server = 0;
  let postgres = 0;
  for (const [pid, p] of after) {
    const spent = (p.ticks - (before.get(pid)?.ticks ?? 0)) / tick;
    if (pid === serverPid || p.ppid === serverPid) server += spent;
    else if (p.comm === 'postgres') postgres += spent;
  }
  return { server, postgres };
}
