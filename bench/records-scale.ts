// `npm run bench:records` (issue 14, item 4): the records and the worker at the library's scale, measured
// on this machine — not a timed test. A throwaway PostgreSQL (src/infra/throwaway-database.ts), migrated
// with the real migrations, is filled fast with SQL (generate_series): patrons, titles, copies,
// BENCH_OPEN open reservations in their statuses (BENCH_SECURED of them 確保済み for cooperating
// libraries, their copies 予回送), BENCH_ENDED ended ones with their loans and transitions. Then it
// measures, and prints one JSON summary on stdout:
//
//   fill         rows written and how long the fill took
//   thursday     one Thursday run over the 確保済み — the real activity (runThursdayProcessing,
//                src/activities/thursday.ts) with the real decisions, in its one transaction: wall time,
//                its summary, the signals it owes (counted, not sent: no workflow is running for them)
//   queries      the staff reservation and loan lists with their filters (by card, status, place,
//                due, paging) and My Library (patronReservations / patronLoans): p50/p99 over
//                BENCH_QUERY_CALLS calls each, as the routes call src/services/reservation-queries.ts
//   explain      EXPLAIN (ANALYZE, BUFFERS) of the slowest SQL statement those calls sent (Prisma's own
//                statement, captured from its query log), to see whether an index matches
//   worker       RSS of a worker (this process) holding BENCH_WORKFLOWS open reservation workflows on the
//                time-skipping test server in normal time (they wait on their security-delay timer),
//                with maxCachedWorkflows = BENCH_WORKER_CACHE (default: the worker's, src/worker)
//
// Options (environment): BENCH_OPEN (default 20000), BENCH_ENDED (200000), BENCH_SECURED (5000),
// BENCH_PATRONS (default BENCH_OPEN / 4), BENCH_TITLES (default BENCH_OPEN / 2), BENCH_QUERY_CALLS (200),
// BENCH_WORKFLOWS (default 2000; 0 skips the worker), BENCH_WORKER_CACHE, DATABASE_URL (a server of
// yours: a database of our own on it, dropped at the end). test/bench/records-scale.test.ts runs it tiny
// and checks that every figure is reported.
import { Client } from 'pg';
import { Worker } from '@temporalio/worker';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client';
import { createActivities } from '../src/activities';
import { thursdayActivities, DEFAULT_THURSDAY_OPTIONS } from '../src/activities/thursday';
import type { Notifier, PendingSignal } from '../src/activities/notifier';
import { createThrowawayDatabase } from '../src/infra/throwaway-database';
import { createTimeSkippingEnv } from '../src/infra/temporal-test-server';
import { installQuietRuntime, workflowBundle } from '../src/infra/temporal-runtime';
import { sendgridMailer } from '../src/mail/sendgrid';
import { LIBRARY_MAIL_FROM } from '../src/mail/lending-notice';
import { listLoans, listReservations, patronLoans, patronReservations } from '../src/services/reservation-queries';
import { reservationWorkflowInput } from '../src/services/workflow-starter';
import { RESERVATION_WORKFLOW_TYPE, reservationWorkflowId } from '../src/workflows/reservation-messages';
import { WORKER_MAX_CACHED_WORKFLOWS } from '../src/worker/worker';
import { percentiles } from './service-process';
import { parseLocalDate } from '../src/domain';

/** The Thursday the run is for (2026-12-03, 10:00 JST) and the moments around it. */
const PROCESSING_AT = '2026-12-03T01:00:00.000Z';
const TODAY = parseLocalDate('2026-12-03');

export interface RecordsBenchOptions {
  open: number;
  ended: number;
  secured: number;
  patrons: number;
  titles: number;
  queryCalls: number;
  workflows: number;
  workerCache: number;
}

export function benchOptions(env: NodeJS.ProcessEnv = process.env): RecordsBenchOptions {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, not "${raw}"`);
    return n;
  };
  const open = int('BENCH_OPEN', 20_000);
  const secured = int('BENCH_SECURED', Math.min(5_000, open));
  if (secured > open) throw new Error(`BENCH_SECURED (${secured}) cannot exceed BENCH_OPEN (${open})`);
  return {
    open,
    ended: int('BENCH_ENDED', 200_000),
    secured,
    patrons: Math.max(1, int('BENCH_PATRONS', Math.ceil(open / 4))),
    titles: Math.max(1, int('BENCH_TITLES', Math.ceil(open / 2))),
    queryCalls: Math.max(1, int('BENCH_QUERY_CALLS', 200)),
    workflows: int('BENCH_WORKFLOWS', 2_000),
    workerCache: int('BENCH_WORKER_CACHE', WORKER_MAX_CACHED_WORKFLOWS),
  };
}

/**
 * The fill, in SQL. Open reservation i (1…open) belongs to patron i mod P and title i mod T:
 * the first `secured` are 確保済み at a cooperating library with their own copy 予回送 (secured in the
 * days before the Thursday); of the rest, one in ten 貸出可能 at the prefectural library (copy 予受待),
 * one in ten 配送中 and one in ten 貸出中 (an active loan each: one in twenty of those long overdue, so
 * that R-DISPATCH-1 refuses some patrons), the others 確保待ち in their title's queue. Ended ones: 7 in 10
 * 返却済 (a closed loan of the title's shelf copy, three transitions), 2 in 10 取消, 1 in 10 解除.
 */
function fillSql(o: RecordsBenchOptions): string[] {
  const { open, ended, secured, patrons: P, titles: T } = o;
  const rest = `(i - ${secured})`;
  // For i > secured: 0 → READY, 1 → IN_DELIVERY, 2 → ON_LOAN, 3…9 → WAITING.
  const kind = `(${rest} % 10)`;
  return [
    `INSERT INTO patron (id, "cardNumber", name, email, "updatedAt")
       SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'B' || lpad(i::text, 7, '0'), '利用者' || i,
              'p' || i || '@example.jp', now()
       FROM generate_series(1, ${P}) i`,
    `INSERT INTO title (id, title, author) SELECT 'T' || i, '資料' || i, '著者' || (i % 97) FROM generate_series(1, ${T}) i`,
    // One shelf copy per title (the ended loans' copy), and a copy of its own for every open reservation that holds one.
    `INSERT INTO item ("itemNumber", "titleId", "materialType", status, "updatedAt")
       SELECT 'C' || i, 'T' || i, '図書', '書架', now() FROM generate_series(1, ${T}) i`,
    `INSERT INTO item ("itemNumber", "titleId", "materialType", status, "loanCategory", "updatedAt")
       SELECT 'R' || i, 'T' || (i % ${T} + 1), '図書',
              (CASE WHEN i <= ${secured} THEN '予回送' WHEN ${kind} = 0 THEN '予受待' ELSE '貸出' END)::item_status,
              CASE WHEN i > ${secured} AND ${kind} IN (1, 2) THEN '一般' END, now()
       FROM generate_series(1, ${open}) i WHERE i <= ${secured} OR ${kind} IN (0, 1, 2)`,
    `INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", status, "queueSeq", "itemNumber", "placedAt",
                              "securedAt", "pickupFrom", "pickupUntil", "workflowStartedAt", "updatedAt")
       SELECT 'bench-open-' || i,
              ('00000000-0000-4000-8000-' || lpad(to_hex(i % ${P} + 1), 12, '0'))::uuid,
              'T' || (i % ${T} + 1),
              CASE WHEN i > ${secured} AND ${kind} = 0 THEN 'pref' ELSE 'coop:' || (i % 59 + 1) END,
              (CASE WHEN i <= ${secured} THEN 'SECURED' WHEN ${kind} = 0 THEN 'READY' WHEN ${kind} = 1 THEN 'IN_DELIVERY'
                    WHEN ${kind} = 2 THEN 'ON_LOAN' ELSE 'WAITING' END)::reservation_status,
              CASE WHEN i > ${secured} AND ${kind} >= 3 THEN i END,
              CASE WHEN i <= ${secured} OR ${kind} IN (0, 1, 2) THEN 'R' || i END,
              timestamp '2026-10-01 00:00' + (i || ' seconds')::interval * 5,
              CASE WHEN i <= ${secured} THEN timestamp '2026-11-26 03:00' + (i || ' seconds')::interval * 60
                   WHEN ${kind} IN (0, 1, 2) THEN timestamp '2026-11-19 03:00' END,
              CASE WHEN i > ${secured} AND ${kind} IN (0, 1, 2) THEN date '2026-11-20' END,
              CASE WHEN i > ${secured} AND ${kind} IN (0, 1, 2) THEN date '2026-12-04' END,
              now(), now()
       FROM generate_series(1, ${open}) i`,
    `INSERT INTO loan (id, "itemNumber", "patronId", "reservationId", state, "lentAt", "lentOn", due, bag, "updatedAt")
       SELECT gen_random_uuid(), r."itemNumber", r."patronId", r.id, 'ACTIVE', timestamp '2026-11-19 01:00', date '2026-11-19',
              CASE WHEN (row_number() OVER (ORDER BY r.id)) % 20 = 0 THEN date '2026-10-01' ELSE date '2026-12-10' END,
              '2026-11-19/' || r."pickupPlaceCode" || '/' || r."patronId", now()
       FROM reservation r WHERE r.status IN ('IN_DELIVERY', 'ON_LOAN')`,
    `INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", status, "itemNumber", "placedAt", "securedAt",
                              "endedAt", "endReason", "workflowStartedAt", "updatedAt")
       SELECT 'bench-ended-' || i,
              ('00000000-0000-4000-8000-' || lpad(to_hex(i % ${P} + 1), 12, '0'))::uuid,
              'T' || (i % ${T} + 1), 'coop:' || (i % 59 + 1),
              (CASE WHEN i % 10 < 7 THEN 'RETURNED' WHEN i % 10 < 9 THEN 'CANCELLED' ELSE 'RELEASED' END)::reservation_status,
              CASE WHEN i % 10 < 7 THEN 'C' || (i % ${T} + 1) END,
              timestamp '2024-01-01 00:00' + (i || ' minutes')::interval * 4,
              CASE WHEN i % 10 < 7 THEN timestamp '2024-01-02 00:00' + (i || ' minutes')::interval * 4 END,
              timestamp '2024-01-20 00:00' + (i || ' minutes')::interval * 4,
              CASE WHEN i % 10 < 7 THEN 'returned' WHEN i % 10 < 9 THEN 'cancelled' ELSE 'released' END,
              now(), now()
       FROM generate_series(1, ${ended}) i`,
    `INSERT INTO loan (id, "itemNumber", "patronId", "reservationId", state, "lentAt", "lentOn", due, "returnedOn", "checkedInAt", "updatedAt")
       SELECT gen_random_uuid(), r."itemNumber", r."patronId", r.id, 'CLOSED', r."securedAt", r."securedAt"::date,
              r."securedAt"::date + 14, r."endedAt"::date, r."endedAt", now()
       FROM reservation r WHERE r.status = 'RETURNED'`,
    `INSERT INTO reservation_transition ("reservationId", status, at)
       SELECT r.id, s.status, s.at FROM reservation r
       CROSS JOIN LATERAL (VALUES ('APPLIED'::reservation_status, r."placedAt"), (r.status, COALESCE(r."endedAt", r."securedAt", r."placedAt"))) s(status, at)
       WHERE r.status <> 'APPLIED'`,
    'ANALYZE',
  ];
}

/** A notifier that keeps the signals the run owes: nothing runs for the filled reservations to receive them. */
function countingNotifier(): Notifier & { sent: number } {
  const n = {
    sent: 0,
    async send(_s: PendingSignal) {
      n.sent += 1;
    },
  };
  return n;
}

interface CapturedQuery {
  sql: string;
  params: unknown[];
  ms: number;
  label: string;
}

async function timed(label: string, calls: number, call: (i: number) => Promise<unknown>, current: { label: string; log?: (line: string) => void }) {
  const ms: number[] = [];
  current.label = label;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await call(i);
    ms.push(performance.now() - t0);
  }
  const p = percentiles(ms);
  current.log?.(`${label}: ${JSON.stringify(p)}`);
  return p;
}

/** Prisma's query log gives the parameters as JSON text; EXPLAIN takes them back as values. */
function parseParams(raw: string): unknown[] {
  try {
    const p = JSON.parse(raw) as unknown;
    return Array.isArray(p) ? p : [];
  } catch {
    return [];
  }
}

export interface RecordsBenchSummary {
  date: string;
  loadAverage: number[];
  options: RecordsBenchOptions;
  fill: { ms: number; rows: Record<string, number> };
  /** summary: the run's ThursdaySummary, or { error } when the run failed (e.g. its transaction's time limit). */
  thursday: {
    ms: number;
    summary: Record<string, unknown>;
    signals: number;
    securedBefore: number;
    statements: { sql: string; calls: number; ms: number }[];
  };
  queries: Record<string, ReturnType<typeof percentiles>>;
  /** The three slowest statements sent by the list calls: as measured by Prisma (ms), and as EXPLAIN ANALYZE ran them again (executionMs). */
  explain: { label: string; ms: number; executionMs: number; sql: string; plan: string[] }[];
  worker: {
    workflows: number;
    maxCachedWorkflows: number;
    /** This process before the worker was created, and with the worker running but no workflow yet. */
    rssBeforeMb: number;
    rssIdleWorkerMb: number;
    rssMb: number;
    heapUsedMb: number;
    /** (rssMb − rssIdleWorkerMb) ÷ the workflows held in the cache (at most maxCachedWorkflows). */
    perCachedWorkflowKb: number;
  } | null;
}

export async function runRecordsBench(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => undefined,
): Promise<RecordsBenchSummary> {
  const o = benchOptions(env);
  const loadAverage = (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10);
  const tdb = await createThrowawayDatabase({ log, prefix: 'lending_bench_records' });
  try {
    const pg = new Client({ connectionString: tdb.url });
    await pg.connect();
    try {
      // ---- fill ----
      const t0 = performance.now();
      for (const sql of fillSql(o)) await pg.query(sql);
      const fillMs = performance.now() - t0;
      const rows: Record<string, number> = {};
      for (const t of ['patron', 'title', 'item', 'reservation', 'loan', 'reservation_transition']) {
        rows[t] = Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
      }
      log(`filled in ${Math.round(fillMs)} ms: ${JSON.stringify(rows)}`);

      // ---- queries (before the Thursday run changes the 確保済み) ----
      const current = { label: '', log };
      const captured: CapturedQuery[] = [];
      const qdb = new PrismaClient({ adapter: new PrismaPg({ connectionString: tdb.url }), log: [{ emit: 'event', level: 'query' }] });
      qdb.$on('query', (e) => captured.push({ sql: e.query, params: parseParams(e.params), ms: e.duration, label: current.label }));
      const n = o.queryCalls;
      const card = (i: number) => `B${String(((i * 7919) % o.patrons) + 1).padStart(7, '0')}`;
      const patronId = (i: number) => `00000000-0000-4000-8000-${(((i * 7919) % o.patrons) + 1).toString(16).padStart(12, '0')}`;
      const place = (i: number) => `coop:${(i % 59) + 1}`;
      const lastPage = (total: number, size: number) => Math.max(1, Math.ceil(total / size));
      const reservationTotal = rows.reservation!;
      const loanTotal = rows.loan!;
      const queries: RecordsBenchSummary['queries'] = {};
      try {
        await patronReservations(qdb, patronId(0)); // connect and warm up
        captured.length = 0;
        queries.staffReservationsByCard = await timed(
          'staffReservationsByCard',
          n,
          (i) => listReservations(qdb, { cardNumber: card(i), page: 1, pageSize: 20 }),
          current,
        );
        queries.staffReservationsByStatus = await timed(
          'staffReservationsByStatus',
          n,
          (i) => listReservations(qdb, { status: [(['SECURED', 'WAITING', 'READY'] as const)[i % 3]!], page: 1, pageSize: 20 }),
          current,
        );
        queries.staffReservationsByPlace = await timed(
          'staffReservationsByPlace',
          n,
          (i) => listReservations(qdb, { pickup: place(i), status: ['SECURED'], page: 1, pageSize: 20 }),
          current,
        );
        queries.staffReservationsAllDeepPage = await timed(
          'staffReservationsAllDeepPage',
          n,
          (i) => listReservations(qdb, { page: 1 + (i % Math.min(50, lastPage(reservationTotal, 20))), pageSize: 20 }),
          current,
        );
        queries.staffLoansByCard = await timed(
          'staffLoansByCard',
          n,
          (i) => listLoans(qdb, { cardNumber: card(i), page: 1, pageSize: 20 }, TODAY),
          current,
        );
        queries.staffLoansActive = await timed(
          'staffLoansActive',
          n,
          (i) => listLoans(qdb, { state: ['ACTIVE'], page: 1 + (i % 5), pageSize: 20 }, TODAY),
          current,
        );
        queries.staffLoansDue = await timed(
          'staffLoansDue',
          n,
          () => listLoans(qdb, { dueFrom: '2026-12-01', dueUntil: '2026-12-31', page: 1, pageSize: 20 }, TODAY),
          current,
        );
        queries.staffLoansAllDeepPage = await timed(
          'staffLoansAllDeepPage',
          n,
          (i) => listLoans(qdb, { page: 1 + (i % Math.min(50, lastPage(loanTotal, 20))), pageSize: 20 }, TODAY),
          current,
        );
        queries.myLibraryReservations = await timed('myLibraryReservations', n, (i) => patronReservations(qdb, patronId(i)), current);
        queries.myLibraryLoans = await timed('myLibraryLoans', n, (i) => patronLoans(qdb, patronId(i), TODAY), current);
      } finally {
        await qdb.$disconnect();
      }
      // The slowest statements (one per SQL text), planned again with EXPLAIN ANALYZE: a busy machine makes single calls slow, so the
      // twenty slowest as sent are run again and the three slowest as the server runs them are kept.
      const slowest = new Map<string, CapturedQuery>();
      for (const q of captured) if ((slowest.get(q.sql)?.ms ?? -1) < q.ms) slowest.set(q.sql, q);
      const explain: RecordsBenchSummary['explain'] = [];
      for (const q of [...slowest.values()].sort((a, b) => b.ms - a.ms).slice(0, 20)) {
        const plan = (await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']);
        const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan.at(-1) ?? '')?.[1] ?? NaN);
        explain.push({ label: q.label, ms: Math.round(q.ms * 10) / 10, executionMs, sql: q.sql, plan });
      }
      // The twenty slowest as sent, the three slowest as the server ran them again (what an index changes).
      explain.sort((a, b) => b.executionMs - a.executionMs).splice(3);

      // ---- Thursday ----
      const securedBefore = Number(
        (await pg.query<{ n: string }>(`SELECT count(*) AS n FROM reservation WHERE status = 'SECURED' AND "securedAt" <= $1`, [PROCESSING_AT]))
          .rows[0]!.n,
      );
      const notifier = countingNotifier();
      // The run's statements, from Prisma's query log: where its time goes (count and total ms per SQL text).
      const statements = new Map<string, { calls: number; ms: number }>();
      const tdbLogged = new PrismaClient({ adapter: new PrismaPg({ connectionString: tdb.url }), log: [{ emit: 'event', level: 'query' }] });
      tdbLogged.$on('query', (e) => {
        const st = statements.get(e.query) ?? { calls: 0, ms: 0 };
        st.calls += 1;
        st.ms += e.duration;
        statements.set(e.query, st);
      });
      const { runThursdayProcessing } = thursdayActivities(tdbLogged, notifier, DEFAULT_THURSDAY_OPTIONS);
      const t1 = performance.now();
      let summary: Record<string, unknown>;
      try {
        summary = { ...(await runThursdayProcessing({ processingAt: PROCESSING_AT })) };
      } catch (err) {
        summary = { error: err instanceof Error ? err.message.split('\n').filter(Boolean).slice(-2).join(' ') : String(err) };
      } finally {
        await tdbLogged.$disconnect();
      }
      const thursdayMs = performance.now() - t1;
      const topStatements = [...statements.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 8)
        .map(([sql, st]) => ({ sql: sql.slice(0, 200), calls: st.calls, ms: Math.round(st.ms) }));
      log(`Thursday run over ${securedBefore} in ${Math.round(thursdayMs)} ms: ${JSON.stringify(summary)}`);

      // ---- worker ----
      const worker = o.workflows > 0 ? await measureWorker(tdb.db, pg, o, log) : null;

      return {
        date: new Date().toISOString(),
        loadAverage,
        options: o,
        fill: { ms: Math.round(fillMs), rows },
        thursday: { ms: Math.round(thursdayMs), summary, signals: notifier.sent, securedBefore, statements: topStatements },
        queries,
        explain,
        worker,
      };
    } finally {
      await pg.end();
    }
  } finally {
    await tdb.drop();
  }
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * A worker in this process holding `o.workflows` open reservation workflows: started with the input the
 * placement gives them (reservationWorkflowInput), for 確保待ち rows added for them; in normal time
 * they wait on their security-delay timer (5 minutes), so each stays open, cached up to the cache size.
 */
async function measureWorker(
  db: PrismaClient,
  pg: Client,
  o: RecordsBenchOptions,
  log: (line: string) => void,
): Promise<RecordsBenchSummary['worker']> {
  installQuietRuntime();
  await pg.query(
    `INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", status, "queueSeq", "placedAt", "updatedAt")
       SELECT 'bench-wf-' || i, ('00000000-0000-4000-8000-' || lpad(to_hex(i % ${o.patrons} + 1), 12, '0'))::uuid,
              'T' || (i % ${o.titles} + 1), 'coop:' || (i % 59 + 1), 'WAITING', 1000000 + i, now(), now()
       FROM generate_series(1, ${o.workflows}) i`,
  );
  const [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
  try {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const taskQueue = 'bench-records-worker';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      maxCachedWorkflows: o.workerCache,
      activities: createActivities({
        db,
        notifier: countingNotifier(),
        mailer: sendgridMailer({ apiKey: 'SG.bench', baseUrl: 'http://127.0.0.1:9' }),
        mailFrom: LIBRARY_MAIL_FROM,
      }),
    });
    const running = worker.run();
    try {
      await new Promise((r) => setTimeout(r, 2_000));
      global.gc?.();
      const rssIdle = process.memoryUsage().rss;
      const rows = await db.reservation.findMany({ where: { id: { startsWith: 'bench-wf-' } }, orderBy: { id: 'asc' } });
      for (let i = 0; i < rows.length; i += 50) {
        await Promise.all(
          rows.slice(i, i + 50).map((r) =>
            env.client.workflow.start(RESERVATION_WORKFLOW_TYPE, {
              taskQueue,
              workflowId: reservationWorkflowId(r.id),
              args: [reservationWorkflowInput(r)],
            }),
          ),
        );
      }
      // Every workflow has run its first task once a query is answered: the answer needs the workflow in a worker.
      for (let i = 0; i < rows.length; i += 50) {
        await Promise.all(rows.slice(i, i + 50).map((r) => env.client.workflow.getHandle(reservationWorkflowId(r.id)).query('view')));
      }
      global.gc?.();
      const m = process.memoryUsage();
      log(`worker holding ${rows.length} workflows: rss ${mb(m.rss)} MB`);
      return {
        workflows: rows.length,
        maxCachedWorkflows: o.workerCache,
        rssBeforeMb: mb(rssBefore),
        rssIdleWorkerMb: mb(rssIdle),
        rssMb: mb(m.rss),
        heapUsedMb: mb(m.heapUsed),
        perCachedWorkflowKb: Math.round((m.rss - rssIdle) / 1024 / Math.max(1, Math.min(rows.length, o.workerCache))),
      };
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await env.teardown();
  }
}

if (require.main === module) {
  runRecordsBench(process.env, (line) => process.stderr.write(`${line}\n`)).then(
    (summary) => process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench:records failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
