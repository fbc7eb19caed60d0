// Issue 9, "no orphan, no double": a process may die at any moment of a placement or of a request with
// an Idempotency-Key. No reservation is left without its workflow (src/services/workflow-starter.ts), none
// gets a second one, and a key whose first request's process is dead is free again at once
// (src/api/process-liveness.ts). Real Postgres, the real time-skipping Temporal server and worker.
import { defaultPayloadConverter, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { IdempotencyStore } from '../../src/api/idempotency';
import { ProcessLiveness } from '../../src/api/process-liveness';
import { openDb, type Db } from '../../src/db/client';
import { placeReservation } from '../../src/services/place-reservation';
import { startPendingWorkflows } from '../../src/services/workflow-starter';
import { ApiHarness } from '../support/api-harness';

let a: ApiHarness;
/** The database as a second process sees it: its own connections. */
let other: Db;
const livenesses: ProcessLiveness[] = [];

beforeAll(async () => {
  a = await ApiHarness.start();
  other = openDb(a.h.t.url);
}, 120_000);
afterAll(async () => {
  await Promise.all(livenesses.map((l) => l.close()));
  await other?.$disconnect();
  await a?.stop();
});
afterEach(() => {
  expect(a.violations).toEqual([]);
  expect(a.serverErrors).toEqual([]);
});

/** A Temporal client of a process killed right after the placing transaction committed: the start never happens. */
const killedBeforeStart = {
  workflow: {
    start: () => Promise.reject(new Error('process killed before the workflow start')),
  },
} as unknown as Client;

/** Places a reservation the way the API does, in a process that dies between the commit and the start. */
async function placeAndDie(reservationId: string, patronId: string, titleId: string, config?: { securityDelayMs: number }) {
  await expect(
    placeReservation(a.h.db, killedBeforeStart, a.h.taskQueue, {
      reservationId,
      patronId,
      titleId,
      pickup: 'pref',
      at: await a.h.now(),
      ...(config ? { config } : {}),
    }),
  ).rejects.toThrow('process killed');
}

const pass = (db: Db = a.h.db) => startPendingWorkflows(db, a.h.client, a.h.taskQueue);
const started = (reservationId: string) => a.h.db.reservation.findUniqueOrThrow({ where: { id: reservationId } }).then((r) => r.workflowStartedAt);
const staffView = (reservationId: string) => a.get('/staff/reservations/{reservationId}', 'staff', { reservationId });

describe('no reservation without its workflow (the starter)', () => {
  test('a reservation committed whose workflow start never happened is started by the starter with the input the placement would have passed, and proceeds: after the security delay it is 貸出可能 (R-STATUS-1)', async () => {
    const p = await a.h.patron('N0001');
    await a.h.title('T-N1', '落ちた後の本', [{ item: 'N1-1' }]);
    const id = '00000000-0000-4000-8000-00000000a001';
    await placeAndDie(id, p.id, 'T-N1', { securityDelayMs: 60_000 });

    // As the killed process left it: the row, no workflow.
    expect(await started(id)).toBeNull();
    await expect(a.h.handle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect((await staffView(id)).body).toMatchObject({ status: 'APPLIED', statusLabel: '予約申込' });

    expect(await pass()).toEqual({ started: [id], alreadyStarted: [] });
    expect(await started(id)).toBeInstanceOf(Date);
    const history = await a.h.handle(id).fetchHistory();
    const input = defaultPayloadConverter.fromPayload(history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!);
    const row = await a.h.db.reservation.findUniqueOrThrow({ where: { id } });
    expect(input).toEqual({
      reservationId: id,
      patronId: p.id,
      titleId: 'T-N1',
      pickup: 'pref',
      placedAt: row.placedAt.toISOString(),
      config: { securityDelayMs: 60_000 },
    });

    await a.h.advanceTo(new Date((await a.h.now()).getTime() + 2 * 60_000));
    expect((await staffView(id)).body).toMatchObject({ status: 'READY', statusLabel: '貸出可能' });
  });

  test('the starter run twice, or by two processes at once, starts each reservation once; a started but unmarked one is only marked', async () => {
    const p = await a.h.patron('N0002');
    await a.h.title('T-N2', '二つ目', [{ item: 'N2-1', status: 'ON_LOAN' }]);
    await a.h.title('T-N3', '三つ目', [{ item: 'N3-1', status: 'ON_LOAN' }]);
    const [x, y] = ['00000000-0000-4000-8000-00000000a002', '00000000-0000-4000-8000-00000000a003'];
    await placeAndDie(x, p.id, 'T-N2');
    await placeAndDie(y, p.id, 'T-N3');

    const both = await Promise.all([pass(a.h.db), pass(other)]);
    expect(both.flatMap((b) => b.started).sort()).toEqual([x, y]);
    expect(both.flatMap((b) => b.alreadyStarted)).toEqual([]);
    expect(await pass()).toEqual({ started: [], alreadyStarted: [] });
    const runOfX = (await a.h.handle(x).describe()).runId;

    // Killed between the start and its mark: the next pass finds the workflow running and marks the row.
    await a.h.db.reservation.update({ where: { id: x }, data: { workflowStartedAt: null } });
    expect(await pass()).toEqual({ started: [], alreadyStarted: [x] });
    expect(await started(x)).toBeInstanceOf(Date);
    expect((await a.h.handle(x).describe()).runId).toBe(runOfX);

    // Default delay (5 minutes), then both join their titles' queues: one workflow each, one transition each.
    await a.h.advanceTo(new Date((await a.h.now()).getTime() + 6 * 60_000));
    for (const id of [x, y]) {
      expect((await staffView(id)).body).toMatchObject({ status: 'WAITING', statusLabel: '確保待ち', queuePosition: 1 });
      expect(await a.h.db.reservationTransition.count({ where: { reservationId: id, status: 'WAITING' } })).toBe(1);
    }
  });

  test('a reservation whose workflow has ended is never started again, neither by the starter nor by a repeated placement', async () => {
    const p = await a.patron('N0003');
    await a.h.title('T-N4', '取り消した本', [{ item: 'N4-1' }]);
    const id = '00000000-0000-4000-8000-00000000a004';
    await placeAndDie(id, p.id, 'T-N4');
    expect((await pass()).started).toEqual([id]);
    const cancelled = await a.post('/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel', 'opac', {
      cardNumber: 'N0003',
      reservationId: id,
    });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    await a.h.settle();
    const ended = await a.h.handle(id).describe();
    expect(ended.status.name).toBe('COMPLETED');

    // The mark lost (killed between start and mark): the ended workflow counts as started.
    await a.h.db.reservation.update({ where: { id }, data: { workflowStartedAt: null } });
    expect(await pass()).toEqual({ started: [], alreadyStarted: [id] });
    await a.h.db.reservation.update({ where: { id }, data: { workflowStartedAt: null } });
    const repeated = await placeReservation(a.h.db, a.h.client, a.h.taskQueue, {
      reservationId: id,
      patronId: p.id,
      titleId: 'T-N4',
      pickup: 'pref',
      at: await a.h.now(),
    });
    expect(repeated).toMatchObject({ ok: true, reservationId: id });
    const after = await a.h.handle(id).describe();
    expect({ runId: after.runId, status: after.status.name }).toEqual({ runId: ended.runId, status: 'COMPLETED' });
    expect((await staffView(id)).body).toMatchObject({ status: 'CANCELLED', statusLabel: '取消' });
  });
});

describe('Idempotency-Key: the first request’s process known dead frees the key at once', () => {
  const req = { method: 'POST', path: '/opac/patrons/N0009/reservations', body: { titleId: 'T-N9', pickup: 'pref' } };
  const hold = async () => {
    const l = await ProcessLiveness.hold(a.h.t.url);
    livenesses.push(l);
    return l;
  };

  test('a claim owned by a live process answers 409; once that process’s lock connection is closed (it died) the key is taken over at once, and the dead one can no longer store or forget anything', async () => {
    const first = await hold();
    const second = await hold();
    const storeOfFirst = new IdempotencyStore(a.h.db, first);
    const storeOfSecond = new IdempotencyStore(other, second);

    const claimed = await storeOfFirst.begin('opac-test:died-mid-request', req);
    if (!('claim' in claimed)) throw new Error('expected a claim');
    await expect(storeOfSecond.begin('opac-test:died-mid-request', req)).rejects.toMatchObject({ status: 409 }); // alive: in progress

    await first.close(); // the process is gone: its connection, and so its lock, with it
    const taken = await storeOfSecond.begin('opac-test:died-mid-request', req);
    if (!('claim' in taken)) throw new Error('expected the key to be taken over');
    await storeOfFirst.forget(claimed.claim); // nothing of the first may touch the new holder's record
    await storeOfFirst.complete(claimed.claim, { status: 201, body: { from: 'first' } });
    // The new holder is alive: another request still gets 409.
    await expect(new IdempotencyStore(a.h.db).begin('opac-test:died-mid-request', req)).rejects.toMatchObject({ status: 409 });
    await storeOfSecond.complete(taken.claim, { status: 201, body: { from: 'second' } });
    expect(await storeOfFirst.begin('opac-test:died-mid-request', req)).toEqual({ replay: { status: 201, body: { from: 'second' } } });
  });

  test('an owner alive but hung is still taken over after 2 minutes', async () => {
    const hung = await hold();
    const claimed = await new IdempotencyStore(a.h.db, hung).begin('opac-test:hung', req);
    if (!('claim' in claimed)) throw new Error('expected a claim');
    await expect(new IdempotencyStore(other).begin('opac-test:hung', req)).rejects.toMatchObject({ status: 409 });
    await a.h.db.$executeRaw`UPDATE idempotency_record SET "createdAt" = "createdAt" - interval '3 minutes' WHERE id = 'opac-test:hung'`;
    expect(await new IdempotencyStore(other).begin('opac-test:hung', req)).toHaveProperty('claim');
  });
});
