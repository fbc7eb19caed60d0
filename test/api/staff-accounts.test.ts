// Staff accounts (issue 10, part 3): each member of staff signs in with an account of their own — a
// temporary password to change first, sessions that end (idle, absolute, sign-out, a disabled account, a
// password change or reset), admin-only account operations, sign-ins rate-limited — and every staff act
// is recorded with who did it, shown in the reservation's staff detail.
import { createHash } from 'node:crypto';
import { authenticator } from '../../src/api/auth';
import { apiContext } from '../../src/api/deps';
import { ApiProblem } from '../../src/api/problem';
import { recordStaffAct } from '../../src/api/staff-acts';
import { bootstrapAdmin, DEFAULT_STAFF_SESSION_POLICY } from '../../src/services/staff-accounts';
import { API_KEYS, ApiHarness, HARNESS_STAFF, KEY } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const R = '/staff/reservations/{reservationId}';

beforeAll(async () => {
  // The limits an operator gets by default (8 hours idle, 12 hours at most), not the harness's long ones.
  a = await ApiHarness.start({ staffSessions: DEFAULT_STAFF_SESSION_POLICY });
  w = weekShift('2026-12-01T08:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

const signIn = (staffNumber: string, password: string) => a.call('POST', '/staff/login', { body: { staffNumber, password } });
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const staffList = (token: string) => a.call('GET', '/staff/reservations', { headers: as(token) });
const changeOwn = (token: string, currentPassword: string, newPassword: string) =>
  a.call('POST', '/staff/password', { headers: as(token), body: { currentPassword, newPassword } });

/** An account made by the admin, its password changed; returns a session token. */
async function counterAccount(staffNumber: string, name: string, password = 'Counter-2026-pw'): Promise<string> {
  const made = await a.post('/staff/accounts', 'admin', {}, { staffNumber, name, role: 'counter' });
  expect(made.status).toBe(201);
  const first = await signIn(staffNumber, made.body.temporaryPassword);
  expect((await changeOwn(first.body.token, made.body.temporaryPassword, password)).status).toBe(200);
  return first.body.token as string;
}

describe('signing in', () => {
  test('an admin creates an account with a temporary password; its first sign-in can only change it (403 elsewhere); the change opens the staff operations and ends the other sessions', async () => {
    await a.h.advanceTo(w.at('2026-12-01T08:00'));
    const made = await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'S100', name: '青森 一郎', role: 'counter' });
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe('/staff/accounts/S100');
    const temp = made.body.temporaryPassword as string;
    expect(temp).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(made.body.account).toMatchObject({ staffNumber: 'S100', name: '青森 一郎', role: 'counter', mustChangePassword: true, disabled: false });
    const stored = await a.h.db.staffAccount.findUniqueOrThrow({ where: { staffNumber: 'S100' } });
    expect(stored.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.passwordHash).not.toContain(temp);

    const first = await signIn('S100', temp);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token: expect.stringMatching(/^st_[A-Za-z0-9_-]{43}$/),
      idleTimeoutSeconds: 8 * 3600,
      staff: { staffNumber: 'S100', mustChangePassword: true },
    });
    expect(new Date(first.body.expiresAt).getTime() - (await a.h.now()).getTime()).toBeGreaterThan(11.9 * 3_600_000);
    // Only the SHA-256 of the token is kept.
    const hash = createHash('sha256').update(first.body.token).digest('hex');
    expect(await a.h.db.staffSession.count({ where: { tokenHash: hash } })).toBe(1);
    expect(JSON.stringify(await a.h.db.staffSession.findMany())).not.toContain(first.body.token.slice(3));

    const refused = await staffList(first.body.token);
    expect(refused.body).toMatchObject({ status: 403, type: '/problems/password-change-required' });
    expect(refused.body.ja).toContain('仮パスワード');
    const other = await signIn('S100', temp);
    expect((await changeOwn(first.body.token, temp, 'short1')).body).toMatchObject({ status: 422, errors: [{ field: 'body.newPassword' }] });
    expect((await changeOwn(first.body.token, temp, temp)).body).toMatchObject({ status: 422, errors: [{ field: 'body.newPassword' }] });
    expect((await changeOwn(first.body.token, temp, 'onlyletterspassword')).status).toBe(422);
    expect((await changeOwn(first.body.token, 'not-the-password', 'Aomori-2026-counter')).status).toBe(401);
    const changed = await changeOwn(first.body.token, temp, 'Aomori-2026-counter');
    expect(changed.body).toMatchObject({ staffNumber: 'S100', mustChangePassword: false });

    expect((await staffList(first.body.token)).status).toBe(200);
    expect((await staffList(other.body.token)).status).toBe(401); // the other session ended with the change
    expect((await signIn('S100', temp)).status).toBe(401);
    expect((await signIn('S100', 'Aomori-2026-counter')).body.staff.mustChangePassword).toBe(false);
  });

  test('a session ends after 8 hours without a request, 12 hours after the sign-in at most, and at sign-out', async () => {
    await a.h.advanceTo(w.at('2026-12-02T08:00'));
    const token = await counterAccount('S101', '弘前 二郎');
    await a.h.advanceTo(w.at('2026-12-02T15:59'));
    expect((await staffList(token)).status).toBe(200); // 7 h 59 min idle: still on, and seen now
    await a.h.advanceTo(w.at('2026-12-02T19:58'));
    expect((await staffList(token)).status).toBe(200); // 3 h 59 min idle, 11 h 58 min old
    await a.h.advanceTo(w.at('2026-12-02T20:01'));
    const old = await staffList(token); // 12 h 1 min after the sign-in
    expect(old.status).toBe(401);
    expect(old.body.en).toMatch(/expired/);

    const idle = (await signIn('S101', 'Counter-2026-pw')).body.token as string;
    expect((await staffList(idle)).status).toBe(200);
    await a.h.advanceTo(w.at('2026-12-03T04:02'));
    expect((await staffList(idle)).status).toBe(401); // 8 h 1 min without a request

    const out = (await signIn('S101', 'Counter-2026-pw')).body.token as string;
    expect((await a.call('POST', '/staff/logout', { headers: as(out) })).body).toEqual({ ended: true });
    expect((await staffList(out)).status).toBe(401);
    expect((await a.call('POST', '/staff/logout', { headers: as(out) })).status).toBe(401);
    expect((await staffList('st_not-a-session-token-at-all-0123456789abc')).status).toBe(401);
  });

  test('sign-ins are rate-limited per staff number, known or not: 5 failures → 429 with Retry-After, even with the right password; an admin reset clears the lock; open again after 15 minutes', async () => {
    await a.h.advanceTo(w.at('2026-12-04T09:00'));
    await counterAccount('S102', '八戸 三郎');
    for (let i = 0; i < 5; i++) expect((await signIn('S102', `wrong-${i}-password`)).status).toBe(401);
    const locked = await signIn('S102', 'Counter-2026-pw');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    for (let i = 0; i < 5; i++) expect((await signIn('S-NOBODY', `guess-${i}-2026`)).status).toBe(401);
    expect((await signIn('S-NOBODY', 'guess-5-2026')).status).toBe(429);
    // A patron's card number of the same letters is another counter.
    expect((await a.post('/opac/login', 'opac', {}, { cardNumber: 'S102', password: 'x' })).status).toBe(401);

    await a.h.advanceTo(w.at('2026-12-04T09:16'));
    expect((await signIn('S102', 'Counter-2026-pw')).status).toBe(200);
    for (let i = 0; i < 6; i++) await signIn('S102', `again-${i}-password`);
    expect((await signIn('S102', 'Counter-2026-pw')).status).toBe(429);
    const reset = await a.post('/staff/accounts/{staffNumber}/reset-password', 'admin', { staffNumber: 'S102' });
    expect(reset.body.account.mustChangePassword).toBe(true);
    expect((await signIn('S102', reset.body.temporaryPassword)).body.staff.mustChangePassword).toBe(true);
  });
});

describe('admin operations', () => {
  test('only an admin signed in: a counter, a staff key and the OPAC get 403; listed by staff number', async () => {
    for (const who of ['counter', 'staff', 'opac'] as const) {
      expect([who, (await a.get('/staff/accounts', who)).status]).toEqual([who, 403]);
      expect([who, (await a.post('/staff/accounts', who, {}, { staffNumber: 'S199', name: 'x', role: 'admin' })).status]).toEqual([who, 403]);
      expect([who, (await a.post('/staff/accounts/{staffNumber}/disable', who, { staffNumber: 'S100' })).status]).toEqual([who, 403]);
      expect([who, (await a.post('/staff/accounts/{staffNumber}/reset-password', who, { staffNumber: 'S100' })).status]).toEqual([who, 403]);
    }
    // Signing out and one's own password are a person's: a staff key has neither.
    expect((await a.post('/staff/logout', 'staff', {})).status).toBe(403);
    expect((await a.post('/staff/password', 'staff', {}, { currentPassword: 'x', newPassword: 'y' })).status).toBe(403);
    const list = await a.get('/staff/accounts', 'admin');
    const numbers = list.body.items.map((s: { staffNumber: string }) => s.staffNumber);
    expect(numbers).toEqual([...numbers].sort());
    expect(list.body.items).toContainEqual(expect.objectContaining({ staffNumber: HARNESS_STAFF.admin.staffNumber, role: 'admin' }));
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|passwordHash/);
    expect((await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'S100', name: 'x', role: 'counter' })).body).toMatchObject({
      status: 409,
      errors: [{ field: 'body.staffNumber' }],
    });
    expect((await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'S1x!', name: 'x', role: 'counter' })).status).toBe(422);
    expect((await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'S198', name: 'x', role: 'chief' })).status).toBe(422);
  });

  test('disabling an account ends its sessions at once and refuses its sign-in; enabled again it signs in; nobody disables their own account', async () => {
    const token = await counterAccount('S103', '五所川原 四郎');
    expect((await staffList(token)).status).toBe(200);
    const disabled = await a.post('/staff/accounts/{staffNumber}/disable', 'admin', { staffNumber: 'S103' });
    expect(disabled.body).toMatchObject({ staffNumber: 'S103', disabled: true });
    expect((await staffList(token)).status).toBe(401);
    expect((await signIn('S103', 'Counter-2026-pw')).status).toBe(401);
    expect((await a.post('/staff/accounts/{staffNumber}/disable', 'admin', { staffNumber: 'S103' })).body.disabled).toBe(true); // again: no change
    expect((await a.post('/staff/accounts/{staffNumber}/enable', 'admin', { staffNumber: 'S103' })).body.disabled).toBe(false);
    expect((await staffList(token)).status).toBe(401); // an ended session stays ended
    expect((await signIn('S103', 'Counter-2026-pw')).status).toBe(200);

    const self = await a.post('/staff/accounts/{staffNumber}/disable', 'admin', { staffNumber: HARNESS_STAFF.admin.staffNumber });
    expect(self.body).toMatchObject({ status: 409, type: '/problems/conflict' });
    expect((await a.get('/staff/accounts', 'admin')).status).toBe(200);
    expect((await a.post('/staff/accounts/{staffNumber}/disable', 'admin', { staffNumber: 'S-NONE' })).status).toBe(404);

    // A reset ends the sessions too.
    const again = (await signIn('S103', 'Counter-2026-pw')).body.token as string;
    await a.post('/staff/accounts/{staffNumber}/reset-password', 'admin', { staffNumber: 'S103' });
    expect((await staffList(again)).status).toBe(401);
  });

  test('the first admin (STAFF_BOOTSTRAP_ADMIN): created once with its temporary password to change, never reset by a later start', async () => {
    const admin = { staffNumber: 'S-BOOT', name: '初代 管理者', temporaryPassword: 'Bootstrap-2026-temp' };
    expect(await bootstrapAdmin(a.h.db, admin)).toBe('created');
    const first = await signIn('S-BOOT', admin.temporaryPassword);
    expect(first.body.staff).toMatchObject({ role: 'admin', mustChangePassword: true });
    expect((await a.call('GET', '/staff/accounts', { headers: as(first.body.token) })).status).toBe(403);
    expect((await changeOwn(first.body.token, admin.temporaryPassword, 'Boot-admin-2026-own')).status).toBe(200);
    expect((await a.call('GET', '/staff/accounts', { headers: as(first.body.token) })).status).toBe(200);
    expect(await bootstrapAdmin(a.h.db, admin)).toBe('exists');
    expect((await signIn('S-BOOT', admin.temporaryPassword)).status).toBe(401); // not reset
  });
});

describe('every staff act records who did it', () => {
  test("a staff cancel through a session shows the staff number and name in the reservation's staff detail; a refused one its rule; a staff key's act the key's name", async () => {
    await a.patron('SA01');
    await a.h.title('T-SA1', '職員の記録', [{ item: 'SA1-1', status: 'ON_LOAN' }]);
    await a.h.title('T-SA2', '鍵の記録', [{ item: 'SA2-1', status: 'ON_LOAN' }]);
    const place = async (titleId: string) =>
      (await a.post('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'SA01' }, { titleId, pickup: 'pref' })).body
        .reservationId as string;
    const id = await place('T-SA1');
    const byMail = await a.post(`${R}/cancel`, 'counter', { reservationId: id }, { channel: 'email' });
    expect(byMail.body).toMatchObject({ status: 409, rule: 'R-CANCEL-2' });
    const cancelled = await a.post(`${R}/cancel`, 'counter', { reservationId: id }, { channel: 'phone' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    const counter = { kind: 'staff', staffNumber: HARNESS_STAFF.counter.staffNumber, name: HARNESS_STAFF.counter.name };
    const acts = [
      { at: expect.any(String), action: 'cancel', by: counter, outcome: 'refused', rule: 'R-CANCEL-2' },
      { at: expect.any(String), action: 'cancel', by: counter, outcome: 'done' },
    ];
    expect(cancelled.body.staffActs).toEqual(acts);
    const detail = await a.get(R, 'staff', { reservationId: id });
    expect(detail.body.staffActs).toEqual(acts);
    expect(detail.body.transitions.map((t: { status: string }) => t.status)).toContain('CANCELLED');
    // The record names the patron's card for staff searches; the OPAC's view of the reservation has no staff acts.
    expect(await a.h.db.staffAction.findMany({ where: { reservationId: id }, orderBy: { id: 'asc' } })).toEqual([
      expect.objectContaining({ actorKind: 'staff', actor: 'T-COUNTER', cardNumber: 'SA01', outcome: 'refused', problem: 'rule-refusal' }),
      expect.objectContaining({ actorKind: 'staff', actor: 'T-COUNTER', cardNumber: 'SA01', outcome: 'done', details: { channel: 'phone' } }),
    ]);
    const mine = await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', { cardNumber: 'SA01', reservationId: id });
    expect(mine.body).not.toHaveProperty('staffActs');

    const viaKey = await place('T-SA2');
    await a.post(`${R}/cancel`, 'staff', { reservationId: viaKey }, { channel: 'counter' });
    expect((await a.get(R, 'admin', { reservationId: viaKey })).body.staffActs).toEqual([
      { at: expect.any(String), action: 'cancel', by: { kind: 'key', keyName: 'staff-test', name: 'staff-test' }, outcome: 'done' },
    ]);
    expect((await a.post(`${R}/cancel`, 'counter', { reservationId: 'no-such-reservation' }, { channel: 'phone' })).status).toBe(404);
    expect(await a.h.db.staffAction.findFirst({ where: { reservationId: 'no-such-reservation' } })).toMatchObject({
      outcome: 'refused',
      problem: 'not-found',
      rule: null,
    });
  });

  test('every staff route that changes something records its act, whoever is signed in; the counter, patrons, libraries, Thursday runs', async () => {
    const since = await a.h.db.staffAction.count();
    await a.patron('SA02');
    await a.h.title('T-SA3', 'カウンターの本', [{ item: 'SA3-1' }]);
    const lent = await a.post('/staff/checkouts', 'counter', {}, { cardNumber: 'SA02', itemNumber: 'SA3-1' });
    expect(lent.status).toBe(201);
    const loanId = lent.body.loanId as string;
    await a.post('/staff/loans/{loanId}/renew', 'counter', { loanId }, { channel: 'phone' }); // R-RENEW-3: too early
    await a.post('/staff/loans/{loanId}/return', 'admin', { loanId }, { place: 'pref' });
    await a.post('/staff/check-ins', 'counter', {}, { itemNumber: 'SA3-1' });
    await a.put('/staff/patrons/{cardNumber}/loan-limit', 'counter', { cardNumber: 'SA02' }, { loanLimit: 5 });
    await a.post('/staff/patrons', 'counter', {}, { cardNumber: 'SA03', name: '記録 三子' });
    await a.post('/staff/patrons/{cardNumber}/temporary-password', 'counter', { cardNumber: 'SA03' });
    await a.put('/staff/libraries/{no}/open', 'admin', { no: 12 }, { isOpen: false });
    await a.put('/staff/libraries/{no}/open', 'admin', { no: 12 }, { isOpen: true });
    await a.post('/staff/thursday-runs', 'counter', {}, { processingDay: w.day('2026-12-04') }); // not a Thursday: 422
    const rows = (await a.h.db.staffAction.findMany({ orderBy: { id: 'asc' } })).slice(since);
    expect(rows.map((r) => [r.action, r.actor, r.outcome, r.rule ?? r.problem])).toEqual([
      ['checkout', 'T-COUNTER', 'done', null],
      ['renew', 'T-COUNTER', 'refused', 'R-RENEW-3'],
      ['return', 'T-ADMIN', 'done', null],
      ['check-in', 'T-COUNTER', 'done', null],
      ['loan-limit', 'T-COUNTER', 'done', null],
      ['patron-create', 'T-COUNTER', 'done', null],
      ['patron-temporary-password', 'T-COUNTER', 'done', null],
      ['library-closed', 'T-ADMIN', 'done', null],
      ['library-open', 'T-ADMIN', 'done', null],
      ['thursday-run', 'T-COUNTER', 'refused', 'validation'],
    ]);
    expect(rows[0]).toMatchObject({ cardNumber: 'SA02', itemNumber: 'SA3-1', actorName: '窓口 太郎', finishedAt: expect.any(Date) });
    expect(rows[2]).toMatchObject({ cardNumber: 'SA02', itemNumber: 'SA3-1', details: { loanId, place: 'pref' } });
    expect(rows[4]!.details).toEqual({ loanLimit: 5 });
    expect(rows[7]!.details).toEqual({ libraryNo: 12 });
    // Never a password in the record.
    expect(JSON.stringify(rows.map((r) => r.details))).not.toMatch(/password/i);
  });

  test("the row is written 'pending' before the work and stays so when the outcome is unknown (an error that is not a refusal)", async () => {
    const ctx = apiContext({ db: a.h.db, keys: API_KEYS, clock: () => a.h.now() } as never);
    const caller = { kind: 'staff' as const, keyName: 'staff:S900', role: 'staff' as const, staffNumber: 'S900', name: '試験 職員' };
    let during: unknown;
    await expect(
      recordStaffAct(ctx, caller, { action: 'test-crash', itemNumber: 'X-1' }, async () => {
        during = (await a.h.db.staffAction.findFirstOrThrow({ where: { action: 'test-crash' } })).outcome;
        throw new Error('the process lost its database connection');
      }),
    ).rejects.toThrow(/lost its database/);
    expect(during).toBe('pending');
    expect(await a.h.db.staffAction.findFirstOrThrow({ where: { action: 'test-crash' } })).toMatchObject({ outcome: 'pending', finishedAt: null });
    await expect(
      recordStaffAct(ctx, caller, { action: 'test-refused' }, async (found) => {
        found({ reservationId: 'R-FOUND' });
        throw new ApiProblem(409, 'rule-refusal', '拒否', 'Refused', { rule: 'R-CANCEL-2' });
      }),
    ).rejects.toBeInstanceOf(ApiProblem);
    expect(await a.h.db.staffAction.findFirstOrThrow({ where: { action: 'test-refused' } })).toMatchObject({
      outcome: 'refused',
      rule: 'R-CANCEL-2',
      reservationId: 'R-FOUND',
      actor: 'S900',
    });
  });
});

test('STAFF_KEY_ACCESS=off: a staff API key is refused (401, naming the switch); sessions and the OPAC key are not affected', async () => {
  const session = { kind: 'staff' as const, keyName: 'staff:S1', role: 'staff' as const };
  const auth = authenticator(API_KEYS, { staffKeys: false, staffSession: async (t) => (t === 'st_ok' ? session : null) });
  const req = (authorization: string) => ({ get: (h: string) => (h.toLowerCase() === 'authorization' ? authorization : undefined) }) as never;
  await expect(auth(req(`Bearer ${KEY.staff}`))).rejects.toMatchObject({ status: 401, en: expect.stringMatching(/STAFF_KEY_ACCESS=off/) });
  await expect(auth(req('Bearer st_ok'))).resolves.toBe(session);
  await expect(auth(req(`Bearer ${KEY.opac}`))).resolves.toMatchObject({ kind: 'key', keyName: 'opac-test', role: 'opac' });
  await expect(auth(req(`Bearer ${KEY.trusted}`))).resolves.toMatchObject({ kind: 'key', role: 'opac', trusted: true });
  const on = authenticator(API_KEYS, { staffSession: async () => null });
  await expect(on(req(`Bearer ${KEY.staff}`))).resolves.toMatchObject({ kind: 'key', keyName: 'staff-test', role: 'staff' });
});
