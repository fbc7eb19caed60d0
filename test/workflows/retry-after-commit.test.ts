// Every activity is idempotent under retry after its commit: here the first attempt of each call of
// every activity does all its work — commits, sends its signals and its mail — and then fails, as a
// worker killed between its commit and reporting back would. Temporal retries it. The reservation
// must come out exactly as without the failures: the same statuses, dates and renewals in the
// records and in the workflow, one lending notice, one loan, the copy held once.
import type { ReservationActivities } from '../../src/activities';
import { pickupUpdate, renewUpdate, returnUpdate, cancelUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

const EVERY_ACTIVITY: (keyof ReservationActivities)[] = [
  'secureOrQueue',
  'withdraw',
  'releaseUncollected',
  'lendReservedCopy',
  'confirmCoopPickup',
  'renewLoan',
  'recordReturn',
  'sendLendingNotice',
  'runThursdayProcessing',
];

let h: LendingHarness;
let w: WeekShift;
beforeAll(async () => {
  h = await LendingHarness.start({ dieAfterCommit: EVERY_ACTIVITY });
  w = weekShift('2026-11-30T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

/** The workflow's own facts agree with the records' (one owner, the other told). */
async function agrees(id: string): Promise<void> {
  const [state, view] = [await h.e.workflowState(id), await h.view(id)];
  expect(state.status).toBe(view.status);
  if (state.loan) expect(state.loan).toMatchObject({ due: view.dates.due, renewalsUsed: view.renewalsUsed });
}

test('R-RENEW-2, R-RENEW-3: a renewal whose worker died after the commit is not refused on retry — due and count as recorded, in the workflow too', async () => {
  const p = await h.patron('Z0001', { email: 'z1@example.jp' });
  await h.title('T-Z1', '再試行の本', [{ item: 'Z1-1' }]);
  await h.advanceTo(w.at('2026-11-30T09:00'));
  await h.reserve({ reservationId: 'Z1', patronId: p.id, titleId: 'T-Z1', pickup: 'coop:12' });
  await h.advanceTo(w.at('2026-12-06T12:00')); // Thursday 12-03 dispatched it; Sunday the window opens
  expect((await h.view('Z1')).status).toBe('IN_DELIVERY');
  expect((await request(h.handle('Z1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  await agrees('Z1');

  await h.advanceTo(w.at('2026-12-17T09:00')); // due 12-20: the window opens at due-3
  const renewed = await request(h.handle('Z1').executeUpdate(renewUpdate, { args: [{ channel: 'opac' }] }));
  expect(renewed.ok).toBe(true); // before: refused R-RENEW-3 by the retry (the first attempt had already renewed)
  const v = await h.view('Z1');
  expect(v).toMatchObject({ status: 'ON_LOAN', renewalsUsed: 1, dates: { due: w.day('2026-12-27') } });
  expect(renewed.ok && renewed.value.loan).toEqual({ due: w.day('2026-12-27'), renewalsUsed: 1 });
  await agrees('Z1');

  expect((await request(h.handle('Z1').executeUpdate(returnUpdate, { args: [{ place: 'coop:12' }] }))).ok).toBe(true);
  await h.advanceTo(w.at('2026-12-30T10:00'));
  expect((await h.desk.checkIn({ itemNumber: 'Z1-1', at: await h.now() })).ok).toBe(true);
  await h.settle();
  expect((await h.view('Z1')).transitions.map((t) => t.status)).toEqual(['APPLIED', 'WAITING', 'SECURED', 'IN_DELIVERY', 'ON_LOAN', 'RETURNED']);
  await agrees('Z1');
  expect(h.mail.to('z1@example.jp').filter((m) => m.body.custom_args?.outbox_key?.startsWith('lending-notice:'))).toHaveLength(1); // R-MAIL-1: one notice, not one per attempt
  expect(await h.db.loan.count({ where: { itemNumber: 'Z1-1' } })).toBe(1);
  expect(await h.db.thursdayRun.count({ where: { processingDate: new Date(`${w.day('2026-12-03')}T00:00:00Z`) } })).toBe(1);
});

test('R-PREF-1, R-PREF-4, R-RETURN-1, R-CANCEL-3: at the prefectural library every step retried after its commit — one notice, one loan, the copy to the next reserver once', async () => {
  const a = await h.patron('Z0002', { email: 'z2@example.jp' });
  const b = await h.patron('Z0003', { email: 'z3@example.jp' });
  const c = await h.patron('Z0004', { email: 'z4@example.jp' });
  await h.title('T-Z2', '二度押しの本', [{ item: 'Z2-1' }]);
  await h.advanceTo(w.at('2027-01-04T09:00'));
  await h.reserve({ reservationId: 'Z2', patronId: a.id, titleId: 'T-Z2', pickup: 'pref' });
  await h.reserve({ reservationId: 'Z3', patronId: b.id, titleId: 'T-Z2', pickup: 'pref' });
  await h.reserve({ reservationId: 'Z4', patronId: c.id, titleId: 'T-Z2', pickup: 'pref' });
  await h.advanceTo(w.at('2027-01-04T09:06'));
  expect((await h.view('Z2')).status).toBe('READY');
  expect(await h.view('Z3')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  expect(await h.view('Z4')).toMatchObject({ status: 'WAITING', queuePosition: 2 });
  expect(h.mail.to('z2@example.jp')).toHaveLength(1);

  expect((await request(h.handle('Z2').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  expect(await h.view('Z2')).toMatchObject({ status: 'ON_LOAN', dates: { due: w.day('2027-01-18') } });
  await agrees('Z2');
  expect((await request(h.handle('Z2').executeUpdate(returnUpdate, { args: [{ place: 'pref' }] }))).ok).toBe(true);
  await h.settle();
  expect((await h.view('Z2')).status).toBe('RETURNED');
  expect(await h.view('Z3')).toMatchObject({ status: 'READY', itemNumber: 'Z2-1' }); // handed over once
  expect(await h.view('Z4')).toMatchObject({ status: 'WAITING', queuePosition: 1 });

  // Staff cancel the one holding it: the copy goes on to the last reserver, once.
  expect((await request(h.handle('Z3').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'counter' }] }))).ok).toBe(true);
  await h.settle();
  expect((await h.view('Z3')).status).toBe('CANCELLED');
  expect(await h.view('Z4')).toMatchObject({ status: 'READY', itemNumber: 'Z2-1' });
  await agrees('Z3');
  await agrees('Z4');

  // Not collected within the hold: released once, the copy back on the shelf.
  await h.advanceTo(w.at('2027-01-20T09:00'));
  expect(await h.view('Z4')).toMatchObject({ status: 'RELEASED', reason: { rule: 'R-PREF-5' } });
  await agrees('Z4');
  expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'Z2-1' } })).status).toBe('ON_SHELF');
  for (const to of ['z2@example.jp', 'z3@example.jp', 'z4@example.jp'])
    expect(h.mail.to(to).filter((m) => m.body.custom_args?.outbox_key?.startsWith('lending-notice:'))).toHaveLength(1);
  expect(await h.db.loan.count({ where: { itemNumber: 'Z2-1' } })).toBe(1);
});
