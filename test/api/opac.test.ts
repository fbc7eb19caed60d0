// The OPAC's side of the API: patron accounts (R-ACCOUNT-1), My Library (予約した資料, 借りている資料),
// cancel and renew with their rule ids, and what the OPAC may not do (roles, other patrons).
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';
const MY_LOANS = '/opac/patrons/{cardNumber}/loans';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-12-01T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.violations).toEqual([]);
  expect(a.serverErrors).toEqual([]);
});

async function newPatron(cardNumber: string, email?: string): Promise<string> {
  const r = await a.post('/staff/patrons', 'staff', {}, { cardNumber, name: `利用者 ${cardNumber}`, ...(email ? { email } : {}) });
  expect(r.status).toBe(201);
  return r.body.temporaryPassword as string;
}

async function readyPatron(cardNumber: string): Promise<void> {
  const temp = await newPatron(cardNumber, `${cardNumber.toLowerCase()}@example.jp`);
  expect((await a.loginPatron(cardNumber, temp)).status).toBe(200); // the patron token for the change
  const r = await a.put('/opac/patrons/{cardNumber}/password', 'opac', { cardNumber }, { currentPassword: temp, newPassword: 'aomori2026' });
  expect(r.status).toBe(200);
}

describe('R-ACCOUNT-1: patron accounts', () => {
  test('a temporary password must be changed before anything else; 8–20 letters and digits, both; an e-mail address before reserving', async () => {
    const temp = await newPatron('A0001');
    expect(temp).toMatch(/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{10}$/);
    const stored = await a.h.db.patron.findUniqueOrThrow({ where: { cardNumber: 'A0001' } });
    expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.passwordHash).not.toContain(temp);
    expect((await a.post('/staff/patrons', 'staff', {}, { cardNumber: 'A0001', name: 'x' })).body).toMatchObject({
      status: 409,
      errors: [{ field: 'body.cardNumber' }],
    });

    const login = await a.post('/opac/login', 'opac', {}, { cardNumber: 'A0001', password: temp });
    expect(login.body).toEqual({
      cardNumber: 'A0001',
      name: '利用者 A0001',
      mustChangePassword: true,
      emailRegistered: false,
      patronToken: expect.stringMatching(/^pt_/),
      patronTokenExpiresAt: expect.any(String),
    });
    await a.h.title('T-A1', '津軽', [{ item: 'A1-1' }]);
    for (const r of [
      await a.get('/opac/patrons/{cardNumber}', 'opac', { cardNumber: 'A0001' }),
      await a.get(RESERVE, 'opac', { cardNumber: 'A0001' }),
      await a.get(MY_LOANS, 'opac', { cardNumber: 'A0001' }),
      await a.post(RESERVE, 'opac', { cardNumber: 'A0001' }, { titleId: 'T-A1', pickup: 'pref' }),
      await a.put('/opac/patrons/{cardNumber}/email', 'opac', { cardNumber: 'A0001' }, { email: 'a1@example.jp' }),
    ]) {
      expect(r.body).toMatchObject({ status: 403, rule: 'R-ACCOUNT-1' });
    }

    const change = (currentPassword: string, newPassword: string) =>
      a.put('/opac/patrons/{cardNumber}/password', 'opac', { cardNumber: 'A0001' }, { currentPassword, newPassword });
    for (const bad of ['abc1234', 'abcdefghij1234567890x', 'abcdefgh', '12345678', 'abcd_1234', 'パスワード1234', temp]) {
      const r = await change(temp, bad);
      expect([bad, r.status, r.body.rule]).toEqual([bad, 422, 'R-ACCOUNT-1']);
    }
    expect((await change('wrong-password', 'aomori2026')).status).toBe(401);
    const changed = await change(temp, 'Aomori2026');
    expect(changed.body).toMatchObject({ cardNumber: 'A0001', mustChangePassword: false });
    expect((await a.post('/opac/login', 'opac', {}, { cardNumber: 'A0001', password: temp })).status).toBe(401);
    expect((await a.post('/opac/login', 'opac', {}, { cardNumber: 'A0001', password: 'Aomori2026' })).body.mustChangePassword).toBe(false);

    const noMail = await a.post(RESERVE, 'opac', { cardNumber: 'A0001' }, { titleId: 'T-A1', pickup: 'pref' });
    expect(noMail.body).toMatchObject({ status: 409, rule: 'R-ACCOUNT-1' });
    expect(noMail.body.ja).toContain('メールアドレスを登録');
    expect((await a.put('/opac/patrons/{cardNumber}/email', 'opac', { cardNumber: 'A0001' }, { email: 'not-an-address' })).body).toMatchObject({
      status: 422,
      errors: [{ field: 'body.email' }],
    });
    expect((await a.put('/opac/patrons/{cardNumber}/email', 'opac', { cardNumber: 'A0001' }, { email: 'a1@example.jp' })).body.email).toBe(
      'a1@example.jp',
    );
    expect((await a.post(RESERVE, 'opac', { cardNumber: 'A0001' }, { titleId: 'T-A1', pickup: 'pref' })).status).toBe(201);
  });

  test('login attempts are rate-limited per card number, known or not: 5 failures → 429 with Retry-After, even with the right password; open again after 15 minutes', async () => {
    await readyPatron('A0002');
    await a.h.advanceTo(w.at('2026-12-01T10:00'));
    const login = (cardNumber: string, password: string) => a.post('/opac/login', 'opac', {}, { cardNumber, password });
    for (let i = 0; i < 5; i++) expect((await login('A0002', `wrong${i}`)).status).toBe(401);
    const locked = await login('A0002', 'aomori2026');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.body.rule).toBe('R-ACCOUNT-1');
    // The lock is the card's: another card is not affected; a card nobody has is limited the same way.
    expect((await login('A0001', 'Aomori2026')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login('NOBODY', 'guess1234')).status).toBe(401);
    expect((await login('NOBODY', 'guess1234')).status).toBe(429);
    // Changing the password checks the current one the same way, under the same lock.
    expect(
      (
        await a.put(
          '/opac/patrons/{cardNumber}/password',
          'opac',
          { cardNumber: 'A0002' },
          { currentPassword: 'aomori2026', newPassword: 'hirosaki1' },
        )
      ).status,
    ).toBe(429);

    await a.h.advanceTo(w.at('2026-12-01T10:16'));
    expect((await login('A0002', 'aomori2026')).status).toBe(200);
    // 6 parallel wrong guesses cannot get past the limit together.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => login('A0002', `burst${i}`)));
    expect(burst.filter((r) => r.status === 401)).toHaveLength(5);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(3);
    // Staff issuing a new temporary password clears the lock.
    const reset = await a.post('/staff/patrons/{cardNumber}/temporary-password', 'staff', { cardNumber: 'A0002' });
    expect(reset.body.patron.mustChangePassword).toBe(true);
    expect((await login('A0002', reset.body.temporaryPassword)).body.mustChangePassword).toBe(true);
  });
});

describe('authorization', () => {
  test('no key or a wrong key → 401; the OPAC key on staff operations and the staff key on OPAC operations → 403; health and the document need no key', async () => {
    const none = await a.call('GET', '/staff/reservations');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await a.call('GET', '/staff/reservations', { headers: { authorization: 'Bearer not-a-key' } })).status).toBe(401);
    expect(
      (await a.call('GET', '/staff/reservations', { headers: { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` } })).status,
    ).toBe(401);
    expect((await a.get('/staff/reservations', 'opac')).body).toMatchObject({ status: 403, type: '/problems/forbidden' });
    expect((await a.post('/staff/checkouts', 'opac', {}, { cardNumber: 'A0001', itemNumber: 'A1-1' })).status).toBe(403);
    expect((await a.post('/opac/login', 'staff', {}, { cardNumber: 'A0001', password: 'x' })).status).toBe(403);
    expect((await a.get('/titles/{titleId}', 'staff', { titleId: 'T-A1' })).status).toBe(200);
    expect((await a.get('/healthz', undefined)).status).toBe(200);
    expect((await a.get('/readyz', undefined)).status).toBe(200);
    expect((await a.get('/metrics', undefined)).status).toBe(200);
    expect((await a.get('/openapi.json', undefined)).status).toBe(200);
    expect((await a.get('/docs', undefined)).status).toBe(200);
  });

  test("the OPAC acts only on the named patron's own reservations and loans: another patron's → 404", async () => {
    await readyPatron('A0010');
    await readyPatron('A0011');
    await a.h.title('T-A10', '他人の予約', [{ item: 'A10-1' }, { item: 'A10-2' }]);
    const mine = await a.post(RESERVE, 'opac', { cardNumber: 'A0010' }, { titleId: 'T-A10', pickup: 'pref' });
    const id = mine.body.reservationId as string;
    expect((await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', { cardNumber: 'A0010', reservationId: id })).status).toBe(
      200,
    );
    expect((await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', { cardNumber: 'A0011', reservationId: id })).status).toBe(
      404,
    );
    expect(
      (await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', { cardNumber: 'A0011', reservationId: id })).status,
    ).toBe(404);
    expect((await a.get(RESERVE, 'opac', { cardNumber: 'A0011' })).body.items).toEqual([]);
    const lent = await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'A0010', itemNumber: 'A10-2' });
    expect((await a.post('/opac/patrons/{cardNumber}/loans/{loanId}/renew', 'opac', { cardNumber: 'A0011', loanId: lent.body.loanId })).status).toBe(
      404,
    );
    expect((await a.get(RESERVE, 'trusted', { cardNumber: 'NOSUCH' })).status).toBe(404);
    expect(
      (await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', { cardNumber: 'A0010', reservationId: 'no-such-id' })).status,
    ).toBe(404);
  });
});

describe('My Library', () => {
  test('予約した資料: placed → 予約申込 → 貸出可能 with pickup dates; the patron cannot cancel once secured (R-CANCEL-1); a queued one shows its 予約順位 and can be cancelled; an ended one cannot (R-CANCEL-2)', async () => {
    await readyPatron('A0020');
    await readyPatron('A0021');
    await a.h.title('T-A20', '奥の細道', [{ item: 'A20-1' }]);
    await a.h.advanceTo(w.at('2026-12-07T10:00'));
    const placed = await a.post(RESERVE, 'opac', { cardNumber: 'A0020' }, { titleId: 'T-A20', pickup: 'pref' });
    expect(placed.body).toMatchObject({ status: 'APPLIED', statusLabel: '予約申込', queuePosition: null, waitingAhead: 0 });
    expect(placed.headers.get('location')).toBe(`/opac/patrons/A0020/reservations/${placed.body.reservationId}`);
    await a.h.advanceTo(w.at('2026-12-07T10:01'));
    const second = await a.post(RESERVE, 'opac', { cardNumber: 'A0021' }, { titleId: 'T-A20', pickup: 'coop:3' });
    await a.h.advanceTo(w.at('2026-12-07T10:10'));

    const list = await a.get(RESERVE, 'opac', { cardNumber: 'A0020' });
    expect(list.body.items).toEqual([
      expect.objectContaining({
        reservationId: placed.body.reservationId,
        status: 'READY',
        statusLabel: '貸出可能',
        pickup: { code: 'pref', label: '青森県立図書館' },
        pickupFrom: w.day('2026-12-07'),
        pickupUntil: w.day('2026-12-13'),
        patronMayCancel: false,
        itemNumber: 'A20-1',
      }),
    ]);
    const cancelReady = await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', {
      cardNumber: 'A0020',
      reservationId: placed.body.reservationId,
    });
    expect(cancelReady.body).toMatchObject({ status: 409, rule: 'R-CANCEL-1' });
    expect(cancelReady.body.ja).toContain('電話');

    const theirs = await a.get(RESERVE, 'opac', { cardNumber: 'A0021' });
    expect(theirs.body.items[0]).toMatchObject({
      status: 'WAITING',
      statusLabel: '確保待ち',
      queuePosition: 1,
      patronMayCancel: true,
      pickup: { code: 'coop:3' },
    });
    const detail = await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', {
      cardNumber: 'A0021',
      reservationId: second.body.reservationId,
    });
    expect(detail.body).toMatchObject({ status: 'WAITING', queuePosition: 1 });
    expect(detail.body.transitions.map((t: { status: string }) => t.status)).toEqual(['APPLIED', 'WAITING']);
    const cancelled = await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', {
      cardNumber: 'A0021',
      reservationId: second.body.reservationId,
    });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', statusLabel: '取消' });
    const again = await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', {
      cardNumber: 'A0021',
      reservationId: second.body.reservationId,
    });
    expect(again.body).toMatchObject({ status: 409, rule: 'R-CANCEL-2' });
    expect((await a.get(RESERVE, 'opac', { cardNumber: 'A0021' })).body.items).toEqual([]);
  });

  test('R-ITEM-1, R-ITEM-2, R-ITEM-3: a magazine, a 禁帯 copy, the same title twice → 409 with the rule; an unknown title or pickup number → 422 naming the field', async () => {
    await readyPatron('A0030');
    await a.h.title('T-MAG', '月刊 青森', [{ item: 'MAG-1', type: 'MAGAZINE' }]);
    await a.h.title('T-REF', '青森県史', [{ item: 'REF-1', status: 'NOT_FOR_LOAN' }]);
    await a.h.title('T-OK', '津軽', [{ item: 'OK-1' }]);
    const reserve = (titleId: string, pickup: unknown = 'pref') => a.post(RESERVE, 'opac', { cardNumber: 'A0030' }, { titleId, pickup });
    expect((await reserve('T-MAG')).body).toMatchObject({ status: 409, rule: 'R-ITEM-1' });
    expect((await reserve('T-REF')).body).toMatchObject({ status: 409, rule: 'R-ITEM-2', ja: '「禁帯」の資料は貸出(予約)できません。' });
    expect((await reserve('T-OK')).status).toBe(201);
    expect((await reserve('T-OK', 'coop:5')).body).toMatchObject({ status: 409, rule: 'R-ITEM-3' });
    expect((await reserve('T-NONE')).body).toMatchObject({ status: 422, errors: [{ field: 'body.titleId' }] });
    for (const pickup of [7, 'coop:0', 'coop:60', 'coop:7.5', 'coop:07', '3', 'Pref', null]) {
      expect((await reserve('T-OK', pickup)).body).toMatchObject({ status: 422, errors: [expect.objectContaining({ field: 'body.pickup' })] });
    }
  });

  test('借りている資料: due date, renewals left, the earliest renewal day and why a renewal is blocked; R-RENEW-4 (e-mail), R-RENEW-3, R-RENEW-1 refusals; a renewal in the window', async () => {
    await readyPatron('A0040');
    await readyPatron('A0041');
    await a.h.title('T-A40', '斜陽', [{ item: 'A40-1' }]);
    await a.h.title('T-A41', '人間失格', [{ item: 'A41-1' }, { item: 'A41-2', status: 'ON_LOAN' }]);
    await a.h.advanceTo(w.at('2026-12-14T10:00'));
    const l1 = await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'A0040', itemNumber: 'A40-1' });
    expect(l1.body).toMatchObject({ itemNumber: 'A40-1', due: w.day('2026-12-28') });
    const l2 = await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'A0040', itemNumber: 'A41-1' });

    const loans = await a.get(MY_LOANS, 'opac', { cardNumber: 'A0040' });
    expect(loans.body.items).toHaveLength(2);
    expect(loans.body.items.find((l: { loanId: string }) => l.loanId === l1.body.loanId)).toMatchObject({
      loanId: l1.body.loanId,
      title: '斜陽',
      status: 'ON_LOAN',
      statusLabel: '貸出一般',
      itemStatus: '貸出一般',
      due: w.day('2026-12-28'),
      renewalsLeft: 2,
      renewFrom: w.day('2026-12-25'),
      overdue: false,
      renewalBlockedBy: { rule: 'R-RENEW-3' },
    });
    const renew = (loanId: string, body: unknown = {}) =>
      a.post('/opac/patrons/{cardNumber}/loans/{loanId}/renew', 'opac', { cardNumber: 'A0040', loanId }, body);
    expect((await renew(l1.body.loanId, { channel: 'email' })).body).toMatchObject({ status: 409, rule: 'R-RENEW-4' });
    expect((await renew(l1.body.loanId)).body).toMatchObject({ status: 409, rule: 'R-RENEW-3' });

    // Another patron reserves the second title: that loan cannot be renewed (R-RENEW-1).
    await a.post(RESERVE, 'opac', { cardNumber: 'A0041' }, { titleId: 'T-A41', pickup: 'pref' });
    await a.h.advanceTo(w.at('2026-12-25T09:00'));
    const now = await a.get(MY_LOANS, 'opac', { cardNumber: 'A0040' });
    expect(now.body.items.find((l: { loanId: string }) => l.loanId === l2.body.loanId).renewalBlockedBy.rule).toBe('R-RENEW-1');
    expect((await renew(l2.body.loanId)).body).toMatchObject({ status: 409, rule: 'R-RENEW-1' });
    const renewed = await renew(l1.body.loanId, { channel: 'opac' });
    expect(renewed.body).toMatchObject({
      loanId: l1.body.loanId,
      due: w.day('2027-01-04'),
      renewalsUsed: 1,
      renewalsLeft: 1,
      renewFrom: w.day('2027-01-01'),
    });
  });
});
