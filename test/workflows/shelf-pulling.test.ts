// Securing a copy on the shelf is a staff act (R-STATUS-1, R-ITEM-4): after the security delay the
// request is 確保待ち and its copy is on the pull list, still 書架; the scan secures it. Staff here are
// the test (`pulling: 'manual'`), except in the last test, where the stand-in scans after an hour.
import { pullList } from '../../src/services/pull-list';
import { cancelUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start({ pulling: 'manual' });
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

const itemStatus = async (itemNumber: string) => (await h.db.item.findUniqueOrThrow({ where: { itemNumber } })).status;
const listed = async () => (await pullList(h.db, await h.now())).map((e) => e.itemNumber);

describe('R-STATUS-1: 予約申込 → 確保待ち → (scan) 貸出可能 / 確保済み', () => {
  test('R-STATUS-1, R-PREF-1: at the prefectural library the scan makes it 貸出可能, with the notice at once; the copy is 書架 until then', async () => {
    const p = await h.patron('S0001', { email: 's1@example.jp' });
    await h.title('T-S1', '銀河鉄道の夜', [{ item: 'S1-1' }]);
    await h.db.item.update({ where: { itemNumber: 'S1-1' }, data: { callNumber: '913.6/ミヤ', shelfLocation: '2階 文学' } });
    await h.advanceTo(w.at('2026-12-01T10:00'));
    await h.reserve({ reservationId: 'RS1', patronId: p.id, titleId: 'T-S1', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-01T10:06'));
    expect((await h.view('RS1')).status).toBe('WAITING');
    expect((await h.view('RS1')).statusLabel).toBe('確保待ち');
    expect(await itemStatus('S1-1')).toBe('ON_SHELF');
    const list = await pullList(h.db, await h.now());
    expect(list).toContainEqual(
      expect.objectContaining({
        itemNumber: 'S1-1',
        title: '銀河鉄道の夜',
        callNumber: '913.6/ミヤ',
        shelfLocation: '2階 文学',
        pickup: { code: 'pref', label: '青森県立図書館' },
        listedAt: expect.stringContaining('10:05'),
        late: false,
      }),
    );
    expect(h.mail.to('s1@example.jp')).toHaveLength(0);

    await h.advanceTo(w.at('2026-12-01T11:30'));
    const scan = await h.shelf.pullFromShelf({ itemNumber: 'S1-1', at: await h.now() });
    expect(scan.ok).toBe(true);
    if (!scan.ok) return;
    expect(scan.slip).toMatchObject({
      reservationId: 'RS1',
      cardNumber: 'S0001',
      status: 'READY',
      pickupPlaceCode: 'pref',
      dates: { kind: 'pref', holdUntil: w.day('2026-12-07') },
    });
    await h.settle();
    const v = await h.view('RS1');
    expect(v.status).toBe('READY');
    expect(v.transitions.map((t) => t.status)).toEqual(['APPLIED', 'WAITING', 'READY']);
    expect(v.dates).toMatchObject({ pickupFrom: w.day('2026-12-01'), pickupUntil: w.day('2026-12-07') });
    expect(await itemStatus('S1-1')).toBe('AWAITING_PICKUP');
    expect(h.mail.to('s1@example.jp')).toHaveLength(1);
    expect(await listed()).not.toContain('S1-1');
  });

  test('R-STATUS-1, R-COOP-4: for a cooperating library the scan makes it 確保済み, for the next Thursday', async () => {
    const p = await h.patron('S0002', { email: 's2@example.jp' });
    await h.title('T-S2', '風の又三郎', [{ item: 'S2-1' }]);
    await h.advanceTo(w.at('2026-12-08T09:00')); // a Tuesday
    await h.reserve({ reservationId: 'RS2', patronId: p.id, titleId: 'T-S2', pickup: 'coop:30' });
    await h.advanceTo(w.at('2026-12-08T09:10'));
    expect((await h.view('RS2')).status).toBe('WAITING');
    expect((await pullList(h.db, await h.now())).find((e) => e.itemNumber === 'S2-1')?.pickup?.code).toBe('coop:30');
    const scan = await h.shelf.pullFromShelf({ itemNumber: 'S2-1', at: await h.now() });
    expect(scan.ok && scan.slip).toMatchObject({
      status: 'SECURED',
      pickupPlaceCode: 'coop:30',
      dates: { kind: 'coop', processingDay: w.day('2026-12-10'), pickupFrom: w.day('2026-12-13'), pickupUntil: w.day('2026-12-20') },
    });
    await h.settle();
    expect((await h.view('RS2')).status).toBe('SECURED');
    expect(await itemStatus('S2-1')).toBe('IN_TRANSIT');
    await h.advanceTo(w.at('2026-12-10T10:05')); // Thursday processing takes it
    expect((await h.view('RS2')).status).toBe('IN_DELIVERY');
  });

  test('R-STATUS-1: a scan of a copy nobody waits for, or not on the shelf, is refused and changes nothing', async () => {
    await h.title('T-S3', '注文の多い料理店', [{ item: 'S3-1' }]);
    const nobody = await h.shelf.pullFromShelf({ itemNumber: 'S3-1', at: await h.now() });
    expect(!nobody.ok && nobody.refusal.rule).toBe('R-STATUS-1');
    expect(await itemStatus('S3-1')).toBe('ON_SHELF');
    const unknown = await h.shelf.pullFromShelf({ itemNumber: 'NO-SUCH', at: await h.now() });
    expect(!unknown.ok && unknown.refusal.rule).toBe('R-ITEM-2');
    const notListed = await h.shelf.reportNotOnShelf({ itemNumber: 'S3-1', at: await h.now() });
    expect(!notListed.ok && notListed.refusal.rule).toBe('R-STATUS-1');
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'S3-1' } })).notOnShelfCount).toBe(0);
  });
});

describe('R-ITEM-4: a walk-in before the scan wins', () => {
  test('R-ITEM-4, R-STATUS-1: the visitor gets the listed copy; the reservation stays at the head of the queue and the return comes to it', async () => {
    const a = await h.patron('S0010', { email: 's10@example.jp' });
    const b = await h.patron('S0011', { email: 's11@example.jp' });
    const visitor = await h.patron('S0012');
    await h.title('T-S4', 'セロ弾きのゴーシュ', [{ item: 'S4-1' }]);
    await h.advanceTo(w.at('2026-12-15T10:00'));
    await h.reserve({ reservationId: 'RS4a', patronId: a.id, titleId: 'T-S4', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-15T10:06'));
    await h.reserve({ reservationId: 'RS4b', patronId: b.id, titleId: 'T-S4', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-15T10:20'));
    expect(await listed()).toContain('S4-1');
    expect((await h.view('RS4a')).queuePosition).toBe(1);
    expect((await h.view('RS4b')).queuePosition).toBe(2);

    const walkIn = await h.desk.counterCheckout({ itemNumber: 'S4-1', patronId: visitor.id, at: await h.now() });
    expect(walkIn.ok).toBe(true);
    await h.settle();
    expect(await listed()).not.toContain('S4-1');
    expect(await h.view('RS4a')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    expect(await h.view('RS4b')).toMatchObject({ status: 'WAITING', queuePosition: 2 });
    const late = await h.shelf.pullFromShelf({ itemNumber: 'S4-1', at: await h.now() });
    expect(!late.ok && late.refusal.rule).toBe('R-ITEM-2'); // lent: no longer 書架

    await h.advanceTo(w.at('2026-12-22T10:00'));
    const back = await h.desk.checkIn({ itemNumber: 'S4-1', at: await h.now() });
    expect(back.ok && back.slip).toMatchObject({
      reservationId: 'RS4a',
      cardNumber: 'S0010',
      status: 'READY',
      dates: { holdUntil: w.day('2026-12-28') },
    });
    await h.settle();
    expect((await h.view('RS4a')).status).toBe('READY');
    expect((await h.view('RS4b')).queuePosition).toBe(1);
  });
});

describe('R-ITEM-4 with a queue', () => {
  test('R-ITEM-4, R-STATUS-1: a request made while the copy was 書架 but listed for an earlier reserver does not jump ahead when a walk-in takes it', async () => {
    const a = await h.patron('S0013', { email: 's13@example.jp' });
    const b = await h.patron('S0014', { email: 's14@example.jp' });
    const visitor = await h.patron('S0015');
    await h.title('T-S9', '永訣の朝', [{ item: 'S9-1' }]);
    await h.advanceTo(w.at('2026-12-29T10:00'));
    await h.reserve({ reservationId: 'RS9a', patronId: a.id, titleId: 'T-S9', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-29T10:06')); // RS9a 確保待ち, S9-1 listed for it
    await h.reserve({ reservationId: 'RS9b', patronId: b.id, titleId: 'T-S9', pickup: 'pref' }); // S9-1 still 書架
    expect((await h.db.reservation.findUniqueOrThrow({ where: { id: 'RS9b' } })).placedWhileOnShelf).toBe(true);
    expect((await h.desk.counterCheckout({ itemNumber: 'S9-1', patronId: visitor.id, at: await h.now() })).ok).toBe(true);
    await h.advanceTo(w.at('2026-12-29T10:12'));
    expect(await h.view('RS9a')).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    expect(await h.view('RS9b')).toMatchObject({ status: 'WAITING', queuePosition: 2 });
  });
});

describe('R-STATUS-1 Decision: not on the shelf moves on; twice → 不明', () => {
  test('R-STATUS-1: the next copy is listed; the missed one is looked for again only when no other is left, then marked 不明', async () => {
    const a = await h.patron('S0020', { email: 's20@example.jp' });
    await h.title('T-S5', '春と修羅', [{ item: 'S5-1' }, { item: 'S5-2' }]);
    await h.advanceTo(w.at('2027-01-05T10:00'));
    await h.reserve({ reservationId: 'RS5', patronId: a.id, titleId: 'T-S5', pickup: 'pref' });
    await h.advanceTo(w.at('2027-01-05T10:06'));
    expect(await listed()).toContain('S5-1');

    expect(await h.shelf.reportNotOnShelf({ itemNumber: 'S5-1', at: await h.now() })).toEqual({ ok: true, missing: false });
    let now = await listed();
    expect(now).toContain('S5-2');
    expect(now).not.toContain('S5-1');
    expect(await h.shelf.reportNotOnShelf({ itemNumber: 'S5-2', at: await h.now() })).toEqual({ ok: true, missing: false });
    // No copy never missed is left: S5-1 is listed again, for a second look (S5-2 was missed just now, S5-1 earlier: both once).
    now = await listed();
    expect(now.filter((i) => i.startsWith('S5-'))).toHaveLength(1);
    const again = now.find((i) => i.startsWith('S5-'))!;
    expect((await pullList(h.db, await h.now())).find((e) => e.itemNumber === again)?.secondLook).toBe(true);
    expect(await h.shelf.reportNotOnShelf({ itemNumber: again, at: await h.now() })).toEqual({ ok: true, missing: true });
    expect(await itemStatus(again)).toBe('MISSING');
    const other = again === 'S5-1' ? 'S5-2' : 'S5-1';
    expect(await listed()).toContain(other);
    expect(await h.shelf.reportNotOnShelf({ itemNumber: other, at: await h.now() })).toEqual({ ok: true, missing: true });
    expect((await listed()).filter((i) => i.startsWith('S5-'))).toHaveLength(0);
    expect((await h.view('RS5')).status).toBe('WAITING');

    // Found again: the check-in of a 不明 copy secures it for the reservation waiting, with a hold slip.
    await h.advanceTo(w.at('2027-01-06T14:00'));
    const found = await h.desk.checkIn({ itemNumber: 'S5-1', at: await h.now() });
    expect(found.ok && found).toMatchObject({ found: true, handedTo: 'RS5', slip: { cardNumber: 'S0020', status: 'READY' } });
    await h.settle();
    expect((await h.view('RS5')).status).toBe('READY');
    expect(await itemStatus('S5-1')).toBe('AWAITING_PICKUP');
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'S5-1' } })).notOnShelfCount).toBe(0);
  });

  test('R-CANCEL-1, R-STATUS-1: a cancelled 確保待ち reservation takes its copy off the list', async () => {
    const a = await h.patron('S0030', { email: 's30@example.jp' });
    await h.title('T-S6', 'よだかの星', [{ item: 'S6-1' }]);
    await h.advanceTo(w.at('2027-01-12T10:00'));
    await h.reserve({ reservationId: 'RS6', patronId: a.id, titleId: 'T-S6', pickup: 'pref' });
    await h.advanceTo(w.at('2027-01-12T10:06'));
    expect(await listed()).toContain('S6-1');
    const cancelled = await request(h.handle('RS6').executeUpdate(cancelUpdate, { args: [{ by: 'patron' }] }));
    expect(cancelled.ok).toBe(true);
    await h.settle();
    expect(await listed()).not.toContain('S6-1');
    expect(await itemStatus('S6-1')).toBe('ON_SHELF');
    expect((await h.db.pullListEntry.findFirstOrThrow({ where: { itemNumber: 'S6-1' } })).state).toBe('WITHDRAWN');
  });

  test('R-STATUS-1: a copy on the list longer than a day is flagged late (the pull-list Decision)', async () => {
    const a = await h.patron('S0040', { email: 's40@example.jp' });
    await h.title('T-S7', 'やまなし', [{ item: 'S7-1' }]);
    await h.advanceTo(w.at('2027-01-19T10:00'));
    await h.reserve({ reservationId: 'RS7', patronId: a.id, titleId: 'T-S7', pickup: 'pref' });
    await h.advanceTo(w.at('2027-01-20T10:04'));
    expect((await pullList(h.db, await h.now())).find((e) => e.itemNumber === 'S7-1')?.late).toBe(false);
    await h.advanceTo(w.at('2027-01-20T10:06'));
    expect((await pullList(h.db, await h.now())).find((e) => e.itemNumber === 'S7-1')?.late).toBe(true);
  });
});

describe('the stand-in for staff (simulator and tests)', () => {
  test('R-STATUS-1: with pulling auto, a listed copy is scanned pullAfterMinutes after it was listed', async () => {
    const auto = await LendingHarness.start({ pulling: { afterMinutes: 60 }, thursday: false });
    try {
      const p = await auto.patron('S0050', { email: 's50@example.jp' });
      await auto.title('T-S8', '雨ニモマケズ', [{ item: 'S8-1' }]);
      const at = weekShift('2026-12-01T09:00', await auto.now());
      await auto.advanceTo(at.at('2026-12-01T10:00'));
      await auto.reserve({ reservationId: 'RS8', patronId: p.id, titleId: 'T-S8', pickup: 'pref' });
      await auto.advanceTo(at.at('2026-12-01T11:04'));
      expect((await auto.view('RS8')).status).toBe('WAITING');
      await auto.advanceTo(at.at('2026-12-01T11:06'));
      const v = await auto.view('RS8');
      expect(v.status).toBe('READY');
      expect(v.transitions.map((t) => [t.status, t.at.slice(11, 16)])).toEqual([
        ['APPLIED', '10:00'],
        ['WAITING', '10:05'],
        ['READY', '11:05'],
      ]);
    } finally {
      await auto.stop();
    }
  }, 120_000);
});
