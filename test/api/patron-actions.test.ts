// Issue 13, items 1–3 through the API: staff reservations (R-STAFF-1), changing the pickup place, suspending —
// each with the member of staff recorded as a staff act, and every refusal with its rule.
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const STAFF_RESERVE = '/staff/patrons/{cardNumber}/reservations';
const MINE = '/opac/patrons/{cardNumber}/reservations/{reservationId}';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-11-30T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

describe('R-STAFF-1: staff reserve for a patron who phones or comes to the counter', () => {
  test('R-STAFF-1: placed by the signed-in member of staff (channel and staff act recorded), then a reservation like any other; the patron may cancel it in My Library (R-CANCEL-1)', async () => {
    await a.patron('PA001');
    await a.h.title('T-PA1', '奥入瀬渓流', [{ item: 'PA1-1', status: 'ON_LOAN' }]);
    await a.h.advanceTo(w.at('2026-11-30T09:00'));
    const placed = await a.post(STAFF_RESERVE, 'counter', { cardNumber: 'PA001' }, { titleId: 'T-PA1', pickup: 'coop:12', channel: 'phone' });
    expect(placed.status).toBe(201);
    const id = placed.body.reservationId as string;
    expect(placed.headers.get('location')).toBe(`/staff/reservations/${id}`);
    expect(placed.body).toMatchObject({
      status: 'APPLIED',
      cardNumber: 'PA001',
      placedVia: 'phone',
      pickup: { code: 'coop:12' },
      staffActs: [{ action: 'reserve', by: { kind: 'staff', staffNumber: 'T-COUNTER', name: '窓口 太郎' }, outcome: 'done' }],
    });
    const act = await a.h.db.staffAction.findFirstOrThrow({ where: { reservationId: id } });
    expect(act).toMatchObject({ action: 'reserve', cardNumber: 'PA001', details: { channel: 'phone', titleId: 'T-PA1', pickup: 'coop:12' } });
    // My Library lists it as the patron's own, without staff names; after the delay it waits in the queue.
    await a.h.advanceTo(w.at('2026-11-30T09:10'));
    const mine = await a.get(MINE, 'opac', { cardNumber: 'PA001', reservationId: id });
    expect(mine.body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    expect(mine.body).not.toHaveProperty('staffActs');
    expect(mine.body).not.toHaveProperty('placedVia');
    const cancelled = await a.post(`${MINE}/cancel`, 'opac', { cardNumber: 'PA001', reservationId: id });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
  });

  test('R-STAFF-1: the OPAC’s rules hold — R-ITEM-3 (twice), R-LIMIT-1, R-ACCOUNT-1 (no e-mail), R-ITEM-1 — and a refusal is recorded with its rule, nothing placed', async () => {
    await a.patron('PA002');
    await a.h.patron('PA003', { email: null });
    await a.h.title('T-PA2', '十和田湖', [{ item: 'PA2-1' }]);
    await a.h.title('T-PA3', '月刊あおもり', [{ item: 'PA3-1', type: 'MAGAZINE' }]);
    const body = { titleId: 'T-PA2', pickup: 'pref', channel: 'counter' };
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, body)).status).toBe(201);
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, body)).body).toMatchObject({ status: 409, rule: 'R-ITEM-3' });
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA003' }, body)).body).toMatchObject({ status: 409, rule: 'R-ACCOUNT-1' });
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, { ...body, titleId: 'T-PA3' })).body).toMatchObject({
      status: 409,
      rule: 'R-ITEM-1',
    });
    await a.h.db.patron.update({ where: { cardNumber: 'PA002' }, data: { reservationLimit: 1 } });
    await a.h.title('T-PA4', '白神山地', [{ item: 'PA4-1' }]);
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, { ...body, titleId: 'T-PA4' })).body).toMatchObject({
      status: 409,
      rule: 'R-LIMIT-1',
    });
    expect(await a.h.db.reservation.count({ where: { patron: { cardNumber: { in: ['PA002', 'PA003'] } } } })).toBe(1);
    const refusals = await a.h.db.staffAction.findMany({ where: { action: 'reserve', cardNumber: { in: ['PA002', 'PA003'] }, outcome: 'refused' } });
    expect(refusals.map((r) => r.rule).sort()).toEqual(['R-ACCOUNT-1', 'R-ITEM-1', 'R-ITEM-3', 'R-LIMIT-1']);
  });

  test('R-STAFF-1: not by e-mail (422 naming body.channel), an unknown title 422, an unknown patron 404; a patron who never logged in to My Library may still be served', async () => {
    await a.h.patron('PA005');
    await a.h.db.patron.update({ where: { cardNumber: 'PA005' }, data: { mustChangePassword: true } });
    await a.h.title('T-PA5', '八甲田', [{ item: 'PA5-1' }]);
    const email = await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA005' }, { titleId: 'T-PA5', pickup: 'pref', channel: 'email' });
    expect(email.status).toBe(422);
    expect(email.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.channel']);
    const unknown = await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA005' }, { titleId: 'T-NONE', pickup: 'pref', channel: 'phone' });
    expect(unknown.body).toMatchObject({ status: 422, errors: [{ field: 'body.titleId' }] });
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'NOBODY' }, { titleId: 'T-PA5', pickup: 'pref', channel: 'phone' })).status).toBe(404);
    expect(await a.h.db.reservation.count({ where: { patron: { cardNumber: 'PA005' } } })).toBe(0);
    const placed = await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA005' }, { titleId: 'T-PA5', pickup: 'pref', channel: 'phone' });
    expect(placed.body).toMatchObject({ status: 'APPLIED', placedVia: 'phone', staffActs: [{ action: 'reserve', by: { kind: 'key' } }] });
  });
});
