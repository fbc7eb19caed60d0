// The guide's loose ends (issue 13, item 6), through the API: `cardShown` required on every pickup
// (R-PREF-4 / R-COOP-1); staff renew after the due date (R-RENEW-5); staff stop and restore the
// online service (R-CONDUCT-1); a return says how and on which day it came (R-RETURN-5); the usual
// library of the May-2024 exception is changed by the patron or by staff (R-RETURN-3).
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const R = '/staff/reservations/{reservationId}';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-12-07T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

test('R-PREF-4, R-COOP-1: a pickup without cardShown is a 422 naming body.cardShown; with it, the copy is lent', async () => {
  await a.patron('E0001');
  await a.h.title('T-E1', '弘前城', [{ item: 'E1-1' }]);
  await a.h.advanceTo(w.at('2026-12-07T09:00'));
  const id = (await a.post(RESERVE, 'opac', { cardNumber: 'E0001' }, { titleId: 'T-E1', pickup: 'pref' })).body.reservationId as string;
  await a.h.advanceTo(w.at('2026-12-07T09:10'));
  const missing = await a.post(`${R}/pickup`, 'staff', { reservationId: id }, {});
  expect(missing.status).toBe(422);
  expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.cardShown']);
  expect((await a.get(R, 'staff', { reservationId: id })).body.status).toBe('READY');
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: false })).body).toMatchObject({ status: 409, rule: 'R-PREF-4' });
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: true })).body.status).toBe('ON_LOAN');
});

test('R-RENEW-3, R-RENEW-5: after the due date My Library answers 409 R-RENEW-3; staff by phone renew it (200, a week added), recorded as their act', async () => {
  await a.patron('E0002');
  await a.h.title('T-E2', '十二湖', [{ item: 'E2-1' }]);
  await a.h.advanceTo(w.at('2026-12-08T10:00'));
  const lent = await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'E0002', itemNumber: 'E2-1' });
  expect(lent.body.due).toBe(w.day('2026-12-22'));
  const loanId = lent.body.loanId as string;
  await a.h.advanceTo(w.at('2026-12-24T10:00'));
  const own = await a.post('/opac/patrons/{cardNumber}/loans/{loanId}/renew', 'opac', { cardNumber: 'E0002', loanId }, {});
  expect(own.body).toMatchObject({ status: 409, rule: 'R-RENEW-3' });
  const staff = await a.post('/staff/loans/{loanId}/renew', 'counter', { loanId }, { channel: 'phone' });
  expect(staff.status).toBe(200);
  expect(staff.body).toMatchObject({ loanId, due: w.day('2026-12-29'), renewalsUsed: 1, overdue: false });
  const act = await a.h.db.staffAction.findFirstOrThrow({ where: { action: 'renew', itemNumber: 'E2-1' } });
  expect(act).toMatchObject({ outcome: 'done' });
});

test('R-CONDUCT-1: staff stop the service with a reason (a staff act); a reservation is then a 409 citing it and nothing is recorded; restored, it is placed', async () => {
  await a.patron('E0003');
  await a.h.title('T-E3', '蔦沼', [{ item: 'E3-1' }]);
  const P = '/staff/patrons/{cardNumber}';
  const noReason = await a.post(`${P}/service-stop`, 'counter', { cardNumber: 'E0003' }, { reason: '  ' });
  expect(noReason.status).toBe(422);
  expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.reason']);
  expect((await a.post(`${P}/service-restore`, 'counter', { cardNumber: 'E0003' }, { reason: '誤操作' })).body).toMatchObject({
    status: 409,
    rule: 'R-CONDUCT-1',
  });

  const stopped = await a.post(`${P}/service-stop`, 'counter', { cardNumber: 'E0003' }, { reason: '専用袋に入れない返却が続いたため' });
  expect(stopped.status).toBe(200);
  expect(stopped.body.serviceStop).toMatchObject({ reason: '専用袋に入れない返却が続いたため' });
  expect((await a.get(P, 'staff', { cardNumber: 'E0003' })).body.serviceStop.reason).toBe('専用袋に入れない返却が続いたため');
  const placed = await a.post(RESERVE, 'opac', { cardNumber: 'E0003' }, { titleId: 'T-E3', pickup: 'coop:3' });
  expect(placed.body).toMatchObject({ status: 409, rule: 'R-CONDUCT-1' });
  const patron = await a.h.db.patron.findUniqueOrThrow({ where: { cardNumber: 'E0003' } });
  expect(await a.h.db.reservation.count({ where: { patronId: patron.id } })).toBe(0);

  const restored = await a.post(`${P}/service-restore`, 'counter', { cardNumber: 'E0003' }, { reason: '面談の上、再開' });
  expect(restored.body.serviceStop).toBeNull();
  expect((await a.post(RESERVE, 'opac', { cardNumber: 'E0003' }, { titleId: 'T-E3', pickup: 'coop:3' })).status).toBe(201);

  const acts = await a.h.db.staffAction.findMany({ where: { cardNumber: 'E0003' }, orderBy: { id: 'asc' } });
  expect(acts.map((x) => [x.action, x.outcome, x.rule, x.actor])).toEqual([
    ['service-restore', 'refused', 'R-CONDUCT-1', 'T-COUNTER'],
    ['service-stop', 'done', null, 'T-COUNTER'],
    ['service-restore', 'done', null, 'T-COUNTER'],
  ]);
  expect(acts[1]!.details).toEqual({ reason: '専用袋に入れない返却が続いたため' });
});

test('R-RETURN-5, R-RETURN-1: a return says how and when — a future day is a 422 naming body.returnedOn, a designated place at the prefectural library a 409; the book post emptied next morning is recorded for yesterday', async () => {
  await a.patron('E0004');
  await a.h.title('T-E4', '種差海岸', [{ item: 'E4-1' }]);
  await a.h.advanceTo(w.at('2026-12-28T10:00'));
  const loanId = (await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'E0004', itemNumber: 'E4-1' })).body.loanId as string;
  await a.h.advanceTo(w.at('2026-12-30T09:00'));
  const RET = '/staff/loans/{loanId}/return';
  const future = await a.post(RET, 'counter', { loanId }, { place: 'pref', returnedOn: w.day('2026-12-31') });
  expect(future.status).toBe(422);
  expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.returnedOn']);
  const badVia = await a.post(RET, 'counter', { loanId }, { place: 'pref', via: 'post' });
  expect(badVia.status).toBe(422);
  expect(badVia.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.via']);
  expect((await a.post(RET, 'counter', { loanId }, { place: 'pref', returnedOn: w.day('2026-12-27') })).body).toMatchObject({
    status: 409,
    rule: 'R-RETURN-5', // before the loan (lent 12-28)
  });
  expect((await a.post(RET, 'counter', { loanId }, { place: 'pref', via: 'designated-place' })).body).toMatchObject({
    status: 409,
    rule: 'R-RETURN-1',
  });
  expect((await a.get('/staff/loans', 'staff', {}, { cardNumber: 'E0004' })).body.items[0]).toMatchObject({ state: 'ACTIVE', returnedOn: null });

  const done = await a.post(RET, 'counter', { loanId }, { place: 'pref', via: 'book-post', returnedOn: w.day('2026-12-29') });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ state: 'CLOSED', returnedOn: w.day('2026-12-29'), returnedVia: 'book-post', returnedAt: { code: 'pref' } });
  const act = await a.h.db.staffAction.findFirstOrThrow({ where: { action: 'return', itemNumber: 'E4-1', outcome: 'done' } });
  expect(act.details).toEqual({ loanId, place: 'pref', via: 'book-post', returnedOn: w.day('2026-12-29') });
});

test('R-RETURN-3 exception: the patron sets the usual library in My Library (X-Patron-Token), staff change it too; a reservation placed after takes it, so the copy may go back to A once reopened', async () => {
  await a.patron('E0005');
  await a.patron('E0006');
  await a.h.title('T-E5', '小川原湖', [{ item: 'E5-1' }]);
  const U = '/opac/patrons/{cardNumber}/usual-library';
  expect((await a.put(U, 'opac', { cardNumber: 'E0005' }, { usualLibraryNo: 60 })).status).toBe(422);
  expect((await a.put(U, 'opac', { cardNumber: 'E0005' }, { usualLibraryNo: 7 }, { patronToken: null })).status).toBe(401);
  const other = a.patronTokens.get('E0006')!;
  expect((await a.put(U, 'opac', { cardNumber: 'E0005' }, { usualLibraryNo: 7 }, { patronToken: other })).status).toBe(403);
  expect((await a.get('/staff/patrons/{cardNumber}', 'staff', { cardNumber: 'E0005' })).body.usualLibraryNo).toBeNull();

  const byStaff = await a.put('/staff/patrons/{cardNumber}/usual-library', 'counter', { cardNumber: 'E0005' }, { usualLibraryNo: 8 });
  expect(byStaff.body.usualLibraryNo).toBe(8);
  const own = await a.put(U, 'opac', { cardNumber: 'E0005' }, { usualLibraryNo: 7 });
  expect(own.status).toBe(200);
  expect(own.body.usualLibraryNo).toBe(7);

  // A (7) is closed, so the patron picks up at B (10); A reopens before the return: the copy may go back to A.
  await a.put('/staff/libraries/{no}/open', 'staff', { no: 7 }, { isOpen: false });
  await a.h.advanceTo(w.at('2027-01-04T09:00'));
  const id = (await a.post(RESERVE, 'opac', { cardNumber: 'E0005' }, { titleId: 'T-E5', pickup: 'coop:10' })).body.reservationId as string;
  expect(await a.h.db.reservation.findUniqueOrThrow({ where: { id } })).toMatchObject({ usualLibraryNo: 7, usualLibraryWasClosed: true });
  await a.h.advanceTo(w.at('2027-01-10T12:00')); // processed Thu 01-07, collected Sun 01-10
  expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: true })).body.status).toBe('ON_LOAN');
  await a.put('/staff/libraries/{no}/open', 'staff', { no: 7 }, { isOpen: true });
  const loanId = (await a.h.db.loan.findFirstOrThrow({ where: { reservationId: id } })).id;
  const back = await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'coop:7' });
  expect(back.body).toMatchObject({ state: 'RETURNED_IN_TRANSIT', returnedAt: { code: 'coop:7' } });
});
