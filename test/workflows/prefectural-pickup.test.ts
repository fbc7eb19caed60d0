// Pickup at the prefectural library (spec §5): notice at once, 7-day hold, 15-day loan from checkout.
import { cancelUpdate, pickupUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { recordHistory } from '../support/histories';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

describe('prefectural-library pickup', () => {
  test('R-PREF-1, R-PREF-2, R-PREF-4, R-RETURN-1: 貸出可能 and the notice at once; hold D…D+6; due C+14; returned at the counter → 返却済', async () => {
    const p = await h.patron('B0001', { email: 'b1@example.jp' });
    await h.title('T-P1', '奥の細道', [{ item: 'P1-1' }]);
    await h.advanceTo(w.at('2026-12-01T19:00')); // a Tuesday evening: "any day" (R-PREF-1)
    await h.reserve({ reservationId: 'RP1', patronId: p.id, titleId: 'T-P1', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-01T19:06'));
    let v = await h.view('RP1');
    expect(v.status).toBe('READY');
    expect(v.statusLabel).toBe('貸出可能');
    expect(v.dates).toMatchObject({ pickupFrom: w.day('2026-12-01'), pickupUntil: w.day('2026-12-07') });
    expect(h.mail.to('b1@example.jp')).toHaveLength(1);
    expect(h.mail.to('b1@example.jp')[0]!.body.content[0]!.value).toContain('受取場所:青森県立図書館');
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'P1-1' } })).status).toBe('AWAITING_PICKUP');

    await h.advanceTo(w.at('2026-12-07T18:00')); // the last day of the hold
    const picked = await request(h.handle('RP1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
    expect(picked.ok).toBe(true);
    v = await h.view('RP1');
    expect(v.status).toBe('ON_LOAN');
    expect(v.dates.due).toBe(w.day('2026-12-21')); // checkout Mon 12-07 → due C+14

    const wrong = await request(h.handle('RP1').executeUpdate(returnUpdate, { args: [{ place: 'coop:5' }] }));
    expect(!wrong.ok && wrong.refusal.rule).toBe('R-RETURN-1');
    await h.advanceTo(w.at('2026-12-10T10:00'));
    const back = await request(h.handle('RP1').executeUpdate(returnUpdate, { args: [{ place: 'pref' }] }));
    expect(back.ok).toBe(true);
    await h.settle();
    expect((await h.view('RP1')).status).toBe('RETURNED');
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'P1-1' } })).status).toBe('ON_SHELF');
    await recordHistory(h.handle('RP1'), 'central-pickup-returned');
  });

  test('R-PREF-5: not collected by the end of the 7th day → 予約解除, the copy goes to the next reserver', async () => {
    const a = await h.patron('B0002');
    const b = await h.patron('B0003');
    await h.title('T-P2', '斜陽', [{ item: 'P2-1' }]);
    await h.advanceTo(w.at('2026-12-14T10:00'));
    await h.reserve({ reservationId: 'RP2a', patronId: a.id, titleId: 'T-P2', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-14T10:01'));
    await h.reserve({ reservationId: 'RP2b', patronId: b.id, titleId: 'T-P2', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-14T10:10'));
    expect((await h.view('RP2a')).status).toBe('READY');
    expect(await h.view('RP2b')).toMatchObject({ status: 'WAITING', queuePosition: 1 });

    await h.advanceTo(w.at('2026-12-20T23:59')); // D+6, still held
    expect((await h.view('RP2a')).status).toBe('READY');
    await h.advanceTo(w.at('2026-12-21T00:01'));
    const released = await h.view('RP2a');
    expect(released.status).toBe('RELEASED');
    expect(released.reason?.rule).toBe('R-PREF-5');
    const next = await h.view('RP2b');
    expect(next.status).toBe('READY');
    expect(next.dates.pickupFrom).toBe(w.day('2026-12-21'));
  });

  test('R-PREF-3: borrowed before the notice went out → no notice', async () => {
    const p = await h.patron('B0004', { email: 'b4@example.jp' });
    await h.title('T-P3', '人間失格', [{ item: 'P3-1' }]);
    await h.advanceTo(w.at('2026-12-22T10:00'));
    // The notice's latency made visible: the patron is at the counter before it leaves.
    await h.reserve({ reservationId: 'RP3', patronId: p.id, titleId: 'T-P3', pickup: 'pref', config: { prefNoticeDelayMs: 30 * 60_000 } });
    await h.advanceTo(w.at('2026-12-22T10:06'));
    expect((await h.view('RP3')).status).toBe('READY');
    const picked = await request(h.handle('RP3').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] }));
    expect(picked.ok).toBe(true);
    await h.advanceTo(w.at('2026-12-22T11:00'));
    expect((await h.view('RP3')).status).toBe('ON_LOAN');
    expect(h.mail.to('b4@example.jp')).toHaveLength(0);
  });

  test('R-CANCEL-1, R-CANCEL-2, R-CANCEL-3: the patron cannot cancel once 貸出可能; staff can, and the copy returns to the shelf', async () => {
    const p = await h.patron('B0005');
    await h.title('T-P4', '走れメロス', [{ item: 'P4-1' }]);
    await h.advanceTo(w.at('2026-12-28T10:00'));
    await h.reserve({ reservationId: 'RP4', patronId: p.id, titleId: 'T-P4', pickup: 'pref' });
    await h.advanceTo(w.at('2026-12-28T10:06'));
    const byPatron = await request(h.handle('RP4').executeUpdate(cancelUpdate, { args: [{ by: 'patron', channel: 'opac' }] }));
    expect(!byPatron.ok && byPatron.refusal.rule).toBe('R-CANCEL-1');
    const byMail = await request(h.handle('RP4').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'email' }] }));
    expect(!byMail.ok && byMail.refusal.rule).toBe('R-CANCEL-2');
    expect((await h.view('RP4')).status).toBe('READY'); // refused requests changed nothing
    const byStaff = await request(h.handle('RP4').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'phone' }] }));
    expect(byStaff.ok && byStaff.value.status).toBe('CANCELLED');
    expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'P4-1' } })).status).toBe('ON_SHELF');
    expect((await h.db.reservation.findUniqueOrThrow({ where: { id: 'RP4' } })).status).toBe('CANCELLED');
  });
});

describe('requests that arrive together', () => {
  test('R-CANCEL-2, R-PREF-4: a pickup and a staff cancel at the same moment — exactly one wins and the records agree', async () => {
    const p = await h.patron('B0006');
    await h.title('T-P5', '津軽平野', [{ item: 'P5-1' }]);
    await h.advanceTo(w.at('2027-01-04T10:00'));
    await h.reserve({ reservationId: 'RP5', patronId: p.id, titleId: 'T-P5', pickup: 'pref' });
    await h.advanceTo(w.at('2027-01-04T10:06'));
    expect((await h.view('RP5')).status).toBe('READY');

    const [pickup, cancel] = await Promise.all([
      request(h.handle('RP5').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] })),
      request(h.handle('RP5').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'counter' }] })),
    ]);
    expect([pickup.ok, cancel.ok].filter(Boolean)).toHaveLength(1);
    const loser = pickup.ok ? cancel : pickup;
    expect(!loser.ok && loser.refusal.rule).toMatch(/^R-(CANCEL-2|STATUS-1)$/);
    await h.settle();

    const row = await h.db.reservation.findUniqueOrThrow({ where: { id: 'RP5' } });
    const item = await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'P5-1' } });
    const loans = await h.db.loan.count({ where: { reservationId: 'RP5' } });
    if (pickup.ok) expect([row.status, item.status, loans]).toEqual(['ON_LOAN', 'ON_LOAN', 1]);
    else expect([row.status, item.status, loans]).toEqual(['CANCELLED', 'ON_SHELF', 0]);
  });
});
