// The staff's side of the API: one reservation's full state, the lists, cancel at any stage, pickup,
// returns and check-in, the counter, loan limits, libraries and Thursday processing — each refusal
// with its rule id.
import { existingLoan } from '../support/lending-harness';
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const R = '/staff/reservations/{reservationId}';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-11-30T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

const loanOf = async (reservationId: string) => (await a.h.db.loan.findFirstOrThrow({ where: { reservationId } })).id;

test('cooperating pickup through the API: 確保済み → Thursday → 配送中 (listed as a loan) → R-COOP-4, R-COOP-1 → collected → R-RETURN-3 → returned at the pickup library (R-RETURN-4) → central check-in → 返却済', async () => {
  await a.patron('S0001');
  await a.h.title('T-S1', '津軽三味線', [{ item: 'S1-1' }]);
  await a.h.advanceTo(w.at('2026-11-30T09:00')); // Monday
  const placed = await a.post(RESERVE, 'opac', { cardNumber: 'S0001' }, { titleId: 'T-S1', pickup: 'coop:30' });
  const id = placed.body.reservationId as string;
  await a.h.advanceTo(w.at('2026-11-30T09:10'));
  expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({
    status: 'SECURED',
    statusLabel: '確保済み',
    itemNumber: 'S1-1',
    pickup: { code: 'coop:30', label: expect.any(String) },
  });
  expect(
    (await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', { cardNumber: 'S0001', reservationId: id })).body.rule,
  ).toBe('R-CANCEL-1');

  await a.h.advanceTo(w.at('2026-12-03T10:05')); // Thursday processing
  const inDelivery = await a.get(R, 'staff', { reservationId: id });
  expect(inDelivery.body).toMatchObject({
    status: 'IN_DELIVERY',
    dates: { processingDay: w.day('2026-12-03'), pickupFrom: w.day('2026-12-06'), pickupUntil: w.day('2026-12-13'), due: w.day('2026-12-20') },
  });
  const loans = await a.get('/opac/patrons/{cardNumber}/loans', 'opac', { cardNumber: 'S0001' });
  expect(loans.body.items[0]).toMatchObject({
    status: 'IN_DELIVERY',
    statusLabel: '配送中',
    renewalBlockedBy: { rule: 'R-LOAN-1' },
    bag: expect.stringContaining('coop:30'),
  });
  expect((await a.get(RESERVE, 'opac', { cardNumber: 'S0001' })).body.items).toEqual([]);
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: true })).body).toMatchObject({ status: 409, rule: 'R-COOP-4' });
  expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'S1-1' })).body).toMatchObject({ status: 409, rule: 'R-RETURN-4' });

  await a.h.advanceTo(w.at('2026-12-06T11:00')); // Sunday: pickup starts
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: false })).body).toMatchObject({ status: 409, rule: 'R-COOP-1' });
  const collected = await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: true });
  expect(collected.body).toMatchObject({ status: 'ON_LOAN', statusLabel: '貸出中', dates: { due: w.day('2026-12-20') } });

  const loanId = await loanOf(id);
  await a.h.advanceTo(w.at('2026-12-18T10:00'));
  const renewed = await a.post('/staff/loans/{loanId}/renew', 'staff', { loanId }, { channel: 'phone' });
  expect(renewed.body).toMatchObject({ due: w.day('2026-12-27'), renewalsUsed: 1 });
  expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'coop:31' })).body).toMatchObject({
    status: 409,
    rule: 'R-RETURN-3',
  });
  const handedIn = await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'coop:30' });
  // Still 貸出中 (R-RETURN-4) but no longer renewable: handed back, travelling to the prefectural library.
  expect(handedIn.body).toMatchObject({
    status: 'ON_LOAN',
    state: 'RETURNED_IN_TRANSIT',
    returnedAt: { code: 'coop:30', label: expect.any(String) },
    renewalBlockedBy: { rule: 'R-RETURN-4' },
  });
  expect((await a.post('/staff/loans/{loanId}/renew', 'staff', { loanId }, { channel: 'counter' })).body).toMatchObject({
    status: 409,
    rule: 'R-RETURN-4',
  });

  const checkedIn = await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'S1-1' });
  expect(checkedIn.body).toEqual({ returned: id, handedTo: null, found: false, slip: null });
  await a.h.settle();
  const ended = await a.get(R, 'staff', { reservationId: id });
  expect(ended.body).toMatchObject({ status: 'RETURNED', renewalsUsed: 1, dates: { due: w.day('2026-12-27') } });
  expect(ended.body.transitions.map((t: { status: string }) => t.status)).toEqual([
    'APPLIED',
    'WAITING',
    'SECURED',
    'IN_DELIVERY',
    'ON_LOAN',
    'RETURNED',
  ]);
  // One lending notice (the loan's PRE_DUE and other notices: docs/notices.md, test/api/notices.test.ts).
  expect(ended.body.mails.filter((m: { kind: string }) => m.kind === 'LENDING_NOTICE')).toEqual([
    expect.objectContaining({ kind: 'LENDING_NOTICE', state: 'SENT' }),
  ]);
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: true })).body).toMatchObject({ status: 409, rule: 'R-STATUS-1' });
  expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'pref' })).body).toMatchObject({
    status: 409,
    rule: 'R-LOAN-1',
  });

  const run = await a.get('/staff/thursday-runs/{processingDay}', 'staff', { processingDay: w.day('2026-12-03') });
  expect(run.body).toMatchObject({ processingDay: w.day('2026-12-03'), dispatched: 1, bags: 1 });
});

test('prefectural pickup: R-OVERDUE-1 refuses the pickup; staff cancel by e-mail is refused and by phone accepted at 貸出可能 (R-CANCEL-2, R-CANCEL-3); R-RETURN-1; an ended reservation is answered from its records', async () => {
  const late = await a.patron('S0002');
  await a.patron('S0003');
  await a.h.title('T-S2', '走れメロス', [{ item: 'S2-1' }]);
  await a.h.title('T-S3', '人間失格', [{ item: 'S3-1' }]);
  await existingLoan(a.h, late.id, 'OLD-2', 'T-OLD2', w.day('2026-12-01'));
  await a.h.advanceTo(w.at('2026-12-21T10:00'));
  const r2 = (await a.post(RESERVE, 'opac', { cardNumber: 'S0002' }, { titleId: 'T-S2', pickup: 'pref' })).body.reservationId;
  const r3 = (await a.post(RESERVE, 'opac', { cardNumber: 'S0003' }, { titleId: 'T-S3', pickup: 'pref' })).body.reservationId;
  await a.h.advanceTo(w.at('2026-12-21T10:10'));
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: r2 }, { cardShown: true })).body).toMatchObject({ status: 409, rule: 'R-OVERDUE-1' });
  expect((await a.post(`${R}/cancel`, 'staff', { reservationId: r2 }, { channel: 'email' })).body).toMatchObject({ status: 409, rule: 'R-CANCEL-2' });
  const cancelled = await a.post(`${R}/cancel`, 'staff', { reservationId: r2 }, { channel: 'phone' });
  expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
  expect((await a.get('/titles/{titleId}', 'staff', { titleId: 'T-S2' })).body.copies).toEqual([
    { itemNumber: 'S2-1', materialType: 'BOOK', status: '書架' },
  ]);
  expect((await a.post(`${R}/cancel`, 'staff', { reservationId: r2 }, { channel: 'counter' })).body).toMatchObject({
    status: 409,
    rule: 'R-CANCEL-2',
  });

  const picked = await a.post(`${R}/pickup`, 'staff', { reservationId: r3 }, { cardShown: true });
  expect(picked.body).toMatchObject({ status: 'ON_LOAN', dates: { due: w.day('2027-01-04') } });
  const loanId = await loanOf(r3);
  expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'coop:5' })).body).toMatchObject({
    status: 409,
    rule: 'R-RETURN-1',
  });
  expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'pref' })).body).toMatchObject({
    state: 'CLOSED',
    status: 'RETURNED',
  });
  await a.h.settle();
  expect((await a.get(R, 'staff', { reservationId: r3 })).body).toMatchObject({ status: 'RETURNED' });
  expect((await a.get(R, 'staff', { reservationId: 'nope' })).status).toBe(404);
  expect((await a.post(`${R}/cancel`, 'staff', { reservationId: 'nope' }, { channel: 'phone' })).status).toBe(404);
});

test('the counter: walk-in checkout (R-ITEM-2, R-ITEM-1, R-OVERDUE-1; R-LIMIT-2 a lowered limit does not apply at the counter); renewals by phone up to R-RENEW-2; a walk-in return elsewhere (R-RETURN-1); check-in', async () => {
  const p = await a.h.patron('S0004');
  const late = await a.h.patron('S0005');
  await existingLoan(a.h, late.id, 'OLD-5', 'T-OLD5', w.day('2026-12-01'));
  await a.h.title('T-S4', '八甲田山', [{ item: 'S4-1' }, { item: 'S4-2' }, { item: 'S4-3' }, { item: 'S4-4', status: 'NOT_FOR_LOAN' }]);
  await a.h.title('T-S5', '月刊 弘前', [{ item: 'S5-1', type: 'MAGAZINE' }]);
  await a.h.advanceTo(w.at('2027-01-04T10:00'));
  const checkout = (cardNumber: string, itemNumber: string) => a.post('/staff/checkouts', 'staff', {}, { cardNumber, itemNumber });

  expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'S0004' }, { loanLimit: 0 })).body).toMatchObject({
    status: 422,
    rule: 'R-LIMIT-2',
  });
  expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'S0004' }, { loanLimit: 11 })).body).toMatchObject({
    status: 422,
    rule: 'R-LIMIT-2',
  });
  expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'NOSUCH' }, { loanLimit: 5 })).status).toBe(404);
  expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'S0004' }, { loanLimit: 1 })).body.loanLimit).toBe(1);

  const first = await checkout('S0004', 'S4-1');
  expect(first.status).toBe(201);
  expect(first.body.due).toBe(w.day('2027-01-18'));
  expect((await checkout('S0004', 'S4-1')).body).toMatchObject({ status: 409, rule: 'R-ITEM-2' });
  expect((await checkout('S0004', 'S4-4')).body).toMatchObject({ status: 409, rule: 'R-ITEM-2' });
  expect((await checkout('S0004', 'S5-1')).body).toMatchObject({ status: 409, rule: 'R-ITEM-1' });
  expect((await checkout('S0005', 'S4-2')).body).toMatchObject({ status: 409, rule: 'R-OVERDUE-1' });
  expect((await checkout('S0004', 'NO-ITEM')).body).toMatchObject({ status: 422, errors: [{ field: 'body.itemNumber' }] });
  expect((await checkout('NOBODY', 'S4-2')).body).toMatchObject({ status: 422, errors: [{ field: 'body.cardNumber' }] });
  // R-LIMIT-2: the lowered limit is for cooperating-library pickups; the counter lends up to 10 whatever it is.
  expect((await checkout('S0004', 'S4-2')).status).toBe(201);
  expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'S0004' }, { loanLimit: 10 })).body.loanLimit).toBe(10);
  expect((await a.get('/staff/patrons/{cardNumber}', 'staff', { cardNumber: 'S0004' })).body).toMatchObject({ loans: 2, loanLimit: 10 });

  const loanId = first.body.loanId;
  const renew = () => a.post('/staff/loans/{loanId}/renew', 'staff', { loanId }, { channel: 'phone' });
  expect((await a.post('/staff/loans/{loanId}/renew', 'staff', { loanId }, { channel: 'email' })).body.rule).toBe('R-RENEW-4');
  await a.h.advanceTo(w.at('2027-01-16T10:00'));
  expect((await renew()).body.due).toBe(w.day('2027-01-25'));
  await a.h.advanceTo(w.at('2027-01-23T10:00'));
  expect((await renew()).body).toMatchObject({ due: w.day('2027-02-01'), renewalsLeft: 0 });
  expect((await renew()).body).toMatchObject({ status: 409, rule: 'R-RENEW-2' });
  expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'coop:12' })).body).toMatchObject({
    status: 409,
    rule: 'R-RETURN-1',
  });
  expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'pref' })).body).toMatchObject({ state: 'CLOSED' });
  expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'S4-2' })).body).toEqual({
    returned: null,
    handedTo: null,
    found: false,
    slip: null,
  });
  expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'NOPE' })).body).toMatchObject({
    status: 422,
    errors: [{ field: 'body.itemNumber' }],
  });
  expect(p.id).toBeDefined();
});

test('lists: reservations and loans filtered by status, pickup place, patron, title and dates, paginated', async () => {
  for (const c of ['S0101', 'S0102']) await a.patron(c);
  for (let i = 0; i < 5; i++) await a.h.title(`T-L${i}`, `一覧の本 ${i}`, [{ item: `L-${i}`, status: 'ON_LOAN' }]);
  await a.h.advanceTo(w.at('2027-02-01T10:00'));
  for (let i = 0; i < 3; i++) await a.post(RESERVE, 'opac', { cardNumber: 'S0101' }, { titleId: `T-L${i}`, pickup: 'pref' });
  await a.h.advanceTo(w.at('2027-02-02T10:00'));
  for (let i = 3; i < 5; i++) await a.post(RESERVE, 'opac', { cardNumber: 'S0102' }, { titleId: `T-L${i}`, pickup: 'coop:7' });
  await a.h.advanceTo(w.at('2027-02-02T10:10'));
  const list = (query: Record<string, string | number>) => a.get('/staff/reservations', 'staff', {}, query);
  expect((await list({ cardNumber: 'S0101' })).body.total).toBe(3);
  expect((await list({ pickup: 'coop:7' })).body.items.map((r: { cardNumber: string }) => r.cardNumber)).toEqual(['S0102', 'S0102']);
  expect((await list({ title: '一覧の本 4' })).body.items).toEqual([
    expect.objectContaining({ titleId: 'T-L4', status: 'WAITING', queuePosition: 1 }),
  ]);
  expect((await list({ title: '一覧の本', placedFrom: w.day('2027-02-02'), placedUntil: w.day('2027-02-02') })).body.total).toBe(2);
  expect((await list({ title: '一覧の本', placedUntil: w.day('2027-02-01') })).body.total).toBe(3);
  const page2 = await list({ title: '一覧の本', status: 'WAITING,READY', page: 2, pageSize: 2 });
  expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
  expect(page2.body.items).toHaveLength(2);
  expect((await list({ status: 'LOST' })).body).toMatchObject({ status: 400, errors: [{ field: 'query.status' }] });
  expect((await list({ pageSize: 1000 })).body).toMatchObject({ status: 400, errors: [{ field: 'query.pageSize' }] });
  expect((await list({ placedFrom: '2027-02-30' })).body).toMatchObject({ status: 400, errors: [{ field: 'query.placedFrom' }] });

  const loans = await a.get('/staff/loans', 'staff', {}, { cardNumber: 'S0004', state: 'ACTIVE,CLOSED' });
  expect(loans.body.total).toBe(2);
  expect(
    (await a.get('/staff/loans', 'staff', {}, { title: '八甲田山', dueFrom: w.day('2027-01-18'), dueUntil: w.day('2027-01-18') })).body.total,
  ).toBe(1);
  expect((await a.get('/staff/loans', 'staff', {}, { state: 'GONE' })).status).toBe(400);
});

test('libraries closed and open; Thursday runs: the summaries, a run by hand is idempotent for the same Thursday, not for a day that is not a processing day or has not come', async () => {
  const libs = await a.get('/staff/libraries', 'staff');
  expect(libs.body.items).toHaveLength(59);
  expect((await a.put('/staff/libraries/{no}/open', 'staff', { no: 7 }, { isOpen: false })).body).toMatchObject({ no: 7, isOpen: false });
  expect((await a.get('/pickup-places', 'opac')).body.items.find((p: { code: string }) => p.code === 'coop:7').isOpen).toBe(false);
  expect((await a.put('/staff/libraries/{no}/open', 'staff', { no: 7 }, { isOpen: true })).body.isOpen).toBe(true);
  expect((await a.put('/staff/libraries/{no}/open', 'staff', { no: 60 }, { isOpen: true })).status).toBe(404);
  expect((await a.put('/staff/libraries/{no}/open', 'staff', { no: 'seven' }, { isOpen: true })).status).toBe(400);

  const runs = await a.get('/staff/thursday-runs', 'staff', {}, { pageSize: 100 });
  expect(runs.body.total).toBeGreaterThan(5);
  const thursday = w.day('2026-12-03');
  const before = (await a.get('/staff/thursday-runs/{processingDay}', 'staff', { processingDay: thursday })).body;
  const again = await a.post('/staff/thursday-runs', 'staff', {}, { processingDay: thursday });
  expect(again.status).toBe(200);
  expect(again.body).toEqual(before);
  expect(await a.h.db.loan.count({ where: { item: { titleId: 'T-S1' } } })).toBe(1);
  expect((await a.post('/staff/thursday-runs', 'staff', {}, { processingDay: w.day('2026-12-04') })).body).toMatchObject({
    status: 422,
    errors: [{ field: 'body.processingDay' }],
  });
  expect((await a.post('/staff/thursday-runs', 'staff', {}, { processingDay: w.day('2027-12-02') })).body).toMatchObject({
    status: 422,
    errors: [{ field: 'body.processingDay' }],
  });
  expect((await a.get('/staff/thursday-runs/{processingDay}', 'staff', { processingDay: w.day('2026-12-04') })).status).toBe(404);

  // A Thursday the weekly workflow has not run yet (it was started after it): processed by hand now.
  await a.h.db.thursdayRun.deleteMany({ where: { processingDate: new Date(`${w.day('2027-02-04')}T00:00:00Z`) } });
  await a.h.advanceTo(w.at('2027-02-04T12:00'));
  const byHand = await a.post('/staff/thursday-runs', 'staff', {}, { processingDay: w.day('2027-02-04') });
  expect(byHand.body).toMatchObject({ processingDay: w.day('2027-02-04'), processed: 0 });
});
