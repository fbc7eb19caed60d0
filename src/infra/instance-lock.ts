// One `npm start` per data folder, and no servers left behind by one that was killed.
//
// <data>/instance.json names the `npm start` process that owns the folder, the servers it started
// (with a piece of their command line that only they have, e.g. their data path) and, once it is up,
// where everything is. At start:
//   - the owner is alive → refuse: two instances on one PostgreSQL folder / one Temporal database file
//     would corrupt each other;
//   - the owner is gone (it was killed outright) but one of its servers still runs → stop that server,
//     by its pid and only if its command line still carries the recorded piece (pids are reused), and say so.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstanceChild {
  name: string;
  pid: number;
  /** A string in the child's command line that identifies it as ours (e.g. its data path). */
  match: string;
  /** How to stop it gracefully (PostgreSQL: SIGINT, a "fast" shutdown). */
  signal: NodeJS.Signals;
}

export interface InstanceRecord {
  pid: number;
  startedAt: string;
  children: InstanceChild[];
  /** Where everything is, once started (for tools and tests). */
  endpoints?: Record<string, string | undefined>;
  notes?: string[];
}

export class InstanceBusyError extends Error {}

export interface InstanceLock {
  addChild(child: InstanceChild): void;
  setEndpoints(endpoints: Record<string, string | undefined>, notes: string[]): void;
  release(): void;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

async function stopLeftover(child: InstanceChild): Promise<boolean> {
  const cmd = commandLine(child.pid);
  if (!alive(child.pid) || !cmd || !cmd.includes(child.match)) return false;
  process.kill(child.pid, child.signal);
  for (let waited = 0; waited < 15_000 && alive(child.pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive(child.pid)) process.kill(child.pid, 'SIGKILL');
  return true;
}

export async function acquireInstanceLock(dataDir: string, log: (line: string) => void): Promise<InstanceLock> {
  const file = join(dataDir, 'instance.json');
  if (existsSync(file)) {
    let previous: InstanceRecord | undefined;
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as InstanceRecord;
    } catch {
      previous = undefined; // half-written: nobody can be relying on it
    }
    if (previous && previous.pid !== process.pid && alive(previous.pid) && /node|tsx/.test(commandLine(previous.pid) ?? '')) {
      throw new InstanceBusyError(
        `another \`npm start\` (pid ${previous.pid}, since ${previous.startedAt}) is using the data folder ${dataDir}. ` +
          'Stop it first (Ctrl-C in its terminal), or give this one another folder with LENDING_DATA_DIR.',
      );
    }
    for (const child of previous?.children ?? []) {
      if (await stopLeftover(child))
        log(`stopped ${child.name} (pid ${child.pid}), left running by an earlier \`npm start\` that did not stop cleanly`);
    }
  }
  const record: InstanceRecord = { pid: process.pid, startedAt: new Date().toISOString(), children: [] };
  const save = (): void => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
    renameSync(tmp, file);
  };
  save();
  return {
    addChild(child) {
      record.children.push(child);
      save();
    },
    setEndpoints(endpoints, notes) {
      record.endpoints = endpoints;
      record.notes = notes;
      save();
    },
    release() {
      rmSync(file, { force: true });
    },
  };
}
