// The simulator's closedDays / reopenDays events (spec §14) on the example scenario: a closed Thursday
// moves the processing day and its chain (R-CLOSED-2); a closure entered while 配送中 moves the window's
// start and the due date and its removal moves the due date back (R-CLOSED-3, R-CLOSED-4).
import { at, exampleScenario, shifted, shiftFor, simulate } from '../support/scenarios';

test('R-CLOSED-2, R-CLOSED-3, R-CLOSED-4, R-COOP-4: the example — processing moved to Friday, the window opens a day late, the due date moves and moves back', async () => {
  const raw = exampleScenario('closed-days.json');
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));

  expect(t.simulation).toMatchObject({ stoppedBecause: 'all-ended' });
  const r1 = t.reservations.R1!;
  expect(r1.final).toBe('RETURNED');
  expect(r1.transitions.map((x) => [x.status, x.at])).toEqual([
    ['APPLIED', at(w, '2027-03-01T09:00')],
    ['WAITING', at(w, '2027-03-01T09:05')],
    ['SECURED', at(w, '2027-03-01T10:05')],
    ['IN_DELIVERY', at(w, '2027-03-05T10:00')], // R-CLOSED-2: Thursday 03-04 closed → Friday
    ['ON_LOAN', at(w, '2027-03-09T15:00')],
    ['RETURNED', at(w, '2027-03-24T11:00')],
  ]);
  expect(t.thursdays).toEqual([expect.objectContaining({ at: at(w, '2027-03-05T10:00'), processingDay: w.day('2027-03-05'), dispatched: 1 })]);
  // The chain from Fri 03-05: notice Sun 03-07, window Mon 03-08 (closed → Tue 03-09) … Mon 03-15, due Mon 03-22.
  expect(r1.dates).toMatchObject({
    processingDay: w.day('2027-03-05'),
    pickupFrom: w.day('2027-03-09'),
    pickupUntil: w.day('2027-03-15'),
    due: w.day('2027-03-22'),
  });
  expect(r1.mails[0]).toMatchObject({ at: at(w, '2027-03-07T09:00'), kind: 'LENDING_NOTICE' });
  expect(r1.requests.find((q) => q.do === 'pickup')).toMatchObject({ result: 'accepted', due: w.day('2027-03-22') });

  const closures = t.otherEvents.filter((e) => e.do === 'closedDays' || e.do === 'reopenDays');
  expect(closures.map((e) => [e.do, e.library, e.changedDays, e.moved])).toEqual([
    ['closedDays', 'pref', 1, []], // before anything was lent: nothing to move yet
    ['closedDays', 30, 1, [{ reservation: 'R1', pickupFrom: w.day('2027-03-09'), pickupUntil: w.day('2027-03-15'), due: w.day('2027-03-22') }]],
    ['closedDays', 30, 2, [{ reservation: 'R1', pickupFrom: w.day('2027-03-09'), pickupUntil: w.day('2027-03-15'), due: w.day('2027-03-24') }]],
    ['reopenDays', 30, 2, [{ reservation: 'R1', pickupFrom: w.day('2027-03-09'), pickupUntil: w.day('2027-03-15'), due: w.day('2027-03-22') }]],
  ]);
  expect(t.problems).toEqual([]);
});
