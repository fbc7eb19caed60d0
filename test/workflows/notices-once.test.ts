// R-MAIL-1 for every notice (docs/notices.md): at most one mail per reservation, kind and occurrence —
// when the worker is replaced at every step and each sendNotice's first attempt dies after it sent
// (Temporal retries it), and when a worker died between the outbox write and the send (row PENDING:
// sent once by the retry) or between the claim and recording SENT (row SENDING: never sent again
// automatically, UNCERTAIN for staff, who may resend it once).
import { MockActivityEnvironment } from '@temporalio/testing';
import { noticeActivities } from '../../src/activities/notices';
import { addDays } from '../../src/domain';
import { sendgridMailer } from '../../src/mail/sendgrid';
import { jstMinute } from '../../src/simulator/timeline';
import { pickupUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  // No workflow cache: each task replays from history, as a fresh worker after a crash must.
  h = await LendingHarness.start({ cacheWorkflows: false, dieAfterCommit: ['sendNotice', 'sendLendingNotice'] });
  w = weekShift('2026-11-30T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

const kindsSent = (email: string) => h.mail.to(email).map((m) => m.body.custom_args!.outbox_key!);

test('R-MAIL-1 PICKUP_REMINDER, PRE_DUE, OVERDUE: a new worker at every step and a retry after each send — each notice mailed once, at its moment', async () => {
  const p = await h.patron('K0001', { email: 'k1@example.jp' });
  await h.title('T-K1', '八甲田山', [{ item: 'K1-1' }]);
  const step = async (at: string) => {
    await h.e.restartWorker();
    await h.advanceTo(w.at(at));
  };
  await h.advanceTo(w.at('2026-11-30T09:00'));
  await h.reserve({ reservationId: 'K1', patronId: p.id, titleId: 'T-K1', pickup: 'coop:44' });
  await step('2026-12-03T10:05'); // Thursday: 配送中
  await step('2026-12-05T09:30'); // Saturday: the lending notice
  await step('2026-12-12T09:30'); // Saturday before the closing Sunday: the reminder
  expect((await request(h.handle('K1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  await step('2026-12-17T09:30'); // due Sun 12-20: PRE_DUE on Thu 12-17
  await step('2026-12-21T09:30'); // OVERDUE 1
  await step('2026-12-21T12:00');
  const due = w.day('2026-12-20');
  expect(kindsSent('k1@example.jp')).toEqual(['lending-notice:K1', 'pickup-reminder:K1', `pre-due:K1:${due}`, 'overdue:K1:1']);
  const rows = await h.db.mailOutbox.findMany({ where: { reservationId: 'K1' }, orderBy: { id: 'asc' } });
  expect(rows.map((r) => [r.kind, r.state, jstMinute(r.noticeAt!)])).toEqual([
    ['LENDING_NOTICE', 'SENT', jstMinute(w.at('2026-12-05T09:00'))],
    ['PICKUP_REMINDER', 'SENT', jstMinute(w.at('2026-12-12T09:00'))],
    ['PRE_DUE', 'SENT', jstMinute(w.at('2026-12-17T09:00'))],
    ['OVERDUE', 'SENT', jstMinute(w.at('2026-12-21T09:00'))],
  ]);
  expect(addDays(due, 1)).toBe(w.day('2026-12-21'));
});

describe('the activity between the outbox write and the send', () => {
  const send = () => noticeActivities(h.db, sendgridMailer({ apiKey: 'SG.test', baseUrl: h.mail.url }), { from: 'noreply@plib.pref.aomori.lg.jp' });
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment().run(fn, ...args);

  async function cancelledByStaff(id: string, email: string) {
    const p = await h.patron(`card-${id}`, { email });
    await h.db.title.create({ data: { id: `T-${id}`, title: '十和田湖' } });
    await h.db.reservation.create({
      data: { id, patronId: p.id, titleId: `T-${id}`, pickupPlaceCode: 'pref', status: 'CANCELLED', placedAt: new Date(), endedAt: new Date() },
    });
  }

  test('R-MAIL-1 CANCELLED_BY_STAFF: the row written, the worker gone before the claim (PENDING) → the retry sends it once', async () => {
    await cancelledByStaff('K2', 'k2@example.jp');
    const req = { reservationId: 'K2', kind: 'CANCELLED_BY_STAFF' as const, at: new Date().toISOString() };
    // The first attempt wrote the row and never reached SendGrid (its process went away).
    const gone = noticeActivities(
      h.db,
      { send: () => Promise.reject(Object.assign(new Error('worker gone'), { code: 'ECONNREFUSED' })) },
      { from: 'x' },
    );
    await expect(run(gone.sendNotice, req)).rejects.toThrow(/not sent yet/);
    expect((await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'cancelled-by-staff:K2' } })).state).toBe('PENDING');
    expect((await run(send().sendNotice, req)).state).toBe('SENT');
    expect((await run(send().sendNotice, req)).state).toBe('SENT');
    expect(h.mail.to('k2@example.jp')).toHaveLength(1);
  });

  test('R-MAIL-1 CANCELLED_BY_STAFF: the worker gone after the claim (SENDING) → UNCERTAIN, never resent by a retry; a staff resend sends it once', async () => {
    await cancelledByStaff('K3', 'k3@example.jp');
    const req = { reservationId: 'K3', kind: 'CANCELLED_BY_STAFF' as const, at: new Date().toISOString() };
    await run(send().sendNotice, req);
    await h.db.mailOutbox.update({ where: { key: 'cancelled-by-staff:K3' }, data: { state: 'SENDING', sentAt: null } });
    expect((await run(send().sendNotice, req)).state).toBe('UNCERTAIN');
    expect(h.mail.to('k3@example.jp')).toHaveLength(1);
    const resend = { key: 'cancelled-by-staff:K3', resends: 0, by: 'S0001 青森 太郎' };
    expect((await run(send().resendNotice, resend)).state).toBe('SENT');
    expect((await run(send().resendNotice, resend)).state).toBe('SENT'); // the retry of the same resend
    expect(h.mail.to('k3@example.jp')).toHaveLength(2);
    expect(await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'cancelled-by-staff:K3' } })).toMatchObject({
      state: 'SENT',
      resends: 1,
      resentBy: 'S0001 青森 太郎',
    });
  });
});
