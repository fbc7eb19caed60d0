// The simulator on cooperating-library pickups (spec §6): the example scenario of the brief, date for
// date, and the May-2024 return exception (R-RETURN-3), which needs a library to close and reopen and
// the patron's usual library — the `libraryClosed`, `libraryOpened` and `setUsualLibrary` events.
import { at, brief, exampleScenario, shifted, shiftFor, simulate, type RawScenario } from '../support/scenarios';

test('R-COOP-4, R-LOAN-1, R-RENEW-2, R-RETURN-4, R-MAIL-1: the example — returned copy secured, sent on Thursday, collected, renewed, returned at the cooperating library, processed centrally', async () => {
  const raw = exampleScenario('cooperating-pickup.json');
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));

  expect(t.simulation).toMatchObject({ end: at(w, '2027-03-31T11:00'), stoppedBecause: 'all-ended' });
  const r1 = t.reservations.R1!;
  expect(r1.final).toBe('RETURNED');
  expect(r1.transitions).toEqual([
    { at: at(w, '2027-03-01T09:00'), status: 'APPLIED' },
    { at: at(w, '2027-03-01T09:05'), status: 'WAITING' }, // the only copy is out with P2 (R-ITEM-3)
    { at: at(w, '2027-03-02T12:00'), status: 'SECURED' }, // checked in: the copy goes to the head of the queue
    { at: at(w, '2027-03-04T10:00'), status: 'IN_DELIVERY' }, // Thursday processing
    { at: at(w, '2027-03-11T15:00'), status: 'ON_LOAN' },
    { at: at(w, '2027-03-31T11:00'), status: 'RETURNED' }, // R-RETURN-4: only when processed centrally
  ]);
  // Thu 03-04 → Sun 03-07 … Sun 03-14 pickup, due Sun 03-21, renewed once (R-RENEW-2) → 03-28.
  expect(r1.dates).toMatchObject({
    processingDay: w.day('2027-03-04'),
    pickupFrom: w.day('2027-03-07'),
    pickupUntil: w.day('2027-03-14'),
    due: w.day('2027-03-28'),
    returnedOn: w.day('2027-03-26'),
  });
  expect(r1.renewalsUsed).toBe(1);
  // The Saturday notice, from what the local SendGrid sink received, at the server's moment.
  expect(r1.mails).toEqual([
    { at: at(w, '2027-03-06T09:00'), kind: 'LENDING_NOTICE', to: 'p1@example.jp', subject: expect.stringContaining('貸出通知メール') },
    // PRE_DUE on the day renewal opens (R-RENEW-3), and again for the renewed due date (R-RENEW-2).
    {
      at: at(w, '2027-03-18T09:00'),
      kind: 'PRE_DUE',
      occurrence: w.day('2027-03-21'),
      to: 'p1@example.jp',
      subject: expect.stringContaining('返却期限'),
    },
    {
      at: at(w, '2027-03-25T09:00'),
      kind: 'PRE_DUE',
      occurrence: w.day('2027-03-28'),
      to: 'p1@example.jp',
      subject: expect.stringContaining('返却期限'),
    },
  ]);
  expect(r1.requests).toEqual([
    { at: at(w, '2027-03-01T09:00'), do: 'reserve', result: 'accepted', status: 'APPLIED' },
    { at: at(w, '2027-03-11T15:00'), do: 'pickup', result: 'accepted', status: 'ON_LOAN', due: w.day('2027-03-21') },
    { at: at(w, '2027-03-18T10:00'), do: 'renew', result: 'accepted', status: 'ON_LOAN', due: w.day('2027-03-28') },
    { at: at(w, '2027-03-26T16:00'), do: 'returnAt', result: 'accepted', status: 'ON_LOAN' }, // still 貸出中 (R-RETURN-4)
  ]);
  expect(t.thursdays).toEqual([
    { at: at(w, '2027-03-04T10:00'), processingDay: w.day('2027-03-04'), processed: 1, dispatched: 1, failed: 0, released: 0, rebalanced: 0 },
  ]);
  expect(t.otherEvents).toEqual([
    { at: at(w, '2027-03-02T12:00'), do: 'checkIn', item: 'I1', result: 'accepted', returned: null, handedTo: 'R1' },
    { at: at(w, '2027-03-31T11:00'), do: 'checkIn', item: 'I1', result: 'accepted', returned: 'R1', handedTo: null },
  ]);
  expect(t.problems).toEqual([]);
});

test('R-RETURN-3: return at the usual library A only if A was closed when the reservation was made and has reopened; elsewhere refused', async () => {
  const raw: RawScenario = {
    patrons: [
      { id: 'A', name: '平川 あや', email: 'a@example.jp' },
      { id: 'B', name: '平内 ぶん', email: 'b@example.jp', usualLibrary: 5 },
    ],
    titles: [
      { id: 'T1', title: '八甲田山', copies: [{ item: 'I1' }] },
      { id: 'T2', title: '岩木山', copies: [{ item: 'I2' }] },
    ],
    events: [
      { at: '2026-12-01T09:00:00+09:00', do: 'setUsualLibrary', patron: 'A', library: 5 },
      { at: '2026-12-01T09:00:00+09:00', do: 'libraryClosed', library: 5 },
      { at: '2026-12-01T09:01:00+09:00', do: 'reserve', reservation: 'RA', patron: 'A', title: 'T1', pickup: 'coop:30' }, // A closed: B chosen
      { at: '2026-12-02T09:00:00+09:00', do: 'libraryOpened', library: 5 },
      { at: '2026-12-02T09:01:00+09:00', do: 'reserve', reservation: 'RB', patron: 'B', title: 'T2', pickup: 'coop:30' }, // A open
      { at: '2026-12-06T10:00:00+09:00', do: 'pickup', reservation: 'RA' },
      { at: '2026-12-06T10:00:00+09:00', do: 'pickup', reservation: 'RB' },
      { at: '2026-12-08T10:00:00+09:00', do: 'libraryClosed', library: 5 },
      { at: '2026-12-09T10:00:00+09:00', do: 'returnAt', reservation: 'RA', place: 'coop:5' }, // A closed again
      { at: '2026-12-10T10:00:00+09:00', do: 'libraryOpened', library: 5 },
      { at: '2026-12-11T10:00:00+09:00', do: 'returnAt', reservation: 'RA', place: 'coop:7' }, // another library
      { at: '2026-12-11T10:05:00+09:00', do: 'returnAt', reservation: 'RA', place: 'coop:5' }, // the exception
      { at: '2026-12-11T10:10:00+09:00', do: 'returnAt', reservation: 'RB', place: 'coop:5' }, // no exception for B
      { at: '2026-12-11T10:15:00+09:00', do: 'returnAt', reservation: 'RB', place: 'coop:30' },
      { at: '2026-12-16T11:00:00+09:00', do: 'checkIn', item: 'I1', place: 'pref' },
      { at: '2026-12-16T11:00:00+09:00', do: 'checkIn', item: 'I2', place: 'pref' },
    ],
  };
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));

  const ra = t.reservations.RA!;
  expect(ra.requests.filter((q) => q.do === 'returnAt').map(brief)).toEqual([
    ['returnAt', 'rejected', 'R-RETURN-3'], // A is closed (again): not yet
    ['returnAt', 'rejected', 'R-RETURN-3'], // neither the pickup library nor A
    ['returnAt', 'accepted', 'ON_LOAN'], // A reopened: allowed, no application needed; 貸出中 until processed
  ]);
  expect(ra.dates.returnedOn).toBe(w.day('2026-12-11'));
  expect(ra.final).toBe('RETURNED');
  const rb = t.reservations.RB!;
  expect(rb.requests.filter((q) => q.do === 'returnAt').map(brief)).toEqual([
    ['returnAt', 'rejected', 'R-RETURN-3'], // A was open when B reserved: no exception
    ['returnAt', 'accepted', 'ON_LOAN'],
  ]);
  expect(rb.final).toBe('RETURNED');
  expect(t.otherEvents.map((e) => [e.do, e.result])).toEqual([
    ['setUsualLibrary', 'accepted'],
    ['libraryClosed', 'accepted'],
    ['libraryOpened', 'accepted'],
    ['libraryClosed', 'accepted'],
    ['libraryOpened', 'accepted'],
    ['checkIn', 'accepted'],
    ['checkIn', 'accepted'],
  ]);
});
