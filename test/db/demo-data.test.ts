// The demo catalogue and patrons `npm start` seeds into its own database: marked as demo data,
// idempotent, and never undoing what the service changed since.
import { DEMO_PATRONS, DEMO_PREFIX, DEMO_TITLES, seedDemoData } from '../../src/db/demo-data';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('demo data', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('migrated');
  });
  afterAll(async () => t?.drop());

  test('every title, copy and patron is marked as demo data', () => {
    for (const title of DEMO_TITLES) {
      expect(title.id.startsWith(DEMO_PREFIX)).toBe(true);
      expect(title.title.startsWith('【デモ】')).toBe(true);
      for (const item of title.items) expect(item.itemNumber.startsWith(DEMO_PREFIX)).toBe(true);
    }
    for (const p of DEMO_PATRONS) {
      expect(p.cardNumber.startsWith(DEMO_PREFIX)).toBe(true);
      expect(p.name).toMatch(/^デモ利用者/);
      if (p.email) expect(p.email).toMatch(/@example\.com$/);
    }
  });

  test('seeding twice creates each row once and keeps what the service changed', async () => {
    const first = await seedDemoData(t.db);
    expect(await t.db.title.count({ where: { id: { startsWith: DEMO_PREFIX } } })).toBe(first.titles);
    expect(await t.db.item.count({ where: { itemNumber: { startsWith: DEMO_PREFIX } } })).toBe(first.items);
    expect(await t.db.patron.count({ where: { cardNumber: { startsWith: DEMO_PREFIX } } })).toBe(first.patrons);

    await t.db.item.update({ where: { itemNumber: 'DEMO-I0001' }, data: { status: 'AWAITING_PICKUP' } });
    await t.db.title.update({ where: { id: 'DEMO-T002' }, data: { title: 'renamed' } });
    await t.db.patron.update({ where: { cardNumber: 'DEMO-0004' }, data: { email: 'registered@example.com', reservationLimit: 5 } });
    await seedDemoData(t.db);

    expect(await t.db.item.count({ where: { itemNumber: { startsWith: DEMO_PREFIX } } })).toBe(first.items);
    expect(await t.db.patron.count({ where: { cardNumber: { startsWith: DEMO_PREFIX } } })).toBe(first.patrons);
    expect((await t.db.item.findUniqueOrThrow({ where: { itemNumber: 'DEMO-I0001' } })).status).toBe('AWAITING_PICKUP');
    // The titles are the demo's own text: written back.
    expect((await t.db.title.findUniqueOrThrow({ where: { id: 'DEMO-T002' } })).title).toBe(DEMO_TITLES[1]!.title);
    const p4 = await t.db.patron.findUniqueOrThrow({ where: { cardNumber: 'DEMO-0004' } });
    expect([p4.email, p4.reservationLimit]).toEqual(['registered@example.com', 5]);
  });
});
