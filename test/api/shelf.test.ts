// The staff's work at the shelf through the API (R-STATUS-1, R-ITEM-4): the pull list, the scan with
// its hold slip, "not on the shelf", the hold slip of a check-in — each refusal with its rule, each
// act under the name of the member of staff who did it.
import { ApiHarness, HARNESS_STAFF } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const R = '/staff/reservations/{reservationId}';

beforeAll(async () => {
  a = await ApiHarness.start({ pulling: 'manual' });
  w = weekShift('2026-12-01T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

test('R-STATUS-1: 確保待ち on the pull list → the scan (by a signed-in member of staff) → 貸出可能, with the hold slip; the act names who', async () => {
  await a.patron('Q0001');
  await a.h.title('T-Q1', '斜陽', [{ item: 'Q1-1' }]);
  await a.h.db.item.update({ where: { itemNumber: 'Q1-1' }, data: { callNumber: '913.6/ダザ', shelfLocation: '開架 2F' } });
  await a.h.advanceTo(w.at('2026-12-01T10:00'));
  const placed = await a.post(RESERVE, 'opac', { cardNumber: 'Q0001' }, { titleId: 'T-Q1', pickup: 'pref' });
  const id = placed.body.reservationId as string;
  await a.h.advanceTo(w.at('2026-12-01T10:06'));
  expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'WAITING', statusLabel: '確保待ち' });

  const list = await a.get('/staff/pull-list', 'counter');
  expect(list.status).toBe(200);
  expect(list.body.entries).toContainEqual(
    expect.objectContaining({
      itemNumber: 'Q1-1',
      title: '斜陽',
      callNumber: '913.6/ダザ',
      shelfLocation: '開架 2F',
      pickup: { code: 'pref', label: expect.any(String) },
      late: false,
    }),
  );

  const scan = await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: 'Q1-1' });
  expect(scan.status).toBe(200);
  expect(scan.body.slip).toMatchObject({
    reservationId: id,
    cardNumber: 'Q0001',
    status: 'READY',
    statusLabel: '貸出可能',
    pickup: { code: 'pref' },
    holdUntil: w.day('2026-12-07'),
  });
  await a.h.settle();
  const detail = (await a.get(R, 'staff', { reservationId: id })).body;
  expect(detail).toMatchObject({ status: 'READY' });
  expect(detail.staffActs).toContainEqual(
    expect.objectContaining({ action: 'pull', outcome: 'done', by: expect.objectContaining({ name: HARNESS_STAFF.counter.name }) }),
  );
  expect((await a.get('/staff/pull-list', 'counter')).body.entries.map((e: { itemNumber: string }) => e.itemNumber)).not.toContain('Q1-1');

  // Again: the copy is no longer 書架 (R-ITEM-2); an unknown item is a wrong field (422).
  expect((await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: 'Q1-1' })).body).toMatchObject({ status: 409, rule: 'R-ITEM-2' });
  const unknown = await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: 'NO-SUCH' });
  expect(unknown.status).toBe(422);
  expect(JSON.stringify(unknown.body)).toContain('body.itemNumber');
  expect((await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: 'bad item!' })).status).toBe(422);
});

test('R-STATUS-1: not on the shelf → the next copy is listed; a copy nobody waits for is refused; nothing changes on a refusal', async () => {
  await a.patron('Q0002');
  await a.h.title('T-Q2', '人間失格', [{ item: 'Q2-1' }, { item: 'Q2-2' }]);
  await a.h.advanceTo(w.at('2026-12-02T10:00'));
  const placed = await a.post(RESERVE, 'opac', { cardNumber: 'Q0002' }, { titleId: 'T-Q2', pickup: 'coop:30' });
  const id = placed.body.reservationId as string;
  await a.h.advanceTo(w.at('2026-12-02T10:06'));
  const listed = async () =>
    ((await a.get('/staff/pull-list', 'staff')).body.entries as { itemNumber: string }[]).map((e) => e.itemNumber).filter((i) => i.startsWith('Q2-'));
  expect(await listed()).toEqual(['Q2-1']);
  expect((await a.post('/staff/pull-list/not-on-shelf', 'counter', {}, { itemNumber: 'Q2-2' })).body).toMatchObject({
    status: 409,
    rule: 'R-STATUS-1',
  });
  expect(await listed()).toEqual(['Q2-1']);
  const missed = await a.post('/staff/pull-list/not-on-shelf', 'counter', {}, { itemNumber: 'Q2-1' });
  expect(missed.body).toEqual({ itemNumber: 'Q2-1', missing: false });
  expect(await listed()).toEqual(['Q2-2']);
  const scan = await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: 'Q2-2' });
  expect(scan.body.slip).toMatchObject({
    reservationId: id,
    status: 'SECURED',
    pickup: { code: 'coop:30' },
    processingDay: w.day('2026-12-03'),
    pickupFrom: w.day('2026-12-06'),
    pickupUntil: w.day('2026-12-13'),
  });
  // Q2-1 is on the shelf and nobody waits for the title now.
  expect((await a.post('/staff/pull-list/scans', 'counter', {}, { itemNumber: 'Q2-1' })).body).toMatchObject({ status: 409, rule: 'R-STATUS-1' });
  expect((await a.h.db.item.findUniqueOrThrow({ where: { itemNumber: 'Q2-1' } })).status).toBe('ON_SHELF');
});

test('R-ITEM-4, R-RETURN-4: a walk-in takes the listed copy; its check-in later secures it for the reservation and answers with the hold slip', async () => {
  await a.patron('Q0003');
  await a.patron('Q0004');
  await a.h.title('T-Q3', '走れメロス', [{ item: 'Q3-1' }]);
  await a.h.advanceTo(w.at('2026-12-08T10:00'));
  const placed = await a.post(RESERVE, 'opac', { cardNumber: 'Q0003' }, { titleId: 'T-Q3', pickup: 'pref' });
  const id = placed.body.reservationId as string;
  await a.h.advanceTo(w.at('2026-12-08T10:06'));
  const walkIn = await a.post('/staff/checkouts', 'counter', {}, { cardNumber: 'Q0004', itemNumber: 'Q3-1' });
  expect(walkIn.status).toBe(201);
  expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  await a.h.advanceTo(w.at('2026-12-15T10:00'));
  const back = await a.post('/staff/check-ins', 'counter', {}, { itemNumber: 'Q3-1' });
  expect(back.status).toBe(200);
  expect(back.body).toMatchObject({ handedTo: id, found: false, slip: { cardNumber: 'Q0003', status: 'READY', holdUntil: w.day('2026-12-21') } });
});
