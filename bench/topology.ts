// `npm run topology`: the production topology, run for real on one machine (issue 15; R-TOPO-1, R-TOPO-2). Temporal's own
// server (go.temporal.io/server, built once into .cache/temporal-server by bench/temporal-server.ts)
// with PostgreSQL persistence for its default and visibility stores, in a PostgreSQL this script starts
// with the project's own local-postgres code; two worker processes (SERVICE_ROLE=worker) on the one task
// queue and two API processes (SERVICE_ROLE=api) after `npm run db:prepare`; the settings from the same
// environment files docker-compose.yml reads (deploy/lending.env, deploy/temporal.env) and the
// Temporal config template deploy/temporal/config.yaml.
//
// Load: `npm run chaos`'s OPAC and staff clients (bench/chaos.ts), their requests spread over both APIs
// in turn, with a short security delay (RUN_OVERRIDES) and Thursday runs by hand. During it: SIGKILL to
// one worker, then one API, then the Temporal server itself, each started again. Afterwards, once
// nothing moves, chaos's checks: every reservation has its workflow or has ended, the records and the
// workflow views agree, no copy held or lent twice, no notice twice, limits kept. Prints one JSON
// summary on stdout (progress on stderr); exit 1 on any violation, 2 if the run itself failed.
//
// Options (environment): TOPOLOGY_SEED (default 20261202), TOPOLOGY_CLIENTS (OPAC clients, default 4),
// TOPOLOGY_QUIESCE_SECONDS (default 90), TOPOLOGY_TIME_LIMIT_SECONDS (default 900, counted from the end of
// the build), TOPOLOGY_BUILD_LIMIT_SECONDS (default 2400: the build of Temporal's server, when it is not cached),
// TOPOLOGY_KEEP=1 (keep the work folder with every process's log).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { openDb } from '../src/db/client';
import { LENDING_ENV_FILE, readEnvFile, TEMPORAL_ENV_FILE } from '../src/infra/env-file';
import { freeLoopbackPort, startLocalPostgres, withDatabase, type LocalPostgres } from '../src/infra/local-postgres';
import { MailSink } from '../src/infra/mail-sink';
import { killAtExit } from '../src/infra/managed-process';
import {
  addChaosTitles,
  API_KEYS,
  between,
  catalogue,
  checkAll,
  checkedState,
  connectTemporal,
  newWorld,
  quiesce,
  registerBase,
  rngOf,
  startLoad,
  Traffic,
  type KillRecord,
  type Outage,
} from './chaos';
import { percentiles, ROOT, serviceEnv, startService, stopService, waitReady, killService, type ServiceProcess } from './service-process';
import {
  buildOrReuseServer,
  GO_TOOLCHAIN,
  killServer,
  registerNamespace,
  serverEnv,
  serverPorts,
  setupSchemas,
  startServer,
  type Placement,
  type RunningServer,
} from './temporal-server';

/** What this run sets differently from deploy/lending.env, and only this: a simulated stretch of the day. */
export const RUN_OVERRIDES: Readonly<Record<string, string>> = { RESERVATION_SECURITY_DELAY_SECONDS: '1' };
/** Where each process is and what it is: given per process, never in the env files. */
export const PLACEMENT_VARIABLES = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'SERVICE_ROLE',
  'PORT',
  'API_HOST',
  'API_KEYS',
  'PATRON_TOKEN_SECRET',
  'SENDGRID_API_KEY',
  'SENDGRID_BASE_URL',
];
const WORKERS = 2;
const APIS = 2;
const READY_WITHIN_MS = 180_000;
const say = (line: string): void => void process.stderr.write(`[topology] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The environment of one service process: deploy/lending.env, the run's overrides, then its placement. */
export function processEnv(fileEnv: Record<string, string>, placement: Record<string, string>): NodeJS.ProcessEnv {
  for (const k of Object.keys(placement))
    if (!PLACEMENT_VARIABLES.includes(k)) throw new Error(`${k} is a setting of deploy/lending.env, not of one process`);
  return serviceEnv({ ...fileEnv, ...RUN_OVERRIDES, ...placement });
}

const int = (name: string, fallback: number, min: number, max: number): number => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number ${min}–${max}, got "${v}"`);
  return n;
};

function npmRun(script: string, env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8_000)));
    child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8_000)));
    child.on('close', (code) =>
      code === 0 ? resolve(Math.round(performance.now() - t0)) : reject(new Error(`npm run ${script} failed (${code}):\n${out}`)),
    );
  });
}

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => say(`clean-up: ${String(err)}`));
  })();
  return cleaning;
}

export async function runTopology(onBuilt: () => void = () => undefined): Promise<{ summary: Record<string, unknown>; violations: number }> {
  const seed = int('TOPOLOGY_SEED', 20261202, 0, 2 ** 31);
  const clients = int('TOPOLOGY_CLIENTS', 4, 1, 50);
  const quiesceMs = int('TOPOLOGY_QUIESCE_SECONDS', 90, 5, 600) * 1000;
  const lendingEnv = readEnvFile(LENDING_ENV_FILE);
  const temporalEnv = readEnvFile(TEMPORAL_ENV_FILE);
  const version = temporalEnv.TEMPORAL_SERVER_VERSION;
  if (!version) throw new Error(`${TEMPORAL_ENV_FILE}: TEMPORAL_SERVER_VERSION missing`);
  const namespace = lendingEnv.TEMPORAL_NAMESPACE ?? 'default';
  if (namespace !== temporalEnv.DEFAULT_NAMESPACE)
    throw new Error(`TEMPORAL_NAMESPACE (${namespace}) ≠ DEFAULT_NAMESPACE (${temporalEnv.DEFAULT_NAMESPACE})`);

  const build = await buildOrReuseServer(version);
  onBuilt();
  const tRun = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'lending-topology-'));
  chmodSync(work, 0o755); // PostgreSQL runs as its own user when this runs as root
  say(`seed ${seed}; work folder ${work}`);
  cleanups.push(async () => {
    if (process.env.TOPOLOGY_KEEP === '1') say(`kept ${work} (TOPOLOGY_KEEP=1)`);
    else rmSync(work, { recursive: true, force: true });
  });

  // PostgreSQL: Temporal's two databases and the service's, on one server (production would split them).
  let pg: LocalPostgres | undefined;
  let sink: MailSink | undefined;
  let server: RunningServer | undefined;
  cleanups.push(async () => {
    await server?.process.stop('SIGTERM', 20_000);
    await pg?.stop().catch(() => undefined);
    await sink?.stop().catch(() => undefined);
  });
  const phases: Record<string, number> = {};
  let t = performance.now();
  [pg, sink] = await Promise.all([
    startLocalPostgres(join(work, 'postgres'), { detached: true }).then((p) => {
      killAtExit(p.pid, 'PostgreSQL', 'SIGQUIT');
      return p;
    }),
    MailSink.start({ messageIdPrefix: 'topology-' }),
  ]);
  phases.postgresMs = Math.round(performance.now() - t);
  const placement: Placement = { postgres: { host: '127.0.0.1', port: pg.port, user: 'postgres', password: '' } };
  t = performance.now();
  setupSchemas(build, temporalEnv, placement, join(work, 'temporal-sql-tool.log'));
  phases.schemasMs = Math.round(performance.now() - t);
  t = performance.now();
  const sEnv = serverEnv(temporalEnv, placement, await serverPorts());
  server = await startServer(build, sEnv, join(work, 'temporal-server.log'));
  phases.serverStartMs = Math.round(performance.now() - t);
  t = performance.now();
  await registerNamespace(server.address, namespace, temporalEnv.DEFAULT_NAMESPACE_RETENTION ?? '168h');
  phases.namespaceMs = Math.round(performance.now() - t);
  say(
    `Temporal server ${version} at ${server.address} (PostgreSQL ${pg.port}: ${temporalEnv.DBNAME}, ${temporalEnv.VISIBILITY_DBNAME}), namespace ${namespace}`,
  );

  const admin = new PgClient({ connectionString: pg.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE lending');
  await admin.end();
  const databaseUrl = withDatabase(pg.adminUrl, 'lending');
  t = performance.now();
  phases.dbPrepareMs = await npmRun('db:prepare', processEnv(lendingEnv, { DATABASE_URL: databaseUrl }));
  let db = openDb(databaseUrl);
  await addChaosTitles(db);
  const cat = await catalogue(db, false);
  await db.$disconnect();

  // Two workers, two APIs.
  const secret = randomBytes(36).toString('base64');
  const shared = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: server.address, API_HOST: '127.0.0.1' };
  type Name = `worker-${number}` | `api-${number}`;
  const ports = new Map<Name, number>();
  const names: Name[] = [
    ...Array.from({ length: WORKERS }, (_, i) => `worker-${i + 1}` as Name),
    ...Array.from({ length: APIS }, (_, i) => `api-${i + 1}` as Name),
  ];
  for (const n of names) ports.set(n, await freeLoopbackPort());
  const envOf = (n: Name): NodeJS.ProcessEnv =>
    n.startsWith('worker')
      ? processEnv(lendingEnv, {
          ...shared,
          SERVICE_ROLE: 'worker',
          PORT: String(ports.get(n)),
          SENDGRID_API_KEY: 'SG.topology',
          SENDGRID_BASE_URL: sink.url,
        })
      : processEnv(lendingEnv, { ...shared, SERVICE_ROLE: 'api', PORT: String(ports.get(n)), API_KEYS, PATRON_TOKEN_SECRET: secret });
  const url = (n: Name): string => `http://127.0.0.1:${ports.get(n)}`;
  const starts = new Map<Name, number>();
  const start = (n: Name): ServiceProcess => {
    starts.set(n, (starts.get(n) ?? 0) + 1);
    return startService(n, envOf(n), { logFile: join(work, `${n}-${starts.get(n)}.log`) });
  };
  const procs = new Map<Name, ServiceProcess>(names.map((n) => [n, start(n)]));
  cleanups.push(async () => {
    await Promise.all([...procs.values()].map((p) => killService(p)));
  });
  t = performance.now();
  const readyMs = await Promise.all(names.map((n) => waitReady(url(n), procs.get(n)!, READY_WITHIN_MS)));
  phases.servicesReadyMs = Math.round(performance.now() - t);
  say(`${names.join(', ')} ready in ${readyMs.join(' / ')} ms`);

  const apis = names.filter((n) => n.startsWith('api')).map(url);
  const traffic = new Traffic(apis);
  const w = newWorld(traffic, 3, cat.titles, cat.items);
  await registerBase(w, 'TOPO', 12);
  const tLoad = performance.now();
  const load = startLoad(w, seed, clients, 'TOPO');
  const r = rngOf(seed + 3);
  const kills: KillRecord[] = [];
  const readyAll = async (): Promise<void> => void (await Promise.all(names.map((n) => waitReady(url(n), procs.get(n)!, READY_WITHIN_MS))));
  const plan: { target: string; kill: () => Promise<void> }[] = [
    {
      target: 'worker-1 (SIGKILL)',
      kill: async () => {
        await killService(procs.get('worker-1')!);
        procs.set('worker-1', start('worker-1'));
      },
    },
    {
      target: 'api-2 (SIGKILL)',
      kill: async () => {
        await killService(procs.get('api-2')!);
        procs.set('api-2', start('api-2'));
      },
    },
    {
      target: 'Temporal server (SIGKILL)',
      kill: async () => {
        await killServer(server!);
        server = await startServer(build, sEnv, join(work, 'temporal-server.log'));
      },
    },
  ];
  try {
    for (const [k, step] of plan.entries()) {
      const after = between(r, 8_000, 14_000);
      await sleep(after);
      const at = performance.now();
      const wall = new Date().toISOString();
      const outage: Outage = { what: step.target, from: at };
      traffic.outages.push(outage);
      await step.kill();
      await readyAll();
      outage.to = performance.now();
      kills.push({ target: step.target, at: wall, afterMs: after, atMs: Math.round(at - tLoad), readyAgainMs: Math.round(outage.to - at) });
      say(`kill ${k + 1}/${plan.length}: ${step.target}, ${after} ms on; everything ready again in ${kills.at(-1)!.readyAgainMs} ms`);
    }
    await sleep(8_000);
  } finally {
    w.running = false;
    await load;
  }
  const loadMs = Math.round(performance.now() - tLoad);
  say(`load stopped after ${traffic.records.length} requests in ${loadMs} ms; waiting for quiescence`);

  db = openDb(databaseUrl);
  const temporal = await connectTemporal(server.address, namespace);
  try {
    const mailKeys = (): string[] => sink!.received.map((m) => String(m.body.custom_args?.outbox_key));
    const q = await quiesce(() => checkAll(db, temporal.client, mailKeys(), w), quiesceMs);
    const stopped = await Promise.all(names.filter((n) => n.startsWith('api')).map((n) => stopService(procs.get(n)!)));
    stopped.push(...(await Promise.all(names.filter((n) => n.startsWith('worker')).map((n) => stopService(procs.get(n)!)))));
    const violations = Object.values(q.result.violations).reduce((a, xs) => a + xs.length, 0);
    const requests = traffic.summary();
    const placed = traffic.records.filter((x) => x.op.startsWith('reserve') && x.status === 201);
    return {
      violations,
      summary: {
        what: 'R-TOPO-1: the production topology on one machine: Temporal server (PostgreSQL persistence), 2 workers, 2 APIs',
        at: new Date().toISOString(),
        seed,
        machine: { cpus: cpus().length, node: process.version },
        temporalServer: { version, go: GO_TOOLCHAIN, builtNowSeconds: build.builtSeconds ?? null, cache: build.dir },
        runMs: Math.round(performance.now() - tRun),
        setup: phases,
        processes: Object.fromEntries(names.map((n) => [n, { starts: starts.get(n) }])),
        kills,
        load: {
          ms: loadMs,
          clients: { opac: clients, staff: Math.max(1, Math.round(clients / 2)) },
          requestsPerSecond: Math.round((requests.total / (loadMs / 1000)) * 10) / 10,
          reservationsPlaced: placed.length,
          reservationLatencyMs: percentiles(placed.map((x) => x.end - x.start)),
        },
        requests,
        patronsRegistered: w.patrons.length,
        ...checkedState(q),
        stop: stopped,
      },
    };
  } finally {
    await db.$disconnect().catch(() => undefined);
    await temporal.close().catch(() => undefined);
  }
}

if (require.main === module) {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = (why: string): void => {
    say(`${why}: stopping everything started`);
    const hard = setTimeout(() => process.exit(2), 60_000);
    void cleanUp().finally(() => {
      clearTimeout(hard);
      process.exit(2);
    });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => giveUp(sig));
  // The time limit counts from the end of the build (a cold build alone takes ~10 minutes).
  const limit = int('TOPOLOGY_TIME_LIMIT_SECONDS', 900, 60, 3_600);
  const armLimit = (): void => void (timer = setTimeout(() => giveUp(`no result within ${limit} s of the build`), limit * 1000));
  runTopology(armLimit)
    .then(
      ({ summary, violations }) => {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        say(violations === 0 ? 'no violation' : `${violations} violation(s): see "violations" and "examples"`);
        return violations === 0 ? 0 : 1;
      },
      (err: unknown) => {
        say(`the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return 2;
      },
    )
    .then(async (code) => {
      clearTimeout(timer);
      await cleanUp();
      process.exit(code);
    });
}
