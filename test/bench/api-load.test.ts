// The benchmark (bench/api-load.ts) still runs and reports — on a tiny load, and without asserting any
// time: times are for `npm run bench` to measure, not for a test on a busy machine to guess.
import { runBench } from '../../bench/api-load';

test('npm run bench measures bare Temporal, then starts the service, registers patrons, places reservations concurrently, reads the staff list, cancels, places again at an offered rate, stops cleanly, and reports', async () => {
  const summary = await runBench({
    BENCH_PATRONS: '3',
    BENCH_RESERVATIONS_PER_PATRON: '2',
    BENCH_CONCURRENCY: '3',
    BENCH_BARE_WORKFLOWS: '6',
    BENCH_OPEN_RATE: '3',
    BENCH_OPEN_SECONDS: '2',
    LENDING_TEMPORAL: 'java',
    BENCH_PROFILE: '1',
  });
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
  // BENCH_PROFILE=1: what one reservation cost, from /proc, pg_stat_statements, the histories and --cpu-prof.
  const p = summary.profile!;
  expect(p.reserve.operations).toBe(6);
  expect(p.reserve.cpuMsPerOperation.service).toBeGreaterThan(0);
  expect(p.reserve.cpuMsPerOperation.postgres).toBeGreaterThan(0);
  expect(p.reserve.cpuMsPerOperation.temporal).toBeGreaterThan(0);
  expect(p.reserve.statementsPerOperation).toBeGreaterThan(1);
  expect(p.reserve.topStatements.map((t) => t.query).join('\n')).toContain('FROM patron WHERE id = $1::uuid FOR NO KEY UPDATE');
  expect(p.cancel.operations).toBe(6);
  expect(p.reservationHistory).toMatchObject({ WORKFLOW_EXECUTION_STARTED: 1, WORKFLOW_EXECUTION_UPDATE_COMPLETED: 1 });
  expect(p.serviceCpu.sampledMs).toBeGreaterThan(0);
  expect(Object.keys(p.serviceCpu.byPackage)).toContain('@prisma/client');
}, 300_000); // longer than the bench's own limits (READY_WITHIN_MS, 60 s to stop): its clean-up runs first
