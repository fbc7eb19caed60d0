// The loan after pickup: renewals (R-RENEW-1…4), returns (R-RETURN-1…4), overdue (R-OVERDUE-1/2).
import { pickupUpdate, renewUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
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

/** Reserves a shelf copy for a cooperating-library pickup and collects it on the first Sunday. */
async function onLoanViaCoop(id: string, patronId: string, titleId: string, coopNo: number, monday: string) {
  await h.advanceTo(w.at(`${monday}T09:00`));
  await h.reserve({ reservationId: id, patronId, titleId, pickup: `coop:${coopNo}` });
  const sunday = new Date(w.at(`${monday}T12:00`).getTime() + 6 * 86_400_000);
  await h.advanceTo(sunday);
  const picked = await request(h.handle(id).executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  if (!picked.ok) throw new Error(`pickup refused: ${picked.refusal.rule}`);
  return h.view(id);
}

/** A renewal request; accepted, it answers with the reservation as the records now show it. */
const renew = async (id: string, channel: 'opac' | 'phone' | 'counter' | 'email') => {
  const out = await request(h.handle(id).executeUpdate(renewUpdate, { args: [{ channel }] }));
  return out.ok ? { ok: true as const, value: await h.view(id) } : out;
};

test('R-RENEW-2, R-RENEW-3, R-RENEW-4: renewed twice within due-3…due, each adding a week; e-mail refused; a third refused', async () => {
  const p = await h.patron('D0001');
  await h.title('T-R1', '津軽三味線', [{ item: 'R1-1' }]);
  const v = await onLoanViaCoop('RN1', p.id, 'T-R1', 10, '2026-11-30');
  expect(v.dates.due).toBe(w.day('2026-12-20')); // processed Thu 12-03

  await h.advanceTo(w.at('2026-12-17T09:00')); // due-3: the window opens
  const byMail = await renew('RN1', 'email');
  expect(!byMail.ok && byMail.refusal.rule).toBe('R-RENEW-4');
  const first = await renew('RN1', 'opac');
  expect(first.ok && first.value.dates.due).toBe(w.day('2026-12-27'));
  expect(first.ok && first.value.renewalsLeft).toBe(1);

  await h.advanceTo(w.at('2026-12-27T20:00')); // the new due date itself
  const second = await renew('RN1', 'phone');
  expect(second.ok && second.value.dates.due).toBe(w.day('2027-01-03'));

  await h.advanceTo(w.at('2027-01-01T10:00'));
  const third = await renew('RN1', 'counter');
  expect(!third.ok && third.refusal.rule).toBe('R-RENEW-2');
  expect((await h.view('RN1')).dates.due).toBe(w.day('2027-01-03'));
  const loan = await h.db.loan.findFirstOrThrow({ where: { reservationId: 'RN1' } });
  expect(loan.renewals).toBe(2);
  expect(loan.due.toISOString().slice(0, 10)).toBe(w.day('2027-01-03'));
  await recordHistory(h.handle('RN1'), 'cooperating-pickup-renewed-twice');
});

test('R-RENEW-3: after the due date the patron cannot renew', async () => {
  const p = await h.patron('D0002');
  await h.title('T-R2', '八甲田山', [{ item: 'R2-1' }]);
  await onLoanViaCoop('RN2', p.id, 'T-R2', 11, '2027-01-04'); // due Sun 01-24
  await h.advanceTo(w.at('2027-01-25T09:00'));
  const late = await renew('RN2', 'opac');
  expect(!late.ok && late.refusal.rule).toBe('R-RENEW-3');
});

test('R-RENEW-1: no renewal while another patron has reserved the title', async () => {
  const p = await h.patron('D0003');
  const other = await h.patron('D0004');
  await h.title('T-R3', '十和田湖', [{ item: 'R3-1' }]);
  await onLoanViaCoop('RN3', p.id, 'T-R3', 12, '2027-02-01'); // due Sun 02-21
  await h.advanceTo(w.at('2027-02-15T09:00'));
  await h.reserve({ reservationId: 'RN3-other', patronId: other.id, titleId: 'T-R3', pickup: 'pref' });
  await h.advanceTo(w.at('2027-02-18T09:00'));
  expect(await h.view('RN3-other')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  const refused = await renew('RN3', 'opac');
  expect(!refused.ok && refused.refusal.rule).toBe('R-RENEW-1');
});

test('R-RETURN-2, R-RETURN-3, R-RETURN-4, R-OVERDUE-2: another cooperating library is refused; at the pickup library it stays 貸出中 until processed centrally, and is not overdue meanwhile', async () => {
  const p = await h.patron('D0005');
  await h.title('T-R4', '岩木山', [{ item: 'R4-1' }]);
  await h.title('T-R4b', '白神山地', [{ item: 'R4b-1' }]);
  await onLoanViaCoop('RN4', p.id, 'T-R4', 30, '2027-03-01'); // processed Thu 03-04, due Sun 03-21
  await h.advanceTo(w.at('2027-03-21T10:00'));
  const elsewhere = await request(h.handle('RN4').executeUpdate(returnUpdate, { args: [{ place: 'coop:31' }] }));
  expect(!elsewhere.ok && elsewhere.refusal.rule).toBe('R-RETURN-3');
  const atPickup = await request(h.handle('RN4').executeUpdate(returnUpdate, { args: [{ place: 'coop:30' }] }));
  expect(atPickup.ok && atPickup.value.status).toBe('ON_LOAN');

  // Mon 03-22 onwards the copy travels back; the patron is not overdue (R-OVERDUE-2), so a new
  // reservation of theirs is dispatched on Thursday 03-25.
  await h.advanceTo(w.at('2027-03-22T09:00'));
  await h.reserve({ reservationId: 'RN4-next', patronId: p.id, titleId: 'T-R4b', pickup: 'coop:30' });
  await h.advanceTo(w.at('2027-03-25T10:05'));
  expect((await h.view('RN4')).status).toBe('ON_LOAN');
  expect((await h.view('RN4-next')).status).toBe('IN_DELIVERY');

  const processed = await h.desk.checkIn({ itemNumber: 'R4-1', at: await h.now() });
  expect(processed.ok && processed.returned).toBe('RN4');
  await h.settle();
  expect((await h.view('RN4')).status).toBe('RETURNED');
});

test('R-RETURN-3 exception: usual library A was closed so B was chosen; A reopened → the copy may be returned at A', async () => {
  const p = await h.patron('D0006', { usualLibraryNo: 7 });
  await h.db.cooperatingLibrary.update({ where: { no: 7 }, data: { isOpen: false } });
  await h.title('T-R5', '十三湊', [{ item: 'R5-1' }]);
  await onLoanViaCoop('RN5', p.id, 'T-R5', 10, '2027-04-05');
  await h.db.cooperatingLibrary.update({ where: { no: 7 }, data: { isOpen: true } });
  await h.advanceTo(w.at('2027-04-20T10:00'));
  const atA = await request(h.handle('RN5').executeUpdate(returnUpdate, { args: [{ place: 'coop:7' }] }));
  expect(atA.ok && atA.value.status).toBe('ON_LOAN');
  expect((await h.db.loan.findFirstOrThrow({ where: { reservationId: 'RN5' } })).returnedAt).toBe('coop:7');
});

test('R-OVERDUE-1: a patron with an overdue loan cannot collect a copy held at the prefectural library', async () => {
  const p = await h.patron('D0007');
  await existingLoan(h, p.id, 'OLD-7', 'T-OLD7', w.day('2027-04-01'));
  await h.title('T-R6', '下北半島', [{ item: 'R6-1' }]);
  await h.advanceTo(w.at('2027-04-26T10:00'));
  await h.reserve({ reservationId: 'RN6', patronId: p.id, titleId: 'T-R6', pickup: 'pref' });
  await h.advanceTo(w.at('2027-04-26T10:10'));
  const refused = await request(h.handle('RN6').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  expect(!refused.ok && refused.refusal.rule).toBe('R-OVERDUE-1');
  expect((await h.view('RN6')).status).toBe('READY');
});
