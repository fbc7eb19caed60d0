// The guide's loose ends (issue 13, item 6), on the workflows: a pickup always says whether the card
// was shown (R-PREF-4 / R-COOP-1).
import { pickupUpdate, type PickupRequest } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

test('R-PREF-4, R-COOP-1: a pickup that does not say whether the card was shown is one without the card — refused, the copy stays held', async () => {
  const p = await h.patron('L0001');
  await h.title('T-L1', '津軽じょんから', [{ item: 'L1-1' }]);
  await h.advanceTo(w.at('2026-12-01T10:00'));
  await h.reserve({ reservationId: 'LE1', patronId: p.id, titleId: 'T-L1', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-01T10:10'));
  expect((await h.view('LE1')).status).toBe('READY');
  const unsaid = await request(h.handle('LE1').executeUpdate(pickupUpdate, { args: [{} as PickupRequest] }));
  expect(!unsaid.ok && unsaid.refusal.rule).toBe('R-PREF-4');
  expect((await h.view('LE1')).status).toBe('READY');
  const shown = await request(h.handle('LE1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  expect(shown.ok).toBe(true);
  expect((await h.view('LE1')).status).toBe('ON_LOAN');
});
