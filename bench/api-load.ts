// `npm run bench`: how the running service copes with the OPAC's load, measured end to end on this
// machine — rerun it after a change instead of trusting a guess. It starts the real `npm start` on a
// throwaway data folder (its own PostgreSQL; Temporal: LENDING_TEMPORAL, default auto — the CLI's dev
// server when it can be had, else the Java server) — or, with BENCH_ROLES=split, the production shape:
// the API and the worker as two processes (see below) — first measures bare Temporal on that same server
// (bench/bare-temporal.ts), registers patrons through the staff API, then places reservations from many
// OPAC clients at once, reads the staff list, cancels them, places them again at a fixed offered rate,
// and prints one JSON summary on stdout:
//
//   roles        'all' or 'split' (BENCH_ROLES)
//   startup      how long until /readyz answered 200 (split: from the servers' start until both
//                processes answered), and the stop after SIGTERM
//   baseline     bare Temporal at the same concurrency: workflows started per second (a workflow that
//                waits for a signal, one worker) and signals per second, with their latencies
//   reserve      POST /opac/patrons/{card}/reservations: count, refusals by status and rule, throughput,
//                latency percentiles (closed loop: BENCH_CONCURRENCY requests in flight)
//   cancel       POST …/reservations/{id}/cancel of each of them (the workflow is told by signal)
//   openLoop     reservations sent at a fixed offered rate (BENCH_OPEN_RATE per second, default half the
//                bare start rate, for BENCH_OPEN_SECONDS, default 10) whatever the answers: latency p50/p99
//   ratio        reserve ÷ baseline.startPerSecond, cancel ÷ baseline.signalPerSecond
//   staffList    GET /staff/reservations (page of 20, filtered by card): latency percentiles
//   server       the service's own view from /metrics (request counts by status)
//   profile      with BENCH_PROFILE=1 only (bench/profile.ts): per operation of the baseline, reserve and
//                cancel phases, CPU ms by process tree and PostgreSQL's statements (pg_stat_statements),
//                a reservation's workflow history by event type, and the service's --cpu-prof by package
//                and function. The profiling costs time itself: compare ratios of runs without it.
//
// Options (environment): BENCH_PATRONS (default 50), BENCH_RESERVATIONS_PER_PATRON (1–4, default 4:
// the demo catalogue has four reservable titles, so every title is busy — the title's row lock, R-ITEM-3
// and the queue are part of what is measured), BENCH_CONCURRENCY (default 10), BENCH_BARE_WORKFLOWS
// (default 200), BENCH_OPEN_RATE, BENCH_OPEN_SECONDS, LENDING_TEMPORAL (java|dev|auto; default auto), BENCH_PROFILE,
// BENCH_ROLES:
//   all          (default, the figures in README compare with it) one `npm start`, SERVICE_ROLE=all: the
//                HTTP API, the workflow starter and the Temporal worker on one Node.js main thread
//   split        the bench starts what `npm start` would start, in the same throwaway data folder — the
//                Temporal server LENDING_TEMPORAL chooses, a PostgreSQL, a mail stand-in — prepares the
//                database as the compose stack does (`npm run db:prepare`: migrations, reference data)
//                and seeds the demo data as `npm start` does, then runs one SERVICE_ROLE=worker and one
//                SERVICE_ROLE=api process (docker-compose.yml's shape). The same phases, the bare
//                baseline on the same server; with BENCH_PROFILE=1 "service" is both processes' CPU.
// Nothing here asserts a time: test/bench/api-load.test.ts only checks that it runs and reports.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { openDb } from '../src/db/client';
import { seedDemoData } from '../src/db/demo-data';
import { freeLoopbackPort, parsePostgresSettings, startLocalPostgres, withDatabase } from '../src/infra/local-postgres';
import { parseTemporalMode, startLocalTemporal } from '../src/infra/local-temporal';
import { MailSink } from '../src/infra/mail-sink';
import { killAtExit } from '../src/infra/managed-process';
import { reservationWorkflowId } from '../src/workflows/reservation-messages';
import { measureBareTemporal, type Baseline } from './bare-temporal';
import { runPrepare } from './chaos';
import { cpuProfileSummary, historyShape, PhaseProfiler, type PhaseCost } from './profile';
import {
  callApi,
  instanceRecord,
  killRecordedServers,
  killService,
  percentiles,
  pool,
  serviceEnv,
  startService,
  stopService,
  waitReady,
  type ApiAnswer,
} from './service-process';

const OPAC = `opac-bench-${'k'.repeat(24)}`;
const STAFF = `staff-bench-${'k'.repeat(24)}`;
/** The demo catalogue's reservable titles (T005 is reference only, T006 a magazine: refused by design). */
/** Start-up limit; the smoke test's own time limit is longer, so a failure still cleans up (finally). */
export const READY_WITHIN_MS = 120_000;

const DEMO_TITLES = ['DEMO-T001', 'DEMO-T002', 'DEMO-T003', 'DEMO-T004'];

const int = (source: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const v = source[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number ${min}–${max}, got "${v}"`);
  return n;
};

export interface Phase {
  requests: number;
  /** Answered 201 (reserve) or 200 (cancel). */
  succeeded: number;
  errors: Record<string, number>;
  concurrency: number;
  wallMs: number;
  perSecond: number;
  latencyMs: ReturnType<typeof percentiles>;
}

export interface BenchSummary {
  /** BENCH_ROLES: one `npm start` (all), or SERVICE_ROLE=api and SERVICE_ROLE=worker as two processes (split). */
  roles: 'all' | 'split';
  machine: { cpus: number; node: string; temporal: string };
  startup: { readyMs: number; stopMs: number; exitCode: number | null };
  baseline: Baseline;
  reserve: Phase & { created: number };
  cancel: Phase;
  openLoop: {
    offeredPerSecond: number;
    seconds: number;
    requests: number;
    succeeded: number;
    errors: Record<string, number>;
    latencyMs: ReturnType<typeof percentiles>;
  };
  ratio: { reserve: number; cancel: number };
  staffList: { requests: number; latencyMs: ReturnType<typeof percentiles> };
  server: { requestsByStatus: Record<string, number> };
  profile?: {
    baseline: PhaseCost;
    reserve: PhaseCost;
    cancel: PhaseCost;
    /** A reservation's workflow history (placed, secured or queued, cancelled): mean events by type. */
    reservationHistory: Record<string, number>;
    /** The service's own CPU profile (all its threads), by package and function. */
    serviceCpu: ReturnType<typeof cpuProfileSummary>;
  };
}

/** `options`: the BENCH_* variables (and LENDING_TEMPORAL) given directly; default process.env. */
export async function runBench(options: NodeJS.ProcessEnv = process.env): Promise<BenchSummary> {
  const patrons = int(options, 'BENCH_PATRONS', 50, 1, 1000);
  const perPatron = int(options, 'BENCH_RESERVATIONS_PER_PATRON', 4, 1, DEMO_TITLES.length);
  const concurrency = int(options, 'BENCH_CONCURRENCY', 10, 1, 200);
  const bareWorkflows = int(options, 'BENCH_BARE_WORKFLOWS', 200, 1, 100_000);
  const openSeconds = int(options, 'BENCH_OPEN_SECONDS', 10, 1, 3_600);
  const temporal = options.LENDING_TEMPORAL || 'auto';
  const roles = options.BENCH_ROLES || 'all';
  if (roles !== 'all' && roles !== 'split') throw new Error(`BENCH_ROLES must be all or split, got "${roles}"`);
  const profiling = options.BENCH_PROFILE === '1';
  const dataDir = mkdtempSync(join(tmpdir(), 'lending-bench-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when this runs as root
  const cpuDir = join(dataDir, 'cpu');
  const setup: Setup = {
    dataDir: join(dataDir, 'data'),
    temporal,
    common: {
      API_HOST: '127.0.0.1',
      API_KEYS: `opac-bench:opac:${OPAC},staff-bench:staff:${STAFF}`,
      LOG_LEVEL: 'warn',
      // The workflows ask for their copies during the run: the worker works while the API is loaded.
      RESERVATION_SECURITY_DELAY_SECONDS: '1',
    },
    postgresSettings: profiling ? 'shared_preload_libraries=pg_stat_statements pg_stat_statements.track=all' : undefined,
    nodeArgs: profiling ? ['--cpu-prof', `--cpu-prof-dir=${cpuDir}`] : [],
  };
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const service = await (roles === 'split' ? startSplit : startAll)(setup, cleanups);
    const { api, readyMs, where } = service;
    const profiler = profiling ? await PhaseProfiler.connect(where.database, service.trees) : undefined;
    const measured = async <T>(operations: (r: T) => number, phase: () => Promise<T>): Promise<{ result: T; cost?: PhaseCost }> =>
      profiler ? profiler.measure(operations, phase) : { result: await phase() };
    const bare = await measured(
      (b) => b.workflows,
      () => measureBareTemporal({ address: where.temporal, namespace: where.namespace, workflows: bareWorkflows, concurrency }),
    );
    const baseline = bare.result;
    const call = (method: string, path: string, key: string, body?: unknown, token?: string) =>
      callApi(api, method, path, key, body, token ? { headers: { 'x-patron-token': token } } : {});

    // Patrons as the library registers them: temporary password, login, changed, e-mail (R-ACCOUNT-1);
    // the OPAC keeps each patron's token (X-Patron-Token) for that patron's calls.
    const cards = Array.from({ length: patrons }, (_, i) => `BENCH-${String(i + 1).padStart(4, '0')}`);
    const tokens = new Map<string, string>();
    await pool(
      cards.map((card) => async () => {
        const made = await call('POST', '/staff/patrons', STAFF, { cardNumber: card, name: `ベンチ ${card}` });
        if (made.status !== 201) throw new Error(`registering ${card}: ${made.status} ${JSON.stringify(made.body)}`);
        const login = await call('POST', '/opac/login', OPAC, { cardNumber: card, password: made.body.temporaryPassword });
        const pw = await call(
          'PUT',
          `/opac/patrons/${card}/password`,
          OPAC,
          { currentPassword: made.body.temporaryPassword, newPassword: 'bench2026pw' },
          String(login.body.patronToken),
        );
        const token = String(pw.body.patronToken); // the change revokes the login's token and hands a new one
        const mail = await call('PUT', `/opac/patrons/${card}/email`, OPAC, { email: `${card.toLowerCase()}@example.com` }, token);
        if (login.status !== 200 || pw.status !== 200 || mail.status !== 200)
          throw new Error(`preparing ${card}: login ${login.status}, password ${pw.status}, e-mail ${mail.status}`);
        tokens.set(card, token);
      }),
      concurrency,
    );

    // The load: every patron reserves `perPatron` demo titles, spread over the titles — in rounds, every
    // patron's first title, then every patron's second…: many patrons at once, each one request at a
    // time, as at the OPAC (issue 14: a patron's four requests at once only queued on that patron's row
    // lock — R-LIMIT-1 under concurrent requests is test/api/concurrency.test.ts's, not a load).
    const requests = DEMO_TITLES.slice(0, perPatron).flatMap((_, j) =>
      cards.map((card, i) => ({ card, titleId: DEMO_TITLES[(i + j) % DEMO_TITLES.length]! })),
    );
    const reserveOne = (r: { card: string; titleId: string }) =>
      call('POST', `/opac/patrons/${r.card}/reservations`, OPAC, { titleId: r.titleId, pickup: 'pref' }, tokens.get(r.card));
    const reserving = await measured(
      (r) => r.phase.succeeded,
      () =>
        closedLoop(
          requests.map((r) => () => reserveOne(r)),
          concurrency,
          201,
        ),
    );
    const reserved = reserving.result;
    const placed = reserved.answers.map((a, i) => ({ ...requests[i]!, id: a.status === 201 ? String(a.body.reservationId) : undefined }));

    const lists = await pool(
      cards.slice(0, Math.min(cards.length, 50)).map((card) => () => call('GET', `/staff/reservations?cardNumber=${card}`, STAFF)),
      concurrency,
    );

    // Cancel each (R-CANCEL-1: 確保待ち; the API records it and signals the workflow), then place them
    // again at a fixed offered rate — an open loop: each request leaves on time, answered or not.
    const mine = placed.filter((p): p is typeof p & { id: string } => p.id !== undefined);
    const cancelling = await measured(
      (r) => r.phase.succeeded,
      () =>
        closedLoop(
          mine.map((p) => () => call('POST', `/opac/patrons/${p.card}/reservations/${p.id}/cancel`, OPAC, {}, tokens.get(p.card))),
          concurrency,
          200,
        ),
    );
    const cancelled = cancelling.result;
    const reservationHistory = profiler
      ? await histories(
          where.temporal,
          where.namespace,
          mine.slice(0, 20).map((p) => p.id),
        )
      : undefined;
    const offered = int(options, 'BENCH_OPEN_RATE', Math.max(1, Math.round(baseline.startPerSecond / 2)), 1, 10_000);
    const open = await openLoop(
      requests.slice(0, offered * openSeconds).map((r) => () => reserveOne(r)),
      offered,
    );

    const metrics = await (await fetch(`${api}/metrics`)).text();
    const requestsByStatus: Record<string, number> = {};
    for (const m of metrics.matchAll(/^http_requests_total\{.*status="(\d+)"\} (\d+)$/gm))
      requestsByStatus[m[1]!] = (requestsByStatus[m[1]!] ?? 0) + Number(m[2]);

    await profiler?.close();
    const stopped = await service.stop();
    if (typeof stopped.exit !== 'number') throw new Error(`no exit within 60 s of SIGTERM (${stopped.exit})`);
    return {
      roles,
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, temporal },
      startup: { readyMs, stopMs: stopped.ms, exitCode: stopped.exit },
      baseline,
      reserve: { ...reserved.phase, created: reserved.phase.succeeded },
      cancel: cancelled.phase,
      openLoop: { offeredPerSecond: offered, seconds: Math.round((open.requests / offered) * 10) / 10, ...open },
      ratio: {
        reserve: Math.round((reserved.phase.perSecond / baseline.startPerSecond) * 100) / 100,
        cancel: Math.round((cancelled.phase.perSecond / baseline.signalPerSecond) * 100) / 100,
      },
      staffList: { requests: lists.length, latencyMs: percentiles(lists.map((l) => l.ms)) },
      server: { requestsByStatus },
      ...(profiler
        ? {
            profile: {
              baseline: bare.cost!,
              reserve: reserving.cost!,
              cancel: cancelling.cost!,
              reservationHistory: reservationHistory!,
              serviceCpu: cpuProfileSummary(serviceProfiles(cpuDir, service.pids)),
            },
          }
        : {}),
    };
  } finally {
    // Whatever was started, newest first (after a clean stop there is nothing left to stop), before
    // the data folder goes.
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => process.stderr.write(`bench clean-up: ${String(err)}\n`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** How the service is run (BENCH_ROLES), and what both ways share. */
interface Setup {
  /** The throwaway data folder (npm start's LENDING_DATA_DIR; split: the servers' folders in it). */
  dataDir: string;
  temporal: string;
  /** The service's settings either way (API keys, log level, the security delay). */
  common: NodeJS.ProcessEnv;
  /** PostgreSQL's extra settings (LENDING_POSTGRES_SETTINGS' syntax), for BENCH_PROFILE. */
  postgresSettings?: string;
  /** For each service process (--cpu-prof). */
  nodeArgs: string[];
}

/** The service, started and ready. */
interface Running {
  api: string;
  /** From the first start until /readyz answered 200 (split: both processes, after the servers and db:prepare). */
  readyMs: number;
  where: { database: string; temporal: string; namespace: string };
  /** The service's own Node.js processes. */
  pids: number[];
  /** The process trees the profiler reads (the service's, and with split the servers the bench runs). */
  trees: number[];
  /** SIGTERM as an operator stops it, and everything it runs; the worst exit code and the time. */
  stop(): Promise<{ exit: number | string; ms: number }>;
}

/** BENCH_ROLES=all: one `npm start` on the data folder, which starts its servers and prepares the database itself. */
async function startAll(s: Setup, cleanups: (() => Promise<unknown>)[]): Promise<Running> {
  const port = await freeLoopbackPort();
  const env = serviceEnv({
    ...s.common,
    LENDING_TEMPORAL: s.temporal,
    LENDING_DATA_DIR: s.dataDir,
    LENDING_DEMO_DATA: '1',
    PORT: String(port),
    ...(s.postgresSettings ? { LENDING_POSTGRES_SETTINGS: s.postgresSettings } : {}),
  });
  const api = `http://127.0.0.1:${port}`;
  const service = startService('the service', env, { nodeArgs: s.nodeArgs });
  cleanups.push(async () => {
    await killService(service);
    // The servers npm start ran run in process groups of their own: after a failed run, stop them by the
    // pids it recorded.
    killRecordedServers(s.dataDir);
  });
  const readyMs = await waitReady(api, service, READY_WITHIN_MS);
  const where = instanceRecord(s.dataDir)?.endpoints ?? {};
  if (!where.temporal || !where.database) throw new Error('the started service recorded no Temporal or database address (instance.json)');
  return {
    api,
    readyMs,
    where: { database: where.database, temporal: where.temporal, namespace: where.namespace ?? 'default' },
    pids: [service.pid],
    trees: [service.pid],
    stop: () => stopService(service, 60_000),
  };
}

/**
 * BENCH_ROLES=split: what `npm start` would start, started here in the same data folder (Temporal as
 * LENDING_TEMPORAL chooses, PostgreSQL, a mail stand-in); the database made ready as the compose stack's
 * `migrate` service does (`npm run db:prepare`) with npm start's demo data; then SERVICE_ROLE=worker and
 * SERVICE_ROLE=api, as docker-compose.yml runs them.
 */
async function startSplit(s: Setup, cleanups: (() => Promise<unknown>)[]): Promise<Running> {
  const t0 = performance.now();
  mkdirSync(s.dataDir, { recursive: true });
  const temporal = await startLocalTemporal({
    mode: parseTemporalMode(s.temporal),
    dataDir: s.dataDir,
    log: (line) => void process.stderr.write(`[bench] ${line}\n`),
  });
  cleanups.push(() => temporal.stop());
  const pg = await startLocalPostgres(join(s.dataDir, 'postgres'), { detached: true, settings: parsePostgresSettings(s.postgresSettings) });
  const forgetPg = killAtExit(pg.pid, 'PostgreSQL', 'SIGQUIT');
  cleanups.push(() => pg.stop().then(forgetPg));
  const mail = await MailSink.start({ messageIdPrefix: 'bench-' });
  cleanups.push(() => mail.stop());

  const databaseUrl = withDatabase(pg.adminUrl, 'lending');
  const admin = new PgClient({ connectionString: pg.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE lending').finally(() => admin.end());
  await runPrepare(databaseUrl, 'below');
  const db = openDb(databaseUrl);
  await seedDemoData(db).finally(() => db.$disconnect());

  const role = async (name: 'worker' | 'api', extra: NodeJS.ProcessEnv) => {
    const port = await freeLoopbackPort();
    const env = serviceEnv({
      ...s.common,
      ...extra,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      SERVICE_ROLE: name,
      PORT: String(port),
    });
    const proc = startService(`SERVICE_ROLE=${name}`, env, { nodeArgs: s.nodeArgs });
    cleanups.push(() => killService(proc));
    return { proc, url: `http://127.0.0.1:${port}` };
  };
  const worker = await role('worker', { SENDGRID_API_KEY: 'SG.bench-mail-stand-in', SENDGRID_BASE_URL: mail.url });
  const api = await role('api', {});
  await Promise.all([waitReady(worker.url, worker.proc, READY_WITHIN_MS), waitReady(api.url, api.proc, READY_WITHIN_MS)]);
  const readyMs = Math.round(performance.now() - t0);
  return {
    api: api.url,
    readyMs,
    where: { database: databaseUrl, temporal: temporal.address, namespace: 'default' },
    pids: [worker.proc.pid, api.proc.pid],
    trees: [worker.proc.pid, api.proc.pid, pg.pid, ...(temporal.process ? [temporal.process.pid] : [])],
    async stop() {
      const t = performance.now();
      // The API first, as a rolling stop would, then the worker; then what npm start would stop after them.
      const exits = [(await stopService(api.proc, 60_000)).exit, (await stopService(worker.proc, 60_000)).exit];
      await mail.stop();
      await pg.stop();
      forgetPg();
      await temporal.stop();
      return { exit: exits.find((e) => e !== 0) ?? 0, ms: Math.round(performance.now() - t) };
    },
  };
}

/** The reservations' workflow histories, by event type (what Temporal did for one). */
async function histories(address: string, namespace: string, reservationIds: string[]): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address });
  try {
    return await historyShape(new Client({ connection, namespace }), reservationIds.map(reservationWorkflowId));
  } finally {
    await connection.close();
  }
}

/** The service's own profiles (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile), not its child tools'. */
function serviceProfiles(dir: string, pids: number[]): string {
  const mine = join(dir, 'service');
  mkdirSync(mine, { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && pids.map(String).includes(f.split('.')[3]!)))
    renameSync(join(dir, f), join(mine, f));
  return mine;
}

const errorsOf = (answers: ApiAnswer[], ok: number): Record<string, number> => {
  const errors: Record<string, number> = {};
  for (const p of answers.filter((x) => x.status !== ok)) {
    const why = `${p.status} ${String(p.body.rule ?? p.body.type ?? '')}`.trim();
    errors[why] = (errors[why] ?? 0) + 1;
  }
  return errors;
};

/** `concurrency` requests in flight until all are answered. */
async function closedLoop(tasks: (() => Promise<ApiAnswer>)[], concurrency: number, ok: number): Promise<{ answers: ApiAnswer[]; phase: Phase }> {
  const t = performance.now();
  const answers = await pool(tasks, concurrency);
  const wallMs = performance.now() - t;
  return {
    answers,
    phase: {
      requests: answers.length,
      succeeded: answers.filter((a) => a.status === ok).length,
      errors: errorsOf(answers, ok),
      concurrency,
      wallMs: Math.round(wallMs),
      perSecond: Math.round((answers.length / wallMs) * 10_000) / 10,
      latencyMs: percentiles(answers.map((a) => a.ms)),
    },
  };
}

/** Sends task i at i / ratePerSecond seconds from now, whether or not the earlier ones were answered. */
async function openLoop(tasks: (() => Promise<ApiAnswer>)[], ratePerSecond: number) {
  const t0 = performance.now();
  const answers = await Promise.all(
    tasks.map(async (task, i) => {
      const wait = t0 + (i * 1000) / ratePerSecond - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return task();
    }),
  );
  return {
    requests: answers.length,
    succeeded: answers.filter((a) => a.status === 201).length,
    errors: errorsOf(answers, 201),
    latencyMs: percentiles(answers.map((a) => a.ms)),
  };
}

if (require.main === module) {
  runBench().then(
    (summary) => process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
