// Pickup at a cooperating library, walked through the guide's weekly calendar (spec §6) on the real
// workflows, activities, database and SendGrid client, with the Temporal server skipping time.
import { pickupUpdate, renewUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, MAIL_FROM, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

describe('the worked example of §6, date for date', () => {
  test('R-STATUS-1, R-COOP-1, R-COOP-4, R-LOAN-1, R-RENEW-3, R-RETURN-4, R-MAIL-1, R-MAIL-2: secured Tue 12-01 → processed Thu 12-03 … returned and processed Wed 12-23', async () => {
    const patron = await h.patron('A0001', { name: '青森 太郎', email: 'taro@example.jp' });
    await h.title('T-TSUGARU', '津軽', [{ item: 'I-0001' }]);

    // Tue 12-01: the request; after the 5-minute security delay the copy on the shelf is secured.
    await h.advanceTo(w.at('2026-12-01T09:00'));
    const placed = await h.reserve({ reservationId: 'R-EX', patronId: patron.id, titleId: 'T-TSUGARU', pickup: 'coop:30' });
    expect(placed.ok).toBe(true);
    expect((await h.view('R-EX')).status).toBe('APPLIED');
    await h.advanceTo(w.at('2026-12-01T09:04')); // R-STATUS-1: still inside the 5-minute security delay
    expect((await h.view('R-EX')).statusLabel).toBe('予約申込');
    await h.advanceTo(w.at('2026-12-01T09:06'));
    let v = await h.view('R-EX');
    expect(v.status).toBe('SECURED');
    expect(v.statusLabel).toBe('確保済み');
    expect(v.itemNumber).toBe('I-0001');
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'I-0001' } })).status).toBe('IN_TRANSIT');

    // Thu 12-03 10:00: Thursday processing lends it (配送中) and every date follows.
    await h.advanceTo(w.at('2026-12-03T10:01'));
    v = await h.view('R-EX');
    expect(v.status).toBe('IN_DELIVERY');
    expect(v.statusLabel).toBe('配送中');
    expect(v.dates).toMatchObject({
      processingDay: w.day('2026-12-03'),
      pickupFrom: w.day('2026-12-06'),
      pickupUntil: w.day('2026-12-13'),
      due: w.day('2026-12-20'),
      renewFrom: w.day('2026-12-17'),
      renewUntil: w.day('2026-12-20'),
    });
    expect(h.mail.to('taro@example.jp')).toHaveLength(0);

    // Sat 12-05: the lending notice, once, with every fact R-MAIL-1 lists.
    await h.advanceTo(w.at('2026-12-05T12:00'));
    const mails = h.mail.to('taro@example.jp');
    expect(mails).toHaveLength(1);
    const text = mails[0]!.body.content[0]!.value;
    expect(mails[0]!.body.from.email).toBe(MAIL_FROM);
    expect(MAIL_FROM).toMatch(/@plib\.pref\.aomori\.lg\.jp$/); // R-MAIL-2: from the library's own domain
    expect(mails[0]!.body.subject).toContain('貸出通知メール');
    expect(text).toContain('利用者番号:A0001');
    expect(text).toContain('氏名:青森 太郎');
    expect(text).toContain('受取場所:十和田市民図書館');
    expect(text).toContain(`取置期間:${ja(w.day('2026-12-06'))} ~ ${ja(w.day('2026-12-13'))}`);
    expect(text).toContain('資料番号:I-0001');
    expect(text).toContain('タイトル:津軽');
    expect(text).toContain(`予約した日:${ja(w.day('2026-12-01'))}`);

    // Sun 12-06: collected — once the prefectural library's card is shown (R-COOP-1).
    await h.advanceTo(w.at('2026-12-06T11:00'));
    const noCard = await request(h.handle('R-EX').executeUpdate(pickupUpdate, { args: [{ cardShown: false }] }));
    expect(!noCard.ok && noCard.refusal.rule).toBe('R-COOP-1');
    expect((await h.view('R-EX')).status).toBe('IN_DELIVERY');
    const picked = await request(h.handle('R-EX').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
    expect(picked.ok && picked.value.status).toBe('ON_LOAN');

    // Wed 12-16: one day before the renewal window → refused with R-RENEW-3, nothing changes.
    await h.advanceTo(w.at('2026-12-16T10:00'));
    const early = await request(h.handle('R-EX').executeUpdate(renewUpdate, { args: [{ channel: 'opac' }] }));
    expect(early.ok).toBe(false);
    expect(!early.ok && early.refusal.rule).toBe('R-RENEW-3');
    expect((await h.view('R-EX')).dates.due).toBe(w.day('2026-12-20'));

    // Sun 12-20: returned at the cooperating library on the due date: still 貸出中, not overdue.
    await h.advanceTo(w.at('2026-12-20T15:00'));
    const returned = await request(h.handle('R-EX').executeUpdate(returnUpdate, { args: [{ place: 'coop:30' }] }));
    expect(returned.ok && returned.value.status).toBe('ON_LOAN');

    // Wed 12-23: arrives at the prefectural library; the return is processed → 返却済.
    await h.advanceTo(w.at('2026-12-23T11:00'));
    const checkIn = await h.desk.checkIn({ itemNumber: 'I-0001', at: await h.now() });
    expect(checkIn.ok).toBe(true);
    await h.settle();
    v = await h.view('R-EX');
    expect(v.status).toBe('RETURNED');
    expect(v.transitions.map((t) => t.status)).toEqual(['APPLIED', 'WAITING', 'SECURED', 'IN_DELIVERY', 'ON_LOAN', 'RETURNED']);
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'I-0001' } })).status).toBe('ON_SHELF');
    expect(h.mail.to('taro@example.jp').filter((m) => m.body.custom_args?.outbox_key?.startsWith('lending-notice:'))).toHaveLength(1); // the lending notice once (PRE_DUE: docs/notices.md)
  });
});

function ja(d: string): string {
  const [y, m, day] = d.split('-').map(Number);
  const wd = '日月火水木金土'[new Date(Date.UTC(y!, m! - 1, day!)).getUTCDay()];
  return `${y}年${m}月${day}日(${wd})`;
}
