// The guide's loose ends (issue 13, item 6), on the workflows: a pickup always says whether the card
// was shown (R-PREF-4 / R-COOP-1); staff may renew after the due date (R-RENEW-5); a lowered loan
// limit is for cooperating-library dispatch (R-LIMIT-2); staff stop and restore the online service
// (R-CONDUCT-1); a return says how and on which day it came (R-RETURN-5, R-RETURN-3, R-OVERDUE-2).
//
// The tests share the file's clock, which only moves forward: each starts after the one before.
import { pickupUpdate, renewUpdate, returnUpdate, type PickupRequest, type ReturnRequest } from '../../src/workflows/reservation-messages';
import { setServiceStop } from '../../src/services/accounts';
import { recordHistory } from '../support/histories';
import { LendingHarness, existingLoan, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

/** Reserves a shelf copy for the prefectural library at `at` (JST) and collects it ten minutes later: due 14 days after. */
async function onLoanAtPref(id: string, patronId: string, titleId: string, at: string) {
  await h.advanceTo(w.at(at));
  await h.reserve({ reservationId: id, patronId, titleId, pickup: 'pref' });
  await h.advanceTo(new Date(w.at(at).getTime() + 10 * 60_000));
  const picked = await request(h.handle(id).executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  if (!picked.ok) throw new Error(`pickup refused: ${picked.refusal.rule}`);
  return h.view(id);
}

const renew = (id: string, channel: 'opac' | 'phone' | 'counter' | 'email') =>
  request(h.handle(id).executeUpdate(renewUpdate, { args: [{ channel }] }));

test('R-PREF-4, R-COOP-1: a pickup that does not say whether the card was shown is one without the card — refused, the copy stays held', async () => {
  const p = await h.patron('L0001');
  await h.title('T-L1', '津軽じょんから', [{ item: 'L1-1' }]);
  await h.advanceTo(w.at('2026-12-01T10:00'));
  await h.reserve({ reservationId: 'LE1', patronId: p.id, titleId: 'T-L1', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-01T10:10'));
  expect((await h.view('LE1')).status).toBe('READY');
  const unsaid = await request(h.handle('LE1').executeUpdate(pickupUpdate, { args: [{} as PickupRequest] }));
  expect(!unsaid.ok && unsaid.refusal.rule).toBe('R-PREF-4');
  expect((await h.view('LE1')).status).toBe('READY');
  const shown = await request(h.handle('LE1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  expect(shown.ok).toBe(true);
  expect((await h.view('LE1')).status).toBe('ON_LOAN');
});

test('R-RENEW-3, R-RENEW-5: after the due date My Library is refused, a renewal by phone adds a week to the due date and lifts R-OVERDUE-1', async () => {
  const p = await h.patron('L0002');
  await h.title('T-L2', '奥入瀬渓流', [{ item: 'L2-1' }, { item: 'L2-2' }]);
  const lent = await onLoanAtPref('LE2', p.id, 'T-L2', '2026-12-02T10:00'); // lent Wed 12-02, due Wed 12-16
  expect(lent.dates.due).toBe(w.day('2026-12-16'));
  await h.advanceTo(w.at('2026-12-18T12:00')); // two days overdue: OVERDUE sent Thu 12-17 09:00
  const own = await renew('LE2', 'opac');
  expect(!own.ok && own.refusal.rule).toBe('R-RENEW-3');
  expect(!own.ok && own.refusal.ja).toContain('ご自身での延長はできません');
  expect((await h.view('LE2')).dates.due).toBe(w.day('2026-12-16'));

  const blockedBefore = await h.desk.counterCheckout({ itemNumber: 'L2-2', patronId: p.id, at: await h.now() });
  const byPhone = await renew('LE2', 'phone');
  expect(byPhone.ok).toBe(true);
  const renewed = await h.view('LE2');
  expect(renewed).toMatchObject({ status: 'ON_LOAN', renewalsUsed: 1, renewalsLeft: 1 });
  expect(renewed.dates.due).toBe(w.day('2026-12-23'));
  // No longer overdue: the block of R-OVERDUE-1 is lifted at once (a walk-in checkout is refused before, lent after).
  expect(blockedBefore.ok === false && blockedBefore.refusal.rule).toBe('R-OVERDUE-1');
  const walkIn = await h.desk.counterCheckout({ itemNumber: 'L2-2', patronId: p.id, at: await h.now() });
  expect(walkIn.ok).toBe(true);
});

test('R-RENEW-5, R-RENEW-1: after the due date staff are refused while another patron waits, and once even the renewed due date has passed', async () => {
  const p = await h.patron('L0003');
  const other = await h.patron('L0004');
  await h.title('T-L3', '恐山', [{ item: 'L3-1' }]);
  await h.title('T-L4', '仏ヶ浦', [{ item: 'L4-1' }]);
  await onLoanAtPref('LE3', p.id, 'T-L3', '2027-01-06T10:00'); // due Wed 01-20
  await onLoanAtPref('LE4', p.id, 'T-L4', '2027-01-06T10:20'); // due Wed 01-20
  await h.reserve({ reservationId: 'LE3-other', patronId: other.id, titleId: 'T-L3', pickup: 'pref' });
  await h.advanceTo(w.at('2027-01-21T10:00'));
  const waiting = await renew('LE3', 'counter');
  expect(!waiting.ok && waiting.refusal.rule).toBe('R-RENEW-1');
  await h.advanceTo(w.at('2027-01-28T10:00')); // the renewed due date would be Wed 01-27: passed
  const tooLate = await renew('LE4', 'counter');
  expect(!tooLate.ok && tooLate.refusal.rule).toBe('R-RENEW-5');
  expect((await h.view('LE4')).dates.due).toBe(w.day('2027-01-20'));
});

test('R-LIMIT-2: a limit lowered to 1 refuses the Thursday dispatch (R-DISPATCH-1) but not the counter, which lends up to 10 (R-LIMIT-1)', async () => {
  const p = await h.patron('L0005', { loanLimit: 1 });
  await existingLoan(h, p.id, 'OLD-L5', 'T-OLD-L5', w.day('2027-03-31')); // not overdue; already at the lowered limit
  await h.title('T-L5', '浅虫温泉', [{ item: 'L5-1' }]);
  await h.title('T-L6', '蕪島', [{ item: 'L6-1' }]);
  const atCounter = await onLoanAtPref('LE5', p.id, 'T-L5', '2027-02-01T10:00');
  expect(atCounter.status).toBe('ON_LOAN');
  await h.reserve({ reservationId: 'LE6', patronId: p.id, titleId: 'T-L6', pickup: 'coop:30' });
  await h.advanceTo(w.at('2027-02-04T10:05'));
  const notSent = await h.view('LE6');
  expect(notSent).toMatchObject({ status: 'SECURED', dispatchFailures: 1 });
  const mail = await h.db.mailOutbox.findFirstOrThrow({ where: { reservationId: 'LE6', kind: 'DISPATCH_FAILED' } });
  expect(mail.body).toContain('貸出上限数(1冊)を超えるため、発送できませんでした。');
});

test('R-CONDUCT-1: while staff have stopped the service Thursday sends nothing (a failed dispatch citing it) and a new reservation is refused; the loan held is unaffected; restored, it is sent', async () => {
  const p = await h.patron('L0007');
  await h.title('T-L7', '三内丸山', [{ item: 'L7-1' }]);
  await h.title('T-L8', '是川縄文', [{ item: 'L8-1' }]);
  await h.title('T-L9', '亀ヶ岡', [{ item: 'L9-1' }]);
  await onLoanAtPref('LE7', p.id, 'T-L7', '2027-03-01T10:00'); // due Mon 03-15
  await h.reserve({ reservationId: 'LE8', patronId: p.id, titleId: 'T-L8', pickup: 'coop:12' });
  await h.advanceTo(w.at('2027-03-02T09:00'));
  expect((await h.view('LE8')).status).toBe('SECURED');
  const stopped = await setServiceStop(h.db, 'L0007', { stop: true, reason: '他館のブックポストへの返却が続いたため', at: await h.now() });
  expect(stopped.ok).toBe(true);

  const refused = await h.reserve({ reservationId: 'LE9', patronId: p.id, titleId: 'T-L9', pickup: 'pref' });
  expect(!refused.ok && refused.refusal.rule).toBe('R-CONDUCT-1');
  expect(await h.db.reservation.count({ where: { id: 'LE9' } })).toBe(0);

  await h.advanceTo(w.at('2027-03-04T10:05')); // Thursday: not sent
  expect(await h.view('LE8')).toMatchObject({ status: 'SECURED', dispatchFailures: 1 });
  const mail = await h.db.mailOutbox.findFirstOrThrow({ where: { reservationId: 'LE8', kind: 'DISPATCH_FAILED' } });
  expect(mail.body).toContain('オンライン貸出サービスのご利用をお断りしているため、協力館へ発送できませんでした。');
  expect(mail.body).toContain('ご利用の再開については、県立図書館一般室カウンターへお問い合わせください。');

  await h.advanceTo(w.at('2027-03-12T10:00')); // Thu 03-11 failed again; the loan held is renewed as ever (R-RENEW-3 window)
  expect((await h.view('LE8')).dispatchFailures).toBe(2);
  const renewed = await renew('LE7', 'opac');
  expect(renewed.ok).toBe(true);

  expect((await setServiceStop(h.db, 'L0007', { stop: false, reason: '面談の上、再開', at: await h.now() })).ok).toBe(true);
  await h.advanceTo(w.at('2027-03-18T10:05'));
  expect(await h.view('LE8')).toMatchObject({ status: 'IN_DELIVERY', dispatchFailures: 2 });
});

const returnAt = (id: string, req: ReturnRequest) => request(h.handle(id).executeUpdate(returnUpdate, { args: [req] }));

test('R-RETURN-5, R-RETURN-3, R-OVERDUE-2: a cooperating library reports on Monday a return of the due date (Sunday) — not overdue, no OVERDUE, the next dispatch goes; its book post is refused', async () => {
  const p = await h.patron('L0010');
  await h.title('T-L10', '八戸三社大祭', [{ item: 'L10-1' }]);
  await h.title('T-L11', 'えんぶり', [{ item: 'L11-1' }]);
  await h.advanceTo(w.at('2027-04-05T09:00'));
  await h.reserve({ reservationId: 'LE10', patronId: p.id, titleId: 'T-L10', pickup: 'coop:20' });
  await h.advanceTo(w.at('2027-04-11T12:00')); // processed Thu 04-08, pickup from Sun 04-11, due Sun 04-25
  expect((await request(h.handle('LE10').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }))).ok).toBe(true);
  expect((await h.view('LE10')).dates.due).toBe(w.day('2027-04-25'));

  await h.advanceTo(w.at('2027-04-26T08:00')); // Monday, before the 09:00 OVERDUE
  const bookPost = await returnAt('LE10', { place: 'coop:20', via: 'book-post', returnedOn: w.day('2027-04-25') });
  expect(!bookPost.ok && bookPost.refusal.rule).toBe('R-RETURN-3');
  const future = await returnAt('LE10', { place: 'coop:20', returnedOn: w.day('2027-04-27') });
  expect(!future.ok && future.refusal.rule).toBe('R-RETURN-5');
  const beforeLoan = await returnAt('LE10', { place: 'coop:20', returnedOn: w.day('2027-04-07') }); // lent Thu 04-08
  expect(!beforeLoan.ok && beforeLoan.refusal.rule).toBe('R-RETURN-5');
  expect(await h.db.loan.findFirstOrThrow({ where: { reservationId: 'LE10' } })).toMatchObject({ state: 'ACTIVE', returnedOn: null });

  const reported = await returnAt('LE10', { place: 'coop:20', via: 'designated-place', returnedOn: w.day('2027-04-25') });
  expect(reported.ok && reported.value.status).toBe('ON_LOAN'); // travelling back (R-RETURN-4)
  const loan = await h.db.loan.findFirstOrThrow({ where: { reservationId: 'LE10' } });
  expect(loan).toMatchObject({ state: 'RETURNED_IN_TRANSIT', returnedAt: 'coop:20', returnedVia: 'designated-place' });
  expect(loan.returnedOn?.toISOString().slice(0, 10)).toBe(w.day('2027-04-25'));

  // R-OVERDUE-2: handed in on the due date, so not overdue while it travels — no OVERDUE, and Thursday dispatches the next.
  await h.reserve({ reservationId: 'LE11', patronId: p.id, titleId: 'T-L11', pickup: 'coop:20' });
  await h.advanceTo(w.at('2027-04-29T10:05'));
  expect((await h.view('LE11')).status).toBe('IN_DELIVERY');
  expect((await h.view('LE10')).mails.map((m) => m.kind)).not.toContain('OVERDUE');
  await recordHistory(h.handle('LE10'), 'cooperating-return-reported-late'); // the patch return-how-and-when's marker
});
