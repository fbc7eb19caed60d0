// R-LIMIT-1 and the title queue under concurrent HTTP requests, and the Idempotency-Key: the real
// app over real HTTP against the time-skipping Temporal server and a real Postgres.
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RESERVE = '/opac/patrons/{cardNumber}/reservations';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-12-07T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.violations).toEqual([]);
  expect(a.serverErrors).toEqual([]);
});

test('R-LIMIT-1: 25 concurrent reservation requests for one patron over HTTP end with exactly 20 reservations; the other 5 are refused with the rule', async () => {
  const p = await a.patron('C0001');
  for (let i = 0; i < 25; i++) await a.h.title(`T-C${i}`, `題名 ${i}`, [{ item: `C-${i}`, status: 'ON_LOAN' }]);
  await a.h.advanceTo(w.at('2026-12-07T09:00'));
  const responses = await Promise.all(
    Array.from({ length: 25 }, (_, i) => a.post(RESERVE, 'opac', { cardNumber: 'C0001' }, { titleId: `T-C${i}`, pickup: 'pref' })),
  );
  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(20);
  expect(statuses.filter((s) => s === 409)).toHaveLength(5);
  for (const r of responses.filter((x) => x.status === 409)) {
    expect(r.body).toMatchObject({ rule: 'R-LIMIT-1', status: 409 });
    expect(r.body.ja).toContain('20冊');
  }
  expect(await a.h.db.reservation.count({ where: { patronId: p.id } })).toBe(20);
  const mine = await a.get(RESERVE, 'opac', { cardNumber: 'C0001' });
  expect(mine.body.items).toHaveLength(20);
  const profile = await a.get('/opac/patrons/{cardNumber}', 'opac', { cardNumber: 'C0001' });
  expect(profile.body.reservations).toBe(20);
});

test('R-ITEM-3: 10 concurrent reservations for a one-copy title over HTTP → the queue is 1…10 with no gaps, in the projection and in every workflow', async () => {
  await a.h.title('T-Q', '一冊だけの本', [{ item: 'Q-1', status: 'ON_LOAN' }]);
  for (let i = 0; i < 10; i++) await a.patron(`Q${String(i).padStart(4, '0')}`);
  await a.h.advanceTo(w.at('2026-12-08T09:00'));
  const responses = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      a.post(RESERVE, 'opac', { cardNumber: `Q${String(i).padStart(4, '0')}` }, { titleId: 'T-Q', pickup: 'coop:3' }),
    ),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
  await a.h.advanceTo(w.at('2026-12-08T09:10')); // past the 5-minute security delay (R-STATUS-1)

  const list = await a.get('/staff/reservations', 'staff', {}, { title: 'T-Q', status: 'WAITING', pageSize: 50 });
  expect(list.status).toBe(200);
  expect(list.body.total).toBe(10);
  const positions = list.body.items.map((r: { queuePosition: number }) => r.queuePosition).sort((x: number, y: number) => x - y);
  expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  for (const r of responses) {
    const detail = await a.get('/staff/reservations/{reservationId}', 'staff', { reservationId: r.body.reservationId });
    const listed = list.body.items.find((x: { reservationId: string }) => x.reservationId === r.body.reservationId);
    expect(detail.body).toMatchObject({ status: 'WAITING', statusLabel: '確保待ち', queuePosition: listed.queuePosition });
    expect((await a.h.e.workflowState(r.body.reservationId)).status).toBe('WAITING'); // the workflow was told the same
  }
  const title = await a.get('/titles/{titleId}', 'opac', { titleId: 'T-Q' });
  expect(title.body).toMatchObject({ waiting: 10, copies: [{ itemNumber: 'Q-1', status: '貸出一般' }] });
});

describe('Idempotency-Key', () => {
  test('a repeated POST returns the first result without acting twice; another body with the same key → 422', async () => {
    await a.patron('I0001');
    await a.h.title('T-I1', '同じ鍵', [{ item: 'I1-1' }]);
    await a.h.title('T-I2', '別の本', [{ item: 'I2-1' }]);
    const first = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I1', pickup: 'pref' }, { idempotencyKey: 'key-1' });
    const again = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I1', pickup: 'pref' }, { idempotencyKey: 'key-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await a.h.db.reservation.count({ where: { titleId: 'T-I1' } })).toBe(1);

    const other = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I2', pickup: 'pref' }, { idempotencyKey: 'key-1' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await a.h.db.reservation.count({ where: { titleId: 'T-I2' } })).toBe(0);

    // Without a key, the same request is a new request: R-ITEM-3 refuses a second reservation of the title.
    const noKey = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I1', pickup: 'pref' });
    expect(noKey.body).toMatchObject({ status: 409, rule: 'R-ITEM-3' });
  });

  test('8 concurrent requests with one key: one reservation; each answer is the first result or 409 (still in progress)', async () => {
    await a.patron('I0002');
    await a.h.title('T-I3', '同時の鍵', [{ item: 'I3-1' }]);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        a.post(RESERVE, 'opac', { cardNumber: 'I0002' }, { titleId: 'T-I3', pickup: 'pref' }, { idempotencyKey: 'same-key' }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of created) expect(r.body.reservationId).toBe(created[0]!.body.reservationId);
    for (const r of responses.filter((x) => x.status !== 201))
      expect(r.body).toMatchObject({ status: 409, type: '/problems/idempotency-in-progress' });
    expect(await a.h.db.reservation.count({ where: { titleId: 'T-I3' } })).toBe(1);
  });

  test('a refusal is a result too: the repeat gets the same 409 even after the state changed; keys are per API key; staff POSTs take keys as well', async () => {
    await a.patron('I0003');
    await a.h.title('T-I4', '雑誌', [{ item: 'I4-1', type: 'MAGAZINE' }]);
    const refused = await a.post(RESERVE, 'opac', { cardNumber: 'I0003' }, { titleId: 'T-I4', pickup: 'pref' }, { idempotencyKey: 'refused-once' });
    expect(refused.body).toMatchObject({ status: 409, rule: 'R-ITEM-1' });
    await a.h.db.item.update({ where: { itemNumber: 'I4-1' }, data: { materialType: 'BOOK' } });
    const repeat = await a.post(RESERVE, 'opac', { cardNumber: 'I0003' }, { titleId: 'T-I4', pickup: 'pref' }, { idempotencyKey: 'refused-once' });
    expect(repeat.status).toBe(409);
    expect(repeat.body).toEqual(refused.body);
    expect(repeat.headers.get('content-type')).toContain('application/problem+json');
    const fresh = await a.post(RESERVE, 'opac', { cardNumber: 'I0003' }, { titleId: 'T-I4', pickup: 'pref' }, { idempotencyKey: 'refused-twice' });
    expect(fresh.status).toBe(201);

    const c1 = await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'I0003', itemNumber: 'I3-1' }, { idempotencyKey: 'refused-once' });
    const c2 = await a.post('/staff/checkouts', 'staff', {}, { cardNumber: 'I0003', itemNumber: 'I3-1' }, { idempotencyKey: 'refused-once' });
    expect(c1.status).toBe(201); // the same key string under another API key is another key
    expect(c1.headers.get('idempotent-replayed')).toBeNull();
    expect(c2.status).toBe(201);
    expect(c2.body).toEqual(c1.body);
    expect(c2.headers.get('idempotent-replayed')).toBe('true');
    expect(await a.h.db.loan.count({ where: { itemNumber: 'I3-1' } })).toBe(1);
  });

  test('a first request still in progress → 409 with Retry-After; a malformed key → 400 naming the header', async () => {
    await a.h.db.idempotencyRecord.create({
      data: { id: 'opac-test:stuck', method: 'POST', path: '/opac/patrons/I0001/reservations', requestHash: 'x' },
    });
    const stuck = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I2', pickup: 'pref' }, { idempotencyKey: 'stuck' });
    expect(stuck.status).toBe(422); // another request hash: reused key wins over "in progress"
    const hash = (await a.h.db.idempotencyRecord.findFirstOrThrow({ where: { id: 'opac-test:key-1' } })).requestHash;
    await a.h.db.idempotencyRecord.create({
      data: { id: 'opac-test:stuck-2', method: 'POST', path: '/opac/patrons/I0001/reservations', requestHash: hash },
    });
    const inProgress = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I1', pickup: 'pref' }, { idempotencyKey: 'stuck-2' });
    expect(inProgress.status).toBe(409);
    expect(inProgress.headers.get('retry-after')).toBe('1');
    const bad = await a.post(RESERVE, 'opac', { cardNumber: 'I0001' }, { titleId: 'T-I1', pickup: 'pref' }, { idempotencyKey: 'ä'.repeat(3) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('header.Idempotency-Key');
  });
});
