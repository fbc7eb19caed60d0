// Readiness: may this process be sent work now? Yes when every dependency it needs answers (the
// database, the Temporal frontend, the worker where this process runs one) and it is not stopping.
// Served as /readyz by the API (src/api/routers/meta.ts) and by the worker's own small server
// (src/ops/ops-server.ts); liveness (/healthz) only says the process answers at all.
//
// Once a stop begins, readiness turns false first, before the API stops accepting connections, so a
// load balancer or compose's health check takes the process out of rotation while requests in flight
// finish (src/main.ts).
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Db } from '../db/client';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** How long the check took (ms). */
  ms: number;
  /** Why it failed (no stack, no connection string). */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  stopping: boolean;
  checks: CheckResult[];
}

export type Check = () => Promise<void>;

export class Readiness {
  private stopped = false;

  constructor(
    private readonly checks: Record<string, Check>,
    /** A check that has not answered by then counts as failed: a hanging dependency is not ready. */
    private readonly timeoutMs = 3_000,
  ) {}

  /** From now on the process reports not ready (it is stopping); never undone. */
  stopping(): void {
    this.stopped = true;
  }

  async report(): Promise<ReadinessReport> {
    const checks = await Promise.all(Object.entries(this.checks).map(([name, check]) => this.run(name, check)));
    const stopping = this.stopped;
    return { ready: !stopping && checks.every((c) => c.ok), stopping, checks };
  }

  private async run(name: string, check: Check): Promise<CheckResult> {
    const started = performance.now();
    try {
      await withinTime(check(), this.timeoutMs);
      return { name, ok: true, ms: Math.round(performance.now() - started) };
    } catch (err) {
      return { name, ok: false, ms: Math.round(performance.now() - started), error: describe(err) };
    }
  }
}

/** `work`, or an error once `ms` have passed without an answer (the work itself is not cancelled). */
export async function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why a check failed, in one line: the error's code where it has one (ECONNREFUSED, P1001…) and the last
 * non-empty line of its message (Prisma puts the cause last), without credentials.
 */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const code = (err as { code?: unknown } | null)?.code;
  const text = [typeof code === 'string' || typeof code === 'number' ? String(code) : undefined, lines.at(-1)].filter(Boolean).join(': ') || 'failed';
  return text
    .replace(/\/\/\S*@/g, '//***@')
    .replace(/(password\s*=\s*)\S+/gi, '$1***')
    .slice(0, 300);
}

/** The database answers a query. */
export const databaseCheck =
  (db: Db): Check =>
  async () => {
    await db.$queryRaw`SELECT 1`;
  };

/** The Temporal frontend answers (GetSystemInfo, the call the SDK itself makes when it connects). */
export const temporalCheck =
  (client: Client, timeoutMs = 3_000): Check =>
  async () => {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
  };

/** The worker in this process is polling its task queue. */
export const workerCheck =
  (worker: Pick<Worker, 'getState'>): Check =>
  async () => {
    const state = worker.getState();
    if (state !== 'RUNNING') throw new Error(`worker is ${state}`);
  };
