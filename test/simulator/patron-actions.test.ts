// Issue 13 in the simulator: reserve "by": "staff" (R-STAFF-1), changePickup (R-PICKUP-1, R-PICKUP-2).
import { at, brief, shifted, shiftFor, simulate, type RawScenario } from '../support/scenarios';

const m = (jst: string) => `${jst}:00+09:00`;

const SCENARIO: RawScenario = {
  description: 'issue 13: a staff reservation by phone, and pickup places changed',
  patrons: [
    { id: 'P1', name: '青森 一郎', email: 'p1@example.jp' },
    { id: 'P2', name: '弘前 花子', email: 'p2@example.jp' },
  ],
  titles: [{ id: 'T1', title: '津軽', copies: [{ item: 'I1' }] }],
  events: [
    { at: m('2027-03-01T09:00'), do: 'reserve', reservation: 'R1', patron: 'P1', title: 'T1', pickup: 'coop:30', by: 'staff', channel: 'phone' },
    { at: m('2027-03-01T09:30'), do: 'reserve', reservation: 'R2', patron: 'P2', title: 'T1', pickup: 'coop:5' },
    { at: m('2027-03-02T10:00'), do: 'changePickup', reservation: 'R1', pickup: 'pref', by: 'patron' },
    { at: m('2027-03-02T10:01'), do: 'changePickup', reservation: 'R1', pickup: 'pref', by: 'staff' },
    { at: m('2027-03-02T12:00'), do: 'changePickup', reservation: 'R2', pickup: 'coop:6', by: 'patron' },
    { at: m('2027-03-03T11:00'), do: 'pickup', reservation: 'R1' },
  ],
  until: m('2027-03-04T00:00'),
};

test('R-STAFF-1, R-PICKUP-1, R-PICKUP-2: a staff reservation by phone; the patron may not move it once 確保済み, staff may (貸出可能 with the notice at once); a waiting one keeps its place', async () => {
  const w = shiftFor(SCENARIO);
  const t = await simulate(shifted(SCENARIO, w));
  const r1 = t.reservations.R1!;
  expect(r1.pickup).toBe('pref');
  expect(r1.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['changePickup', 'rejected', 'R-PICKUP-1'],
    ['changePickup', 'accepted', 'READY'],
    ['pickup', 'accepted', w.day('2027-03-17')],
  ]);
  expect(r1.requests[0]).toMatchObject({ placedVia: 'phone' });
  expect(r1.transitions.map((x) => [x.at, x.status, x.note ?? null])).toEqual([
    [at(w, '2027-03-01T09:00'), 'APPLIED', null],
    [at(w, '2027-03-01T09:05'), 'WAITING', null],
    [at(w, '2027-03-01T10:05'), 'SECURED', null],
    [at(w, '2027-03-02T10:01'), 'READY', 'R-PICKUP-2'],
    [at(w, '2027-03-03T11:00'), 'ON_LOAN', null],
  ]);
  expect(r1.mails.map((x) => [x.at, x.kind])).toEqual([[at(w, '2027-03-02T10:01'), 'LENDING_NOTICE']]);
  const r2 = t.reservations.R2!;
  expect(r2).toMatchObject({ pickup: 'coop:6', final: 'WAITING', queuePosition: 1 });
  expect(r2.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['changePickup', 'accepted', 'WAITING'],
  ]);
  expect(r2.requests[0]).not.toHaveProperty('placedVia');
}, 120_000);

const SUSPENDING: RawScenario = {
  description: 'issue 13: a suspended first reserver is passed over, then resumes',
  patrons: [
    { id: 'P1', name: '青森 一郎', email: 'p1@example.jp' },
    { id: 'P2', name: '弘前 花子', email: 'p2@example.jp' },
    { id: 'P3', name: '八戸 次郎', email: 'p3@example.jp' },
  ],
  titles: [{ id: 'T2', title: '奥の細道', copies: [{ item: 'I2', status: '貸出一般' }] }],
  loans: [{ item: 'I2', patron: 'P3', due: '2027-03-10' }],
  events: [
    { at: m('2027-03-01T09:00'), do: 'reserve', reservation: 'R3', patron: 'P1', title: 'T2', pickup: 'pref' },
    { at: m('2027-03-01T09:10'), do: 'reserve', reservation: 'R4', patron: 'P2', title: 'T2', pickup: 'pref' },
    { at: m('2027-03-02T10:00'), do: 'suspend', reservation: 'R3', until: '2027-03-02' },
    { at: m('2027-03-02T10:01'), do: 'suspend', reservation: 'R3', until: '2027-03-12' },
    { at: m('2027-03-05T10:00'), do: 'checkIn', item: 'I2' },
    { at: m('2027-03-06T10:00'), do: 'resume', reservation: 'R3', by: 'staff' },
    { at: m('2027-03-06T10:01'), do: 'resume', reservation: 'R3' },
  ],
  until: m('2027-03-07T00:00'),
};

test('R-SUSPEND-1, R-SUSPEND-2: suspend and resume in the simulator — the suspended first reserver keeps its place, the returned copy goes to the next', async () => {
  const raw = { ...SUSPENDING, loans: SUSPENDING.loans!.map((l) => ({ ...l })) };
  const w = shiftFor(raw);
  const t = await simulate(
    shifted({ ...raw, events: raw.events.map((e) => (e.do === 'suspend' ? { ...e, until: w.day(e.until as string) } : e)) }, w),
  );
  const r3 = t.reservations.R3!;
  expect(r3.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['suspend', 'rejected', 'R-SUSPEND-2'],
    ['suspend', 'accepted', 'WAITING'],
    ['resume', 'accepted', 'WAITING'],
    ['resume', 'rejected', 'R-SUSPEND-1'],
  ]);
  expect(r3).toMatchObject({ final: 'WAITING', queuePosition: 1, item: null });
  expect(r3.dates.suspendedUntil).toBeUndefined();
  expect(t.otherEvents).toEqual([expect.objectContaining({ do: 'checkIn', item: 'I2', result: 'accepted', handedTo: 'R4' })]);
  expect(t.reservations.R4!.transitions.map((x) => [x.at, x.status])).toEqual([
    [at(w, '2027-03-01T09:10'), 'APPLIED'],
    [at(w, '2027-03-01T09:15'), 'WAITING'],
    [at(w, '2027-03-05T10:00'), 'READY'],
  ]);
}, 120_000);
