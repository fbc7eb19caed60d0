// POST /staff/thursday-runs while another run is in progress: one Thursday run at a time
// (src/activities/thursday.ts). Staff get 409 /problems/thursday-run-in-progress (never a 500), nothing
// is done, and a retry once it has finished gets the summary; concurrent runs lend each copy once.
import { PROCESSING_LOCK } from '../../src/activities/thursday';
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const RUNS = '/staff/thursday-runs';

beforeAll(async () => {
  a = await ApiHarness.start({ thursday: false }); // only staff run the processing here
  w = weekShift('2026-12-07T09:00', await a.h.now());
  const p = await a.h.patron('U0001');
  for (const i of [1, 2, 3]) await a.h.title(`T-U${i}`, `題名 U${i}`, [{ item: `U${i}-1` }]);
  await a.h.advanceTo(w.at('2026-12-07T09:00'));
  for (const i of [1, 2, 3]) await a.h.reserve({ reservationId: `U-${i}`, patronId: p.id, titleId: `T-U${i}`, pickup: 'coop:30' });
  await a.h.advanceTo(w.at('2026-12-10T10:30')); // Thursday, after its processing moment
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]); // every answer is documented (the 409 included) and a problem document
});

test('while a run holds the processing lock: 409 thursday-run-in-progress, nothing done; the same Idempotency-Key is tried afresh afterwards', async () => {
  const processingDay = w.day('2026-12-10');
  const held = await a.h.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${PROCESSING_LOCK}))::text AS held`; // as a run in progress holds it
    return [await a.post(RUNS, 'staff', {}, { processingDay }), await a.post(RUNS, 'staff', {}, { processingDay }, { idempotencyKey: 'run-1210' })];
  });
  for (const res of held) {
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body).toMatchObject({ type: '/problems/thursday-run-in-progress', title: 'Thursday processing is already running' });
    expect(res.body.ja).toMatch(/貸出処理を実行中です/);
    expect(res.body.en).toMatch(/already running/);
  }
  expect(await a.h.db.thursdayRun.count()).toBe(0);
  expect(await a.h.db.loan.count()).toBe(0);

  // Once it has gone: the retry with the same key runs (the 409 was not kept as the key's answer).
  const retried = await a.post(RUNS, 'staff', {}, { processingDay }, { idempotencyKey: 'run-1210' });
  expect(retried.status).toBe(200);
  expect(retried.headers.get('idempotent-replayed')).toBeNull();
  expect(retried.body).toMatchObject({ processingDay, processed: 3, dispatched: 3 });
});

test('concurrent runs by hand for one processing day: one does the work, the others answer 409 or the same summary; never a 500; each copy lent once', async () => {
  const processingDay = w.day('2026-12-17');
  const p = await a.h.db.patron.findUniqueOrThrow({ where: { cardNumber: 'U0001' } });
  for (const i of [4, 5, 6, 7]) await a.h.title(`T-U${i}`, `題名 U${i}`, [{ item: `U${i}-1` }]);
  await a.h.advanceTo(w.at('2026-12-14T09:00'));
  for (const i of [4, 5, 6, 7]) await a.h.reserve({ reservationId: `U-${i}`, patronId: p.id, titleId: `T-U${i}`, pickup: 'coop:19' });
  await a.h.advanceTo(w.at('2026-12-17T10:30'));

  const answers = await Promise.all([1, 2, 3].map(() => a.post(RUNS, 'staff', {}, { processingDay })));
  const statuses = answers.map((r) => r.status);
  expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
  const done = answers.filter((r) => r.status === 200).map((r) => r.body);
  expect(done.length).toBeGreaterThan(0);
  for (const b of done) expect(b).toEqual(done[0]);
  expect(done[0]).toMatchObject({ processingDay, processed: 4, dispatched: 4 });
  expect(await a.h.db.loan.count({ where: { reservationId: { in: ['U-4', 'U-5', 'U-6', 'U-7'] } } })).toBe(4);
  // Afterwards: the stored summary, whoever asks.
  expect((await a.post(RUNS, 'staff', {}, { processingDay })).body).toEqual(done[0]);
});
