// Thursday processing as a first-class step: its schedule is configurable, a run is idempotent per
// processing day (staff may trigger it by hand), and it packs one dedicated bag per patron (R-COOP-2).
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { temporalNotifier } from '../../src/activities/notifier';
import { sendgridMailer } from '../../src/mail/sendgrid';
import { LendingHarness } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  // Configured to Wednesday 15:30 JST instead of Thursday 10:00.
  h = await LendingHarness.start({ thursday: { schedule: { weekday: 3, hour: 15, minute: 30 } } });
  w = weekShift('2026-12-07T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

test('R-COOP-2, R-COOP-4: processing runs at the configured moment; one dedicated bag per patron and cooperating library', async () => {
  const a = await h.patron('G0001');
  const b = await h.patron('G0002');
  for (const t of ['1', '2', '3', '4']) await h.title(`T-G${t}`, `題名 G${t}`, [{ item: `G-${t}` }]);
  await h.advanceTo(w.at('2026-12-07T09:00'));
  await h.reserve({ reservationId: 'G-a1', patronId: a.id, titleId: 'T-G1', pickup: 'coop:30' });
  await h.reserve({ reservationId: 'G-a2', patronId: a.id, titleId: 'T-G2', pickup: 'coop:30' });
  await h.reserve({ reservationId: 'G-a3', patronId: a.id, titleId: 'T-G3', pickup: 'coop:19' });
  await h.reserve({ reservationId: 'G-b1', patronId: b.id, titleId: 'T-G4', pickup: 'coop:30' });

  await h.advanceTo(w.at('2026-12-09T15:29'));
  expect((await h.view('G-a1')).status).toBe('SECURED');
  await h.advanceTo(w.at('2026-12-09T15:35')); // Wednesday 15:30: the configured processing
  for (const id of ['G-a1', 'G-a2', 'G-a3', 'G-b1']) expect((await h.view(id)).status).toBe('IN_DELIVERY');
  // The dates follow the processing day as the guide's table does (P+3 pickup, P+17 due).
  expect((await h.view('G-a1')).dates).toMatchObject({
    processingDay: w.day('2026-12-09'),
    pickupFrom: w.day('2026-12-12'),
    due: w.day('2026-12-26'),
  });

  const loans = await h.db.loan.findMany({ where: { reservationId: { in: ['G-a1', 'G-a2', 'G-a3', 'G-b1'] } }, orderBy: { reservationId: 'asc' } });
  const day = w.day('2026-12-09');
  expect(loans.map((l) => [l.reservationId, l.bag])).toEqual([
    ['G-a1', `${day}/coop:30/G0001`],
    ['G-a2', `${day}/coop:30/G0001`],
    ['G-a3', `${day}/coop:19/G0001`],
    ['G-b1', `${day}/coop:30/G0002`],
  ]);
  const run = await h.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: new Date(`${day}T00:00:00Z`) } });
  expect(run).toMatchObject({ processed: 4, dispatched: 4, bags: 3 });
});

test('a run triggered again for the same processing day changes nothing and returns the same summary', async () => {
  const acts = createActivities({
    db: h.db,
    notifier: temporalNotifier(h.client),
    mailer: sendgridMailer({ apiKey: 'SG.test', baseUrl: h.mail.url }),
    mailFrom: 'noreply@plib.pref.aomori.lg.jp',
  });
  const processingAt = w.at('2026-12-09T15:30').toISOString();
  const loansBefore = await h.db.loan.count();
  const again = await new MockActivityEnvironment().run(acts.runThursdayProcessing, { processingAt });
  expect(again).toMatchObject({ processingDay: w.day('2026-12-09'), processed: 4, dispatched: 4, failed: 0, bags: 3 });
  expect(await h.db.loan.count()).toBe(loansBefore);
  await h.settle();
  for (const id of ['G-a1', 'G-a2', 'G-a3', 'G-b1']) expect((await h.view(id)).status).toBe('IN_DELIVERY'); // resent signals were ignored
});
