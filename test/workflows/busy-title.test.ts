// A busy title: one copy, five reservers at both kinds of pickup place, a failed dispatch and
// cancellations mixed in. The queue order (予約順位) is checked at every step, both as the database
// keeps it and as each workflow reports it (R-ITEM-3, R-DISPATCH-3, R-CANCEL-1, R-CANCEL-3).
import { cancelUpdate, pickupUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { THURSDAY_WORKFLOW_ID } from '../../src/workflows/thursday-processing';
import { recordHistory } from '../support/histories';
import { LendingHarness, existingLoan, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-07T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

/** The waiting reservations in queue order, from the database; and each workflow must agree. */
async function expectQueue(expected: string[]) {
  const waiting = await h.db.reservation.findMany({
    where: { titleId: 'T-BUSY', status: 'WAITING' },
    orderBy: [{ queueSeq: 'asc' }, { placedAt: 'asc' }],
    select: { id: true },
  });
  expect(waiting.map((r) => r.id)).toEqual(expected);
  const reported = await Promise.all(expected.map(async (id) => [id, (await h.view(id)).queuePosition]));
  expect(reported).toEqual(expected.map((id, i) => [id, i + 1]));
}

async function expectStatuses(expected: Record<string, string>) {
  const actual: Record<string, string> = {};
  for (const id of Object.keys(expected)) actual[id] = (await h.view(id)).status;
  expect(actual).toEqual(expected);
}

const cancel = (id: string, by: 'patron' | 'staff') =>
  request(h.handle(id).executeUpdate(cancelUpdate, { args: [{ by, channel: by === 'patron' ? 'opac' : 'phone' }] }));

test('R-ITEM-3, R-DISPATCH-3, R-CANCEL-1, R-CANCEL-3: one copy, five reservers — the queue order at every step', async () => {
  const [a, b, c, d, e] = await Promise.all(['E0001', 'E0002', 'E0003', 'E0004', 'E0005'].map((card) => h.patron(card)));
  await existingLoan(h, a!.id, 'OLD-A', 'T-OLD-A', w.day('2026-12-01')); // A is overdue: dispatch fails
  await h.title('T-BUSY', '津軽じょんがら', [{ item: 'BUSY-1' }]);

  // Mon 12-07: five requests a minute apart; A gets the copy on the shelf, the rest queue in order.
  const plan: [string, string, string][] = [
    ['A', a!.id, 'coop:30'],
    ['B', b!.id, 'pref'],
    ['C', c!.id, 'coop:19'],
    ['D', d!.id, 'pref'],
    ['E', e!.id, 'coop:42'],
  ];
  for (const [i, [id, patronId, pickup]] of plan.entries()) {
    await h.advanceTo(w.at(`2026-12-07T09:0${i}`));
    expect((await h.reserve({ reservationId: id, patronId, titleId: 'T-BUSY', pickup })).ok).toBe(true);
  }
  await h.advanceTo(w.at('2026-12-07T09:30'));
  await expectStatuses({ A: 'SECURED', B: 'WAITING', C: 'WAITING', D: 'WAITING', E: 'WAITING' });
  await expectQueue(['B', 'C', 'D', 'E']);

  // Tue 12-08: D cancels in My Library; everyone behind moves up.
  await h.advanceTo(w.at('2026-12-08T12:00'));
  expect((await cancel('D', 'patron')).ok).toBe(true);
  await h.settle();
  await expectQueue(['B', 'C', 'E']);

  // Thu 12-10: A cannot be dispatched (overdue) and others wait → the copy goes to B (prefectural:
  // 貸出可能 at once), A moves down one place, right behind B.
  await h.advanceTo(w.at('2026-12-10T10:05'));
  await expectStatuses({ A: 'WAITING', B: 'READY', C: 'WAITING', D: 'CANCELLED', E: 'WAITING' });
  await expectQueue(['A', 'C', 'E']);

  // Fri 12-11: B collects it; E cancels by phone (staff).
  await h.advanceTo(w.at('2026-12-11T10:00'));
  expect((await request(h.handle('B').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  expect((await cancel('E', 'staff')).ok).toBe(true);
  await h.settle();
  await expectQueue(['A', 'C']);

  // Mon 12-14: B returns it at the counter → processed at once; the copy goes to A again (確保済み).
  await h.advanceTo(w.at('2026-12-14T10:00'));
  expect((await request(h.handle('B').executeUpdate(returnUpdate, { args: [{ place: 'pref' }] }))).ok).toBe(true);
  await h.settle();
  await expectStatuses({ A: 'SECURED', B: 'RETURNED', C: 'WAITING', D: 'CANCELLED', E: 'CANCELLED' });
  await expectQueue(['C']);
  expect((await h.view('A')).dispatchFailures).toBe(1);

  // Thu 12-17: A fails again (its 2nd); C gets the copy and is dispatched in the same run.
  await h.advanceTo(w.at('2026-12-17T10:05'));
  await expectStatuses({ A: 'WAITING', B: 'RETURNED', C: 'IN_DELIVERY', D: 'CANCELLED', E: 'CANCELLED' });
  await expectQueue(['A']);
  expect((await h.view('A')).dispatchFailures).toBe(2);
  await recordHistory(h.handle('A'), 'failed-dispatch-moved-down-twice');
  await recordHistory(h.handle('B'), 'central-pickup-from-queue-returned');
  await recordHistory(h.handle('C'), 'cooperating-pickup-after-others-failed');
  await recordHistory(h.client.workflow.getHandle(THURSDAY_WORKFLOW_ID), 'thursday-processing-two-runs');
  expect(await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'BUSY-1' } })).toMatchObject({ status: 'ON_LOAN' });
  const runs = await h.db.thursdayRun.findMany({ orderBy: { processingDate: 'asc' }, where: { processed: { gt: 0 } } });
  expect(runs.map((r) => [r.processed, r.dispatched, r.failed, r.released])).toEqual([
    [1, 0, 1, 0],
    [2, 1, 1, 0],
  ]);
});
