// Issue 13 item 3 in the simulator: the notNeededAfter event (不要日, R-SUSPEND-3).
import { at, brief, shifted, shiftFor, simulate, type RawScenario } from '../support/scenarios';

const m = (jst: string) => `${jst}:00+09:00`;

const SCENARIO: RawScenario = {
  description: 'issue 13: a not-needed-after day passes while waiting (取消), another is cleared',
  patrons: [
    { id: 'P1', name: '青森 一郎', email: 'p1@example.jp' },
    { id: 'P2', name: '弘前 花子', email: 'p2@example.jp' },
    { id: 'P3', name: '八戸 次郎', email: 'p3@example.jp' },
  ],
  titles: [{ id: 'T3', title: '津軽海峡', copies: [{ item: 'I3', status: '貸出一般' }] }],
  loans: [{ item: 'I3', patron: 'P3', due: '2027-03-20' }],
  events: [
    { at: m('2027-03-01T09:00'), do: 'reserve', reservation: 'R5', patron: 'P1', title: 'T3', pickup: 'pref' },
    { at: m('2027-03-01T09:10'), do: 'reserve', reservation: 'R6', patron: 'P2', title: 'T3', pickup: 'pref' },
    { at: m('2027-03-02T10:00'), do: 'notNeededAfter', reservation: 'R5', day: '2027-03-01' },
    { at: m('2027-03-02T10:01'), do: 'notNeededAfter', reservation: 'R5', day: '2027-03-03' },
    { at: m('2027-03-02T11:00'), do: 'notNeededAfter', reservation: 'R6', day: '2027-03-03', by: 'staff' },
    { at: m('2027-03-02T11:01'), do: 'notNeededAfter', reservation: 'R6', day: null },
  ],
  until: m('2027-03-06T00:00'),
};

test('R-SUSPEND-3: notNeededAfter in the simulator — a day before the event refused; still waiting at 00:00 after the day → 取消 with NOT_NEEDED_CANCELLED; a cleared day cancels nothing', async () => {
  const w = shiftFor(SCENARIO);
  const raw = { ...SCENARIO, loans: SCENARIO.loans!.map((l) => ({ ...l })) };
  const t = await simulate(
    shifted({ ...raw, events: raw.events.map((e) => (e.do === 'notNeededAfter' && e.day ? { ...e, day: w.day(e.day as string) } : e)) }, w),
  );
  const r5 = t.reservations.R5!;
  expect(r5.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['notNeededAfter', 'rejected', 'R-SUSPEND-3'],
    ['notNeededAfter', 'accepted', 'WAITING'],
  ]);
  expect(r5.final).toBe('CANCELLED');
  expect(r5.transitions.at(-1)).toEqual({ at: at(w, '2027-03-04T00:00'), status: 'CANCELLED', note: 'R-SUSPEND-3' });
  expect(r5.mails.map((x) => [x.at, x.kind])).toEqual([[at(w, '2027-03-04T00:00'), 'NOT_NEEDED_CANCELLED']]);
  const r6 = t.reservations.R6!;
  expect(r6.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['notNeededAfter', 'accepted', 'WAITING'],
    ['notNeededAfter', 'accepted', 'WAITING'],
  ]);
  expect(r6).toMatchObject({ final: 'WAITING', queuePosition: 1 });
  expect(r6.dates.notNeededAfter).toBeUndefined();
  expect(r6.mails).toEqual([]);
}, 120_000);
