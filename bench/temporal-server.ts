// Temporal's own server (go.temporal.io/server), for `npm run topology`: built once from the Go module
// proxy into .cache/temporal-server/<version>/ (the server and its SQL schema tool, plus the module's
// PostgreSQL schema folders), its two databases set up with that tool, and the server started with
// PostgreSQL persistence from the project's config template (deploy/temporal/config.yaml, values from
// deploy/temporal.env and the placement given here).
//
// The version comes from deploy/temporal.env (TEMPORAL_SERVER_VERSION); the Go toolchain is pinned
// (GO_TOOLCHAIN): the module needs a newer Go than the machine's, and the go command fetches that
// toolchain from the Go module proxy like a module. Nothing of Temporal's source is kept in the
// repository; the build needs ~2 GB of memory and, cold, about 10 minutes on 2 cores.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startManagedProcess, tail, waitForPort, type ManagedProcess } from '../src/infra/managed-process';
import { PROJECT_ROOT } from '../src/infra/project-root';

/** The Go toolchain the build uses (go.temporal.io/server v1.32.2 asks for Go ≥ 1.26.10). */
export const GO_TOOLCHAIN = 'go1.27.3';
export const SERVER_MODULE = 'go.temporal.io/server';
export const CONFIG_FILE = join(PROJECT_ROOT, 'deploy', 'temporal', 'config.yaml');

export interface ServerBuild {
  version: string;
  dir: string;
  server: string;
  sqlTool: string;
  schemaDir: string;
  /** Seconds the build took now; undefined if it was there already. */
  builtSeconds?: number;
}

const say = (line: string): void => void process.stderr.write(`[topology] ${line}\n`);

function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: GO_TOOLCHAIN, ...extra };
}

/** The server and its SQL tool, built now if .cache/temporal-server/<version> does not have them. */
export async function buildOrReuseServer(version: string): Promise<ServerBuild> {
  const dir = join(PROJECT_ROOT, '.cache', 'temporal-server', version);
  const b: ServerBuild = { version, dir, server: join(dir, 'bin', 'server'), sqlTool: join(dir, 'bin', 'sql'), schemaDir: join(dir, 'schema') };
  const stamp = join(dir, 'built.json');
  if (existsSync(stamp) && existsSync(b.server) && existsSync(b.sqlTool) && existsSync(b.schemaDir)) {
    say(`Temporal server ${version}: reusing ${dir} (built ${(JSON.parse(readFileSync(stamp, 'utf8')) as { at: string }).at})`);
    return b;
  }
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0)
    throw new Error('building Temporal server needs `go` (Debian: golang-go) on PATH');
  const tmp = `${dir}.building-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'bin'), { recursive: true });
  const t0 = performance.now();
  say(`Temporal server ${version}: building ${SERVER_MODULE}/cmd/server and cmd/tools/sql with ${GO_TOOLCHAIN} (cold: ~10 min on 2 cores, ~2 GB)`);
  const pkgs = [`${SERVER_MODULE}/cmd/server@${version}`, `${SERVER_MODULE}/cmd/tools/sql@${version}`];
  await run('go', ['install', ...pkgs], goEnv({ GOBIN: join(tmp, 'bin') }));
  // The schema folders of this release, from the module cache (downloaded by the install above).
  const dl = spawnSync('go', ['mod', 'download', '-json', `${SERVER_MODULE}@${version}`], { env: goEnv(), encoding: 'utf8' });
  if (dl.status !== 0) throw new Error(`go mod download ${SERVER_MODULE}@${version} failed:\n${dl.stderr}`);
  const moduleDir = (JSON.parse(dl.stdout) as { Dir: string }).Dir;
  cpSync(join(moduleDir, 'schema', 'postgresql'), join(tmp, 'schema', 'postgresql'), { recursive: true });
  // The module cache is read-only, and so is the copy: make it removable by whoever rebuilds.
  spawnSync('chmod', ['-R', 'u+w', join(tmp, 'schema')]);
  b.builtSeconds = Math.round((performance.now() - t0) / 1000);
  const goVersion = spawnSync('go', ['version'], { env: goEnv(), encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(tmp, 'built.json'), JSON.stringify({ version, go: goVersion, seconds: b.builtSeconds, at: new Date().toISOString() }, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  say(`Temporal server ${version}: built in ${b.builtSeconds} s`);
  return b;
}

/** TOPOLOGY_BUILD_LIMIT_SECONDS (default 2400): a build that hangs (a registry that does not answer) is stopped. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const limit = Number(process.env.TOPOLOGY_BUILD_LIMIT_SECONDS || 2400);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), limit * 1000);
    child.on('close', () => clearTimeout(timer));
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-8_000);
      process.stderr.write(d);
    });
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${signal ?? code}\n${err}`))));
  });
}

export interface Placement {
  /** The PostgreSQL server that holds both of Temporal's databases. */
  postgres: { host: string; port: number; user: string; password: string };
}

/** Creates Temporal's two databases and brings their schemas to this release, with the server's own SQL tool. */
export function setupSchemas(b: ServerBuild, env: Record<string, string>, p: Placement, logFile: string): void {
  const base = ['--ep', p.postgres.host, '-p', String(p.postgres.port), '-u', p.postgres.user, '--pw', p.postgres.password, '--pl', env.DB!];
  const stores: [string, string][] = [
    [env.DBNAME ?? 'temporal', 'temporal'],
    [env.VISIBILITY_DBNAME ?? 'temporal_visibility', 'visibility'],
  ];
  for (const [db, folder] of stores) {
    for (const step of [
      ['create-database'],
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '-d', join(b.schemaDir, 'postgresql', 'v12', folder, 'versioned')],
    ]) {
      const res = spawnSync(b.sqlTool, [...base, '--db', db, ...step], { encoding: 'utf8' });
      writeFileSync(logFile, `$ sql --db ${db} ${step.join(' ')}\n${res.stdout}${res.stderr}`, { flag: 'a' });
      if (res.status !== 0) throw new Error(`temporal sql tool: --db ${db} ${step.join(' ')} failed (${res.status}):\n${res.stderr}${res.stdout}`);
    }
  }
}

export interface RunningServer {
  address: string;
  process: ManagedProcess;
  logFile: string;
  /** The environment it renders its config with (to start it again the same way). */
  env: NodeJS.ProcessEnv;
}

/**
 * A free loopback port below 32768: Temporal records each service's membership port in its
 * `cluster_membership` table as a PostgreSQL smallint, so a port from the kernel's ephemeral range
 * (32768 and up) makes the server fail at start ("value … is out of range for type smallint").
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port between 20000 and 32000');
}

/** The loopback ports of one server: its frontend and the other services' gRPC and membership ports. */
export async function serverPorts(): Promise<Record<string, string>> {
  const names = [
    'TEMPORAL_FRONTEND_PORT',
    'TEMPORAL_FRONTEND_MEMBERSHIP_PORT',
    'TEMPORAL_FRONTEND_HTTP_PORT',
    'TEMPORAL_HISTORY_PORT',
    'TEMPORAL_HISTORY_MEMBERSHIP_PORT',
    'TEMPORAL_MATCHING_PORT',
    'TEMPORAL_MATCHING_MEMBERSHIP_PORT',
    'TEMPORAL_WORKER_PORT',
    'TEMPORAL_WORKER_MEMBERSHIP_PORT',
    'TEMPORAL_METRICS_PORT',
  ];
  const out: Record<string, string> = {};
  const taken = new Set<number>();
  for (const n of names) out[n] = String(await freeLowPort(taken));
  return out;
}

/** The environment the config template is rendered with: deploy/temporal.env, then the placement. */
export function serverEnv(fileEnv: Record<string, string>, p: Placement, ports: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...fileEnv,
    POSTGRES_SEEDS: p.postgres.host,
    DB_PORT: String(p.postgres.port),
    POSTGRES_USER: p.postgres.user,
    POSTGRES_PWD: p.postgres.password,
    TEMPORAL_DYNAMIC_CONFIG: join(PROJECT_ROOT, 'deploy', 'temporal', 'dynamicconfig.yaml'),
    ...ports,
  };
}

/** Starts the server (all four services in one process) and waits until its frontend answers. */
export async function startServer(b: ServerBuild, env: NodeJS.ProcessEnv, logFile: string, timeoutMs = 90_000): Promise<RunningServer> {
  const proc = startManagedProcess('Temporal server', b.server, ['--config-file', CONFIG_FILE, '--allow-no-auth', 'start'], {
    logFile,
    env,
    cwd: PROJECT_ROOT,
  });
  const port = Number(env.TEMPORAL_FRONTEND_PORT);
  await waitForPort(proc, port, timeoutMs, logFile);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 5_000 });
      try {
        await c.workflowService.getSystemInfo({});
        // Its history and matching services must be up too: listing the namespaces reaches the store.
        await c.workflowService.listNamespaces({});
      } finally {
        await c.close();
      }
      return { address, process: proc, logFile, env };
    } catch (err) {
      if (!proc.running) throw new Error(`Temporal server exited (${await proc.exited}):\n${tail(logFile, 30)}`);
      if (Date.now() > deadline) throw new Error(`Temporal server not answering at ${address}: ${(err as Error).message}\n${tail(logFile, 30)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** SIGKILL to the server's process group, and wait for it to be gone. */
export async function killServer(s: RunningServer): Promise<void> {
  try {
    process.kill(-s.process.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await s.process.exited;
}

/**
 * Registers the namespace (retention from DEFAULT_NAMESPACE_RETENTION, in hours) unless it exists, and
 * waits until the frontend knows it (its namespace cache refreshes every few seconds).
 */
export async function registerNamespace(address: string, namespace: string, retention: string, timeoutMs = 60_000): Promise<void> {
  const hours = /^(\d+)h$/.exec(retention);
  if (!hours) throw new Error(`DEFAULT_NAMESPACE_RETENTION must be hours like 168h, got "${retention}"`);
  // protobufjs takes a plain number for an int64 field; the generated type says Long.
  type Seconds = NonNullable<
    NonNullable<Parameters<Connection['workflowService']['registerNamespace']>[0]['workflowExecutionRetentionPeriod']>['seconds']
  >;
  const retentionSeconds = (Number(hours[1]) * 3600) as unknown as Seconds;
  const c = await Connection.connect({ address });
  try {
    try {
      await c.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: retentionSeconds } });
    } catch (err) {
      if (!/already exists|AlreadyExists/i.test((err as Error).message)) throw err;
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await c.workflowService.describeNamespace({ namespace });
        // A query through the namespace: fails with "Namespace … is not found" until the cache has it.
        await c.workflowService.countWorkflowExecutions({ namespace, query: '' });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await c.close();
  }
}
