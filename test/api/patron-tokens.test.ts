// The OPAC acts for a patron only with that patron's token (docs/spec.md §11 Decision, R-ACCOUNT-1):
// POST /opac/login hands it out; every /opac/patrons/{cardNumber}/… call with an OPAC key that is not
// trusted needs it for exactly that card — another card 403, none / forged / expired / revoked by a
// password change 401 — and a trusted key (role opac-trusted) needs none.
import { apiRoutes } from '../../src/api/app';
import { actsForPatron } from '../../src/api/patron-access';
import { DEFAULT_PATRON_TOKEN_TTL_MS, PatronTokens } from '../../src/api/patron-tokens';
import { ApiHarness, PATRON_PASSWORD } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const PROFILE = '/opac/patrons/{cardNumber}';
const RESERVE = '/opac/patrons/{cardNumber}/reservations';

beforeAll(async () => {
  // The lifetime an operator gets by default (30 minutes), not the harness's long one.
  a = await ApiHarness.start({ patronTokenTtlMs: DEFAULT_PATRON_TOKEN_TTL_MS });
  w = weekShift('2026-12-01T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

const profile = (cardNumber: string, patronToken?: string | null) => a.call('GET', PROFILE, { as: 'opac', params: { cardNumber }, patronToken });

test("the right card's token: 200; another card's: 403 naming R-ACCOUNT-1, nothing done; none, a forged one or another secret's: 401 — before the card is even looked up", async () => {
  await a.h.advanceTo(w.at('2026-12-01T09:00'));
  await a.patron('P0001');
  await a.patron('P0002');
  await a.h.title('T-P1', 'トークンの本', [{ item: 'P1-1' }]);
  const mine = a.patronTokens.get('P0001')!;
  expect(mine).toMatch(/^pt_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  expect((await profile('P0001')).body).toMatchObject({ cardNumber: 'P0001' });

  const other = await profile('P0002', mine);
  expect(other.body).toMatchObject({ status: 403, type: '/problems/forbidden', rule: 'R-ACCOUNT-1' });
  const theirs = await a.call('POST', RESERVE, {
    as: 'opac',
    params: { cardNumber: 'P0002' },
    patronToken: mine,
    body: { titleId: 'T-P1', pickup: 'pref' },
  });
  expect(theirs.body).toMatchObject({ status: 403, rule: 'R-ACCOUNT-1' });
  expect(await a.h.db.reservation.count({ where: { patron: { cardNumber: 'P0002' } } })).toBe(0);

  const none = await profile('P0001', null);
  expect(none.body).toMatchObject({ status: 401, type: '/problems/unauthorized', rule: 'R-ACCOUNT-1' });
  expect(none.body.en).toMatch(/X-Patron-Token/);
  // An OPAC key without a token learns nothing about a card: unknown and known cards answer alike.
  expect((await profile('NOBODY', null)).status).toBe(401);
  expect((await profile('NOBODY', mine)).status).toBe(403);
  const forged = `${mine.slice(0, -2)}${mine.endsWith('AA') ? 'BB' : 'AA'}`;
  expect((await profile('P0001', forged)).status).toBe(401);
  const [, payload] = /^pt_([^.]+)\./.exec(mine)!;
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  const relabelled = Buffer.from(JSON.stringify({ ...claims, c: 'P0002' })).toString('base64url');
  expect((await profile('P0002', `pt_${relabelled}.${mine.split('.')[1]}`)).status).toBe(401); // the signature covers the card
  const elsewhere = new PatronTokens('another-secret-of-some-32-characters!').issue('P0001', 'scrypt$x', await a.h.now()).token;
  expect((await profile('P0001', elsewhere)).status).toBe(401);
  expect((await profile('P0001', 'not a token')).status).toBe(401);

  // Every operation that acts for the patron in the path asks for the token (those added later too).
  const all = apiRoutes().flat();
  const routes = all.filter((r) => actsForPatron(r));
  expect(routes).toEqual(all.filter((r) => r.path.startsWith('/opac/patrons/{cardNumber}')));
  expect(routes.map((r) => r.operationId)).toEqual(
    expect.arrayContaining([
      'cancelMyReservation',
      'changePassword',
      'getMyProfile',
      'getMyReservation',
      'listMyLoans',
      'listMyReservations',
      'placeReservation',
      'registerEmail',
      'renewMyLoan',
    ]),
  );
  for (const r of routes) {
    // Valid-looking values for whatever else the path names: the token is asked for before they are read.
    const params = { cardNumber: 'P0001', reservationId: 'x', loanId: '00000000-0000-4000-8000-000000000000', noticeId: '1' };
    const res = await a.call(r.method.toUpperCase(), r.path, { as: 'opac', params, patronToken: null, ...(r.body ? { body: {} } : {}) });
    expect([r.operationId, res.status, res.body.rule]).toEqual([r.operationId, 401, 'R-ACCOUNT-1']);
  }
});

test('a token expires after 30 minutes (PATRON_TOKEN_MINUTES): 401 saying so; the patron logs in again', async () => {
  await a.patron('P0003'); // logged in now
  const start = await a.h.now();
  const token = a.patronTokens.get('P0003')!;
  await a.h.advanceTo(new Date(start.getTime() + 29 * 60_000));
  expect((await profile('P0003', token)).status).toBe(200);
  await a.h.advanceTo(new Date(start.getTime() + 31 * 60_000));
  const expired = await profile('P0003', token);
  expect(expired.body).toMatchObject({ status: 401, rule: 'R-ACCOUNT-1' });
  expect(expired.body.en).toMatch(/expired/);
  const again = await a.loginPatron('P0003');
  expect(new Date(again.body.patronTokenExpiresAt).getTime() - (await a.h.now()).getTime()).toBeGreaterThan(29 * 60_000);
  expect((await profile('P0003')).status).toBe(200);
});

test('a password change revokes the tokens issued before it and answers with a new one; a temporary password issued by staff revokes them too', async () => {
  await a.patron('P0004');
  const first = a.patronTokens.get('P0004')!;
  const second = (await a.loginPatron('P0004')).body.patronToken as string;
  expect((await profile('P0004', first)).status).toBe(200);
  const changed = await a.put(
    '/opac/patrons/{cardNumber}/password',
    'opac',
    { cardNumber: 'P0004' },
    { currentPassword: PATRON_PASSWORD, newPassword: 'aomori2027' },
    { patronToken: first },
  );
  expect(changed.body).toMatchObject({ cardNumber: 'P0004', patronToken: expect.stringMatching(/^pt_/) });
  for (const old of [first, second]) expect((await profile('P0004', old)).body).toMatchObject({ status: 401, rule: 'R-ACCOUNT-1' });
  expect((await profile('P0004', changed.body.patronToken)).status).toBe(200);

  // passwordChangedAt alone revokes what was issued before it (whatever the hash).
  const now = await a.h.now();
  await a.h.db.patron.update({ where: { cardNumber: 'P0004' }, data: { passwordChangedAt: new Date(now.getTime() + 1000) } });
  expect((await profile('P0004', changed.body.patronToken)).status).toBe(401);
  await a.h.db.patron.update({ where: { cardNumber: 'P0004' }, data: { passwordChangedAt: now } });

  const issued = await a.post('/staff/patrons/{cardNumber}/temporary-password', 'staff', { cardNumber: 'P0004' });
  expect((await profile('P0004', changed.body.patronToken)).status).toBe(401);
  const temp = await a.loginPatron('P0004', issued.body.temporaryPassword);
  expect(temp.body.mustChangePassword).toBe(true);
  expect((await profile('P0004')).body).toMatchObject({ status: 403, rule: 'R-ACCOUNT-1' }); // the token is right; the temporary password is not changed yet
});

test('a trusted OPAC key (role opac-trusted) acts without a patron token: for an OPAC that authenticates its patrons itself', async () => {
  await a.h.patron('P0005'); // no password at all: the OPAC authenticated the patron
  await a.h.title('T-P5', '信頼の本', [{ item: 'P5-1' }]);
  expect((await a.get(PROFILE, 'trusted', { cardNumber: 'P0005' })).body).toMatchObject({ cardNumber: 'P0005' });
  expect((await a.post(RESERVE, 'trusted', { cardNumber: 'P0005' }, { titleId: 'T-P5', pickup: 'pref' })).status).toBe(201);
  expect((await a.get(PROFILE, 'trusted', { cardNumber: 'NOBODY' })).status).toBe(404);
  // …and the untrusted key still cannot.
  expect((await a.get(PROFILE, 'opac', { cardNumber: 'P0005' })).status).toBe(401);
});
