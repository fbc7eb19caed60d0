// R-SCALE-2 Decision: the staff reservation and loan lists count their matches only up to
// LIST_COUNT_CAP (or to the end of the page asked for, when that is further), and one more. Up to there
// the total is exact; past it the total is the bound, with totalIsExact false; and every page stays
// reachable by paging, the last one listing its rows. The rows are written with SQL (ended
// reservations, closed loans: nothing for the workflows to do), over the real API and PostgreSQL.
import { LIST_COUNT_CAP } from '../../src/services/list-count';
import { ApiHarness } from '../support/api-harness';

let a: ApiHarness;
/** Patron A has exactly the cap's worth of reservations and of loans; patron B a few more. */
const A = { card: 'LT0001', rows: LIST_COUNT_CAP };
const B = { card: 'LT0002', rows: 40 };
const ALL = A.rows + B.rows;

beforeAll(async () => {
  a = await ApiHarness.start({ thursday: false });
  const db = a.h.db;
  const [pa, pb] = [await a.h.patron(A.card), await a.h.patron(B.card)];
  await db.title.create({ data: { id: 'T-LT', title: '数える本' } });
  await db.$executeRawUnsafe(
    `INSERT INTO item ("itemNumber", "titleId", "materialType", status, "updatedAt")
       SELECT 'LT-' || i, 'T-LT', '図書', '書架', now() FROM generate_series(1, ${ALL}) i`,
  );
  // Ended long ago: 取消 reservations, and loans returned (CLOSED) — i ≤ A.rows are patron A's.
  await db.$executeRawUnsafe(
    `INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", status, "placedAt", "endedAt", "endReason",
                              "workflowStartedAt", "updatedAt")
       SELECT 'LT-R-' || i, CASE WHEN i <= ${A.rows} THEN $1::uuid ELSE $2::uuid END, 'T-LT', 'pref', 'CANCELLED',
              timestamp '2025-01-01 00:00' + (i || ' minutes')::interval, timestamp '2025-03-01 00:00', 'cancelled', now(), now()
       FROM generate_series(1, ${ALL}) i`,
    pa.id,
    pb.id,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO loan (id, "itemNumber", "patronId", state, "lentAt", "lentOn", due, "returnedOn", "checkedInAt", "updatedAt")
       SELECT gen_random_uuid(), 'LT-' || i, CASE WHEN i <= ${A.rows} THEN $1::uuid ELSE $2::uuid END, 'CLOSED',
              timestamp '2025-01-01 00:00', date '2025-01-01', date '2025-01-15' + (i % 300), date '2025-01-10', now(), now()
       FROM generate_series(1, ${ALL}) i`,
    pa.id,
    pb.id,
  );
  expect(await db.reservation.count()).toBe(ALL);
  expect(await db.loan.count()).toBe(ALL);
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]); // every answer as the OpenAPI document describes it (totalIsExact included)
});

type Listed = { items: unknown[]; page: number; pageSize: number; total: number; totalIsExact: boolean };
const LISTS = [
  { path: '/staff/reservations', id: (r: unknown) => (r as { reservationId: string }).reservationId, ended: { status: 'CANCELLED' } },
  { path: '/staff/loans', id: (r: unknown) => (r as { loanId: string }).loanId, ended: { state: 'CLOSED' } },
] as const;

describe.each(LISTS)('R-SCALE-2: $path', ({ path, id, ended }) => {
  const list = async (query: Record<string, string | number>) => {
    const r = await a.get(path, 'staff', {}, query);
    expect(r.status).toBe(200);
    return r.body as Listed;
  };

  test('below the cap, and at it, the total is exact', async () => {
    expect(await list({ cardNumber: B.card })).toMatchObject({ total: B.rows, totalIsExact: true });
    const atCap = await list({ cardNumber: A.card, pageSize: 100 });
    expect(atCap).toMatchObject({ total: LIST_COUNT_CAP, totalIsExact: true });
    expect(atCap.items).toHaveLength(100);
  });

  test('above the cap the total is a lower bound (totalIsExact false), with or without a filter', async () => {
    const first = await list({});
    expect(first).toMatchObject({ page: 1, pageSize: 20, total: LIST_COUNT_CAP, totalIsExact: false });
    expect(first.items).toHaveLength(20);
    expect(await list(ended)).toMatchObject({ total: LIST_COUNT_CAP, totalIsExact: false });
  });

  test('every page is reachable by paging (次へ while the total is a bound or pages remain); the last lists its rows', async () => {
    const seen = new Set<string>();
    let page = 1;
    let last: Listed;
    for (;;) {
      last = await list({ page, pageSize: 20 });
      for (const r of last.items) seen.add(id(r));
      if (last.totalIsExact && page >= Math.ceil(last.total / last.pageSize)) break;
      expect(last.items).toHaveLength(20); // a bound means a next page exists
      page += 1;
    }
    expect(page).toBe(Math.ceil(ALL / 20));
    expect(last).toMatchObject({ total: ALL, totalIsExact: true });
    expect(last.items.length).toBeGreaterThan(0);
    expect(seen.size).toBe(ALL); // every row once

    // Past the cap the count reaches the page asked for: page 10 of 100 is still a bound, page 11 the exact end.
    expect(await list({ page: 10, pageSize: 100 })).toMatchObject({ total: LIST_COUNT_CAP, totalIsExact: false });
    const end = await list({ page: 11, pageSize: 100 });
    expect(end).toMatchObject({ total: ALL, totalIsExact: true });
    expect(end.items).toHaveLength(ALL - 1000);
    // The deepest page the API accepts: empty, with the exact total.
    expect(await list({ page: 100_000, pageSize: 100 })).toMatchObject({ items: [], total: ALL, totalIsExact: true });
  });

  test('bad paging is a 400 naming the field', async () => {
    for (const [query, field] of [
      [{ page: 0 }, 'query.page'],
      [{ page: 100_001 }, 'query.page'],
      [{ page: 'last' }, 'query.page'],
      [{ pageSize: 0 }, 'query.pageSize'],
      [{ pageSize: 101 }, 'query.pageSize'],
    ] as const) {
      expect((await a.get(path, 'staff', {}, query)).body).toMatchObject({ status: 400, errors: [{ field }] });
    }
  });
});
