// The guide's loose ends (issue 13, item 6) in the simulator: staff stop and restore the online
// service (R-CONDUCT-1); a return says how and on which day it came (R-RETURN-5, R-OVERDUE-2).
import { brief, shifted, shiftFor, simulate, type RawScenario } from '../support/scenarios';

test('R-CONDUCT-1: stopService refuses the next reservation citing it; restoreService lets the one after through', async () => {
  const raw: RawScenario = {
    patrons: [{ id: 'P1', name: '黒石 一郎', email: 'p1@example.jp' }],
    titles: [{ id: 'T1', title: 'こけし', copies: [{ item: 'I1' }] }],
    events: [
      { at: '2027-03-01T10:00:00+09:00', do: 'stopService', patron: 'P1', reason: '他館への返却が続いたため' },
      { at: '2027-03-01T10:05:00+09:00', do: 'reserve', reservation: 'R1', patron: 'P1', title: 'T1', pickup: 'pref' },
      { at: '2027-03-01T11:00:00+09:00', do: 'stopService', patron: 'P1', reason: '二度目' },
      { at: '2027-03-02T10:00:00+09:00', do: 'restoreService', patron: 'P1', reason: '面談の上、再開' },
      { at: '2027-03-02T10:05:00+09:00', do: 'reserve', reservation: 'R2', patron: 'P1', title: 'T1', pickup: 'pref' },
    ],
    until: '2027-03-02T12:00:00+09:00',
  };
  const t = await simulate(shifted(raw, shiftFor(raw)));
  expect(t.reservations.R1!.requests.map(brief)).toEqual([['reserve', 'rejected', 'R-CONDUCT-1']]);
  expect(t.reservations.R1!.final).toBeNull();
  expect(t.reservations.R2!.final).toBe('READY');
  expect(t.otherEvents.map((e) => [e.do, e.result, 'rule' in e ? e.rule : null])).toEqual([
    ['stopService', 'accepted', null],
    ['stopService', 'rejected', 'R-CONDUCT-1'], // already stopped
    ['restoreService', 'accepted', null],
  ]);
}, 120_000);

test('R-RETURN-5, R-RETURN-3, R-OVERDUE-2: returnAt with via and returnedOn — the book post refused, the return of Sunday reported on Monday keeps the patron from being overdue', async () => {
  const raw: RawScenario = {
    patrons: [{ id: 'P1', name: '十和田 花子', email: 'p1@example.jp' }],
    titles: [
      { id: 'T1', title: '奥入瀬', copies: [{ item: 'I1' }] },
      { id: 'T2', title: '蔦温泉', copies: [{ item: 'I2' }] },
    ],
    events: [
      { at: '2027-03-01T09:00:00+09:00', do: 'reserve', reservation: 'R1', patron: 'P1', title: 'T1', pickup: 'coop:30' },
      { at: '2027-03-07T11:00:00+09:00', do: 'pickup', reservation: 'R1' }, // processed Thu 03-04, due Sun 03-21
      { at: '2027-03-22T08:00:00+09:00', do: 'returnAt', reservation: 'R1', place: 'coop:30', via: 'book-post', returnedOn: '2027-03-21' },
      { at: '2027-03-22T08:05:00+09:00', do: 'returnAt', reservation: 'R1', place: 'coop:30', returnedOn: '2027-03-21' },
      { at: '2027-03-22T09:00:00+09:00', do: 'reserve', reservation: 'R2', patron: 'P1', title: 'T2', pickup: 'coop:30' },
    ],
    until: '2027-03-25T12:00:00+09:00',
  };
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));
  expect(t.reservations.R1!.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['pickup', 'accepted', w.day('2027-03-21')],
    ['returnAt', 'rejected', 'R-RETURN-3'],
    ['returnAt', 'accepted', 'ON_LOAN'],
  ]);
  expect(t.reservations.R1!.dates.returnedOn).toBe(w.day('2027-03-21'));
  expect(t.reservations.R2!.final).toBe('IN_DELIVERY'); // Thu 03-25: not overdue (R-OVERDUE-2), so dispatched
}, 120_000);
