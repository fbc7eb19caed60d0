// Found by `npm run topology` (R-TOPO-1: two workers and two APIs at once): a copy 書架 while the next
// reservation held it 確保済み. A return at the prefectural library (recordReturn) read the loan, then
// waited for the title's lock while a central check-in of the same copy closed that loan and handed
// the copy to the next reserver; with the loan it had read before the lock (still ACTIVE) it closed it
// again and handed the copy over a second time — to the shelf, the queue being empty by then. Here the
// check-in's commit is made by hand inside a transaction that holds the title's lock, so the return is
// certain to be waiting on that lock when it happens.
import { Client } from 'pg';
import { loanActivities } from '../../src/activities/loans';
import type { Notifier, PendingSignal } from '../../src/activities/notifier';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function waitUntilWaitingOnALock(admin: Client, database: string): Promise<void> {
  for (;;) {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
      [database],
    );
    if (rows[0]!.n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('R-CANCEL-3, R-RETURN-1 (R-TOPO-1): a return at the prefectural library that waited for the title lock while a check-in handed the copy on does not hand it over again', async () => {
  const { db } = t;
  const a = await db.patron.create({ data: { cardNumber: 'RACE-A', name: '競合 一' } });
  const b = await db.patron.create({ data: { cardNumber: 'RACE-B', name: '競合 二' } });
  await db.title.create({ data: { id: 'T-RACE', title: '競合の本' } });
  await db.item.create({ data: { itemNumber: 'RACE-1', titleId: 'T-RACE', materialType: 'BOOK', status: 'ON_LOAN', loanCategory: '一般' } });
  const placedAt = new Date('2026-12-01T01:00:00Z');
  await db.reservation.create({
    data: { id: 'RACE-R1', patronId: a.id, titleId: 'T-RACE', pickupPlaceCode: 'pref', status: 'ON_LOAN', itemNumber: 'RACE-1', placedAt },
  });
  const loan = await db.loan.create({
    data: {
      itemNumber: 'RACE-1',
      patronId: a.id,
      reservationId: 'RACE-R1',
      lentAt: placedAt,
      lentOn: new Date('2026-12-01T00:00:00Z'),
      due: new Date('2026-12-16T00:00:00Z'),
    },
  });
  await db.reservation.create({
    data: { id: 'RACE-R2', patronId: b.id, titleId: 'T-RACE', pickupPlaceCode: 'coop:12', status: 'WAITING', queueSeq: 1, placedAt },
  });

  const signals: PendingSignal[] = [];
  const notifier: Notifier = { send: async (s) => void signals.push(s) };
  const checkIn = new Client({ connectionString: t.url });
  const admin = new Client({ connectionString: t.url });
  await Promise.all([checkIn.connect(), admin.connect()]);
  try {
    // The central check-in holds the title's lock…
    await checkIn.query('BEGIN');
    await checkIn.query('SELECT id FROM title WHERE id = $1 FOR NO KEY UPDATE', ['T-RACE']); // as lockTitle takes it
    // …while the return at the prefectural counter starts and waits for it.
    const returning = loanActivities(db, notifier, { longOverdueGraceDays: 0 }).recordReturn({
      reservationId: 'RACE-R1',
      place: 'pref',
      at: '2026-12-02T02:00:00.000Z',
    });
    await waitUntilWaitingOnALock(admin, t.name);
    // What the check-in commits: the loan closed, RACE-R1 返却済, the copy secured for RACE-R2 (予回送).
    await checkIn.query(`UPDATE loan SET state = 'CLOSED', "checkedInAt" = now(), "returnedOn" = '2026-12-02', "returnedAt" = 'pref' WHERE id = $1`, [
      loan.id,
    ]);
    await checkIn.query(`UPDATE reservation SET status = 'RETURNED', "endedAt" = now() WHERE id = 'RACE-R1'`);
    await checkIn.query(
      `UPDATE reservation SET status = 'SECURED', "itemNumber" = 'RACE-1', "queueSeq" = NULL, "securedAt" = now() WHERE id = 'RACE-R2'`,
    );
    await checkIn.query(`UPDATE item SET status = '予回送', "loanCategory" = NULL WHERE "itemNumber" = 'RACE-1'`);
    await checkIn.query('COMMIT');

    // The return finds the loan closed (as a retry after the commit would): processed, nothing handed over.
    expect(await returning).toEqual({ ok: true, processed: true, returnedOn: '2026-12-02' });
  } finally {
    await Promise.all([checkIn.end(), admin.end()]);
  }
  expect(await db.item.findUniqueOrThrow({ where: { itemNumber: 'RACE-1' } })).toMatchObject({ status: 'IN_TRANSIT' });
  expect(await db.reservation.findUniqueOrThrow({ where: { id: 'RACE-R2' } })).toMatchObject({ status: 'SECURED', itemNumber: 'RACE-1' });
  expect(await db.loan.count({ where: { itemNumber: 'RACE-1' } })).toBe(1);
  expect(signals.filter((s) => s.workflowId === 'reservation-RACE-R2')).toEqual([]); // not secured a second time
});
