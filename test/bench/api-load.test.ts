// The benchmark (bench/api-load.ts) still runs and reports — on a tiny load, and without asserting any
// time: times are for `npm run bench` to measure, not for a test on a busy machine to guess.
import { runBench } from '../../bench/api-load';

test('npm run bench starts the service, registers patrons, places reservations concurrently, reads the staff list, stops cleanly, and reports', async () => {
  const summary = await runBench({ BENCH_PATRONS: '3', BENCH_RESERVATIONS_PER_PATRON: '2', BENCH_CONCURRENCY: '3', LENDING_TEMPORAL: 'java' });
  expect(summary.startup).toMatchObject({ exitCode: 0, readyMs: expect.any(Number), stopMs: expect.any(Number) });
  expect(summary.reserve).toMatchObject({ requests: 6, created: 6, errors: {}, concurrency: 3 });
  expect(summary.reserve.latencyMs.p50).toBeGreaterThan(0);
  expect(summary.reserve.latencyMs.max).toBeGreaterThanOrEqual(summary.reserve.latencyMs.p90);
  expect(summary.staffList.requests).toBe(3);
  // The service's own count agrees: 3 patrons registered + 6 reservations placed.
  expect(summary.server.requestsByStatus['201']).toBe(9);
}, 300_000); // longer than the bench's own limits (READY_WITHIN_MS, 60 s to stop): its clean-up runs first
