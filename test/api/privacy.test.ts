// Privacy of ended records (issue 13, item 5; docs/spec.md §11): the reading history is the patron's
// choice (R-PRIVACY-1), and otherwise an ended loan or reservation loses its patron after
// PRIVACY_RETENTION_DAYS (R-PRIVACY-2), keeping what staff count. Through the real API and workflows,
// then the housekeeping sweep at moments 29 and 31 days on.
import { ANONYMOUS_PATRON_ID } from '../../src/domain';
import { sweep } from '../../src/services/housekeeping';
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const HISTORY = '/opac/patrons/{cardNumber}/reading-history';
const R = '/staff/reservations/{reservationId}';
const DAY = 86_400_000;

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-12-07T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

/** A reservation picked up at the prefectural library and returned there, and a walk-in loan returned too. */
async function readAndReturned(card: string, title: string, items: [string, string]): Promise<{ reservationId: string }> {
  const reservationId = (await a.post(RESERVE, 'opac', { cardNumber: card }, { titleId: title, pickup: 'pref' })).body.reservationId as string;
  await a.h.advanceTo(new Date((await a.h.now()).getTime() + 10 * 60_000));
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId }, { cardShown: true })).body.status).toBe('ON_LOAN');
  expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: items[0] })).status).toBe(200);
  expect((await a.post('/staff/checkouts', 'staff', {}, { cardNumber: card, itemNumber: items[1] })).status).toBe(201);
  expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: items[1] })).status).toBe(200);
  return { reservationId };
}

test('R-PRIVACY-1: the reading history is off until the patron turns it on; on, it lists the returned loans; only the patron sets it', async () => {
  await a.patron('PV001');
  await a.h.title('T-PV1', '津軽海峡', [{ item: 'PV1-1' }, { item: 'PV1-2' }]);
  await a.h.advanceTo(w.at('2026-12-07T09:00'));

  const off = await a.get(HISTORY, 'opac', { cardNumber: 'PV001' });
  expect(off.body).toMatchObject({ enabled: false, since: null, items: [], total: 0 });
  await readAndReturned('PV001', 'T-PV1', ['PV1-1', 'PV1-2']);
  // Off: nothing is listed, although the returned loans are still linked (within the period).
  expect((await a.get(HISTORY, 'opac', { cardNumber: 'PV001' })).body).toMatchObject({ enabled: false, items: [] });

  const on = await a.put(HISTORY, 'opac', { cardNumber: 'PV001' }, { enabled: true });
  expect(on.status).toBe(200);
  expect(on.body.enabled).toBe(true);
  const since = new Date(on.body.since as string).getTime(); // the library's clock when it was turned on
  expect(since).toBeLessThanOrEqual((await a.h.now()).getTime());
  expect(since).toBeGreaterThan(w.at('2026-12-07T09:00').getTime());
  const listed = (await a.get(HISTORY, 'opac', { cardNumber: 'PV001' })).body;
  expect(listed.total).toBe(2);
  expect(listed.items.map((i: { title: string; returnedOn: string }) => [i.title, i.returnedOn])).toEqual([
    ['津軽海峡', w.day('2026-12-07')],
    ['津軽海峡', w.day('2026-12-07')],
  ]);

  // Bad input loses nothing; another patron's token cannot read or set it.
  const bad = await a.put(HISTORY, 'opac', { cardNumber: 'PV001' }, { enabled: 'yes' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.enabled']);
  await a.patron('PV002');
  const theirs = await a.call('get', HISTORY, { as: 'opac', params: { cardNumber: 'PV001' }, patronToken: a.patronTokens.get('PV002')! });
  expect(theirs.status).toBe(403);
  expect((await a.get(HISTORY, 'opac', { cardNumber: 'PV001' })).body.enabled).toBe(true);

  // Off again: nothing listed; a repeat is harmless.
  expect((await a.put(HISTORY, 'opac', { cardNumber: 'PV001' }, { enabled: false })).body).toEqual({ enabled: false, since: null });
  expect((await a.put(HISTORY, 'opac', { cardNumber: 'PV001' }, { enabled: false })).body).toEqual({ enabled: false, since: null });
  expect((await a.get(HISTORY, 'opac', { cardNumber: 'PV001' })).body).toMatchObject({ enabled: false, items: [], total: 0 });
});

test('R-PRIVACY-2: after PRIVACY_RETENTION_DAYS an ended loan and reservation lose their patron (not before), unless the patron keeps a reading history; counts stay', async () => {
  await a.patron('PV010');
  await a.patron('PV011');
  await a.h.title('T-PV2', '八甲田山', [{ item: 'PV2-1' }, { item: 'PV2-2' }]);
  await a.h.title('T-PV3', '奥入瀬', [{ item: 'PV3-1' }, { item: 'PV3-2' }]);
  await a.h.advanceTo(w.at('2026-12-08T09:00'));
  expect((await a.put(HISTORY, 'opac', { cardNumber: 'PV011' }, { enabled: true })).status).toBe(200);
  const forgotten = await readAndReturned('PV010', 'T-PV2', ['PV2-1', 'PV2-2']);
  const kept = await readAndReturned('PV011', 'T-PV3', ['PV3-1', 'PV3-2']);
  const db = a.h.db;
  const p10 = await db.patron.findUniqueOrThrow({ where: { cardNumber: 'PV010' } });
  const p11 = await db.patron.findUniqueOrThrow({ where: { cardNumber: 'PV011' } });
  expect(await db.mailOutbox.count({ where: { reservationId: forgotten.reservationId, to: { not: '' } } })).toBeGreaterThan(0);
  expect(await db.staffAction.count({ where: { cardNumber: 'PV010', itemNumber: { not: null } } })).toBeGreaterThan(0);
  const countsBefore = await db.reservation.groupBy({
    by: ['titleId', 'status', 'pickupPlaceCode'],
    where: { titleId: { in: ['T-PV2', 'T-PV3'] } },
    _count: true,
  });

  // Two Thursday runs' bag lists (R-COOP-2): one older than the period, one within it (the sweep below runs at 12-08 + 31 days).
  const bag = [{ bag: 'x/coop:1/PV010', place: 'coop:1', patronId: p10.id, pickupFrom: '2026-10-03', pickupUntil: '2026-10-11', items: [] }];
  await db.thursdayRun.createMany({
    data: [
      { processingDate: new Date(`${w.day('2026-10-01')}T00:00:00Z`), startedAt: w.at('2026-10-01T10:00'), packedBags: bag, bags: 1 },
      { processingDate: new Date(`${w.day('2026-12-10')}T00:00:00Z`), startedAt: w.at('2026-12-10T10:00'), packedBags: bag, bags: 1 },
    ],
  });

  const now = await a.h.now();
  const opts = { idempotencyRetentionHours: 24, privacyRetentionDays: 30 };
  // 29 days on: still within the period — nothing of theirs is forgotten.
  await sweep(db, { ...opts, now: new Date(now.getTime() + 29 * DAY) });
  expect((await db.reservation.findUniqueOrThrow({ where: { id: forgotten.reservationId } })).patronId).toBe(p10.id);
  expect(await db.loan.count({ where: { patronId: p10.id } })).toBe(2);

  // 31 days on: PV010's are forgotten, PV011's (reading history on) are kept.
  const swept = await sweep(db, { ...opts, now: new Date(now.getTime() + 31 * DAY) });
  expect(swept.forgotten.reservations).toBeGreaterThanOrEqual(1);
  expect(swept.forgotten.walkInLoans).toBeGreaterThanOrEqual(1);
  const r10 = await db.reservation.findUniqueOrThrow({ where: { id: forgotten.reservationId }, include: { transitions: true } });
  expect(r10).toMatchObject({ patronId: ANONYMOUS_PATRON_ID, usualLibraryNo: null, status: 'RETURNED', titleId: 'T-PV2' });
  expect(r10.transitions.map((t) => t.status)).toContain('ON_LOAN'); // the history of statuses stays
  expect(await db.loan.count({ where: { patronId: p10.id } })).toBe(0);
  expect(await db.loan.count({ where: { patronId: ANONYMOUS_PATRON_ID, item: { titleId: 'T-PV2' } } })).toBe(2);
  expect(await db.loan.count({ where: { patronId: ANONYMOUS_PATRON_ID, bag: { not: null } } })).toBe(0);
  const mails = await db.mailOutbox.findMany({ where: { reservationId: forgotten.reservationId } });
  expect(mails.length).toBeGreaterThan(0);
  expect(mails.every((m) => m.to === '' && m.body === '' && m.state === 'SENT')).toBe(true);
  expect(await db.staffAction.count({ where: { cardNumber: 'PV010', OR: [{ itemNumber: { not: null } }, { reservationId: { not: null } }] } })).toBe(
    0,
  );
  expect(await db.staffAction.count({ where: { itemNumber: 'PV2-2', action: 'checkout' } })).toBe(1); // the act itself stays

  expect((await db.reservation.findUniqueOrThrow({ where: { id: kept.reservationId } })).patronId).toBe(p11.id);
  expect(await db.loan.count({ where: { patronId: p11.id } })).toBe(2);
  expect(await db.staffAction.count({ where: { cardNumber: 'PV011', itemNumber: { not: null } } })).toBeGreaterThan(0);
  expect((await db.mailOutbox.findMany({ where: { reservationId: kept.reservationId } })).every((m) => m.to !== '')).toBe(true);
  expect((await a.get(HISTORY, 'opac', { cardNumber: 'PV011' })).body.total).toBe(2);

  const runs = await db.thursdayRun.findMany({ where: { bags: 1 }, orderBy: { processingDate: 'asc' }, select: { packedBags: true, bags: true } });
  expect(runs).toEqual([
    { packedBags: [], bags: 1 },
    { packedBags: bag, bags: 1 },
  ]);

  // The counts staff need are as they were.
  const countsAfter = await db.reservation.groupBy({
    by: ['titleId', 'status', 'pickupPlaceCode'],
    where: { titleId: { in: ['T-PV2', 'T-PV3'] } },
    _count: true,
  });
  expect(countsAfter).toEqual(countsBefore);
  // Staff still see the reservation, for nobody; no request can name the anonymous patron.
  const view = await a.get(R, 'staff', { reservationId: forgotten.reservationId });
  expect(view.status).toBe(200);
  expect(JSON.stringify(view.body)).not.toContain('PV010');
  expect((await a.get('/staff/patrons/{cardNumber}', 'staff', { cardNumber: 'ANONYMOUS' })).status).toBe(404);
  // PV010 still has an account, with no loan or reservation left to link.
  expect((await a.get(RESERVE, 'opac', { cardNumber: 'PV010' })).body.items).toEqual([]);

  // A second pass finds nothing more to do (idempotent).
  const again = await sweep(db, { ...opts, now: new Date(now.getTime() + 31 * DAY) });
  expect(again.forgotten).toMatchObject({ reservations: 0, walkInLoans: 0, staffActs: 0 });
});
