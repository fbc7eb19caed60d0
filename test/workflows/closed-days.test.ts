// Closed days (spec §14) on the real workflows, activities, database and Temporal time-skipping server:
// a closure entered or removed while a reservation waits moves its dates in the records and in its
// running workflow (R-CLOSED-4), and Thursday processing on a day the prefectural library is closed
// runs on its next open day (R-CLOSED-2).
import { renewUnderTitleLock } from '../../src/activities/loans';
import { drainSignalOutbox } from '../../src/activities/notifier';
import { closeDays, reopenDays } from '../../src/services/closed-days';
import { triggerThursdayRun } from '../../src/services/library-admin';
import { thursdayByHand } from '../../src/services/thursday-by-hand';
import { thursdayPreview } from '../../src/services/work-lists';
import { DEFAULT_THURSDAY_OPTIONS } from '../../src/activities/thursday';
import { pickupUpdate, viewQuery } from '../../src/workflows/reservation-messages';
import type { ClosedLibrary } from '../../src/domain';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

const close = async (library: ClosedLibrary, from: string, to = from) => {
  const r = await closeDays(h.db, h.e.notifier, { library, from: w.day(from), to: w.day(to), note: '蔵書点検' }, await h.now());
  await h.settle();
  return r;
};
const reopen = async (library: ClosedLibrary, from: string, to = from) => {
  const r = await reopenDays(h.db, h.e.notifier, { library, from: w.day(from), to: w.day(to) }, await h.now());
  await h.settle();
  return r;
};
const workflowDates = async (id: string) => {
  const s = await h.handle(id).query(viewQuery);
  return { status: s.status, pickupFrom: s.pickupFrom, pickupUntil: s.pickupUntil, due: s.loan?.due };
};

async function inDelivery(id: string, card: string, item: string, pickup: string, securedOn: string): Promise<void> {
  const patron = await h.patron(card, { email: `${card.toLowerCase()}@example.jp` });
  await h.title(`T-${item}`, `書名 ${item}`, [{ item }]);
  await h.advanceTo(w.at(`${securedOn}T09:00`));
  expect((await h.reserve({ reservationId: id, patronId: patron.id, titleId: `T-${item}`, pickup })).ok).toBe(true);
  await h.advanceTo(w.at(`${securedOn}T09:06`));
  expect((await h.view(id)).status).toBe('SECURED');
}

describe('R-CLOSED-4: a closure entered while a reservation is 配送中', () => {
  test('R-CLOSED-4, R-CLOSED-3, R-COOP-4, R-COOP-3: the window and the due date move in the records and the workflow; the pickup waits for the new start, the release for the new end', async () => {
    await inDelivery('R-CD1', 'C0001', 'I-CD1', 'coop:30', '2026-12-01');
    await h.advanceTo(w.at('2026-12-03T10:01'));
    let v = await h.view('R-CD1');
    expect(v.status).toBe('IN_DELIVERY');
    expect(v.dates).toMatchObject({ pickupFrom: w.day('2026-12-06'), pickupUntil: w.day('2026-12-13'), due: w.day('2026-12-20') });

    // Fri 12-04: the cooperating library will be closed on the Sunday its window opens, on the last
    // two days of the window and on the due date.
    await h.advanceTo(w.at('2026-12-04T12:00'));
    await close(30, '2026-12-06');
    await close(30, '2026-12-13', '2026-12-14');
    const r = await close(30, '2026-12-20');
    expect(r.ok && r.moved.map((m) => m.reservationId)).toEqual(['R-CD1']);
    v = await h.view('R-CD1');
    expect(v.status).toBe('IN_DELIVERY');
    expect(v.dates).toMatchObject({
      pickupFrom: w.day('2026-12-07'),
      pickupUntil: w.day('2026-12-15'),
      due: w.day('2026-12-21'),
      renewFrom: w.day('2026-12-18'),
    });
    expect(await workflowDates('R-CD1')).toEqual({
      status: 'IN_DELIVERY',
      pickupFrom: w.day('2026-12-07'),
      pickupUntil: w.day('2026-12-15'),
      due: w.day('2026-12-21'),
    });
    // Another library's closure touches nothing here.
    const other = await close(31, '2026-12-07', '2026-12-21');
    expect(other.ok && other.moved).toEqual([]);

    // Sun 12-06 (closed): not yet — the window opens Monday.
    await h.advanceTo(w.at('2026-12-06T11:00'));
    const early = await request(h.handle('R-CD1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
    expect(!early.ok && early.refusal.rule).toBe('R-COOP-4');

    // Mon 12-14 past the guide's end of the window: still waiting; released only after Tue 12-15.
    await h.advanceTo(w.at('2026-12-14T12:00'));
    expect((await h.view('R-CD1')).status).toBe('IN_DELIVERY');
    await h.advanceTo(w.at('2026-12-15T23:00'));
    expect((await h.view('R-CD1')).status).toBe('IN_DELIVERY');
    await h.advanceTo(w.at('2026-12-16T00:30'));
    v = await h.view('R-CD1');
    expect(v.status).toBe('RELEASED');
    expect(v.reason?.rule).toBe('R-COOP-3');
  });
});

describe('R-CLOSED-4: the closure removed again', () => {
  test('R-CLOSED-4, R-CLOSED-1, R-COOP-1, R-COOP-4: the dates move back to the guide’s, in the records and the workflow; the pickup on the guide’s Sunday is taken; a signal owed survives a killed process', async () => {
    // Secured Wed 12-16, processed Thu 12-17: window Sun 12-20 … Sun 12-27, due Sun 01-03.
    await inDelivery('R-CD2', 'C0002', 'I-CD2', 'coop:32', '2026-12-16');
    await h.advanceTo(w.at('2026-12-17T10:01'));
    expect((await h.view('R-CD2')).dates).toMatchObject({
      pickupFrom: w.day('2026-12-20'),
      pickupUntil: w.day('2026-12-27'),
      due: w.day('2027-01-03'),
    });

    await h.advanceTo(w.at('2026-12-18T09:00'));
    await close(32, '2026-12-20', '2026-12-21'); // the window opens Tue 12-22
    await close(32, '2026-12-29', '2027-01-03'); // year-end: due Mon 01-04
    expect((await h.view('R-CD2')).dates).toMatchObject({
      pickupFrom: w.day('2026-12-22'),
      pickupUntil: w.day('2026-12-27'),
      due: w.day('2027-01-04'),
    });
    expect(await workflowDates('R-CD2')).toMatchObject({ pickupFrom: w.day('2026-12-22'), due: w.day('2027-01-04') });

    // Sat 12-19: staff remove both; every date is the guide's again.
    await h.advanceTo(w.at('2026-12-19T09:00'));
    const first = await reopen(32, '2026-12-20', '2026-12-21');
    expect(first.ok && first.changedDays).toBe(2);
    await reopen(32, '2026-12-29', '2027-01-03');
    const again = await reopen(32, '2026-12-29', '2027-01-03');
    expect(again.ok && again.changedDays).toBe(0); // nothing left to reopen: nothing changes
    const v = await h.view('R-CD2');
    expect(v.dates).toMatchObject({ pickupFrom: w.day('2026-12-20'), pickupUntil: w.day('2026-12-27'), due: w.day('2027-01-03') });
    expect(await workflowDates('R-CD2')).toEqual({
      status: 'IN_DELIVERY',
      pickupFrom: w.day('2026-12-20'),
      pickupUntil: w.day('2026-12-27'),
      due: w.day('2027-01-03'),
    });

    // Sun 12-20: the guide's first day, open again — collected.
    await h.advanceTo(w.at('2026-12-20T11:00'));
    const picked = await request(h.handle('R-CD2').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
    expect(picked.ok && picked.value.status).toBe('ON_LOAN');
    expect(picked.ok && picked.value.loan?.due).toBe(w.day('2027-01-03'));

    // Closed again on the due date while 貸出中: the loan's due date moves, in the workflow too.
    await close(32, '2027-01-03');
    expect((await h.view('R-CD2')).dates.due).toBe(w.day('2027-01-04'));
    expect((await workflowDates('R-CD2')).due).toBe(w.day('2027-01-04'));

    // Reopened by a process that dies between its commit and the signal: the signal waits in the
    // outbox (written in the same transaction) and the drain delivers it.
    const dead = { send: () => Promise.reject(new Error('killed after the commit')) };
    const back = await reopenDays(h.db, dead, { library: 32, from: w.day('2027-01-03'), to: w.day('2027-01-03') }, await h.now());
    expect(back.ok && back.moved.map((m) => [m.reservationId, m.due])).toEqual([['R-CD2', w.day('2027-01-03')]]);
    expect((await h.view('R-CD2')).dates.due).toBe(w.day('2027-01-03'));
    expect(await h.db.signalOutbox.count({ where: { workflowId: 'reservation-R-CD2', signal: 'datesChanged' } })).toBe(1);
    expect((await workflowDates('R-CD2')).due).toBe(w.day('2027-01-04')); // not told yet
    expect(await drainSignalOutbox(h.db, h.e.notifier, { olderThanSeconds: 0 })).toBe(1);
    await h.settle();
    expect((await workflowDates('R-CD2')).due).toBe(w.day('2027-01-03'));
  });
});

describe('R-CLOSED-2: Thursday processing when the prefectural library is closed', () => {
  test('R-CLOSED-2, R-COOP-4, R-CLOSED-3: a closed Thursday runs on the next open day and the whole chain counts from there', async () => {
    // Secured Tue 01-05; the prefectural library is closed Thu 01-07 and Fri 01-08 (蔵書点検).
    await close('pref', '2027-01-07', '2027-01-08');
    await inDelivery('R-CD3', 'C0003', 'I-CD3', 'coop:33', '2027-01-05');
    await h.advanceTo(w.at('2027-01-07T10:30'));
    expect((await h.view('R-CD3')).status).toBe('SECURED');
    await h.advanceTo(w.at('2027-01-08T23:00'));
    expect((await h.view('R-CD3')).status).toBe('SECURED');
    await h.advanceTo(w.at('2027-01-09T10:30'));
    const v = await h.view('R-CD3');
    expect(v.status).toBe('IN_DELIVERY');
    expect(v.dates).toMatchObject({
      processingDay: w.day('2027-01-09'),
      pickupFrom: w.day('2027-01-12'),
      pickupUntil: w.day('2027-01-19'),
      due: w.day('2027-01-26'),
    });
    const run = await h.db.thursdayRun.findMany({ where: { processingDate: { gte: new Date(`${w.day('2027-01-07')}T00:00:00Z`) } } });
    expect(run.map((x) => x.processingDate.toISOString().slice(0, 10))).toEqual([w.day('2027-01-09')]);
    // The lending notice two days after the moved processing day (P′+2).
    await h.advanceTo(w.at('2027-01-11T12:00'));
    expect(h.mail.to('c0003@example.jp')).toHaveLength(1);
  });
});

describe('R-CLOSED-3 and R-CLOSED-4 at the prefectural library', () => {
  test('R-CLOSED-3, R-CLOSED-4, R-PREF-2, R-PREF-5: the hold ends on an open day, moves with a closure entered later, moves back when it is removed; the release follows', async () => {
    await close('pref', '2027-01-18'); // Mon 01-18 closed before the notice
    const patron = await h.patron('C0004', { email: 'c0004@example.jp' });
    await h.title('T-CD4', '書名 CD4', [{ item: 'I-CD4' }]);
    await h.advanceTo(w.at('2027-01-12T09:00'));
    expect((await h.reserve({ reservationId: 'R-CD4', patronId: patron.id, titleId: 'T-CD4', pickup: 'pref' })).ok).toBe(true);
    await h.advanceTo(w.at('2027-01-12T09:10'));
    let v = await h.view('R-CD4');
    expect(v.status).toBe('READY');
    // R-PREF-2 gives Mon 01-18 (closed): Tue 01-19, in the records, the notice and the workflow.
    expect(v.dates.pickupUntil).toBe(w.day('2027-01-19'));
    expect(await workflowDates('R-CD4')).toMatchObject({ status: 'READY', pickupUntil: w.day('2027-01-19') });
    expect(h.mail.to('c0004@example.jp')).toHaveLength(1);

    await h.advanceTo(w.at('2027-01-13T09:00'));
    await close('pref', '2027-01-19', '2027-01-20');
    expect((await h.view('R-CD4')).dates.pickupUntil).toBe(w.day('2027-01-21'));
    expect((await workflowDates('R-CD4')).pickupUntil).toBe(w.day('2027-01-21'));

    await reopen('pref', '2027-01-18', '2027-01-20'); // all three open again: the guide's 01-18
    expect((await h.view('R-CD4')).dates.pickupUntil).toBe(w.day('2027-01-18'));
    expect((await workflowDates('R-CD4')).pickupUntil).toBe(w.day('2027-01-18'));
    await h.advanceTo(w.at('2027-01-18T23:00'));
    expect((await h.view('R-CD4')).status).toBe('READY');
    await h.advanceTo(w.at('2027-01-19T00:30'));
    v = await h.view('R-CD4');
    expect(v.status).toBe('RELEASED');
    expect(v.reason?.rule).toBe('R-PREF-5');
  });

  test('R-CLOSED-3, R-CLOSED-4, R-PREF-4, R-RENEW-2: a counter loan due on a closed day is due the next open day; a renewal adds its week to the guide’s date', async () => {
    const patron = await h.patron('C0005', { email: 'c0005@example.jp' });
    await h.title('T-CD5', '書名 CD5', [{ item: 'I-CD5' }]);
    await close('pref', '2027-02-02'); // the guide's due date of a checkout on Tue 01-19 (now)
    const out = await h.desk.counterCheckout({ itemNumber: 'I-CD5', patronId: patron.id, at: await h.now() });
    expect(out.ok && out.due).toBe(w.day('2027-02-03'));
    const loan = await h.db.loan.findFirstOrThrow({ where: { itemNumber: 'I-CD5' } });

    // Reopened: due on the guide's date again; closed on the renewed date: that one moves.
    await reopen('pref', '2027-02-02');
    expect((await h.db.loan.findUniqueOrThrow({ where: { id: loan.id } })).due.toISOString().slice(0, 10)).toBe(w.day('2027-02-02'));
    await close('pref', '2027-02-09');
    await h.advanceTo(w.at('2027-01-31T10:00')); // R-RENEW-3: the window opens 3 days before
    const renewed = await h.db.$transaction((tx) =>
      renewUnderTitleLock(tx, { loanId: loan.id, titleId: 'T-CD5', channel: 'counter', today: w.day('2027-01-31') }),
    );
    expect(renewed.ok && renewed.newDue).toBe(w.day('2027-02-10'));
  });

  test('R-CLOSED-2: a run by hand for a closed Thursday is refused naming body.processingDay; the day it moved to is accepted, and previewed for the closed Thursday', async () => {
    await close('pref', '2027-02-04'); // Thu
    const byHand = thursdayByHand(h.db, h.client);
    const run = (day: string) => triggerThursdayRun(h.db, byHand, { day: w.day(day), now: w.at('2027-02-06T12:00') });
    const closedThursday = await run('2027-02-04');
    expect(closedThursday).toMatchObject({ ok: false, field: 'processingDay' });
    expect((closedThursday as { ja: string }).ja).toContain('休館日');
    // The preview of the closed Thursday is the preview of the day it moved to; Saturday is no processing day.
    const preview = await thursdayPreview(h.db, { day: w.day('2027-02-04'), now: w.at('2027-02-03T12:00'), options: DEFAULT_THURSDAY_OPTIONS });
    expect(preview.ok && preview.preview.processingDay).toBe(w.day('2027-02-05'));
    expect(await thursdayPreview(h.db, { day: w.day('2027-02-06'), now: w.at('2027-02-03T12:00'), options: DEFAULT_THURSDAY_OPTIONS })).toMatchObject(
      {
        ok: false,
        problem: 'not-processing-day',
      },
    );
    const friday = await run('2027-02-05'); // Fri 02-05, the next open day: it runs
    expect(friday.ok && friday.run.processingDay).toBe(w.day('2027-02-05'));
    const saturday = await run('2027-02-06');
    expect(saturday).toMatchObject({ ok: false, field: 'processingDay' });
  });
});
