// The baseline of `npm run bench` (bench/api-load.ts): bare Temporal on the same server, in the same run,
// at the same concurrency — a client starts workflows that wait for a signal (bench/bare/workflow.ts),
// one worker in this process runs them, then the client signals each. What the service adds on top of the
// engine is the ratio of the two (README, "Benchmark").
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { percentiles, pool } from './service-process';
import { bareWaiter, goSignal } from './bare/workflow';

export interface Baseline {
  workflows: number;
  concurrency: number;
  startPerSecond: number;
  signalPerSecond: number;
  startLatencyMs: ReturnType<typeof percentiles>;
  signalLatencyMs: ReturnType<typeof percentiles>;
}

const perSecond = (n: number, ms: number): number => Math.round((n / ms) * 10_000) / 10;

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

/** The SDK's own lines at WARN and above only: the summary is the bench's output (once per process). */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed (a second run in the same process): keep that one
  }
}

export async function measureBareTemporal(opts: { address: string; namespace: string; workflows: number; concurrency: number }): Promise<Baseline> {
  quietRuntime();
  const taskQueue = `bench-bare-${randomUUID().slice(0, 8)}`;
  const nativeConnection = await NativeConnection.connect({ address: opts.address });
  const connection = await Connection.connect({ address: opts.address });
  try {
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: opts.namespace,
      taskQueue,
      workflowsPath: require.resolve('./bare/workflow'),
    });
    const client = new Client({ connection, namespace: opts.namespace });
    return await worker.runUntil(async () => {
      const ids = Array.from({ length: opts.workflows }, (_, i) => `${taskQueue}-${i}`);
      // One warm-up workflow first, so that neither phase pays for the worker's first poll.
      const warm = await client.workflow.start(bareWaiter, { taskQueue, workflowId: `${taskQueue}-warm` });
      await warm.signal(goSignal);
      await warm.result();

      const t0 = performance.now();
      const starts = await pool(
        ids.map((workflowId) => () => timed(() => client.workflow.start(bareWaiter, { taskQueue, workflowId }))),
        opts.concurrency,
      );
      const startWall = performance.now() - t0;
      const t1 = performance.now();
      const signals = await pool(
        starts.map((s) => () => timed(() => s.value.signal(goSignal))),
        opts.concurrency,
      );
      const signalWall = performance.now() - t1;
      await Promise.all(starts.map((s) => s.value.result()));
      return {
        workflows: opts.workflows,
        concurrency: opts.concurrency,
        startPerSecond: perSecond(starts.length, startWall),
        signalPerSecond: perSecond(signals.length, signalWall),
        startLatencyMs: percentiles(starts.map((s) => s.ms)),
        signalLatencyMs: percentiles(signals.map((s) => s.ms)),
      };
    });
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}
