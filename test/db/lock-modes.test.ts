// R-SCALE-4 Decision: the title's row is locked FOR NO KEY UPDATE by its allocation events, so a
// reservation being placed for that title meanwhile — its INSERT's foreign key takes KEY SHARE on the
// title — goes through instead of waiting for the event's commit, while two events of the title still
// wait for each other. Here one transaction holds the lock as lockTitle takes it and stays open.
import { Client } from 'pg';
import { lockTitle } from '../../src/activities/allocation';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

test('R-SCALE-4: while an allocation event holds the title, a reservation of that title is recorded at once; a second event waits', async () => {
  const { db } = t;
  const p = await db.patron.create({ data: { cardNumber: 'LOCK-A', name: '錠 一' } });
  await db.title.create({ data: { id: 'T-LOCK', title: '錠の本' } });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const event = db.$transaction(
    async (tx) => {
      await lockTitle(tx, 'T-LOCK');
      locked();
      await held;
    },
    { timeout: 30_000 },
  );
  await isLocked;
  const other = new Client({ connectionString: t.url });
  const third = new Client({ connectionString: t.url });
  const admin = new Client({ connectionString: t.url });
  await Promise.all([other.connect(), third.connect(), admin.connect()]);
  // No lock_timeout: whether a statement waits is read from pg_stat_activity, not from a server timer
  // (the suites also run under faketime, which the server's timers do not follow).
  const waiting = async (stop: { done: boolean }): Promise<'waited'> => {
    for (;;) {
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        [t.name],
      );
      if (rows[0]!.n > 0) return 'waited';
      if (stop.done) return new Promise<never>(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    // The placement's INSERT (foreign key to the title) is recorded without waiting for the event.
    const stop = { done: false };
    const insert = other
      .query(
        `INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", status, "placedAt", "updatedAt")
         VALUES ('LOCK-R1', $1, 'T-LOCK', 'pref', 'APPLIED', now(), now())`,
        [p.id],
      )
      .then(() => 'recorded' as const)
      .finally(() => (stop.done = true));
    expect(await Promise.race([insert, waiting(stop)])).toBe('recorded');
    // A second allocation event of the title does wait for the first (one event at a time per title).
    const second = third.query('SELECT id FROM title WHERE id = $1 FOR NO KEY UPDATE', ['T-LOCK']);
    expect(await waiting({ done: false })).toBe('waited');
    release();
    await second;
  } finally {
    release();
    await event;
    await Promise.all([other.end(), third.end(), admin.end()]);
  }
  expect(await db.reservation.count({ where: { titleId: 'T-LOCK' } })).toBe(1);
});
