// The service as a process, for the tools that drive it from outside (`npm run bench`, `npm run chaos`):
// start `npm start`'s program (`node --import tsx src/main.ts`, what `npm start` execs) with an
// environment, wait until /readyz answers 200, stop it gently or kill it outright, and stop the servers a
// killed `npm start` leaves behind in its data folder. Also the small helpers both tools share: a pool
// of concurrent tasks, latency percentiles, a JSON call to the API.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InstanceRecord } from '../src/infra/instance-lock';

export const ROOT = resolve(__dirname, '..');

/** Variables that would point a started service at something else than what the tool gives it. */
export const SERVICE_VARIABLES = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'SENDGRID_API_KEY',
  'SENDGRID_BASE_URL',
  'NODE_ENV',
  'SERVICE_ROLE',
  'API_KEYS',
  'PATRON_TOKEN_SECRET',
  'STAFF_KEY_ACCESS',
  'STAFF_BOOTSTRAP_ADMIN',
];

/** process.env without SERVICE_VARIABLES (nor LENDING_*), then `extra`. */
export function serviceEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SERVICE_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('LENDING_')) delete env[name];
  return { ...env, ...extra };
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
  readonly running: boolean;
  /** The last part of what it wrote on stderr (the banner, start-up failures). */
  stderr(): string;
}

/**
 * Starts the service in a process group of its own (so that `kill` reaches whatever it runs in its
 * group, and a Ctrl-C at the tool's terminal does not). `logFile`: stdout (the JSON log) goes there;
 * else it is dropped.
 */
export function startService(
  name: string,
  env: NodeJS.ProcessEnv,
  opts: { logFile?: string; cwd?: string; /** e.g. --cpu-prof (not allowed in NODE_OPTIONS) */ nodeArgs?: string[] } = {},
): ServiceProcess {
  const fd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', fd ?? 'ignore', 'pipe'],
      detached: true,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  let running = true;
  const exited = new Promise<number | string>((r) =>
    child.once('exit', (code, signal) => {
      running = false;
      r(code ?? signal ?? 'unknown');
    }),
  );
  return {
    name,
    child,
    pid: child.pid!,
    exited,
    get running() {
      return running;
    },
    stderr: () => stderr,
  };
}

/** Polls `${url}/readyz` until 200; fails if the process exits first or after `timeoutMs`. */
export async function waitReady(url: string, proc: ServiceProcess, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (!proc.running) throw new Error(`${proc.name} exited (${await proc.exited}) before it was ready:\n${proc.stderr()}`);
    if (performance.now() - t0 > timeoutMs) throw new Error(`${proc.name} not ready within ${timeoutMs / 1000} s:\n${proc.stderr()}`);
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.status === 200) return Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGKILL to the service's whole process group (the servers `npm start` runs are in groups of their own). */
export async function killService(proc: ServiceProcess): Promise<void> {
  if (!proc.running) return;
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await proc.exited;
}

/** SIGTERM, as an operator stops it; SIGKILL after `graceMs`. Returns the exit code (or signal) and how long it took. */
export async function stopService(proc: ServiceProcess, graceMs = 60_000): Promise<{ exit: number | string; ms: number }> {
  const t = performance.now();
  if (proc.running) proc.child.kill('SIGTERM');
  const timer = setTimeout(() => void killService(proc), graceMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  return { exit, ms: Math.round(performance.now() - t) };
}

/** The record `npm start` keeps in its data folder (its servers' pids, where everything is), if any. */
export function instanceRecord(dataDir: string): InstanceRecord | undefined {
  const file = join(dataDir, 'instance.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}

/** Kills the servers a killed or failed `npm start` left running (by the pids it recorded), before their data folder goes. */
export function killRecordedServers(dataDir: string): void {
  for (const c of instanceRecord(dataDir)?.children ?? []) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export function percentiles(ms: number[]): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(s.at(-1) ?? 0),
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function pool<T>(tasks: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

export interface ApiAnswer {
  status: number;
  ms: number;
  body: Record<string, unknown>;
}

/** One JSON request to the API with a caller's key. Throws on a network error or after `timeoutMs`. */
export async function callApi(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
  opts: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const t = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
  });
  const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, ms: performance.now() - t, body: parsed };
}
