// Where a benchmark phase's time goes (`npm run bench` with BENCH_PROFILE=1): the CPU each process tree
// spent in it (read from /proc: the service's Node.js, its PostgreSQL, its Temporal server, the bench
// itself), the statements PostgreSQL ran for it (pg_stat_statements: calls and time per statement),
// and what Temporal did for one reservation (its workflow history: workflow tasks, activities,
// signals, updates). With the service's own --cpu-prof files (written at its stop), the functions its
// Node.js spent its CPU in. All of it is per phase and divided by the phase's operations, so the README
// can say what one reservation costs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
const TICKS = 100;

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid … utime(14) stime(15): comm may hold spaces, so split after its ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(f[1]), comm, cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS });
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

/** CPU milliseconds so far of the trees under `roots`, by kind (postgres, temporal, node: the service). */
export function cpuByKind(roots: number[]): Record<string, number> {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const kinds: Record<string, number> = {};
  const seen = new Set<number>();
  const visit = (p: Proc) => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    const kind = p.comm.startsWith('postgres')
      ? 'postgres'
      : p.comm.startsWith('temporal')
        ? 'temporal'
        : p.comm.startsWith('java')
          ? 'temporal'
          : 'service';
    kinds[kind] = (kinds[kind] ?? 0) + p.cpuMs;
    for (const c of children.get(p.pid) ?? []) visit(c);
  };
  for (const root of roots) {
    const p = all.find((x) => x.pid === root);
    if (p) visit(p);
  }
  return kinds;
}

/** The bench's own process (the load's clients and the bare baseline's worker). */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface PhaseCost {
  operations: number;
  wallMs: number;
  /** CPU of all the trees and the bench over the phase's wall time: 2 on this machine means both cores busy. */
  coresBusy: number;
  /** CPU milliseconds per operation, by process tree, and the bench's own. */
  cpuMsPerOperation: Record<string, number>;
  /** Statements per operation (pg_stat_statements), with the heaviest by total time. */
  statementsPerOperation: number;
  topStatements: { calls: number; perOperation: number; meanMs: number; totalMs: number; query: string }[];
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Measures one phase: reset, run `phase`, read back. */
export class PhaseProfiler {
  private constructor(
    private readonly pg: PgClient,
    private readonly roots: number[],
  ) {}

  static async connect(databaseUrl: string, roots: number[]): Promise<PhaseProfiler> {
    const pg = new PgClient({ connectionString: databaseUrl });
    await pg.connect();
    await pg.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return new PhaseProfiler(pg, roots);
  }

  async measure<T>(operations: (result: T) => number, phase: () => Promise<T>): Promise<{ result: T; cost: PhaseCost }> {
    await this.pg.query('SELECT pg_stat_statements_reset()');
    const cpu0 = cpuByKind(this.roots);
    const own0 = ownCpuMs();
    const t0 = performance.now();
    const result = await phase();
    const wallMs = performance.now() - t0;
    const cpu1 = cpuByKind(this.roots);
    const own1 = ownCpuMs();
    const n = Math.max(1, operations(result));
    const { rows } = await this.pg.query<{ calls: string; total: number; mean: number; query: string }>(
      `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, query FROM pg_stat_statements
       WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC`,
    );
    const calls = rows.reduce((s, r) => s + Number(r.calls), 0);
    const cpuMsPerOperation: Record<string, number> = {};
    for (const k of new Set([...Object.keys(cpu0), ...Object.keys(cpu1)])) cpuMsPerOperation[k] = round(((cpu1[k] ?? 0) - (cpu0[k] ?? 0)) / n);
    cpuMsPerOperation.bench = round((own1 - own0) / n);
    const cpuMs = Object.values(cpuMsPerOperation).reduce((a, b) => a + b, 0) * n;
    return {
      result,
      cost: {
        operations: n,
        wallMs: Math.round(wallMs),
        coresBusy: round(cpuMs / wallMs, 2),
        cpuMsPerOperation,
        statementsPerOperation: round(calls / n),
        topStatements: rows.slice(0, 12).map((r) => ({
          calls: Number(r.calls),
          perOperation: round(Number(r.calls) / n, 2),
          meanMs: round(r.mean, 3),
          totalMs: round(r.total),
          query: r.query.replace(/\s+/g, ' ').slice(0, 160),
        })),
      },
    };
  }

  async close(): Promise<void> {
    await this.pg.end();
  }
}

/** What Temporal did for a workflow: its history's events by type (workflow tasks, activities, signals…). */
export async function historyShape(client: Client, workflowIds: string[]): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    for (const e of history.events ?? []) {
      const type = e.eventType ?? 0;
      const name = (temporal.api.enums.v1.EventType[type] ?? String(type)).replace(/^EVENT_TYPE_/, '');
      sums[name] = (sums[name] ?? 0) + 1;
    }
  }
  const mean: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums).sort((a, b) => b[1] - a[1])) mean[k] = round(v / Math.max(1, workflowIds.length), 2);
  return mean;
}

/**
 * The service's --cpu-prof files (one per thread, written when it stops): self time by function and by
 * package, the heaviest first. V8's profile: nodes with callFrame and hitCount, samples every ~1 ms.
 */
export function cpuProfileSummary(
  dir: string,
  top = 25,
): { sampledMs: number; byPackage: Record<string, number>; byFunction: { fn: string; ms: number }[] } {
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      startTime: number;
      endTime: number;
      samples: number[];
      timeDeltas: number[];
    };
    const msPerSample = p.samples.length ? (p.endTime - p.startTime) / 1000 / p.samples.length : 0;
    for (const n of p.nodes) {
      const ms = (n.hitCount ?? 0) * msPerSample;
      if (!ms) continue;
      total += ms;
      const url = n.callFrame.url;
      const pkg = packageOf(url, n.callFrame.functionName);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + ms);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
    }
  }
  const sorted = <K>(m: Map<K, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    sampledMs: Math.round(total),
    byPackage: Object.fromEntries(sorted(byPkg).map(([k, v]) => [k, Math.round(v)])),
    byFunction: sorted(byFn)
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms) })),
  };
}

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)'; // (idle), (garbage collector), (program)
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (/\/src\//.test(url)) return 'src (the service)';
  return url.includes('/bench/') ? 'bench' : 'other';
}
