// A process killed between its commit and the signal that tells a workflow of it loses nothing: the
// signals are written into signal_outbox in the same transaction, and the worker's drain sends what a
// dead process left. Seen by the chaos test before: a staff check-in whose API died after its commit
// left the loan closed (返却済) and the workflow waiting for ever at 貸出中.
import { circulation } from '../../src/activities/circulation';
import { drainSignalOutbox, temporalNotifier, type Notifier } from '../../src/activities/notifier';
import { pickupUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;
beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-11-30T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

/** A process that commits and dies before it can send anything. */
const diesBeforeSending: Notifier = {
  send: () => Promise.reject(new Error('test: the process died after its commit')),
};

test('R-RETURN-4: a check-in whose process died after the commit still ends the reservation — the drain sends the signal it owed, once', async () => {
  const p = await h.patron('O0001', { email: 'o1@example.jp' });
  const q = await h.patron('O0002', { email: 'o2@example.jp' });
  await h.title('T-O1', '届かなかった合図', [{ item: 'O1-1' }]);
  await h.advanceTo(w.at('2026-11-30T09:00'));
  await h.reserve({ reservationId: 'O1', patronId: p.id, titleId: 'T-O1', pickup: 'coop:8' });
  await h.advanceTo(w.at('2026-12-06T12:00')); // dispatched Thursday 12-03, window from Sunday
  expect((await request(h.handle('O1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  await h.reserve({ reservationId: 'O2', patronId: q.id, titleId: 'T-O1', pickup: 'pref' }); // waits for the copy
  await h.advanceTo(w.at('2026-12-10T09:00'));
  expect((await request(h.handle('O1').executeUpdate(returnUpdate, { args: [{ place: 'coop:8' }] }))).ok).toBe(true);
  await h.advanceTo(w.at('2026-12-16T10:00'));

  const checkedIn = await circulation(h.db, diesBeforeSending, { longOverdueGraceDays: 0 }).checkIn({ itemNumber: 'O1-1', at: await h.now() });
  expect(checkedIn.ok && checkedIn.handedTo).toBe('O2');
  await h.settle();
  expect((await h.view('O1')).status).toBe('RETURNED'); // the records
  expect((await h.e.workflowState('O1')).status).toBe('ON_LOAN'); // the workflow was not told …
  expect((await h.e.workflowState('O2')).status).toBe('WAITING'); // … nor was the next reserver
  expect(await h.db.signalOutbox.count()).toBe(2); // … but the signals are owed, in the outbox

  expect(await drainSignalOutbox(h.db, temporalNotifier(h.client), { olderThanSeconds: 0 })).toBe(2);
  await h.settle();
  expect((await h.e.workflowState('O1')).status).toBe('RETURNED');
  expect((await h.e.workflowState('O2')).status).toBe('READY');
  expect(await h.db.signalOutbox.count()).toBe(0);
  expect(await drainSignalOutbox(h.db, temporalNotifier(h.client), { olderThanSeconds: 0 })).toBe(0); // sent once

  // A live process sends its own signals at once and leaves nothing behind.
  await h.advanceTo(w.at('2026-12-16T10:10'));
  expect(h.mail.to('o2@example.jp')).toHaveLength(1);
  expect(await h.db.signalOutbox.count()).toBe(0);
});

test('the drain leaves the rows of a live sender alone until they are old enough, and sends them in order', async () => {
  await h.db.signalOutbox.createMany({
    data: [
      { workflowId: 'reservation-none-1', signal: 'checkedIn', args: [{ at: 'x' }] },
      { workflowId: 'reservation-none-2', signal: 'checkedIn', args: [{ at: 'y' }] },
    ],
  });
  const seen: string[] = [];
  const recording: Notifier = { send: async (s) => void seen.push(s.workflowId) };
  expect(await drainSignalOutbox(h.db, recording, { olderThanSeconds: 3600 })).toBe(0);
  expect(await drainSignalOutbox(h.db, recording, { olderThanSeconds: 0 })).toBe(2);
  expect(seen).toEqual(['reservation-none-1', 'reservation-none-2']);
  expect(await h.db.signalOutbox.count()).toBe(0);
});
