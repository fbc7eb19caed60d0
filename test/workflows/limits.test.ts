// Limits: 20 reservations and 10 loans (R-LIMIT-1), even under concurrent requests; the R-DISPATCH-4
// rebalancing of a patron with 10 or more 確保済み.
import { LendingHarness } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-07T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

test('R-LIMIT-1: 25 concurrent reservation requests of one patron end with exactly 20 reservations; the rest are refused', async () => {
  const p = await h.patron('F0001');
  for (let i = 0; i < 25; i++) await h.title(`T-L${i}`, `題名 ${i}`, [{ item: `L-${i}`, status: 'ON_LOAN' }]);
  await h.advanceTo(w.at('2026-12-07T09:00'));
  const at = await h.now();
  const outcomes = await Promise.all(
    Array.from({ length: 25 }, (_, i) => h.reserve({ reservationId: `LIM-${i}`, patronId: p.id, titleId: `T-L${i}`, pickup: 'pref', at })),
  );
  const refused = outcomes.filter((o) => !o.ok);
  expect(outcomes.filter((o) => o.ok)).toHaveLength(20);
  expect(refused).toHaveLength(5);
  for (const o of refused) expect(!o.ok && o.refusal.rule).toBe('R-LIMIT-1');
  expect(await h.db.reservation.count({ where: { patronId: p.id } })).toBe(20);
});

test('R-ACCOUNT-1, R-ITEM-1, R-ITEM-2: no e-mail, a magazine, a 禁帯 copy — refused before anything is recorded', async () => {
  const noMail = await h.patron('F0002', { email: null });
  const p = await h.patron('F0003');
  await h.title('T-MAG', '月刊 青森', [{ item: 'MAG-1', type: 'MAGAZINE' }]);
  await h.title('T-REF', '青森県史', [{ item: 'REF-1', status: 'NOT_FOR_LOAN' }]);
  await h.title('T-OK', '津軽', [{ item: 'OK-1' }]);
  const a = await h.reserve({ reservationId: 'X1', patronId: noMail.id, titleId: 'T-OK', pickup: 'pref' });
  const b = await h.reserve({ reservationId: 'X2', patronId: p.id, titleId: 'T-MAG', pickup: 'pref' });
  const c = await h.reserve({ reservationId: 'X3', patronId: p.id, titleId: 'T-REF', pickup: 'pref' });
  expect([a, b, c].map((o) => !o.ok && o.refusal.rule)).toEqual(['R-ACCOUNT-1', 'R-ITEM-1', 'R-ITEM-2']);
  expect(await h.db.reservation.count({ where: { id: { in: ['X1', 'X2', 'X3'] } } })).toBe(0);
});

test('R-DISPATCH-4: a patron with 10 確保済み goes back to 確保待ち for a title others wait for; the others are dispatched', async () => {
  const p = await h.patron('F0010');
  const other = await h.patron('F0011');
  for (let i = 0; i < 10; i++) await h.title(`T-RB${i}`, `題名 RB${i}`, [{ item: `RB-${i}` }]);
  await h.advanceTo(w.at('2026-12-14T09:00'));
  for (let i = 0; i < 10; i++) await h.reserve({ reservationId: `RB-${i}`, patronId: p.id, titleId: `T-RB${i}`, pickup: 'coop:30' });
  await h.reserve({ reservationId: 'RB-other', patronId: other.id, titleId: 'T-RB3', pickup: 'coop:19' });
  await h.advanceTo(w.at('2026-12-14T09:10'));
  expect(await h.db.reservation.count({ where: { patronId: p.id, status: 'SECURED' } })).toBe(10);
  expect((await h.view('RB-other')).status).toBe('WAITING');

  await h.advanceTo(w.at('2026-12-17T10:05'));
  const back = await h.view('RB-3');
  expect(back).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  expect((await h.view('RB-other')).status).toBe('IN_DELIVERY');
  expect(await h.db.reservation.count({ where: { patronId: p.id, status: 'IN_DELIVERY' } })).toBe(9);
  const run = await h.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: new Date(`${w.day('2026-12-17')}T00:00:00Z`) } });
  expect(run).toMatchObject({ rebalanced: 1, dispatched: 10, failed: 0 });
});
