// Durable means durable: the worker is replaced between every step of a cooperating-library loan (as
// after a crash or a deploy). Each new worker continues the workflows from their histories; nothing
// is lost and the lending notice is still sent exactly once (R-MAIL-1).
import { pickupUpdate, renewUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  // No workflow cache: each task replays from history, as a fresh worker after a crash must (and the
  // time-skipping server cannot hand a dead worker's sticky tasks to the next one).
  h = await LendingHarness.start({ cacheWorkflows: false });
  w = weekShift('2026-12-07T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

test('R-MAIL-1, R-COOP-4: a new worker at every step — the loan runs its course, one notice', async () => {
  const p = await h.patron('H0001', { email: 'h1@example.jp' });
  await h.title('T-H1', '恐山菩提寺', [{ item: 'H1-1' }]);
  const step = async (at: string) => {
    await h.e.restartWorker();
    await h.advanceTo(w.at(at));
  };

  await h.advanceTo(w.at('2026-12-07T09:00'));
  await h.reserve({ reservationId: 'H1', patronId: p.id, titleId: 'T-H1', pickup: 'coop:44' });
  await step('2026-12-07T09:06');
  expect((await h.view('H1')).status).toBe('SECURED');
  await step('2026-12-10T10:05');
  expect((await h.view('H1')).status).toBe('IN_DELIVERY');
  await step('2026-12-12T10:00'); // Saturday: the notice
  await step('2026-12-13T10:00');
  expect(h.mail.to('h1@example.jp').filter((m) => m.body.custom_args?.outbox_key?.startsWith('lending-notice:'))).toHaveLength(1);
  expect((await request(h.handle('H1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  await step('2026-12-24T10:00'); // due Sun 12-27: renewal window from Thu 12-24
  const renewed = await request(h.handle('H1').executeUpdate(renewUpdate, { args: [{ channel: 'phone' }] }));
  expect(renewed.ok && (await h.view('H1')).dates.due).toBe(w.day('2027-01-03'));
  await step('2026-12-30T10:00');
  expect((await request(h.handle('H1').executeUpdate(returnUpdate, { args: [{ place: 'pref' }] }))).ok).toBe(true);
  await step('2026-12-30T10:05');
  const v = await h.view('H1');
  expect(v.status).toBe('RETURNED');
  expect(v.transitions.map((t) => t.status)).toEqual(['APPLIED', 'WAITING', 'SECURED', 'IN_DELIVERY', 'ON_LOAN', 'RETURNED']);
  // One lending notice (the PRE_DUE of the loan is another kind: test/workflows/notices-once.test.ts).
  expect(h.mail.to('h1@example.jp').filter((m) => m.body.custom_args?.outbox_key?.startsWith('lending-notice:'))).toHaveLength(1);
  expect(await h.db.mailOutbox.count({ where: { reservationId: 'H1', kind: 'LENDING_NOTICE' } })).toBe(1);
});
