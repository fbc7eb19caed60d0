// The simulator on a busy title and failed dispatches (spec §7), and on when a simulation stops:
// every reservation ended, the scenario's `until`, or 180 days after the last event.
import { at, exampleScenario, shifted, shiftFor, simulate, type RawScenario } from '../support/scenarios';

const statuses = (t: { transitions: { at: string; status: string }[] }) => t.transitions.map((x) => [x.at, x.status]);

test('R-DISPATCH-1, R-DISPATCH-2, R-DISPATCH-3, R-LIMIT-2, R-COOP-3: the example — failed dispatches, moving down the queue, releases', async () => {
  const raw = exampleScenario('busy-title.json');
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));

  // P1 is overdue: each Thursday that finds R1 確保済み fails it; with others waiting the copy goes on
  // and R1 moves down one place (R-DISPATCH-3); the third failure releases it (R-DISPATCH-2).
  const r1 = t.reservations.R1!;
  expect(statuses(r1)).toEqual([
    [at(w, '2027-03-01T09:00'), 'APPLIED'],
    [at(w, '2027-03-01T09:05'), 'WAITING'], // R-STATUS-1: 確保待ち, the copy on the pull list
    [at(w, '2027-03-01T10:05'), 'SECURED'], // pulled an hour later
    [at(w, '2027-03-04T10:00'), 'WAITING'],
    [at(w, '2027-03-17T11:00'), 'SECURED'], // R2's copy checked in: R1 is next
    [at(w, '2027-03-18T10:00'), 'WAITING'],
    [at(w, '2027-04-07T11:00'), 'SECURED'], // R3's uncollected copy is back
    [at(w, '2027-04-08T10:00'), 'RELEASED'],
  ]);
  expect(r1).toMatchObject({ final: 'RELEASED', dispatchFailures: 3, reason: { rule: 'R-DISPATCH-2' } });
  // DISPATCH_FAILED at the first two Thursday runs that could not send it, RELEASED at the third.
  expect(r1.mails.map((m) => [m.at, m.kind, m.occurrence ?? null])).toEqual([
    [at(w, '2027-03-04T10:00'), 'DISPATCH_FAILED', '1'],
    [at(w, '2027-03-18T10:00'), 'DISPATCH_FAILED', '2'],
    [at(w, '2027-04-08T10:00'), 'RELEASED', null],
  ]);
  // The next reservers get the copy the same Thursday.
  expect(statuses(t.reservations.R2!).slice(2, 4)).toEqual([
    [at(w, '2027-03-04T10:00'), 'SECURED'],
    [at(w, '2027-03-04T10:00'), 'IN_DELIVERY'],
  ]);
  expect(t.reservations.R2!.final).toBe('RETURNED');
  // R-COOP-3: R3 never collects within Sun 03-21 … Sun 03-28.
  expect(t.reservations.R3!).toMatchObject({ final: 'RELEASED', reason: { rule: 'R-COOP-3' }, dates: { pickupUntil: w.day('2027-03-28') } });
  expect(statuses(t.reservations.R3!).at(-1)).toEqual([at(w, '2027-03-29T00:00'), 'RELEASED']);
  // R-LIMIT-2: staff lowered P4's limit to 1, P4 holds one loan: R4 fails three Thursdays (nobody else
  // wants 斜陽, so it stays 確保済み in between) and is released.
  const r4 = t.reservations.R4!;
  expect(statuses(r4)).toEqual([
    [at(w, '2027-03-01T10:00'), 'APPLIED'],
    [at(w, '2027-03-01T10:05'), 'WAITING'],
    [at(w, '2027-03-01T11:05'), 'SECURED'],
    [at(w, '2027-03-18T10:00'), 'RELEASED'],
  ]);
  expect(r4).toMatchObject({ dispatchFailures: 3, reason: { rule: 'R-DISPATCH-2' } });
  expect(t.otherEvents[0]).toEqual({ at: at(w, '2027-03-02T10:00'), do: 'setLoanLimit', patron: 'P4', limit: 1, result: 'accepted' });

  expect(t.thursdays.map((r) => [r.processingDay, r.processed, r.dispatched, r.failed, r.released])).toEqual([
    [w.day('2027-03-04'), 3, 1, 2, 0],
    [w.day('2027-03-11'), 1, 0, 1, 0],
    [w.day('2027-03-18'), 3, 1, 2, 1],
    [w.day('2027-04-08'), 1, 0, 1, 1],
  ]);
  expect(t.simulation).toMatchObject({ end: at(w, '2027-04-08T10:00'), stoppedBecause: 'all-ended' });
});

test('until: the statuses at that moment — R-DISPATCH-3 moves R1 down one place, behind the reserver who got the copy', async () => {
  const raw = exampleScenario('busy-title.json');
  const w = shiftFor(raw);
  const t = await simulate(shifted({ ...raw, events: raw.events.slice(0, 5), until: '2027-03-05T12:00:00+09:00' }, w));

  expect(t.simulation).toMatchObject({ end: at(w, '2027-03-05T12:00'), stoppedBecause: 'until' });
  expect(t.reservations.R1).toMatchObject({ final: 'WAITING', queuePosition: 1, dispatchFailures: 1, reason: { rule: 'R-DISPATCH-3' } });
  expect(t.reservations.R2).toMatchObject({ final: 'IN_DELIVERY', item: 'I1', dates: { pickupFrom: w.day('2027-03-07') } });
  expect(t.reservations.R3).toMatchObject({ final: 'WAITING', queuePosition: 2 });
  expect(t.reservations.R4).toMatchObject({ final: 'SECURED', dispatchFailures: 1, reason: { rule: 'R-DISPATCH-2' } });
  expect(t.reservations.R2!.mails).toEqual([]); // the notice goes out on Saturday, after `until`
  expect(t.thursdays).toHaveLength(1);
});

test('a simulation never runs more than 180 days past its last event: a reservation whose copy never comes back', async () => {
  const raw: RawScenario = {
    patrons: [
      { id: 'P1', name: '待つ 人', email: 'p1@example.jp' },
      { id: 'P2', name: '借りた 人', email: 'p2@example.jp' },
    ],
    titles: [{ id: 'T1', title: '斜陽', copies: [{ item: 'I1' }] }],
    loans: [{ item: 'I1', patron: 'P2', due: '2026-12-10' }],
    events: [{ at: '2026-12-01T09:00:00+09:00', do: 'reserve', reservation: 'R1', patron: 'P1', title: 'T1', pickup: 'pref' }],
  };
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));
  expect(t.simulation).toMatchObject({ end: at(w, '2027-05-30T09:00'), stoppedBecause: 'limit' }); // 12-01 + 180 days
  expect(t.reservations.R1).toMatchObject({ final: 'WAITING', queuePosition: 1 });
});
