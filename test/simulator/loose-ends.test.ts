// The guide's loose ends (issue 13, item 6) in the simulator: staff stop and restore the online
// service (R-CONDUCT-1).
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
