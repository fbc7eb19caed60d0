// Proves the time-skipping Temporal test server works here (see test/support/temporal-server.ts for where it comes
// from): a workflow that sleeps 15 days completes in seconds of real time.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../src/infra/temporal-test-server';
import { FIFTEEN_DAYS_MS, sleepFifteenDays } from './fixtures/workflows/sleep';

// Worker lifecycle at INFO is noise here; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });

describe('Temporal time-skipping test server', () => {
  let env: TestWorkflowEnvironment | undefined;
  let workflowBundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    // Provisioning the server on a fresh machine (Maven download) can take a minute or two; later runs reuse .cache.
    [env, workflowBundle] = await Promise.all([
      createTimeSkippingEnv(),
      bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/workflows/sleep'), logger: quietLogger() }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 15 days to completion in well under a minute of real time', async () => {
    const testEnv = env!;
    expect(testEnv.supportsTimeSkipping).toBe(true);
    const taskQueue = `sleep-${randomUUID()}`;
    const worker = await Worker.create({
      connection: testEnv.nativeConnection,
      taskQueue,
      workflowBundle,
    });

    const realStart = Date.now();
    const serverStart = await testEnv.currentTimeMs();
    const result = await worker.runUntil(testEnv.client.workflow.execute(sleepFifteenDays, { taskQueue, workflowId: `sleep-${randomUUID()}` }));
    const realElapsedMs = Date.now() - realStart;
    const serverElapsedMs = (await testEnv.currentTimeMs()) - serverStart;

    process.stderr.write(
      `[temporal time skipping] workflow slept ${(result.wokeAtMs - result.startedAtMs) / 86_400_000} days ` +
        `(server clock moved ${(serverElapsedMs / 86_400_000).toFixed(3)} days) in ${realElapsedMs} ms of real time\n`,
    );
    expect(result.wokeAtMs - result.startedAtMs).toBeGreaterThanOrEqual(FIFTEEN_DAYS_MS);
    expect(serverElapsedMs).toBeGreaterThanOrEqual(FIFTEEN_DAYS_MS);
    expect(realElapsedMs).toBeLessThan(60_000);
  });
});

function quietLogger() {
  const noop = (): void => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
}
