// A server process `npm start` runs beside itself (the Temporal dev server, the Java test server),
// stopped by us in order rather than by the terminal.
//
// Why `detached`: Ctrl-C in a terminal sends SIGINT to every process of the foreground group. If the
// servers were in that group they would stop at once, while the worker is still finishing its
// activities and the API its requests against them. In their own group they only get the signal we
// send, after the worker and the API have stopped. The price: if this process is killed outright
// (SIGKILL) they stay; the data folder's instance lock (src/infra/instance-lock.ts) finds and stops
// them at the next start, and `exit` below kills them on every other way out.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
  readonly running: boolean;
  /** Sends `signal` (default SIGTERM), waits up to `graceMs`, then SIGKILL. Safe to call twice. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Map<number, { name: string; lastResort: NodeJS.Signals }>();
let exitHookInstalled = false;

/** Kills, without waiting, whatever is still running: the last resort when this process exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, { lastResort }] of live) {
      try {
        process.kill(pid, lastResort);
      } catch {
        /* already gone */
      }
    }
  });
}

/** Registers a process started elsewhere (e.g. PostgreSQL) for the last-resort kill at exit. */
export function killAtExit(pid: number, name: string, lastResort: NodeJS.Signals = 'SIGKILL'): () => void {
  installExitHook();
  live.set(pid, { name, lastResort });
  return () => live.delete(pid);
}

export function startManagedProcess(
  name: string,
  command: string,
  args: string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): ManagedProcess {
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  const forget = killAtExit(pid, name);
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      forget();
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      running = false;
      forget();
      resolve(err.message);
    });
  });
  return {
    name,
    pid,
    exited,
    get running() {
      return running;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
      if (!running) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until 127.0.0.1:port accepts a connection; fails early if the process exits, or after `timeoutMs`. */
export async function waitForPort(proc: ManagedProcess, port: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${proc.name} exited (${await proc.exited}) before it listened on port ${port}:\n${tail(logFile)}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} did not listen on port ${port} within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** The last lines of a log file, for an error message. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
