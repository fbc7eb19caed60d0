// Every notice of docs/notices.md on the time-skipping server: its exact day and hour (JST, to the
// minute), the cases in which it is not sent, a renewal moving PRE_DUE and OVERDUE, a return
// cancelling them — each notice a timer of the reservation's workflow, sent through the outbox once.
import { addDays } from '../../src/domain';
import { jstMinute } from '../../src/simulator/timeline';
import { cancelUpdate, pickupUpdate, renewUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { recordHistory } from '../support/histories';
import { LendingHarness, existingLoan, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let base: WeekShift;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  base = weekShift('2026-11-30T09:00', await h.now());
}, 120_000);

/**
 * The tests share one clock, which only goes forward: each is written with the guide's December 2026
 * dates and runs that many whole weeks after the previous one's last moment (weekdays stay the same).
 */
function calendarWeeksLater(weeks: number): void {
  const WEEK = 7 * 86_400_000;
  w = {
    weeks: base.weeks + weeks,
    at: (jst) => new Date(base.at(jst).getTime() + weeks * WEEK),
    day: (date) => addDays(base.day(date), weeks * 7),
  };
}
afterAll(async () => h?.stop());

/** The notices of a reservation other than the lending notice, as the outbox has them: kind, moment (JST minute), state. */
async function notices(id: string, opts: { withLending?: boolean } = {}) {
  const rows = await h.db.mailOutbox.findMany({ where: { reservationId: id }, orderBy: { id: 'asc' } });
  return rows
    .filter((r) => opts.withLending || r.kind !== 'LENDING_NOTICE')
    .map((r) => ({ kind: r.kind, at: jstMinute(r.noticeAt!), state: r.state, ...(r.occurrence ? { occurrence: r.occurrence } : {}) }));
}

/** The mails the sink received for a reservation's notices, by outbox key. */
const sent = (id: string) =>
  h.mail.received.filter((m) => (m.body.custom_args?.outbox_key ?? '').split(':')[1] === id).map((m) => m.body.custom_args!.outbox_key!);

const bodyOf = async (key: string) => (await h.db.mailOutbox.findUniqueOrThrow({ where: { key } })).body;

/** `YYYY-MM-DDTHH:MM` of the test's calendar, shifted, as jstMinute writes it. */
const at = (jst: string) => jstMinute(w.at(jst));
const day = (date: string) => w.day(date);

async function pickup(id: string) {
  const out = await request(h.handle(id).executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
  if (!out.ok) throw new Error(`pickup refused: ${out.refusal.rule}`);
}

test('R-PREF-2 PICKUP_REMINDER: e-mailed Tue 12-01, held to Mon 12-07 → reminded Sun 12-06 09:00; R-PREF-5 RELEASED when the hold has ended', async () => {
  calendarWeeksLater(0);
  const p = await h.patron('N0001', { name: '弘前 花子' });
  await h.title('T-N1', 'ねぶた', [{ item: 'N1-1' }]);
  await h.advanceTo(w.at('2026-12-01T10:00'));
  await h.reserve({ reservationId: 'N1', patronId: p.id, titleId: 'T-N1', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-01T10:10'));
  expect(await h.view('N1')).toMatchObject({ status: 'READY', dates: { pickupUntil: day('2026-12-07') } });

  await h.advanceTo(w.at('2026-12-06T08:59'));
  expect(await notices('N1')).toEqual([]);
  await h.advanceTo(w.at('2026-12-06T09:01'));
  expect(await notices('N1')).toEqual([{ kind: 'PICKUP_REMINDER', at: at('2026-12-06T09:00'), state: 'SENT' }]);
  const reminder = await bodyOf('pickup-reminder:N1');
  expect(reminder).toContain(`ご予約の資料の取置期限は明日、`);
  expect(reminder).toContain(`取置期限:`);
  expect(h.mail.to(p.email!).map((m) => m.body.subject)).toEqual([
    '【青森県立図書館】貸出通知メール(オンライン貸出サービス)',
    '【青森県立図書館】取置期限のお知らせ(オンライン貸出サービス)',
  ]);
  expect(h.mail.to(p.email!).every((m) => m.body.from.email === 'noreply@plib.pref.aomori.lg.jp')).toBe(true); // R-MAIL-2

  await h.advanceTo(w.at('2026-12-08T00:05'));
  expect((await h.view('N1')).status).toBe('RELEASED');
  expect(await notices('N1')).toEqual([
    { kind: 'PICKUP_REMINDER', at: at('2026-12-06T09:00'), state: 'SENT' },
    { kind: 'RELEASED', at: at('2026-12-08T00:00'), state: 'SENT' },
  ]);
  expect(await bodyOf('released:N1')).toContain('理由:取置期間中に受け取りに来られなかったため、資料を回収し、予約を解除しました。');
  expect(sent('N1')).toEqual(['lending-notice:N1', 'pickup-reminder:N1', 'released:N1']);
  // My Library shows them with the reservation (the records' view).
  expect((await h.view('N1')).mails.map((m) => m.kind)).toEqual(['LENDING_NOTICE', 'PICKUP_REMINDER', 'RELEASED']);
});

test('R-PREF-4 PICKUP_REMINDER: not sent when collected first; R-RENEW-3 PRE_DUE on due-3 09:00, R-RENEW-2 a renewal moves PRE_DUE and OVERDUE', async () => {
  calendarWeeksLater(2);
  const p = await h.patron('N0002');
  await h.title('T-N2', '八甲田', [{ item: 'N2-1' }]);
  await h.advanceTo(w.at('2026-12-01T11:00'));
  await h.reserve({ reservationId: 'N2', patronId: p.id, titleId: 'T-N2', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-03T15:00'));
  await pickup('N2'); // checked out Thu 12-03 → due Thu 12-17 (C+14)
  expect((await h.view('N2')).dates.due).toBe(day('2026-12-17'));
  await h.advanceTo(w.at('2026-12-14T08:59'));
  expect(await notices('N2')).toEqual([]); // no PICKUP_REMINDER on 12-06: collected

  await h.advanceTo(w.at('2026-12-14T09:01'));
  expect(await notices('N2')).toEqual([{ kind: 'PRE_DUE', at: at('2026-12-14T09:00'), state: 'SENT', occurrence: day('2026-12-17') }]);
  const preDue = await bodyOf(`pre-due:N2:${day('2026-12-17')}`);
  expect(preDue).toContain('本日から返却期限日まで、貸出期間を1週間延長できます');
  expect(preDue).toContain('延長はあと2回まで');

  const renewed = await request(h.handle('N2').executeUpdate(renewUpdate, { args: [{ channel: 'opac' }] }));
  expect(renewed.ok).toBe(true);
  expect((await h.view('N2')).dates.due).toBe(day('2026-12-24'));
  await h.advanceTo(w.at('2026-12-18T09:30')); // the old due date's OVERDUE moment: nothing
  expect((await notices('N2')).map((n) => n.kind)).toEqual(['PRE_DUE']);
  await h.advanceTo(w.at('2026-12-21T09:01')); // the new due date's PRE_DUE
  expect(await notices('N2')).toEqual([
    { kind: 'PRE_DUE', at: at('2026-12-14T09:00'), state: 'SENT', occurrence: day('2026-12-17') },
    { kind: 'PRE_DUE', at: at('2026-12-21T09:00'), state: 'SENT', occurrence: day('2026-12-24') },
  ]);
  expect(await bodyOf(`pre-due:N2:${day('2026-12-24')}`)).toContain('延長はあと1回まで');

  await h.advanceTo(w.at('2026-12-25T09:01')); // due+1: the first OVERDUE, of the renewed loan
  expect((await notices('N2')).slice(2)).toEqual([{ kind: 'OVERDUE', at: at('2026-12-25T09:00'), state: 'SENT', occurrence: '1' }]);
  await recordHistory(h.handle('N2'), 'central-pickup-notices-renewed-overdue');
});

test('R-OVERDUE-1 OVERDUE: the day after the due date, then every 7 days, at most 3; says new loans and dispatch are blocked; a return ends them', async () => {
  calendarWeeksLater(6);
  const p = await h.patron('N0003');
  await h.title('T-N3', '岩木山', [{ item: 'N3-1' }]);
  await h.advanceTo(w.at('2026-11-30T09:00'));
  await h.reserve({ reservationId: 'N3', patronId: p.id, titleId: 'T-N3', pickup: 'coop:30' });
  // Thu 12-03 processing, Sat 12-05 lending notice, Sun 12-06 pickup; due Sun 12-20.
  await h.advanceTo(w.at('2026-12-06T10:00'));
  await pickup('N3');
  await h.advanceTo(w.at('2026-12-21T08:59'));
  expect((await notices('N3')).map((n) => `${n.kind}@${n.at}`)).toEqual([`PRE_DUE@${at('2026-12-17T09:00')}`]);
  await h.advanceTo(w.at('2027-01-12T12:00'));
  expect((await notices('N3')).slice(1)).toEqual([
    { kind: 'OVERDUE', at: at('2026-12-21T09:00'), state: 'SENT', occurrence: '1' },
    { kind: 'OVERDUE', at: at('2026-12-28T09:00'), state: 'SENT', occurrence: '2' },
    { kind: 'OVERDUE', at: at('2027-01-04T09:00'), state: 'SENT', occurrence: '3' },
  ]);
  const overdue = await bodyOf('overdue:N3:1');
  expect(overdue).toContain('延滞の資料がある間は、新たな貸出及び協力館への発送はできません。');
  expect(overdue).toContain('(1日経過)');
  expect(await bodyOf('overdue:N3:2')).toContain('(2回目のお知らせです。)');
  const back = await request(h.handle('N3').executeUpdate(returnUpdate, { args: [{ place: 'pref' }] }));
  expect(back.ok).toBe(true);
  await h.advanceTo(w.at('2027-01-20T12:00'));
  expect(await notices('N3')).toHaveLength(4);
  expect((await h.view('N3')).status).toBe('RETURNED');
});

test('R-OVERDUE-2 OVERDUE: returned at the cooperating library on the due date → no overdue notice while it travels back; R-COOP-4 PICKUP_REMINDER on the Saturday before the closing Sunday', async () => {
  calendarWeeksLater(14);
  const p = await h.patron('N0004');
  await h.title('T-N4', '十和田湖', [{ item: 'N4-1' }]);
  await h.advanceTo(w.at('2026-11-30T09:30'));
  await h.reserve({ reservationId: 'N4', patronId: p.id, titleId: 'T-N4', pickup: 'coop:30' });
  await h.advanceTo(w.at('2026-12-12T09:01'));
  expect(await notices('N4', { withLending: true })).toEqual([
    { kind: 'LENDING_NOTICE', at: at('2026-12-05T09:00'), state: 'SENT' },
    { kind: 'PICKUP_REMINDER', at: at('2026-12-12T09:00'), state: 'SENT' },
  ]);
  await pickup('N4'); // Sat 12-12, the day before the window closes
  await h.advanceTo(w.at('2026-12-20T15:00')); // the due date
  const back = await request(h.handle('N4').executeUpdate(returnUpdate, { args: [{ place: 'coop:30' }] }));
  expect(back.ok).toBe(true);
  await h.advanceTo(w.at('2026-12-22T12:00'));
  expect((await h.view('N4')).status).toBe('ON_LOAN'); // R-RETURN-4: travelling back
  expect((await notices('N4')).map((n) => n.kind)).toEqual(['PICKUP_REMINDER', 'PRE_DUE']);
  await h.desk.checkIn({ itemNumber: 'N4-1', at: w.at('2026-12-23T11:00') });
  await h.advanceTo(w.at('2027-01-10T12:00'));
  expect((await notices('N4')).map((n) => n.kind)).toEqual(['PICKUP_REMINDER', 'PRE_DUE']);
  expect((await h.view('N4')).status).toBe('RETURNED');
});

test('R-RENEW-3 PRE_DUE: not sent once returned (at a cooperating library too); R-RENEW-1 PRE_DUE says why it cannot be renewed', async () => {
  calendarWeeksLater(20);
  const early = await h.patron('N0005');
  const waiting = await h.patron('N0006');
  const other = await h.patron('N0007');
  await h.title('T-N5', '白神山地', [{ item: 'N5-1' }]);
  await h.title('T-N6', '恐山', [{ item: 'N6-1' }]);
  await h.advanceTo(w.at('2026-12-01T12:00'));
  await h.reserve({ reservationId: 'N5', patronId: early.id, titleId: 'T-N5', pickup: 'coop:7' });
  await h.reserve({ reservationId: 'N6', patronId: other.id, titleId: 'T-N6', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-01T12:10'));
  await pickup('N6'); // due Tue 12-15, PRE_DUE Sat 12-12
  await h.reserve({ reservationId: 'N6-next', patronId: waiting.id, titleId: 'T-N6', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-06T10:00'));
  await pickup('N5');
  await h.advanceTo(w.at('2026-12-10T10:00'));
  const back = await request(h.handle('N5').executeUpdate(returnUpdate, { args: [{ place: 'coop:7' }] }));
  expect(back.ok).toBe(true);
  await h.advanceTo(w.at('2026-12-18T12:00')); // past N5's PRE_DUE moment (Thu 12-17)
  expect(await notices('N5')).toEqual([]);
  const n6 = await notices('N6');
  expect(n6[0]).toEqual({ kind: 'PRE_DUE', at: at('2026-12-12T09:00'), state: 'SENT', occurrence: day('2026-12-15') });
  expect(await bodyOf(`pre-due:N6:${day('2026-12-15')}`)).toContain(
    'この資料は延長できません。他の利用者からの予約が入っているため、延長できません。',
  );
});

test('courtesy notices off: PRE_DUE and PICKUP_REMINDER skipped (recorded, not mailed); OVERDUE is required and still sent — in English when chosen', async () => {
  calendarWeeksLater(23);
  const p = await h.patron('N0008', { name: 'Jane Doe' });
  await h.db.patron.update({ where: { id: p.id }, data: { courtesyNotices: false, noticeLanguage: 'en' } });
  await h.title('T-N8', 'Hakkoda', [{ item: 'N8-1' }]);
  await h.advanceTo(w.at('2026-12-01T13:00'));
  await h.reserve({ reservationId: 'N8', patronId: p.id, titleId: 'T-N8', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-06T10:00'));
  await pickup('N8'); // due Sun 12-20
  await h.advanceTo(w.at('2026-12-21T09:01'));
  expect(await notices('N8')).toEqual([
    { kind: 'PICKUP_REMINDER', at: at('2026-12-06T09:00'), state: 'SKIPPED' },
    { kind: 'PRE_DUE', at: at('2026-12-17T09:00'), state: 'SKIPPED', occurrence: day('2026-12-20') },
    { kind: 'OVERDUE', at: at('2026-12-21T09:00'), state: 'SENT', occurrence: '1' },
  ]);
  expect(sent('N8')).toEqual(['lending-notice:N8', 'overdue:N8:1']);
  expect(h.mail.to(p.email!).map((m) => m.body.subject)).toEqual([
    '[Aomori Prefectural Library] Your reserved item is ready (online lending)',
    '[Aomori Prefectural Library] Overdue (online lending)',
  ]);
  expect(await bodyOf('overdue:N8:1')).toContain('While a loan is overdue, nothing new can be lent to you');
  await request(h.handle('N8').executeUpdate(returnUpdate, { args: [{ place: 'pref' }] }));
});

test('R-DISPATCH-1 DISPATCH_FAILED at the Thursday run, with the reason and what happens next; R-DISPATCH-2 RELEASED after the third', async () => {
  calendarWeeksLater(26);
  const p = await h.patron('N0010', { loanLimit: 1 });
  await existingLoan(h, p.id, 'N10-OLD', 'T-N10-OLD', day('2027-03-01')); // at the limit of 1 (R-LIMIT-2)
  await h.title('T-N10', '月山', [{ item: 'N10-1' }]);
  await h.advanceTo(w.at('2026-12-07T09:00'));
  await h.reserve({ reservationId: 'N10', patronId: p.id, titleId: 'T-N10', pickup: 'coop:42' });
  await h.advanceTo(w.at('2026-12-10T10:05'));
  expect(await notices('N10')).toEqual([{ kind: 'DISPATCH_FAILED', at: at('2026-12-10T10:00'), state: 'SENT', occurrence: '1' }]);
  const first = await bodyOf('dispatch-failed:N10:1');
  expect(first).toContain('理由:');
  expect(first).toContain('貸出上限');
  expect(first).toContain('資料は確保したまま、次回の貸出処理(毎週木曜日)で改めて発送します。');
  expect(first).toContain('発送できなかったのは1回目です。3回発送できなかった場合は予約を解除します。');
  await h.advanceTo(w.at('2026-12-24T10:05'));
  expect((await h.view('N10')).status).toBe('RELEASED');
  expect(await notices('N10')).toEqual([
    { kind: 'DISPATCH_FAILED', at: at('2026-12-10T10:00'), state: 'SENT', occurrence: '1' },
    { kind: 'DISPATCH_FAILED', at: at('2026-12-17T10:00'), state: 'SENT', occurrence: '2' },
    { kind: 'RELEASED', at: at('2026-12-24T10:00'), state: 'SENT' },
  ]);
  const released = await bodyOf('released:N10');
  expect(released).toContain('理由:協力館へ3回発送できなかったため、予約を解除しました。');
  expect(released).toContain('最後に発送できなかった理由');
  await recordHistory(h.handle('N10'), 'failed-dispatch-notices-released');
});

test('R-DISPATCH-3 DISPATCH_FAILED: with others waiting it says the reservation moved down one place', async () => {
  calendarWeeksLater(29);
  const late = await h.patron('N0011');
  const next = await h.patron('N0012');
  await existingLoan(h, late.id, 'N11-OLD', 'T-N11-OLD', day('2026-12-01')); // overdue
  await h.title('T-N11', '津軽海峡', [{ item: 'N11-1' }]);
  await h.advanceTo(w.at('2026-12-07T09:30'));
  await h.reserve({ reservationId: 'N11', patronId: late.id, titleId: 'T-N11', pickup: 'coop:7' });
  await h.reserve({ reservationId: 'N11-next', patronId: next.id, titleId: 'T-N11', pickup: 'coop:19' });
  await h.advanceTo(w.at('2026-12-10T10:05'));
  expect(await notices('N11')).toEqual([{ kind: 'DISPATCH_FAILED', at: at('2026-12-10T10:00'), state: 'SENT', occurrence: '1' }]);
  const body = await bodyOf('dispatch-failed:N11:1');
  expect(body).toContain('予約順位を1つ繰り下げました(確保待ち)');
  expect(body).toContain('延滞');
});

test('R-CANCEL-2 CANCELLED_BY_STAFF when staff cancel; R-CANCEL-1 nothing when the patron cancelled it', async () => {
  calendarWeeksLater(30);
  const p = await h.patron('N0013');
  const q = await h.patron('N0014');
  await h.title('T-N13', '奥入瀬', [{ item: 'N13-1' }]);
  await h.title('T-N14', '白神', [{ item: 'N14-1', status: 'ON_LOAN' }]);
  await h.advanceTo(w.at('2026-12-08T09:00'));
  await h.reserve({ reservationId: 'N13', patronId: p.id, titleId: 'T-N13', pickup: 'pref' });
  await h.reserve({ reservationId: 'N14', patronId: q.id, titleId: 'T-N14', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-08T10:00'));
  const byStaff = await request(h.handle('N13').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'phone' }] }));
  expect(byStaff.ok).toBe(true);
  const byPatron = await request(h.handle('N14').executeUpdate(cancelUpdate, { args: [{ by: 'patron', channel: 'opac' }] }));
  expect(byPatron.ok).toBe(true);
  await h.settle();
  expect(await notices('N13')).toEqual([{ kind: 'CANCELLED_BY_STAFF', at: at('2026-12-08T10:00'), state: 'SENT' }]);
  expect(await bodyOf('cancelled-by-staff:N13')).toContain('当館で取り消しました');
  expect(await notices('N14')).toEqual([]);
  expect(sent('N14')).toEqual([]);
});
