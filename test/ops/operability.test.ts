// What an operator sees of the API (src/ops, src/api/request-log.ts): one JSON log line per request
// naming the operation, the reservation and its workflow — and no card number or key; metrics counted
// by path template and status; /readyz naming the dependency that fails; the worker role's own
// /healthz, /readyz and /metrics.
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { openDb } from '../../src/db/client';
import { freeLoopbackPort } from '../../src/infra/local-postgres';
import { createLogger, temporalLogger } from '../../src/ops/logger';
import { listenGracefully } from '../../src/ops/graceful-close';
import { registerLibraryMetrics } from '../../src/ops/library-metrics';
import { ServiceMetrics } from '../../src/ops/metrics';
import { startOpsServer } from '../../src/ops/ops-server';
import { databaseCheck, Readiness, temporalCheck, workerCheck } from '../../src/ops/readiness';
import { IdempotencyStore } from '../../src/api/idempotency';
import { sweep } from '../../src/services/housekeeping';
import { thursdayByHand } from '../../src/services/thursday-by-hand';
import { API_KEYS, ApiHarness, KEY } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';

type Line = Record<string, unknown>;
const lines: Line[] = [];
const rawLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString().split('\n').filter(Boolean)) {
      rawLines.push(l);
      lines.push(JSON.parse(l) as Line);
    }
    done();
  },
});
const logger = createLogger({ level: 'debug', role: 'all', destination: sink });

let a: ApiHarness;
let w: WeekShift;
beforeAll(async () => {
  a = await ApiHarness.start({ logger });
  w = weekShift('2026-11-30T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors).toEqual([]);
  expect(a.violations).toEqual([]);
});

test('each request is one JSON line: request id (given or made), operation template, status, time, caller, reservation and workflow — never the card number or the key', async () => {
  await a.patron('L0001');
  await a.h.title('T-L1', '運用の本', [{ item: 'L1-1' }]);
  await a.h.advanceTo(w.at('2026-11-30T09:00'));
  const placed = await a.call('POST', '/opac/patrons/{cardNumber}/reservations', {
    as: 'opac',
    params: { cardNumber: 'L0001' },
    body: { titleId: 'T-L1', pickup: 'pref' },
    headers: { 'x-request-id': 'opac-req-42' },
  });
  expect(placed.status).toBe(201);
  expect(placed.headers.get('x-request-id')).toBe('opac-req-42');
  const id = placed.body.reservationId as string;
  const viewed = await a.get('/staff/reservations/{reservationId}', 'staff', { reservationId: id });
  const made = viewed.headers.get('x-request-id')!;
  expect(made).toMatch(/^[0-9a-f-]{36}$/); // none given: one is made
  await a.get('/staff/reservations/{reservationId}', 'staff', { reservationId: 'no-such-reservation' });
  // A request id that is not a sensible token is replaced, not echoed.
  const odd = await a.call('GET', '/pickup-places', { as: 'staff', headers: { 'x-request-id': 'a b/c"; drop' } });
  expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

  const requestLines = lines.filter((l) => l.msg === 'request');
  expect(requestLines.find((l) => l.requestId === 'opac-req-42')).toEqual({
    level: 'info',
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    service: 'online-lending',
    role: 'all',
    msg: 'request',
    requestId: 'opac-req-42',
    method: 'POST',
    route: '/opac/patrons/{cardNumber}/reservations',
    status: 201,
    ms: expect.any(Number),
    caller: 'opac-test',
    reservationId: id,
    workflowId: `reservation-${id}`,
  });
  expect(requestLines.find((l) => l.requestId === made)).toMatchObject({
    route: '/staff/reservations/{reservationId}',
    status: 200,
    caller: 'staff-test',
    reservationId: id,
  });
  expect(requestLines.find((l) => l.status === 404)).toMatchObject({
    route: '/staff/reservations/{reservationId}',
    reservationId: 'no-such-reservation',
  });
  // The patron's secret stays out of the log: no card number, no key.
  for (const raw of rawLines) {
    expect(raw).not.toContain('L0001');
    expect(raw).not.toContain(KEY.opac);
    expect(raw).not.toContain(KEY.staff);
  }
});

test('metrics: requests counted and timed by method, path template and status; an unknown path counts as "unmatched"', async () => {
  await a.get('/staff/reservations/{reservationId}', 'staff', { reservationId: 'x1' });
  await a.get('/staff/reservations/{reservationId}', 'staff', { reservationId: 'x2' });
  await fetch(`${a.baseUrl}/no/such/path`);
  const text = await a.metrics.render();
  expect(text).toMatch(/^http_requests_total\{method="GET",route="\/staff\/reservations\/\{reservationId\}",status="404"\} [3-9]$/m);
  expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
  expect(text).toMatch(
    /^http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/opac\/patrons\/\{cardNumber\}\/reservations",status="201"\} 1$/m,
  );
  expect(text).not.toMatch(/x1|x2|L0001/); // concrete ids never become labels
});

test("the library's numbers: reservations by status, lending notices by outbox state, the oldest unsent notice, the last Thursday run — read at each scrape; a database that does not answer leaves them out without failing the scrape", async () => {
  // No Thursday run yet — made so, not assumed: the first test's clock may have passed a Thursday
  // 10:00 JST (the weekly workflow then ran), depending on the weekday the suite runs on.
  await a.h.db.thursdayRun.deleteMany({});
  const m = new ServiceMetrics();
  registerLibraryMetrics(m, a.h.db, () => new Date('2030-01-01T00:00:00Z'));
  const before = await m.render();
  expect(before).toMatch(/^lending_reservations\{status="APPLIED"\} 1$/m); // placed in the first test, not yet secured
  expect(before).toMatch(/^lending_reservations\{status="RELEASED"\} 0$/m);
  expect(before).toMatch(/^lending_mail_outbox\{state="SENDING"\} 0$/m);
  expect(before).toMatch(/^lending_mail_outbox_oldest_pending_seconds 0$/m);
  expect(before).toMatch(/^lending_pull_list_oldest_seconds 0$/m);
  expect(before).not.toMatch(/^lending_thursday_run_last_finished_seconds /m); // no run yet: absent, not 0 (1970)

  await a.h.db.mailOutbox.create({
    data: {
      key: 'metrics-probe',
      reservationId: 'R-M',
      kind: 'lending-notice',
      to: 'x@example.jp',
      subject: 's',
      body: 'b',
      holdFrom: new Date('2029-12-31'),
      holdUntil: new Date('2030-01-07'),
      createdAt: new Date('2029-12-31T23:59:00Z'),
    },
  });
  await a.h.db.thursdayRun.create({
    data: { processingDate: new Date('2029-12-27'), startedAt: new Date('2029-12-27T01:00:00Z'), finishedAt: new Date('2029-12-27T01:00:05Z') },
  });
  await a.h.title('T-METRICS', '計測', [{ item: 'METRICS-1' }]);
  await a.h.db.pullListEntry.create({ data: { itemNumber: 'METRICS-1', titleId: 'T-METRICS', listedAt: new Date('2029-12-31T22:00:00Z') } });
  const after = await m.render();
  expect(after).toMatch(/^lending_pull_list_oldest_seconds 7200$/m); // the pull-list Decision's alert reads this
  await a.h.db.pullListEntry.deleteMany({ where: { itemNumber: 'METRICS-1' } });
  expect(after).toMatch(/^lending_mail_outbox\{state="PENDING"\} 1$/m);
  expect(after).toMatch(/^lending_mail_outbox_oldest_pending_seconds 60$/m);
  expect(after).toMatch(new RegExp(`^lending_thursday_run_last_finished_seconds ${new Date('2029-12-27T01:00:05Z').getTime() / 1000}$`, 'm'));
  await a.h.db.mailOutbox.delete({ where: { key: 'metrics-probe' } });
  await a.h.db.thursdayRun.delete({ where: { processingDate: new Date('2029-12-27') } });

  const deadDb = openDb(`postgresql://nobody:x@127.0.0.1:${await freeLoopbackPort()}/nothing`);
  try {
    const broken = new ServiceMetrics();
    registerLibraryMetrics(broken, deadDb);
    broken.observeRequest('GET', '/healthz', 200, 0.001);
    const text = await broken.render();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
    expect(text).not.toMatch(/^lending_reservations\{/m);
    expect(text).not.toMatch(/^lending_mail_outbox_oldest_pending_seconds /m);
  } finally {
    await deadDb.$disconnect();
  }

  // A database that accepts the connection and never answers: the scrape still ends, within the limit.
  const held: import('node:net').Socket[] = [];
  const silent = createNetServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const hangingDb = openDb(`postgresql://nobody:x@127.0.0.1:${(silent.address() as { port: number }).port}/nothing`);
  try {
    const hanging = new ServiceMetrics();
    registerLibraryMetrics(hanging, hangingDb);
    const t0 = Date.now();
    const text = await hanging.render();
    expect(Date.now() - t0).toBeLessThan(10_000); // 2 s per read, in parallel; generous for a busy machine
    expect(text).not.toMatch(/^lending_reservations\{/m);
  } finally {
    for (const socket of held) socket.destroy();
    silent.close();
    await hangingDb.$disconnect().catch(() => undefined);
  }
});

test('/readyz names the dependency that does not answer: 503 with a database on a closed port, 503 with Temporal on a closed port; /healthz stays 200', async () => {
  const closedPort = await freeLoopbackPort();
  const deadDb = openDb(`postgresql://nobody:secret@127.0.0.1:${closedPort}/nothing`);
  const deadConnection = await Connection.lazy({ address: `127.0.0.1:${closedPort}` });
  const deadTemporal = new Client({ connection: deadConnection });
  const appWith = async (readiness: Readiness) => {
    const app = createApp({
      db: a.h.db,
      temporal: a.h.client,
      taskQueue: a.h.taskQueue,
      desk: a.h.desk,
      shelf: a.h.shelf,
      runThursdayProcessing: thursdayByHand(a.h.db, a.h.client),
      keys: API_KEYS,
      readiness,
    });
    return listenGracefully(createServer(app), 0, '127.0.0.1');
  };
  try {
    for (const [broken, readiness] of [
      ['database', new Readiness({ database: databaseCheck(deadDb), temporal: temporalCheck(a.h.client) }, 2_000)],
      ['temporal', new Readiness({ database: databaseCheck(a.h.db), temporal: temporalCheck(deadTemporal, 1_000) }, 2_000)],
    ] as const) {
      const server = await appWith(readiness);
      try {
        const res = await fetch(`${server.url}/readyz`);
        const body = (await res.json()) as { type: string; en: string; checks: { name: string; ok: boolean; error?: string }[] };
        expect(res.status).toBe(503);
        expect(body.type).toBe('/problems/not-ready');
        expect(body.en).toBe(`Not ready: ${broken}.`);
        expect(body.checks.find((c) => c.name === broken)).toMatchObject({ ok: false, error: expect.any(String) });
        expect(body.checks.find((c) => c.name !== broken)).toMatchObject({ ok: true });
        expect(JSON.stringify(body)).not.toContain('secret'); // no credentials from a connection string
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      } finally {
        await server.close(1_000);
      }
    }
  } finally {
    await deadDb.$disconnect();
    await deadConnection.close();
  }
});

test('a check that hangs counts as failed after the time limit instead of hanging /readyz', async () => {
  const readiness = new Readiness({ slow: () => new Promise(() => undefined), fine: async () => undefined }, 200);
  const t0 = Date.now();
  const report = await readiness.report();
  expect(Date.now() - t0).toBeLessThan(2_000);
  expect(report).toEqual({
    ready: false,
    stopping: false,
    checks: [
      { name: 'slow', ok: false, ms: expect.any(Number), error: 'no answer within 200 ms' },
      { name: 'fine', ok: true, ms: expect.any(Number) },
    ],
  });
});

test("the worker role serves /healthz, /readyz (with the worker's state) and /metrics, and nothing else", async () => {
  let state: 'RUNNING' | 'DRAINING' = 'RUNNING';
  const readiness = new Readiness({
    database: databaseCheck(a.h.db),
    temporal: temporalCheck(a.h.client),
    worker: workerCheck({ getState: () => state }),
  });
  const metrics = new ServiceMetrics();
  const ops = await startOpsServer({ host: '127.0.0.1', port: 0, readiness, metrics });
  try {
    expect(await (await fetch(`${ops.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${ops.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { name: string }[] }).checks.map((c) => c.name)).toEqual(['database', 'temporal', 'worker']);
    state = 'DRAINING';
    const draining = await fetch(`${ops.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toMatchObject({
      status: 'not-ready',
      stopping: false,
      checks: [{ ok: true }, { ok: true }, { name: 'worker', ok: false, error: 'worker is DRAINING' }],
    });
    expect((await fetch(`${ops.url}/reservations`)).status).toBe(404);
    expect((await fetch(`${ops.url}/healthz`, { method: 'POST' })).status).toBe(405);
    const text = await (await fetch(`${ops.url}/metrics`)).text();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/readyz",status="503"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
  } finally {
    await ops.close();
  }
});

test("the Temporal SDK's log lines (workflow, activity) land in the same log, with the reservation id read from the workflow id", () => {
  const sdk = temporalLogger(logger);
  const before = lines.length;
  sdk.info('reservation status changed', { workflowId: 'reservation-R-77', runId: 'run-1', from: 'APPLIED', to: 'READY', [Symbol('time')]: 1n });
  sdk.warn('Worker state changed', { sdkComponent: 'worker', state: 'DRAINING' });
  expect(lines.slice(before)).toEqual([
    expect.objectContaining({
      level: 'info',
      source: 'temporal',
      msg: 'reservation status changed',
      workflowId: 'reservation-R-77',
      reservationId: 'R-77',
      from: 'APPLIED',
      to: 'READY',
    }),
    expect.objectContaining({ level: 'warn', source: 'temporal', msg: 'Worker state changed', state: 'DRAINING' }),
  ]);
  expect(lines[lines.length - 1]).not.toHaveProperty('reservationId');
});

test('an Idempotency-Key whose first request never finished (its process was killed) is taken over after 2 minutes instead of answering 409 for ever', async () => {
  await a.patron('L0002');
  await a.h.title('T-L2', '中断の本', [{ item: 'L2-1' }]);
  const place = () =>
    a.call('POST', '/opac/patrons/{cardNumber}/reservations', {
      as: 'opac',
      params: { cardNumber: 'L0002' },
      body: { titleId: 'T-L2', pickup: 'pref' },
      idempotencyKey: 'killed-mid-request',
    });
  const first = await place();
  expect(first.status).toBe(201);
  // As a process killed mid-request leaves it: claimed, no response stored.
  const recordId = 'opac-test:killed-mid-request';
  await a.h.db
    .$executeRaw`UPDATE idempotency_record SET status = NULL, body = NULL, "completedAt" = NULL, "createdAt" = LOCALTIMESTAMP - interval '1 minute' WHERE id = ${recordId}`;
  expect((await place()).status).toBe(409); // may still be running
  await a.h.db.$executeRaw`UPDATE idempotency_record SET "createdAt" = LOCALTIMESTAMP - interval '3 minutes' WHERE id = ${recordId}`;
  const retried = await place();
  expect(retried.status).toBe(201);
  expect(retried.headers.get('idempotent-replayed')).toBeNull(); // processed again, not replayed…
  expect(retried.body.reservationId).toBe(first.body.reservationId); // …and still the one reservation
  expect(await a.h.db.reservation.count({ where: { patron: { cardNumber: 'L0002' } } })).toBe(1);
  expect((await place()).headers.get('idempotent-replayed')).toBe('true');
});

test("a request whose key was taken over cannot store or forget anything on the new holder's record when it finally ends", async () => {
  const store = new IdempotencyStore(a.h.db);
  const req = { method: 'POST', path: '/x', body: { n: 1 } };
  const first = await store.begin('takeover:k', req);
  if (!('claim' in first)) throw new Error('expected a claim');
  await a.h.db.$executeRaw`UPDATE idempotency_record SET "createdAt" = "createdAt" - interval '3 minutes' WHERE id = 'takeover:k'`;
  const second = await store.begin('takeover:k', req); // the slow first request is taken for dead
  if (!('claim' in second)) throw new Error('expected a claim');
  await store.forget(first.claim); // the first request fails late: must not free the second's key
  await store.complete(first.claim, { status: 201, body: { from: 'first' } }); // nor store its answer
  await expect(store.begin('takeover:k', req)).rejects.toMatchObject({ status: 409 }); // still the second's
  await store.complete(second.claim, { status: 201, body: { from: 'second' } });
  expect(await store.begin('takeover:k', req)).toEqual({ replay: { status: 201, body: { from: 'second' } } });
});

test('housekeeping deletes Idempotency-Key records past their retention and login counters long over, and keeps the rest', async () => {
  const now = new Date();
  await a.h.db.$executeRaw`INSERT INTO idempotency_record (id, method, path, "requestHash", status, "createdAt") VALUES
    ('sweep:old', 'POST', '/x', 'h', 201, LOCALTIMESTAMP - interval '25 hours'),
    ('sweep:recent', 'POST', '/x', 'h', 201, LOCALTIMESTAMP - interval '23 hours')`;
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  await a.h.db.loginThrottle.createMany({
    data: [
      { cardNumber: 'SWEEP-OLD', failures: 2, windowStart: hoursAgo(48) },
      { cardNumber: 'SWEEP-RECENT', failures: 2, windowStart: hoursAgo(1) },
      { cardNumber: 'SWEEP-LOCKED', failures: 5, windowStart: hoursAgo(48), lockedUntil: new Date(now.getTime() + 600_000) },
    ],
  });
  const swept = await sweep(a.h.db, { idempotencyRetentionHours: 24, privacyRetentionDays: 30, now });
  expect(swept.idempotencyRecords).toBeGreaterThanOrEqual(1);
  expect(swept.loginThrottles).toBe(1);
  const left = await a.h.db.idempotencyRecord.findMany({ where: { id: { startsWith: 'sweep:' } }, select: { id: true } });
  expect(left.map((r) => r.id)).toEqual(['sweep:recent']);
  const throttles = await a.h.db.loginThrottle.findMany({
    where: { cardNumber: { startsWith: 'SWEEP-' } },
    select: { cardNumber: true },
    orderBy: { cardNumber: 'asc' },
  });
  expect(throttles.map((t) => t.cardNumber)).toEqual(['SWEEP-LOCKED', 'SWEEP-RECENT']);
});
