// The title's queue and Thursday processing: who gets a copy, in what order, and what a failed
// dispatch does (R-ITEM-3, R-ITEM-4, R-DISPATCH-1…4, R-COOP-3, R-CANCEL-2/3, R-LIMIT-2).
import { cancelUpdate, pickupUpdate } from '../../src/workflows/reservation-messages';
import { recordHistory } from '../support/histories';
import { LendingHarness, existingLoan, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

const status = async (id: string) => (await h.view(id)).status;
const itemStatus = async (itemNumber: string) => (await h.db.item.findUniqueOrThrow({ where: { itemNumber } })).status;

test('R-ITEM-3, R-ITEM-4: a walk-in takes the shelf copy during the security delay; the online request waits at the head of the queue', async () => {
  const online = await h.patron('C0001');
  const later = await h.patron('C0002');
  const visitor = await h.patron('C0003');
  await h.title('T-Q1', '雪国', [{ item: 'Q1-1' }]);
  await h.advanceTo(w.at('2026-12-01T10:00'));
  await h.reserve({ reservationId: 'Q1-online', patronId: online.id, titleId: 'T-Q1', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-01T10:02'));
  const walkIn = await h.desk.counterCheckout({ itemNumber: 'Q1-1', patronId: visitor.id, at: await h.now() });
  expect(walkIn.ok).toBe(true); // the visitor wins
  // A later request sees the copy out (貸出一般) and queues at once (short delay to join first).
  await h.advanceTo(w.at('2026-12-01T10:03'));
  await h.reserve({ reservationId: 'Q1-later', patronId: later.id, titleId: 'T-Q1', pickup: 'pref', config: { securityDelayMs: 60_000 } });
  await h.advanceTo(w.at('2026-12-01T10:04:30'));
  expect(await h.view('Q1-later')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  await h.advanceTo(w.at('2026-12-01T10:06'));
  expect(await h.view('Q1-online')).toMatchObject({ status: 'WAITING', statusLabel: '確保待ち', queuePosition: 1 });
  expect(await h.view('Q1-later')).toMatchObject({ status: 'WAITING', queuePosition: 2 });

  // The visitor returns it: the head of the queue gets it.
  const back = await h.desk.checkIn({ itemNumber: 'Q1-1', at: w.at('2026-12-01T15:00') });
  expect(back.ok && back.handedTo).toBe('Q1-online');
  await h.settle();
  expect(await status('Q1-online')).toBe('READY');
  expect(await h.view('Q1-later')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
});

test('R-DISPATCH-1, R-DISPATCH-3: an overdue patron is not dispatched; with others waiting the copy goes to the next and the reservation moves down one place', async () => {
  const late = await h.patron('C0010');
  const next = await h.patron('C0011');
  const third = await h.patron('C0012');
  await existingLoan(h, late.id, 'OLD-1', 'T-OLD1', w.day('2026-12-01'));
  await h.title('T-Q2', '津軽海峡', [{ item: 'Q2-1' }]);
  await h.advanceTo(w.at('2026-12-07T09:00'));
  await h.reserve({ reservationId: 'Q2-late', patronId: late.id, titleId: 'T-Q2', pickup: 'coop:7' });
  await h.reserve({ reservationId: 'Q2-next', patronId: next.id, titleId: 'T-Q2', pickup: 'coop:19' });
  await h.reserve({ reservationId: 'Q2-third', patronId: third.id, titleId: 'T-Q2', pickup: 'coop:19' });
  await h.advanceTo(w.at('2026-12-07T09:10'));
  expect(await status('Q2-late')).toBe('SECURED');
  expect(await h.view('Q2-next')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  expect(await h.view('Q2-third')).toMatchObject({ status: 'WAITING', queuePosition: 2 });

  await h.advanceTo(w.at('2026-12-10T10:05')); // Thursday
  const moved = await h.view('Q2-late');
  expect(moved).toMatchObject({ status: 'WAITING', queuePosition: 1, dispatchFailures: 1 });
  expect(moved.reason?.rule).toBe('R-DISPATCH-3');
  expect(await status('Q2-next')).toBe('IN_DELIVERY'); // secured from the released copy and sent the same Thursday
  expect(await h.view('Q2-third')).toMatchObject({ status: 'WAITING', queuePosition: 2 });
  const summary = await h.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: new Date(`${w.day('2026-12-10')}T00:00:00Z`) } });
  expect(summary).toMatchObject({ processed: 2, dispatched: 1, failed: 1, released: 0 });
});

test('R-DISPATCH-2: three failed dispatches release the reservation and the copy returns to the shelf', async () => {
  const p = await h.patron('C0020', { loanLimit: 1 });
  await existingLoan(h, p.id, 'OLD-2', 'T-OLD2', w.day('2027-03-01')); // not overdue, but at the limit of 1 (R-LIMIT-2)
  await h.title('T-Q3', '月山', [{ item: 'Q3-1' }]);
  await h.advanceTo(w.at('2026-12-14T09:00'));
  await h.reserve({ reservationId: 'Q3', patronId: p.id, titleId: 'T-Q3', pickup: 'coop:42' });
  await h.advanceTo(w.at('2026-12-17T10:05'));
  expect(await h.view('Q3')).toMatchObject({ status: 'SECURED', dispatchFailures: 1 });
  expect((await h.view('Q3')).reason?.rule).toBe('R-DISPATCH-2');
  await h.advanceTo(w.at('2026-12-24T10:05'));
  expect(await h.view('Q3')).toMatchObject({ status: 'SECURED', dispatchFailures: 2 });
  await h.advanceTo(w.at('2026-12-31T10:05'));
  const v = await h.view('Q3');
  expect(v).toMatchObject({ status: 'RELEASED', statusLabel: '予約解除', dispatchFailures: 3 });
  expect(v.reason?.rule).toBe('R-DISPATCH-2');
  expect(await itemStatus('Q3-1')).toBe('ON_SHELF');
  await recordHistory(h.handle('Q3'), 'failed-dispatch-three-times-released');
});

test('R-COOP-3: not collected within the window → 予約解除, the loan undone; the copy serves the next reserver once back centrally', async () => {
  const a = await h.patron('C0030');
  const b = await h.patron('C0031');
  await h.title('T-Q4', '奥入瀬', [{ item: 'Q4-1' }]);
  await h.advanceTo(w.at('2027-01-04T09:00'));
  await h.reserve({ reservationId: 'Q4-a', patronId: a.id, titleId: 'T-Q4', pickup: 'coop:30' });
  await h.reserve({ reservationId: 'Q4-b', patronId: b.id, titleId: 'T-Q4', pickup: 'pref' });
  await h.advanceTo(w.at('2027-01-07T10:05'));
  expect(await h.view('Q4-a')).toMatchObject({ status: 'IN_DELIVERY', dates: { pickupUntil: w.day('2027-01-17') } });
  await h.advanceTo(w.at('2027-01-17T23:00'));
  expect(await status('Q4-a')).toBe('IN_DELIVERY');
  await h.advanceTo(w.at('2027-01-18T00:05'));
  const v = await h.view('Q4-a');
  expect(v.status).toBe('RELEASED');
  expect(v.reason?.rule).toBe('R-COOP-3');
  expect((await h.db.loan.findFirstOrThrow({ where: { reservationId: 'Q4-a' } })).state).toBe('UNDONE');
  expect(await itemStatus('Q4-1')).toBe('IN_TRANSIT');
  expect(await status('Q4-b')).toBe('WAITING');
  const back = await h.desk.checkIn({ itemNumber: 'Q4-1', at: w.at('2027-01-20T11:00') });
  expect(back.ok && back.handedTo).toBe('Q4-b');
  await h.advanceTo(w.at('2027-01-20T11:10'));
  expect(await status('Q4-b')).toBe('READY');
});

test('R-CANCEL-2, R-CANCEL-3: staff cancel a 配送中 reservation; Thursday’s loan is undone and the copy is released when it is back', async () => {
  const a = await h.patron('C0040');
  await h.title('T-Q5', '恐山', [{ item: 'Q5-1' }]);
  await h.advanceTo(w.at('2027-01-25T09:00'));
  await h.reserve({ reservationId: 'Q5', patronId: a.id, titleId: 'T-Q5', pickup: 'coop:42' });
  await h.advanceTo(w.at('2027-01-28T10:05'));
  expect(await status('Q5')).toBe('IN_DELIVERY');
  const byPatron = await request(h.handle('Q5').executeUpdate(cancelUpdate, { args: [{ by: 'patron' }] }));
  expect(!byPatron.ok && byPatron.refusal.rule).toBe('R-CANCEL-1');
  const early = await request(h.handle('Q5').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  expect(!early.ok && early.refusal.rule).toBe('R-COOP-4'); // the window opens on Sunday
  const byStaff = await request(h.handle('Q5').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'counter' }] }));
  expect(byStaff.ok && byStaff.value.status).toBe('CANCELLED');
  expect((await h.db.loan.findFirstOrThrow({ where: { reservationId: 'Q5' } })).state).toBe('UNDONE');
  const back = await h.desk.checkIn({ itemNumber: 'Q5-1', at: w.at('2027-02-03T11:00') });
  expect(back.ok).toBe(true);
  expect(await itemStatus('Q5-1')).toBe('ON_SHELF');
});
