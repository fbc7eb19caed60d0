// The benchmark (bench/api-load.ts) still runs and reports — on a tiny load, and without asserting any
// time: times are for `npm run bench` to measure, not for a test on a busy machine to guess.
import { runBench, type BenchSummary } from '../../bench/api-load';

const TINY = {
  BENCH_PATRONS: '3',
  BENCH_RESERVATIONS_PER_PATRON: '2',
  BENCH_CONCURRENCY: '3',
  BENCH_BARE_WORKFLOWS: '6',
  BENCH_OPEN_RATE: '3',
  BENCH_OPEN_SECONDS: '2',
  LENDING_TEMPORAL: 'java',
  BENCH_PROFILE: '1',
};

/** Every phase ran and reported, whichever way the service was run. */
function expectEveryPhase(summary: BenchSummary): void {
  // The baseline ran on the same server: every bare workflow started and was signalled.
  expect(summary.baseline).toMatchObject({ workflows: 6, concurrency: 3 });
  expect(summary.baseline.startPerSecond).toBeGreaterThan(0);
  expect(summary.baseline.signalPerSecond).toBeGreaterThan(0);
  expect(summary.ratio.reserve).toBeCloseTo(summary.reserve.perSecond / summary.baseline.startPerSecond, 1);
  expect(summary.ratio.cancel).toBeCloseTo(summary.cancel.perSecond / summary.baseline.signalPerSecond, 1);
  // Every reservation was cancelled (確保待ち, R-CANCEL-1), then 6 placed again in the open loop (3/s for 2 s).
  expect(summary.cancel).toMatchObject({ requests: 6, succeeded: 6, errors: {} });
  expect(summary.openLoop).toMatchObject({ offeredPerSecond: 3, requests: 6, succeeded: 6, errors: {} });
  expect(summary.startup).toMatchObject({ exitCode: 0, readyMs: expect.any(Number), stopMs: expect.any(Number) });
  expect(summary.reserve).toMatchObject({ requests: 6, created: 6, errors: {}, concurrency: 3 });
  expect(summary.reserve.latencyMs.p50).toBeGreaterThan(0);
  expect(summary.reserve.latencyMs.max).toBeGreaterThanOrEqual(summary.reserve.latencyMs.p90);
  expect(summary.staffList.requests).toBe(3);
  // The service's own count agrees: 3 patrons registered + 6 reservations placed, twice.
  expect(summary.server.requestsByStatus['201']).toBe(15);
  // BENCH_PROFILE=1: CPU by process tree — the service's, its PostgreSQL's and its Temporal server's (each
  // found; a few reservations can cost PostgreSQL less than /proc's 10 ms tick, so only the service's > 0).
  const p = summary.profile!;
  expect(p.reserve.operations).toBe(6);
  expect(Object.keys(p.reserve.cpuMsPerOperation).sort()).toEqual(['bench', 'postgres', 'service', 'temporal']);
  expect(p.reserve.cpuMsPerOperation.service).toBeGreaterThan(0);
  expect(p.cancel.operations).toBe(6);
  expect(p.serviceCpu.sampledMs).toBeGreaterThan(0);
}

test('npm run bench measures bare Temporal, then starts the service, registers patrons, places reservations concurrently, reads the staff list, cancels, places again at an offered rate, stops cleanly, and reports', async () => {
  const summary = await runBench(TINY);
  expect(summary.roles).toBe('all');
  expectEveryPhase(summary);
  // The rest of the profile: pg_stat_statements, the histories and --cpu-prof.
  const p = summary.profile!;
  expect(p.reserve.statementsPerOperation).toBeGreaterThan(1);
  expect(p.reserve.topStatements.map((t) => t.query).join('\n')).toContain('FROM patron WHERE id = $1::uuid FOR NO KEY UPDATE');
  expect(p.reservationHistory).toMatchObject({ WORKFLOW_EXECUTION_STARTED: 1, WORKFLOW_EXECUTION_UPDATE_COMPLETED: 1 });
  expect(Object.keys(p.serviceCpu.byPackage)).toContain('@prisma/client');
}, 300_000); // longer than the bench's own limits (READY_WITHIN_MS, 60 s to stop): its clean-up runs first

test('BENCH_ROLES=split runs the same phases against SERVICE_ROLE=worker and SERVICE_ROLE=api as two processes, on servers the bench started, and reports', async () => {
  const summary = await runBench({ ...TINY, BENCH_ROLES: 'split' });
  expect(summary.roles).toBe('split');
  expectEveryPhase(summary);
  // Both processes' --cpu-prof: the worker's (the SDK's worker) and the API's database calls.
  expect(Object.keys(summary.profile!.serviceCpu.byPackage)).toEqual(expect.arrayContaining(['@temporalio/worker', '@prisma/client']));
}, 300_000);

test('BENCH_ROLES takes all or split only', async () => {
  await expect(runBench({ ...TINY, BENCH_ROLES: 'both' })).rejects.toThrow('BENCH_ROLES must be all or split, got "both"');
});
