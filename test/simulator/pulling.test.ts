// R-STATUS-1 in the simulator: "pulling": "manual" with the pull and notOnShelf events, and the walk-in
// of a listed copy (R-ITEM-4); "auto" (the default) is what every other scenario runs with.
import { at, brief, exampleScenario, shifted, shiftFor, simulate } from '../support/scenarios';

test('R-STATUS-1, R-ITEM-4: manual pulling — a walk-in takes the listed copy, the next is not on the shelf, then found and scanned', async () => {
  const raw = exampleScenario('pull-list-by-hand.json');
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));
  const r1 = t.reservations.R1!;
  expect(r1.transitions.map((x) => [x.at, x.status])).toEqual([
    [at(w, '2027-03-02T10:00'), 'APPLIED'],
    [at(w, '2027-03-02T10:05'), 'WAITING'],
    [at(w, '2027-03-02T15:00'), 'READY'], // the scan, not before
    [at(w, '2027-03-08T11:00'), 'ON_LOAN'],
    [at(w, '2027-03-20T11:00'), 'RETURNED'],
  ]);
  expect(r1.mails.map((m) => [m.at, m.kind])).toEqual([
    [at(w, '2027-03-02T15:00'), 'LENDING_NOTICE'],
    [at(w, '2027-03-07T09:00'), 'PICKUP_REMINDER'],
    [at(w, '2027-03-19T09:00'), 'PRE_DUE'],
  ]);
  expect(r1.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['pickup', 'accepted', w.day('2027-03-22')],
    ['returnAt', 'accepted', 'RETURNED'],
  ]);
  expect(t.otherEvents).toEqual([
    expect.objectContaining({ do: 'checkout', item: 'I1', result: 'accepted' }), // R-ITEM-4: the visitor first
    expect.objectContaining({ do: 'notOnShelf', item: 'I2', result: 'accepted', missing: false }),
    expect.objectContaining({ do: 'pull', item: 'I2', result: 'accepted', securedFor: 'R1', status: 'READY' }),
  ]);
}, 120_000);

test('R-STATUS-1: "manual" leaves the reservation 確保待ち until a pull; pullAfterMinutes sets the stand-in\'s delay', async () => {
  const raw = exampleScenario('pull-list-by-hand.json');
  const w = shiftFor(raw);
  const unpulled = await simulate(shifted({ ...raw, events: raw.events.slice(0, 1), until: '2027-03-03T10:00:00+09:00' }, w));
  expect(unpulled.reservations.R1!.final).toBe('WAITING');
  const auto = await simulate(
    shifted({ ...raw, pulling: 'auto', pullAfterMinutes: 15, events: raw.events.slice(0, 1), until: '2027-03-03T10:00:00+09:00' }, w),
  );
  expect(auto.reservations.R1!.transitions.map((x) => [x.at, x.status])).toEqual([
    [at(w, '2027-03-02T10:00'), 'APPLIED'],
    [at(w, '2027-03-02T10:05'), 'WAITING'],
    [at(w, '2027-03-02T10:20'), 'READY'],
  ]);
}, 120_000);
