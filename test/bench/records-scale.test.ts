// The records-at-scale benchmark (bench/records-scale.ts, `npm run bench:records`) still runs and reports
// every figure — on tiny sizes, and without asserting any time: times are for the benchmark to measure.
import { runRecordsBench } from '../../bench/records-scale';

const LISTS = [
  'staffReservationsByCard',
  'staffReservationsByStatus',
  'staffReservationsByPlace',
  'staffReservationsAllDeepPage',
  'staffLoansByCard',
  'staffLoansActive',
  'staffLoansDue',
  'staffLoansAllDeepPage',
  'myLibraryReservations',
  'myLibraryLoans',
];

test('R-SCALE-1, R-SCALE-2, R-SCALE-3: npm run bench:records fills the records, runs Thursday over every 確保済み, times the staff and My Library lists, explains the slowest, measures the worker, and reports every figure', async () => {
  const s = await runRecordsBench({
    BENCH_OPEN: '120',
    BENCH_ENDED: '300',
    BENCH_SECURED: '30',
    BENCH_QUERY_CALLS: '3',
    BENCH_WORKFLOWS: '6',
    BENCH_WORKER_CACHE: '4',
  });
  expect(s.options).toMatchObject({ open: 120, ended: 300, secured: 30, queryCalls: 3, workflows: 6, workerCache: 4 });
  // The fill: every open and ended reservation, a loan for each 配送中 / 貸出中 (18 of the 90 not 確保済み)
  // and 返却済 (7 in 10 of the ended), two transitions each.
  expect(s.fill.rows.reservation).toBe(420);
  expect(s.fill.rows.loan).toBe(18 + 210);
  expect(s.fill.rows.reservation_transition).toBe(840);
  // Thursday: every 確保済み reservation was processed (lent, or refused by a rule), one signal owed each.
  expect(s.thursday.securedBefore).toBe(30);
  expect(s.thursday.summary).toMatchObject({ processingDay: '2026-12-03', processed: 30 });
  expect(s.thursday.signals).toBeGreaterThanOrEqual(30);
  expect(s.thursday.ms).toBeGreaterThan(0);
  // Every list timed, over the number of calls asked for.
  expect(Object.keys(s.queries).sort()).toEqual([...LISTS].sort());
  for (const name of LISTS) {
    const p = s.queries[name]!;
    expect(p.p50).toBeGreaterThan(0);
    expect(p.max).toBeGreaterThanOrEqual(p.p99);
    expect(p.p99).toBeGreaterThanOrEqual(p.p50);
  }
  // The slowest statements, planned again.
  expect(s.explain.length).toBeGreaterThan(0);
  for (const e of s.explain) {
    expect(LISTS).toContain(e.label);
    expect(e.sql).toMatch(/SELECT/);
    expect(e.plan.join('\n')).toMatch(/Execution Time/);
  }
  // The worker held every workflow started, with the cache size asked for.
  expect(s.worker).toMatchObject({ workflows: 6, maxCachedWorkflows: 4 });
  expect(s.worker!.rssMb).toBeGreaterThan(0);
  expect(s.worker!.rssIdleWorkerMb).toBeGreaterThan(0);
}, 300_000);
