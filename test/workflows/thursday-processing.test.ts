// Thursday processing as a first-class step: its schedule is configurable, a run is idempotent per
// processing day (staff may trigger it by hand), and it packs one dedicated bag per patron (R-COOP-2).
// Events that commit while a run is under way (a staff cancel) are respected; one run at a time; a
// weekly workflow first started after a processing moment catches it up (spec §6 Decision).
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { temporalNotifier } from '../../src/activities/notifier';
import { DEFAULT_THURSDAY_OPTIONS, thursdayActivities, ThursdayRunInProgressError, type ThursdayHooks } from '../../src/activities/thursday';
import { sendgridMailer } from '../../src/mail/sendgrid';
import { cancelUpdate } from '../../src/workflows/reservation-messages';
import { THURSDAY_WORKFLOW_ID, thursdaySettingsSignal } from '../../src/workflows/thursday-processing';
import { recordHistory } from '../support/histories';
import { LendingHarness, request } from '../support/lending-harness';
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

// ---- Events that commit while a run is under way (issue 9) ----

/** A run of the real activity whose transaction stops where `holdAt` says, until released. */
function heldRun(step: 'rebalance' | 'dispatch', reservationId: string) {
  let reached!: () => void;
  let release!: () => void;
  const atHold = new Promise<void>((r) => (reached = r));
  const released = new Promise<void>((r) => (release = r));
  const hooks: ThursdayHooks = {
    async beforeTitleLock(s, ids) {
      if (s !== step || !ids.includes(reservationId)) return;
      reached();
      await released;
    },
  };
  const acts = thursdayActivities(h.db, temporalNotifier(h.client), DEFAULT_THURSDAY_OPTIONS, hooks);
  return { acts, atHold, release };
}

const staffCancel = (id: string) => request(h.handle(id).executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'phone' }] }));

/** Reservations that hold the copy: set aside for them, travelling to them, or lent to them. */
const holdersOf = async (itemNumber: string) =>
  (await h.db.reservation.findMany({ where: { itemNumber, status: { in: ['SECURED', 'READY', 'IN_DELIVERY', 'ON_LOAN'] } } })).map((r) => r.id);

test('R-CANCEL-3, R-CANCEL-2: a staff cancel that commits after the run read the 確保済み list, before it locked the title — the run passes it over (read again under the lock)', async () => {
  const a = await h.patron('H0001');
  const b = await h.patron('H0002');
  await h.title('T-H1', '題名 H1', [{ item: 'H1-1' }]);
  await h.advanceTo(w.at('2026-12-14T09:00'));
  await h.reserve({ reservationId: 'H-A', patronId: a.id, titleId: 'T-H1', pickup: 'coop:30' });
  await h.reserve({ reservationId: 'H-B', patronId: b.id, titleId: 'T-H1', pickup: 'coop:19' });
  await h.advanceTo(w.at('2026-12-14T09:30'));
  expect([(await h.view('H-A')).status, (await h.view('H-B')).status]).toEqual(['SECURED', 'WAITING']);

  // The run reads H-A as 確保済み and stops before locking its title; the cancel commits there, as a
  // cancel at the counter does while a long run works through the titles before it.
  const run = heldRun('dispatch', 'H-A');
  const summary = run.acts.runThursdayProcessing({ processingAt: w.at('2026-12-14T09:30').toISOString() });
  await run.atHold;
  expect((await staffCancel('H-A')).ok).toBe(true);
  expect(await h.db.reservation.findUniqueOrThrow({ where: { id: 'H-B' } })).toMatchObject({ status: 'SECURED', itemNumber: 'H1-1' });
  run.release();
  const done = await summary;
  await h.settle();

  expect(await h.db.reservation.findUniqueOrThrow({ where: { id: 'H-A' } })).toMatchObject({ status: 'CANCELLED' });
  expect((await h.view('H-A')).status).toBe('CANCELLED');
  expect(await h.db.loan.count({ where: { reservationId: 'H-A', state: 'ACTIVE' } })).toBe(0);
  // The copy went to the next reserver, once, and is theirs alone (予回送 to their library).
  expect(await h.db.reservationTransition.count({ where: { reservationId: 'H-B', status: 'SECURED' } })).toBe(1);
  expect((await h.view('H-B')).status).toBe('SECURED');
  expect(await holdersOf('H1-1')).toEqual(['H-B']);
  expect(await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'H1-1' } })).toMatchObject({ status: 'IN_TRANSIT' });
  expect(done).toMatchObject({ processed: 0, dispatched: 0 }); // H-A passed over; H-B's copy came after the moment
});

test('R-DISPATCH-4, R-CANCEL-3: a cancel during the rebalancing — decided under the patron’s title locks from what is there then (9 確保済み: nothing put back)', async () => {
  const p = await h.patron('H0010');
  const q = await h.patron('H0011');
  for (let i = 0; i < 10; i++) await h.title(`T-HR${i}`, `題名 HR${i}`, [{ item: `HR-${i}` }]);
  await h.advanceTo(w.at('2026-12-15T09:00'));
  for (let i = 0; i < 10; i++) await h.reserve({ reservationId: `HR-${i}`, patronId: p.id, titleId: `T-HR${i}`, pickup: 'coop:30' });
  await h.reserve({ reservationId: 'HR-q', patronId: q.id, titleId: 'T-HR3', pickup: 'coop:19' });
  await h.advanceTo(w.at('2026-12-15T09:30'));
  expect(await h.db.reservation.count({ where: { patronId: p.id, status: 'SECURED' } })).toBe(10);

  // The run has read P's ten (HR-3 would go back for HR-q) and stops before locking their titles.
  const run = heldRun('rebalance', 'HR-3');
  const summary = run.acts.runThursdayProcessing({ processingAt: w.at('2026-12-15T09:30').toISOString() });
  await run.atHold;
  expect((await staffCancel('HR-3')).ok).toBe(true);
  run.release();
  const done = await summary;
  await h.settle();

  expect(await h.db.reservation.findUniqueOrThrow({ where: { id: 'HR-3' } })).toMatchObject({ status: 'CANCELLED' });
  expect(await h.db.loan.count({ where: { reservationId: 'HR-3' } })).toBe(0);
  expect(await h.db.reservationTransition.count({ where: { reservationId: 'HR-q', status: 'SECURED' } })).toBe(1);
  expect(await holdersOf('HR-3')).toEqual(['HR-q']);
  expect(await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'HR-3' } })).toMatchObject({ status: 'IN_TRANSIT' });
  expect(await h.db.reservation.count({ where: { patronId: p.id, status: 'IN_DELIVERY' } })).toBe(9);
  expect(done).toMatchObject({ rebalanced: 0 }); // (H-B of the test before is dispatched too)
});

test('one run at a time: the weekly run that meets a run by hand in progress is retried, then returns that run’s summary; loans are made once', async () => {
  const c = await h.patron('H0020');
  await h.title('T-HC', '題名 HC', [{ item: 'HC-1' }]);
  await h.advanceTo(w.at('2026-12-16T15:00'));
  await h.reserve({ reservationId: 'HC-1', patronId: c.id, titleId: 'T-HC', pickup: 'coop:30' });
  await h.advanceTo(w.at('2026-12-16T15:10'));
  expect((await h.view('HC-1')).status).toBe('SECURED');

  // Staff run Wednesday 15:30 (the configured moment) by hand; it is held inside its transaction
  // while the weekly workflow's timer fires.
  const processingAt = w.at('2026-12-16T15:30').toISOString();
  const byHand = heldRun('dispatch', 'HC-1');
  const handSummary = byHand.acts.runThursdayProcessing({ processingAt });
  await byHand.atHold;
  // A second run meanwhile stops at once and does nothing.
  await expect(byHand.acts.runThursdayProcessing({ processingAt })).rejects.toThrow(ThursdayRunInProgressError);
  await h.advanceTo(w.at('2026-12-16T15:31'));
  const weekly = h.client.workflow.getHandle(THURSDAY_WORKFLOW_ID);
  const failedOnce = async () => {
    const pending = (await weekly.describe()).raw.pendingActivities ?? [];
    return pending.some((a) => (a.attempt ?? 0) >= 2 && /already running/.test(a.lastFailure?.message ?? ''));
  };
  for (let i = 0; i < 100 && !(await failedOnce()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await failedOnce()).toBe(true);
  byHand.release();
  const summary = await handSummary;
  expect(summary).toMatchObject({ processingDay: w.day('2026-12-16'), dispatched: expect.any(Number) });

  await h.advanceTo(w.at('2026-12-16T16:00')); // the retry after the backoff
  const events = (await weekly.fetchHistory()).events ?? [];
  const started = events.filter((e) => e.activityTaskStartedEventAttributes).at(-1)!;
  expect(started.activityTaskStartedEventAttributes!.attempt).toBeGreaterThanOrEqual(2);
  const completed = events.filter((e) => e.activityTaskCompletedEventAttributes).at(-1)!;
  const payload = completed.activityTaskCompletedEventAttributes!.result!.payloads![0]!.data!;
  expect(JSON.parse(Buffer.from(payload).toString('utf8'))).toEqual(summary);
  expect(await h.db.loan.count({ where: { reservationId: 'HC-1' } })).toBe(1);
  expect((await h.view('HC-1')).status).toBe('IN_DELIVERY');
});

describe('§6 Decision (catch-up): a weekly workflow first started after a processing moment', () => {
  let h2: LendingHarness;
  let w2: WeekShift;
  beforeAll(async () => {
    h2 = await LendingHarness.start({ thursday: false }); // started by the tests, after their data
    w2 = weekShift('2026-12-07T09:00', await h2.now());
  }, 120_000);
  afterAll(async () => h2?.stop());

  test('runs the missed moment only if no run is recorded for it and something was 確保済み then', async () => {
    const { thursdayCatchUpDue } = thursdayActivities(h2.db, temporalNotifier(h2.client), DEFAULT_THURSDAY_OPTIONS);
    const p = await h2.patron('J0001');
    await h2.title('T-J1', '題名 J1', [{ item: 'J1-1' }]);
    await h2.advanceTo(w2.at('2026-12-07T09:00'));
    expect(await thursdayCatchUpDue({ processingAt: w2.at('2026-12-10T10:00').toISOString() })).toBe(false); // nothing secured
    await h2.reserve({ reservationId: 'J-1', patronId: p.id, titleId: 'T-J1', pickup: 'coop:30' });
    await h2.advanceTo(w2.at('2026-12-10T12:00')); // Thursday 12:00: 10:00 has passed, nobody ran it
    expect((await h2.view('J-1')).status).toBe('SECURED');
    expect(await thursdayCatchUpDue({ processingAt: w2.at('2026-12-03T10:00').toISOString() })).toBe(false); // secured after that one
    expect(await thursdayCatchUpDue({ processingAt: w2.at('2026-12-10T10:00').toISOString() })).toBe(true);

    await h2.e.startThursdayProcessing({});
    await h2.settle();
    await h2.settle();
    const day = w2.day('2026-12-10');
    const run = await h2.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: new Date(`${day}T00:00:00Z`) } });
    expect(run).toMatchObject({ startedAt: w2.at('2026-12-10T10:00'), processed: 1, dispatched: 1 });
    expect(await h2.view('J-1')).toMatchObject({ status: 'IN_DELIVERY', dates: { processingDay: day } });
    expect(await thursdayCatchUpDue({ processingAt: w2.at('2026-12-10T10:00').toISOString() })).toBe(false); // recorded now

    // It goes on weekly from the moment it caught up: Thursday 12-17, not 12-10 again.
    await h2.advanceTo(w2.at('2026-12-17T10:05'));
    expect(await h2.db.thursdayRun.count({ where: { processingDate: new Date(`${w2.day('2026-12-17')}T00:00:00Z`) } })).toBe(1);
    expect(await h2.db.loan.count({ where: { reservationId: 'J-1' } })).toBe(1);
  });

  test('§6 Decision (configurable): a running workflow told another schedule (worker start) waits for that one from now on', async () => {
    const weekly = h2.client.workflow.getHandle(THURSDAY_WORKFLOW_ID);
    await weekly.signal(thursdaySettingsSignal, { schedule: { weekday: 4, hour: 10 } }); // the same: nothing changes
    await weekly.signal(thursdaySettingsSignal, { schedule: { weekday: 2, hour: 14 } }); // Tuesday 14:00
    await h2.advanceTo(w2.at('2026-12-22T14:05'));
    await h2.advanceTo(w2.at('2026-12-24T10:05'));
    const runs = await h2.db.thursdayRun.findMany({ where: { processingDate: { gt: new Date(`${w2.day('2026-12-17')}T00:00:00Z`) } } });
    expect(runs.map((r) => r.startedAt.toISOString())).toEqual([w2.at('2026-12-22T14:00').toISOString()]);
    await recordHistory(weekly, 'thursday-processing-caught-up-rescheduled');
  });
});
