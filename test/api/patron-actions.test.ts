// Issue 13, items 1–3 through the API: staff reservations (R-STAFF-1), changing the pickup place, suspending —
// each with the member of staff recorded as a staff act, and every refusal with its rule.
import { ApiHarness } from '../support/api-harness';
import { existingLoan } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const STAFF_RESERVE = '/staff/patrons/{cardNumber}/reservations';
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const R = '/staff/reservations/{reservationId}';
const MINE = '/opac/patrons/{cardNumber}/reservations/{reservationId}';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-11-30T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

describe('R-STAFF-1: staff reserve for a patron who phones or comes to the counter', () => {
  test('R-STAFF-1: placed by the signed-in member of staff (channel and staff act recorded), then a reservation like any other; the patron may cancel it in My Library (R-CANCEL-1)', async () => {
    await a.patron('PA001');
    await a.h.title('T-PA1', '奥入瀬渓流', [{ item: 'PA1-1', status: 'ON_LOAN' }]);
    await a.h.advanceTo(w.at('2026-11-30T09:00'));
    const placed = await a.post(STAFF_RESERVE, 'counter', { cardNumber: 'PA001' }, { titleId: 'T-PA1', pickup: 'coop:12', channel: 'phone' });
    expect(placed.status).toBe(201);
    const id = placed.body.reservationId as string;
    expect(placed.headers.get('location')).toBe(`/staff/reservations/${id}`);
    expect(placed.body).toMatchObject({
      status: 'APPLIED',
      cardNumber: 'PA001',
      placedVia: 'phone',
      pickup: { code: 'coop:12' },
      staffActs: [{ action: 'reserve', by: { kind: 'staff', staffNumber: 'T-COUNTER', name: '窓口 太郎' }, outcome: 'done' }],
    });
    const act = await a.h.db.staffAction.findFirstOrThrow({ where: { reservationId: id } });
    expect(act).toMatchObject({ action: 'reserve', cardNumber: 'PA001', details: { channel: 'phone', titleId: 'T-PA1', pickup: 'coop:12' } });
    // My Library lists it as the patron's own, without staff names; after the delay it waits in the queue.
    await a.h.advanceTo(w.at('2026-11-30T09:10'));
    const mine = await a.get(MINE, 'opac', { cardNumber: 'PA001', reservationId: id });
    expect(mine.body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    expect(mine.body).not.toHaveProperty('staffActs');
    expect(mine.body).not.toHaveProperty('placedVia');
    const cancelled = await a.post(`${MINE}/cancel`, 'opac', { cardNumber: 'PA001', reservationId: id });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
  });

  test('R-STAFF-1: the OPAC’s rules hold — R-ITEM-3 (twice), R-LIMIT-1, R-ACCOUNT-1 (no e-mail), R-ITEM-1 — and a refusal is recorded with its rule, nothing placed', async () => {
    await a.patron('PA002');
    await a.h.patron('PA003', { email: null });
    await a.h.title('T-PA2', '十和田湖', [{ item: 'PA2-1' }]);
    await a.h.title('T-PA3', '月刊あおもり', [{ item: 'PA3-1', type: 'MAGAZINE' }]);
    const body = { titleId: 'T-PA2', pickup: 'pref', channel: 'counter' };
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, body)).status).toBe(201);
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, body)).body).toMatchObject({ status: 409, rule: 'R-ITEM-3' });
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA003' }, body)).body).toMatchObject({ status: 409, rule: 'R-ACCOUNT-1' });
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, { ...body, titleId: 'T-PA3' })).body).toMatchObject({
      status: 409,
      rule: 'R-ITEM-1',
    });
    await a.h.db.patron.update({ where: { cardNumber: 'PA002' }, data: { reservationLimit: 1 } });
    await a.h.title('T-PA4', '白神山地', [{ item: 'PA4-1' }]);
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA002' }, { ...body, titleId: 'T-PA4' })).body).toMatchObject({
      status: 409,
      rule: 'R-LIMIT-1',
    });
    expect(await a.h.db.reservation.count({ where: { patron: { cardNumber: { in: ['PA002', 'PA003'] } } } })).toBe(1);
    const refusals = await a.h.db.staffAction.findMany({ where: { action: 'reserve', cardNumber: { in: ['PA002', 'PA003'] }, outcome: 'refused' } });
    expect(refusals.map((r) => r.rule).sort()).toEqual(['R-ACCOUNT-1', 'R-ITEM-1', 'R-ITEM-3', 'R-LIMIT-1']);
  });

  test('R-STAFF-1: not by e-mail (422 naming body.channel), an unknown title 422, an unknown patron 404; a patron who never logged in to My Library may still be served', async () => {
    await a.h.patron('PA005');
    await a.h.db.patron.update({ where: { cardNumber: 'PA005' }, data: { mustChangePassword: true } });
    await a.h.title('T-PA5', '八甲田', [{ item: 'PA5-1' }]);
    const email = await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA005' }, { titleId: 'T-PA5', pickup: 'pref', channel: 'email' });
    expect(email.status).toBe(422);
    expect(email.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.channel']);
    const unknown = await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA005' }, { titleId: 'T-NONE', pickup: 'pref', channel: 'phone' });
    expect(unknown.body).toMatchObject({ status: 422, errors: [{ field: 'body.titleId' }] });
    expect((await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'NOBODY' }, { titleId: 'T-PA5', pickup: 'pref', channel: 'phone' })).status).toBe(404);
    expect(await a.h.db.reservation.count({ where: { patron: { cardNumber: 'PA005' } } })).toBe(0);
    const placed = await a.post(STAFF_RESERVE, 'staff', { cardNumber: 'PA005' }, { titleId: 'T-PA5', pickup: 'pref', channel: 'phone' });
    expect(placed.body).toMatchObject({ status: 'APPLIED', placedVia: 'phone', staffActs: [{ action: 'reserve', by: { kind: 'key' } }] });
  });
});

describe('R-PICKUP-1, R-PICKUP-2: changing the pickup place (受取館変更)', () => {
  const MY_CHANGE = `${MINE}/pickup-place`;
  const CHANGE = `${R}/pickup-place`;

  test('R-PICKUP-1, R-PICKUP-2: the patron changes it while 確保待ち and keeps the queue place (R-CANCEL-3 then gives the copy to the new place); not once 貸出可能 (staff can)', async () => {
    for (const card of ['PB001', 'PB002', 'PB003']) await a.patron(card);
    await a.h.title('T-PB1', '津軽海峡', [{ item: 'PB1-1' }]);
    await a.h.advanceTo(w.at('2026-12-07T09:00')); // Monday
    const first = (await a.post(RESERVE, 'opac', { cardNumber: 'PB001' }, { titleId: 'T-PB1', pickup: 'pref' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2026-12-07T09:01'));
    const second = (await a.post(RESERVE, 'opac', { cardNumber: 'PB002' }, { titleId: 'T-PB1', pickup: 'coop:5' })).body.reservationId as string;
    const third = (await a.post(RESERVE, 'opac', { cardNumber: 'PB003' }, { titleId: 'T-PB1', pickup: 'pref' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2026-12-07T09:10'));
    expect((await a.get(R, 'staff', { reservationId: first })).body).toMatchObject({ status: 'READY' });
    expect((await a.get(R, 'staff', { reservationId: second })).body).toMatchObject({ status: 'WAITING', queuePosition: 1 });

    const changed = await a.post(MY_CHANGE, 'opac', { cardNumber: 'PB002', reservationId: second }, { pickup: 'pref' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ status: 'WAITING', queuePosition: 1, pickup: { code: 'pref' } });
    expect((await a.get(R, 'staff', { reservationId: second })).body).toMatchObject({
      pickupChanged: { from: 'coop:5' },
      staffActs: [], // the patron's own act: no staff act
    });
    expect((await a.get(R, 'staff', { reservationId: third })).body).toMatchObject({ queuePosition: 2 });
    // The same place again, and another patron's reservation (404).
    expect((await a.post(MY_CHANGE, 'opac', { cardNumber: 'PB002', reservationId: second }, { pickup: 'pref' })).body).toMatchObject({
      status: 409,
      rule: 'R-PICKUP-1',
    });
    expect((await a.post(MY_CHANGE, 'opac', { cardNumber: 'PB003', reservationId: second }, { pickup: 'coop:7' })).status).toBe(404);
    // 貸出可能: not in My Library; bad input names the field, nothing changes.
    expect((await a.post(MY_CHANGE, 'opac', { cardNumber: 'PB001', reservationId: first }, { pickup: 'coop:9' })).body).toMatchObject({
      status: 409,
      rule: 'R-PICKUP-1',
    });
    const bad = await a.post(MY_CHANGE, 'opac', { cardNumber: 'PB001', reservationId: first }, { pickup: 'coop:60' });
    expect(bad.body).toMatchObject({ status: 422, errors: [{ field: 'body.pickup' }] });
    expect((await a.get(R, 'staff', { reservationId: first })).body).toMatchObject({
      status: 'READY',
      pickup: { code: 'pref' },
      pickupChanged: null,
    });

    // R-CANCEL-3: the first reserver's copy goes to the head of the queue — to its new place.
    await a.post(`${R}/cancel`, 'staff', { reservationId: first }, { channel: 'phone' });
    expect((await a.get(R, 'staff', { reservationId: second })).body).toMatchObject({ status: 'READY', itemNumber: 'PB1-1' });
    expect((await a.get(R, 'staff', { reservationId: third })).body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
  });

  test('R-PICKUP-2, R-PREF-1, R-PREF-2: staff change 確保済み (before Thursday) to the prefectural library → 貸出可能 with the lending notice at once, held 7 days', async () => {
    await a.patron('PB010');
    await a.h.title('T-PB2', '岩木山', [{ item: 'PB2-1' }]);
    await a.h.advanceTo(w.at('2026-12-14T09:00')); // Monday
    const id = (await a.post(RESERVE, 'opac', { cardNumber: 'PB010' }, { titleId: 'T-PB2', pickup: 'coop:30' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2026-12-14T09:10'));
    expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'SECURED' });
    expect((await a.post(MY_CHANGE, 'opac', { cardNumber: 'PB010', reservationId: id }, { pickup: 'pref' })).body).toMatchObject({
      status: 409,
      rule: 'R-PICKUP-1',
    });
    await a.h.advanceTo(w.at('2026-12-15T11:00')); // Tuesday
    const changed = await a.post(CHANGE, 'counter', { reservationId: id }, { pickup: 'pref', channel: 'counter' });
    expect(changed.status).toBe(200);
    await a.h.settle();
    const after = (await a.get(R, 'staff', { reservationId: id })).body;
    expect(after).toMatchObject({
      status: 'READY',
      pickup: { code: 'pref' },
      dates: { pickupFrom: w.day('2026-12-15'), pickupUntil: w.day('2026-12-21') },
      pickupChanged: { from: 'coop:30' },
      mails: [{ kind: 'LENDING_NOTICE', state: 'SENT' }],
      staffActs: [{ action: 'changePickup', by: { staffNumber: 'T-COUNTER' }, outcome: 'done' }],
    });
    expect(after.transitions.map((t: { status: string; note?: string }) => [t.status, t.note ?? null])).toEqual([
      ['APPLIED', null],
      ['WAITING', null],
      ['SECURED', null],
      ['READY', 'R-PICKUP-2'],
    ]);
    expect((await a.h.db.item.findUniqueOrThrow({ where: { itemNumber: 'PB2-1' } })).status).toBe('AWAITING_PICKUP');
    const act = await a.h.db.staffAction.findFirstOrThrow({ where: { reservationId: id, action: 'changePickup' } });
    expect(act.details).toEqual({ channel: 'counter', from: 'coop:30', to: 'pref' });
    // Thursday passes it over: it is on the hold shelf, and collected there.
    await a.h.advanceTo(w.at('2026-12-17T10:05'));
    expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'READY' });
    expect((await a.post(`${R}/pickup`, 'staff', { reservationId: id }, { cardShown: true })).body).toMatchObject({ status: 'ON_LOAN' });
  });

  test('R-PICKUP-2, R-COOP-4: staff change 貸出可能 to a cooperating library → off the hold shelf, 確保済み, out at the next Thursday with its own notice; R-PICKUP-1: not once 配送中', async () => {
    await a.patron('PB020');
    await a.h.title('T-PB3', '恐山', [{ item: 'PB3-1' }]);
    await a.h.advanceTo(w.at('2026-12-21T09:00')); // Monday
    const id = (await a.post(RESERVE, 'opac', { cardNumber: 'PB020' }, { titleId: 'T-PB3', pickup: 'pref' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2026-12-21T09:10'));
    expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'READY', mails: [{ kind: 'LENDING_NOTICE' }] });
    await a.h.advanceTo(w.at('2026-12-22T10:00')); // Tuesday
    expect((await a.post(CHANGE, 'staff', { reservationId: id }, { pickup: 'coop:30', channel: 'phone' })).status).toBe(200);
    const secured = (await a.get(R, 'staff', { reservationId: id })).body;
    expect(secured).toMatchObject({ status: 'SECURED', pickup: { code: 'coop:30' }, pickupChanged: { from: 'pref' }, itemNumber: 'PB3-1' });
    expect(secured.dates.pickupUntil).toBeUndefined();
    expect((await a.h.db.item.findUniqueOrThrow({ where: { itemNumber: 'PB3-1' } })).status).toBe('IN_TRANSIT');
    const shelf = await a.get('/staff/hold-shelf', 'staff');
    expect(JSON.stringify(shelf.body)).not.toContain(id);
    // The hold's end passes without a release (it is no longer on the hold shelf).
    await a.h.advanceTo(w.at('2026-12-24T10:05')); // Thursday processing
    expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({
      status: 'IN_DELIVERY',
      dates: { processingDay: w.day('2026-12-24'), pickupFrom: w.day('2026-12-27'), pickupUntil: w.day('2027-01-03') },
    });
    expect((await a.post(CHANGE, 'staff', { reservationId: id }, { pickup: 'pref', channel: 'phone' })).body).toMatchObject({
      status: 409,
      rule: 'R-PICKUP-1',
    });
    await a.h.advanceTo(w.at('2026-12-26T09:30')); // Saturday: the cooperating library's notice, a second one
    const mails = (await a.get(R, 'staff', { reservationId: id })).body.mails as { kind: string; state: string }[];
    expect(mails.filter((m) => m.kind === 'LENDING_NOTICE').map((m) => m.state)).toEqual(['SENT', 'SENT']);
    const rows = await a.h.db.mailOutbox.findMany({ where: { reservationId: id, kind: 'LENDING_NOTICE' }, orderBy: { id: 'asc' } });
    expect(rows.map((m) => m.key)).toEqual([`lending-notice:${id}`, `lending-notice:${id}:pickup-1`]);
    expect([rows[0]!.holdUntil?.toISOString().slice(0, 10), rows[1]!.holdUntil?.toISOString().slice(0, 10)]).toEqual([
      w.day('2026-12-27'), // the prefectural hold the first notice gave (7 days from Monday 12-21)
      w.day('2027-01-03'), // the cooperating library's window
    ]);
  });
});

describe('R-SUSPEND-1, R-SUSPEND-2: suspending a waiting reservation (保留)', () => {
  const SUSPEND = `${MINE}/suspend`;
  const RESUME = `${MINE}/resume`;

  test('R-SUSPEND-1, R-CANCEL-3: suspended, it keeps its queue place but the copy passes it over; R-SUSPEND-2 bounds the day (422); R-SUSPEND-1 only 確保待ち', async () => {
    for (const card of ['PS001', 'PS002', 'PS003']) await a.patron(card);
    await a.h.title('T-PS1', '三内丸山', [{ item: 'PS1-1' }]);
    await a.h.advanceTo(w.at('2027-01-04T09:00')); // Monday
    const first = (await a.post(RESERVE, 'opac', { cardNumber: 'PS001' }, { titleId: 'T-PS1', pickup: 'pref' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2027-01-04T09:01'));
    const second = (await a.post(RESERVE, 'opac', { cardNumber: 'PS002' }, { titleId: 'T-PS1', pickup: 'pref' })).body.reservationId as string;
    const third = (await a.post(RESERVE, 'opac', { cardNumber: 'PS003' }, { titleId: 'T-PS1', pickup: 'pref' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2027-01-04T09:10'));
    const mine = { cardNumber: 'PS002', reservationId: second };
    expect((await a.post(SUSPEND, 'opac', mine, { until: w.day('2027-01-04') })).body).toMatchObject({ status: 422, rule: 'R-SUSPEND-2' });
    expect((await a.post(SUSPEND, 'opac', mine, { until: w.day('2027-04-05') })).body).toMatchObject({ status: 422, rule: 'R-SUSPEND-2' });
    expect((await a.post(SUSPEND, 'opac', mine, { until: '2027-02-30' })).body).toMatchObject({ status: 422, errors: [{ field: 'body.until' }] });
    expect((await a.post(RESUME, 'opac', mine)).body).toMatchObject({ status: 409, rule: 'R-SUSPEND-1' });
    const suspended = await a.post(SUSPEND, 'opac', mine, { until: w.day('2027-04-04') }); // 90 days ahead: the last allowed
    expect(suspended.body).toMatchObject({ status: 'WAITING', queuePosition: 1, dates: { suspendedUntil: w.day('2027-04-04') } });
    expect((await a.post(SUSPEND, 'opac', { cardNumber: 'PS001', reservationId: first }, { until: w.day('2027-01-20') })).body).toMatchObject({
      status: 409,
      rule: 'R-SUSPEND-1',
    });

    // R-CANCEL-3: the first reserver's copy goes past the suspended one to the next.
    await a.post(`${R}/cancel`, 'staff', { reservationId: first }, { channel: 'counter' });
    expect((await a.get(R, 'staff', { reservationId: third })).body).toMatchObject({ status: 'READY', itemNumber: 'PS1-1' });
    expect((await a.get(MINE, 'opac', mine)).body).toMatchObject({ status: 'WAITING', queuePosition: 1, itemNumber: null });

    // Staff move the day for the patron (a staff act), then the patron resumes at once.
    const moved = await a.post(`${R}/suspend`, 'counter', { reservationId: second }, { until: w.day('2027-01-11'), channel: 'phone' });
    expect(moved.body).toMatchObject({ dates: { suspendedUntil: w.day('2027-01-11') }, staffActs: [{ action: 'suspend', outcome: 'done' }] });
    const resumed = await a.post(RESUME, 'opac', mine);
    expect(resumed.body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    expect(resumed.body.dates.suspendedUntil).toBeUndefined();
    expect((await a.post(`${R}/resume`, 'staff', { reservationId: second }, { channel: 'phone' })).body).toMatchObject({
      status: 409,
      rule: 'R-SUSPEND-1',
    });
  });

  test('R-SUSPEND-1, R-STATUS-1: no copy is pulled for a suspended first reserver (a returned copy goes to the shelf); on its day it resumes by itself and the copy is listed and secured for it', async () => {
    const owner = await a.patron('PS010');
    await a.patron('PS011');
    await existingLoan(a.h, owner.id, 'PS2-1', 'T-PS2', w.day('2027-01-20'));
    await a.h.advanceTo(w.at('2027-01-11T09:00')); // Monday
    const id = (await a.post(RESERVE, 'opac', { cardNumber: 'PS011' }, { titleId: 'T-PS2', pickup: 'pref' })).body.reservationId as string;
    await a.h.advanceTo(w.at('2027-01-11T09:10'));
    expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    await a.post(SUSPEND, 'opac', { cardNumber: 'PS011', reservationId: id }, { until: w.day('2027-01-14') });

    await a.h.advanceTo(w.at('2027-01-12T10:00'));
    expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'PS2-1' })).status).toBe(200);
    await a.h.settle();
    expect((await a.h.db.item.findUniqueOrThrow({ where: { itemNumber: 'PS2-1' } })).status).toBe('ON_SHELF');
    expect(await a.h.db.pullListEntry.count({ where: { titleId: 'T-PS2' } })).toBe(0);
    expect((await a.get(R, 'staff', { reservationId: id })).body).toMatchObject({ status: 'WAITING', queuePosition: 1 });

    await a.h.advanceTo(w.at('2027-01-13T23:00')); // the day before: still suspended
    expect(await a.h.db.pullListEntry.count({ where: { titleId: 'T-PS2' } })).toBe(0);
    await a.h.advanceTo(w.at('2027-01-14T00:30')); // its day: resumed, listed, pulled (the stand-in at once), 貸出可能
    const after = (await a.get(R, 'staff', { reservationId: id })).body;
    expect(after).toMatchObject({ status: 'READY', itemNumber: 'PS2-1', mails: [{ kind: 'LENDING_NOTICE' }] });
    expect(after.dates.suspendedUntil).toBeUndefined();
    expect(await a.h.db.pullListEntry.count({ where: { titleId: 'T-PS2', state: 'PULLED' } })).toBe(1);
  });
});
