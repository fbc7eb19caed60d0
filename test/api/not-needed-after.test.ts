// Issue 13, item 3 (second half): the patron's "not needed after" day (不要日, R-SUSPEND-3) through the API,
// with Temporal's time-skipping server: set → still waiting at 00:00 JST after it → 取消 by the library with
// NOT_NEEDED_CANCELLED once; a copy secured first wins; a cleared day cancels nothing; a bad day is refused.
import { ApiHarness } from '../support/api-harness';
import { existingLoan } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const R = '/staff/reservations/{reservationId}';
const MINE = '/opac/patrons/{cardNumber}/reservations/{reservationId}';
const NOT_NEEDED = `${MINE}/not-needed-after`;

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-11-30T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

/** A patron waiting for a title whose only copy another patron has on loan. */
async function waiting(card: string, lender: string, title: string, item: string) {
  const owner = await a.patron(lender);
  await a.patron(card);
  await existingLoan(a.h, owner.id, item, title, w.day('2027-03-20'));
  const id = (await a.post(RESERVE, 'opac', { cardNumber: card }, { titleId: title, pickup: 'pref' })).body.reservationId as string;
  return { cardNumber: card, reservationId: id };
}

const notices = (reservationId: string) => a.h.db.mailOutbox.findMany({ where: { reservationId, kind: 'NOT_NEEDED_CANCELLED' } });

describe('R-SUSPEND-3: the not-needed-after day (不要日)', () => {
  test('R-SUSPEND-3: set while 予約申込; bad days refused (422) with nothing changed; still 確保待ち at 00:00 JST after the day → 取消 by the library with NOT_NEEDED_CANCELLED once', async () => {
    await a.h.advanceTo(w.at('2027-02-01T09:00')); // Monday
    const mine = await waiting('NN001', 'NN091', 'T-NN1', 'NN1-1');
    const yesterday = await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: w.day('2027-01-31') });
    expect(yesterday.body).toMatchObject({ status: 422, rule: 'R-SUSPEND-3' });
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: w.day('2028-02-02') })).body).toMatchObject({ status: 422, rule: 'R-SUSPEND-3' });
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: '2027-02-30' })).body).toMatchObject({
      status: 422,
      errors: [{ field: 'body.notNeededAfter' }],
    });
    expect((await a.h.db.reservation.findUniqueOrThrow({ where: { id: mine.reservationId } })).notNeededAfter).toBeNull();

    const set = await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: w.day('2027-02-03') }); // 予約申込 (the security delay)
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ status: 'APPLIED', dates: { notNeededAfter: w.day('2027-02-03') } });
    await a.h.advanceTo(w.at('2027-02-03T23:30')); // the day itself: still waiting
    expect((await a.get(R, 'staff', mine)).body).toMatchObject({
      status: 'WAITING',
      queuePosition: 1,
      dates: { notNeededAfter: w.day('2027-02-03') },
    });
    expect(await notices(mine.reservationId)).toHaveLength(0);

    await a.h.advanceTo(w.at('2027-02-04T00:30')); // the day after: cancelled by the library
    await a.h.settle();
    const ended = await a.h.db.reservation.findUniqueOrThrow({ where: { id: mine.reservationId } });
    expect(ended).toMatchObject({ status: 'CANCELLED', endReason: 'R-SUSPEND-3', queueSeq: null });
    const sent = await notices(mine.reservationId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ language: 'ja', subject: '【青森県立図書館】予約取消のお知らせ(オンライン貸出サービス)' });
    expect(sent[0]!.body).toContain('ご指定の不要日');
    expect((await a.get(MINE, 'opac', mine)).body).toMatchObject({ status: 'CANCELLED' });
    // Nothing more to set once it has ended (409), and the notice stays one.
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: null })).body).toMatchObject({ status: 409, rule: 'R-SUSPEND-3' });
    await a.h.advanceTo(w.at('2027-02-05T10:00'));
    expect(await notices(mine.reservationId)).toHaveLength(1);
  });

  test('R-SUSPEND-3: a copy secured before the deadline wins — the reservation goes on (貸出可能), not cancelled; then the day can no longer be set (409)', async () => {
    await a.h.advanceTo(w.at('2027-02-08T09:00'));
    const mine = await waiting('NN002', 'NN092', 'T-NN2', 'NN2-1');
    await a.h.advanceTo(w.at('2027-02-08T09:10'));
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: w.day('2027-02-09') })).status).toBe(200);
    await a.h.advanceTo(w.at('2027-02-09T10:00'));
    expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'NN2-1' })).status).toBe(200);
    await a.h.settle();
    await a.h.advanceTo(w.at('2027-02-10T00:30'));
    await a.h.settle();
    expect((await a.get(R, 'staff', mine)).body).toMatchObject({ status: 'READY', itemNumber: 'NN2-1' });
    expect(await notices(mine.reservationId)).toHaveLength(0);
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: null })).body).toMatchObject({ status: 409, rule: 'R-SUSPEND-3' });
  });

  test('R-SUSPEND-3: cleared by staff for the patron (a staff act) → not cancelled; set again while suspended (R-SUSPEND-1) → cancelled then', async () => {
    await a.h.advanceTo(w.at('2027-02-15T09:00'));
    const mine = await waiting('NN003', 'NN093', 'T-NN3', 'NN3-1');
    await a.h.advanceTo(w.at('2027-02-15T09:10'));
    const STAFF = `${R}/not-needed-after`;
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: w.day('2027-02-16') })).status).toBe(200);
    const cleared = await a.put(STAFF, 'counter', mine, { notNeededAfter: null, channel: 'phone' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.dates.notNeededAfter).toBeUndefined();
    expect(cleared.body).toMatchObject({ staffActs: [{ action: 'not-needed-after', outcome: 'done' }] });
    expect((await a.put(STAFF, 'staff', mine, { notNeededAfter: w.day('2027-02-14'), channel: 'phone' })).body).toMatchObject({
      status: 422,
      rule: 'R-SUSPEND-3',
    });
    await a.h.advanceTo(w.at('2027-02-17T10:00'));
    expect((await a.get(R, 'staff', mine)).body).toMatchObject({ status: 'WAITING', queuePosition: 1 });

    expect((await a.post(`${MINE}/suspend`, 'opac', mine, { until: w.day('2027-03-01') })).status).toBe(200);
    expect((await a.put(NOT_NEEDED, 'opac', mine, { notNeededAfter: w.day('2027-02-20') })).status).toBe(200);
    await a.h.advanceTo(w.at('2027-02-21T00:30'));
    await a.h.settle();
    expect((await a.get(R, 'staff', mine)).body).toMatchObject({ status: 'CANCELLED' });
    expect(await notices(mine.reservationId)).toHaveLength(1);
  });
});
