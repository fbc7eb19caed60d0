// The guide's loose ends (issue 13, item 6), through the staff API: `cardShown` required on every
// pickup (R-PREF-4 / R-COOP-1).
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
