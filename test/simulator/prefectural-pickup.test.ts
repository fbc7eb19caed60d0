// The simulator on prefectural-library pickups (spec §5) and at the counter: `requests` lists every
// request with its result, refusals with the rule that refused them; refused reservations and walk-in
// loans (`checkout`) show what they did.
import { at, brief, exampleScenario, shifted, shiftFor, simulate, type RawScenario } from '../support/scenarios';

test('R-PREF-1, R-PREF-2, R-PREF-4, R-PREF-5, R-CANCEL-1, R-RENEW-1, R-RENEW-3, R-RENEW-4, R-RETURN-1: the example — requests list each refusal with its rule', async () => {
  const raw = exampleScenario('prefectural-pickup.json');
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));

  const r1 = t.reservations.R1!;
  expect(r1.final).toBe('RETURNED');
  expect(r1.transitions.map((x) => [x.at, x.status])).toEqual([
    [at(w, '2027-03-02T19:00'), 'APPLIED'],
    [at(w, '2027-03-02T19:05'), 'WAITING'], // R-STATUS-1: 確保待ち, the copy on the pull list
    [at(w, '2027-03-02T20:05'), 'READY'], // R-PREF-1: any day, the notice at once (pulled an hour later)
    [at(w, '2027-03-08T17:00'), 'ON_LOAN'],
    [at(w, '2027-03-27T11:05'), 'RETURNED'], // R-RETURN-1: at the prefectural counter, processed at once
  ]);
  // Every notice of the loan (docs/notices.md): the lending notice at once, the reminder on day 6 of
  // the hold, PRE_DUE on the day renewal opens — again for the renewed due date.
  expect(r1.mails.map((m) => [m.at, m.kind, m.to])).toEqual([
    [at(w, '2027-03-02T20:05'), 'LENDING_NOTICE', 'p1@example.jp'],
    [at(w, '2027-03-07T09:00'), 'PICKUP_REMINDER', 'p1@example.jp'],
    [at(w, '2027-03-19T09:00'), 'PRE_DUE', 'p1@example.jp'],
    [at(w, '2027-03-26T09:00'), 'PRE_DUE', 'p1@example.jp'],
  ]);
  expect(r1.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['cancel', 'rejected', 'R-CANCEL-1'], // 貸出可能: not in My Library
    ['pickup', 'accepted', w.day('2027-03-22')], // R-PREF-4: checkout Mon 03-08 → due 03-22
    ['renew', 'rejected', 'R-RENEW-3'], // too early: opens 03-19
    ['renew', 'rejected', 'R-RENEW-4'], // by e-mail
    ['renew', 'accepted', w.day('2027-03-29')], // by phone, in the window: one week more
    ['renew', 'rejected', 'R-RENEW-1'], // P2 has reserved the title since
    ['returnAt', 'rejected', 'R-RETURN-1'], // not at a cooperating library
    ['returnAt', 'accepted', 'RETURNED'],
  ]);
  const early = r1.requests[3]!;
  expect(early).toMatchObject({
    message: `Renewals open 3 days before the due date, on Fri ${w.day('2027-03-19')}.`,
    messageJa: expect.stringContaining('3日前'),
  });

  // R-PREF-2, R-PREF-5: P2's copy is ready when R1 is returned; held D…D+6; not collected → released.
  const r2 = t.reservations.R2!;
  expect(r2.transitions.map((x) => [x.at, x.status])).toEqual([
    [at(w, '2027-03-20T09:00'), 'APPLIED'],
    [at(w, '2027-03-20T09:05'), 'WAITING'],
    [at(w, '2027-03-27T11:05'), 'READY'],
    [at(w, '2027-04-03T00:00'), 'RELEASED'],
  ]);
  expect(r2).toMatchObject({
    final: 'RELEASED',
    reason: { rule: 'R-PREF-5' },
    dates: { pickupFrom: w.day('2027-03-27'), pickupUntil: w.day('2027-04-02') },
  });
  expect(r2.mails.map((m) => [m.at, m.kind])).toEqual([
    [at(w, '2027-03-27T11:05'), 'LENDING_NOTICE'],
    [at(w, '2027-04-01T09:00'), 'PICKUP_REMINDER'], // day 6 of the 7-day hold
    [at(w, '2027-04-03T00:00'), 'RELEASED'],
  ]);
  expect(t.thursdays).toEqual([]); // nothing for cooperating libraries
  expect(t.simulation).toMatchObject({ end: at(w, '2027-04-03T00:00'), stoppedBecause: 'all-ended' });
});

test('R-ITEM-4, R-OVERDUE-1, R-ACCOUNT-1, R-ITEM-1, R-ITEM-2, R-CANCEL-2: walk-in checkout, refused reservations and a cancellation', async () => {
  const raw: RawScenario = {
    patrons: [
      { id: 'B', name: '板柳 ばん', email: 'b@example.jp' },
      { id: 'V', name: '来館 者', email: 'v@example.jp' },
      { id: 'N', name: 'メール なし', email: null },
      { id: 'O', name: '延滞 中', email: 'o@example.jp' },
    ],
    titles: [
      { id: 'T2', title: '走れメロス', copies: [{ item: 'I2' }] },
      { id: 'T3', title: '富嶽百景', copies: [{ item: 'I3' }] },
      { id: 'TO', title: '女生徒', copies: [{ item: 'IO' }] },
      { id: 'TM', title: '月刊 弘前', copies: [{ item: 'IM', type: '雑誌' }] },
      { id: 'TX', title: '青森県史', copies: [{ item: 'IX', status: '禁帯' }] },
    ],
    loans: [{ item: 'IO', patron: 'O', due: '2026-11-25' }], // overdue from the start
    events: [
      { at: '2026-12-01T09:00:00+09:00', do: 'reserve', reservation: 'RW', patron: 'B', title: 'T2', pickup: 'pref' },
      { at: '2026-12-01T09:02:00+09:00', do: 'checkout', item: 'I2', patron: 'V' }, // the visitor is first at the counter
      { at: '2026-12-01T09:03:00+09:00', do: 'reserve', reservation: 'RN', patron: 'N', title: 'T3', pickup: 'pref' },
      { at: '2026-12-01T09:03:00+09:00', do: 'reserve', reservation: 'RM', patron: 'B', title: 'TM', pickup: 'pref' },
      { at: '2026-12-01T09:03:00+09:00', do: 'reserve', reservation: 'RX', patron: 'B', title: 'TX', pickup: 'pref' },
      { at: '2026-12-01T09:04:00+09:00', do: 'cancel', reservation: 'RN', by: 'staff' },
      { at: '2026-12-01T09:10:00+09:00', do: 'reserve', reservation: 'RO', patron: 'O', title: 'T2', pickup: 'pref' },
      { at: '2026-12-01T09:20:00+09:00', do: 'checkout', item: 'I3', patron: 'O' },
      { at: '2026-12-03T10:00:00+09:00', do: 'checkIn', item: 'I2', place: 'pref' },
      { at: '2026-12-03T10:30:00+09:00', do: 'cancel', reservation: 'RO', by: 'patron', channel: 'email' },
      { at: '2026-12-03T10:31:00+09:00', do: 'cancel', reservation: 'RO', by: 'patron', channel: 'opac' },
      { at: '2026-12-04T18:00:00+09:00', do: 'pickup', reservation: 'RW' },
      { at: '2026-12-05T10:00:00+09:00', do: 'returnAt', reservation: 'RW', place: 'pref' },
      { at: '2026-12-05T10:05:00+09:00', do: 'renew', reservation: 'RW', channel: 'opac' },
    ],
  };
  const w = shiftFor(raw);
  const t = await simulate(shifted(raw, w));

  // R-ITEM-4: the copy was 書架 when RW was made, the visitor took it: RW waits at the head of the queue,
  // ahead of RO which came later; the check-in hands the copy to RW.
  const rw = t.reservations.RW!;
  expect(rw.transitions.map((x) => [x.at, x.status])).toEqual([
    [at(w, '2026-12-01T09:00'), 'APPLIED'],
    [at(w, '2026-12-01T09:05'), 'WAITING'],
    [at(w, '2026-12-03T10:00'), 'READY'],
    [at(w, '2026-12-04T18:00'), 'ON_LOAN'],
    [at(w, '2026-12-05T10:00'), 'RETURNED'],
  ]);
  expect(rw.requests.at(-1)).toMatchObject({ do: 'renew', result: 'rejected', rule: null, message: expect.stringContaining('has ended (RETURNED)') });
  expect(t.otherEvents).toEqual([
    { at: at(w, '2026-12-01T09:02'), do: 'checkout', item: 'I2', patron: 'V', result: 'accepted', due: w.day('2026-12-15') },
    {
      at: at(w, '2026-12-01T09:20'),
      do: 'checkout',
      item: 'I3',
      patron: 'O',
      result: 'rejected',
      rule: 'R-OVERDUE-1',
      message: expect.any(String),
      messageJa: expect.any(String),
    },
    { at: at(w, '2026-12-03T10:00'), do: 'checkIn', item: 'I2', result: 'accepted', returned: null, handedTo: 'RW' },
  ]);

  // Refused reservations: never placed, final null, the refusal as their one request; later requests skipped.
  expect(t.reservations.RN).toMatchObject({ final: null, transitions: [], mails: [] });
  expect(t.reservations.RN!.requests.map(brief)).toEqual([
    ['reserve', 'rejected', 'R-ACCOUNT-1'], // no e-mail address
    ['cancel', 'skipped', null],
  ]);
  expect(t.reservations.RM!.requests).toMatchObject([{ do: 'reserve', result: 'rejected', rule: 'R-ITEM-1' }]); // a magazine
  expect(t.reservations.RX!.requests).toMatchObject([{ do: 'reserve', result: 'rejected', rule: 'R-ITEM-2' }]); // 禁帯

  // R-CANCEL-2: not by e-mail; R-CANCEL-1: the patron may cancel while 確保待ち.
  const ro = t.reservations.RO!;
  expect(ro.requests.map(brief)).toEqual([
    ['reserve', 'accepted', 'APPLIED'],
    ['cancel', 'rejected', 'R-CANCEL-2'],
    ['cancel', 'accepted', 'CANCELLED'],
  ]);
  expect(ro.final).toBe('CANCELLED');
});
