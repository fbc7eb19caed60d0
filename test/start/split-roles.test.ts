// The compose stack's topology without Docker: from the files the Dockerfile puts in the image, after
// its `npm ci` (test/support/image-layout.ts), `npm run db:prepare` once, then the image's command
// twice, SERVICE_ROLE=worker and SERVICE_ROLE=api, with NODE_ENV=production and everything named by the
// environment (a Temporal server in normal time, a PostgreSQL database, a SendGrid stand-in). A
// reservation placed through the API process is carried out by the worker process (the copy secured,
// the lending notice sent); each process answers /readyz and /metrics; SIGTERM stops each with exit 0.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/infra/local-postgres';
import { startLocalTemporal, type LocalTemporal } from '../../src/infra/local-temporal';
import { MailSink } from '../../src/infra/mail-sink';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { buildImageLayout, type ImageLayout } from '../support/image-layout';

const OPAC_KEY = 'opac-key-for-the-split-test-0123456789';
const STAFF_KEY = 'staff-key-for-the-split-test-0123456789';

interface Service {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  raw: string;
  exited: Promise<number | null>;
}

let image: ImageLayout;
beforeAll(() => {
  image = buildImageLayout();
  process.stderr.write(`[split roles] image layout built in ${image.dir} (npm ci: ${(image.runMs / 1000).toFixed(1)} s)\n`);
}, 300_000);
afterAll(() => image && rmSync(image.dir, { recursive: true, force: true }));

/** The image's command (Dockerfile CMD), run in the image's files. */
function startService(env: NodeJS.ProcessEnv): Service {
  const [program, ...args] = image.cmd;
  const proc = spawn(program === 'node' ? process.execPath : program!, args, { cwd: image.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const s: Service = { proc, lines: [], raw: '', exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const l of complete.filter(Boolean)) {
      s.raw += `${l}\n`;
      s.lines.push(JSON.parse(l) as Record<string, unknown>); // every stdout line is a JSON log line
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (s.raw += d.toString()));
  return s;
}

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, s: Service[], ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    for (const x of s) if (x.proc.exitCode !== null) throw new Error(`a service exited (${x.proc.exitCode}) before ${what}:\n${x.raw}`);
    if (Date.now() > deadline) throw new Error(`not ${what} within ${ms / 1000} s:\n${s.map((x) => x.raw).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'SENDGRID_API_KEY',
    'SENDGRID_BASE_URL',
    'API_KEYS',
    'PATRON_TOKEN_SECRET',
    'STAFF_KEY_ACCESS',
    'STAFF_BOOTSTRAP_ADMIN',
    'LENDING_DEMO_DATA',
    'LENDING_TEMPORAL',
    'LENDING_DATA_DIR',
    'SERVICE_ROLE',
  ])
    delete env[name];
  return { ...env, NODE_ENV: 'production', API_HOST: '127.0.0.1', LOG_LEVEL: 'info' };
};

describe('SERVICE_ROLE=worker and SERVICE_ROLE=api as two processes (the compose topology)', () => {
  let database: TestDatabase | undefined;
  let temporal: LocalTemporal | undefined;
  let sink: MailSink | undefined;
  let dataDir: string | undefined;
  const services: Service[] = [];

  afterAll(async () => {
    for (const s of services) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
    await temporal?.stop();
    await sink?.stop();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('each role refuses to start without what it needs, naming exactly that (exit 2); an unknown role is refused', () => {
    const run = (extra: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, image.cmd.slice(1), { cwd: image.dir, env: { ...baseEnv(), ...extra }, encoding: 'utf8', timeout: 60_000 });
    const api = run({ SERVICE_ROLE: 'api' });
    expect(api.status).toBe(2);
    expect(api.stderr).toMatch(/missing configuration: DATABASE_URL, TEMPORAL_ADDRESS, API_KEYS, PATRON_TOKEN_SECRET\./);
    const worker = run({ SERVICE_ROLE: 'worker' });
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(/missing configuration: DATABASE_URL, TEMPORAL_ADDRESS, SENDGRID_API_KEY\./);
    const unknown = run({ SERVICE_ROLE: 'scheduler' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/SERVICE_ROLE must be one of all, api, worker; got "scheduler"/);
  }, 90_000);

  test('db:prepare, then a worker and an API process: a reservation placed through one is carried out by the other; both stop cleanly', async () => {
    database = await createTestDatabase('empty');
    // The roles do not prepare the database themselves: on an empty one they refuse, saying what to run.
    const early = spawnSync(process.execPath, image.cmd.slice(1), {
      cwd: image.dir,
      env: { ...baseEnv(), SERVICE_ROLE: 'worker', DATABASE_URL: database.url, TEMPORAL_ADDRESS: '127.0.0.1:1', SENDGRID_API_KEY: 'SG.x' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(early.status).toBe(2);
    expect(early.stderr).toMatch(/the database is not prepared: (\d+) of \1 migrations not applied .*Run `npm run db:prepare`/);
    const prepare = () =>
      spawnSync('npm', ['run', '--silent', 'db:prepare'], {
        cwd: image.dir,
        env: { ...baseEnv(), DATABASE_URL: database!.url },
        encoding: 'utf8',
        timeout: 90_000,
      });
    const first = prepare();
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toMatch(/"cooperatingLibraries":59/);
    expect(prepare().status).toBe(0); // repeatable
    expect(await database.db.pickupPlace.count()).toBe(60);

    dataDir = mkdtempSync(join(tmpdir(), 'lending-split-'));
    [temporal, sink] = await Promise.all([startLocalTemporal({ mode: 'java', dataDir, log: () => undefined }), MailSink.start()]);
    const [workerPort, apiPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const shared = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address };
    const worker = startService({
      ...baseEnv(),
      ...shared,
      SERVICE_ROLE: 'worker',
      PORT: String(workerPort),
      SENDGRID_API_KEY: 'SG.split-test',
      SENDGRID_BASE_URL: sink.url,
      LENDING_DEMO_DATA: '1',
    });
    services.push(worker);
    await until('worker ready', () => worker.lines.find((l) => l.msg === 'online-lending ready'), [worker]);
    const api = startService({
      ...baseEnv(),
      ...shared,
      SERVICE_ROLE: 'api',
      PORT: String(apiPort),
      RESERVATION_SECURITY_DELAY_SECONDS: '1',
      // The OPAC acts for a demo patron it authenticated itself (a trusted key: no patron token to get).
      API_KEYS: `opac:opac-trusted:${OPAC_KEY},staff:staff:${STAFF_KEY}`,
      PATRON_TOKEN_SECRET: 'split-roles-patron-token-secret-0123456789',
    });
    services.push(api);
    await until('API ready', () => api.lines.find((l) => l.msg === 'online-lending ready'), [worker, api]);
    const [w, a] = [`http://127.0.0.1:${workerPort}`, `http://127.0.0.1:${apiPort}`];

    // Readiness: each process checks what it depends on.
    const checks = async (url: string) =>
      ((await (await fetch(`${url}/readyz`)).json()) as { checks: { name: string; ok: boolean }[] }).checks.map((c) => `${c.name}:${c.ok}`);
    expect(await checks(w)).toEqual(['database:true', 'worker:true', 'temporal:true']);
    expect(await checks(a)).toEqual(['database:true', 'temporal:true']);
    expect((await fetch(`${w}/opac/patrons/DEMO-0001/reservations`)).status).toBe(404); // the worker serves no API

    // A reservation through the API process; the worker process secures the copy and sends the notice.
    const logged = { worker: worker.lines.length, api: api.lines.length }; // start-up lines name the demo data
    const placed = await fetch(`${a}/opac/patrons/DEMO-0001/reservations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPAC_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ titleId: 'DEMO-T001', pickup: 'pref' }),
    });
    expect(placed.status).toBe(201);
    const id = ((await placed.json()) as { reservationId: string }).reservationId;
    const staffView = async () =>
      (await (await fetch(`${a}/staff/reservations/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${STAFF_KEY}` } })).json()) as {
        status: string;
        statusLabel: string;
      };
    // R-STATUS-1: after the security delay it is 確保待ち with its copy on the pull list; staff scan it.
    await until('確保待ち, the copy on the pull list', async () => ((await staffView()).status === 'WAITING' ? true : undefined), [worker, api]);
    const scanned = await fetch(`${a}/staff/pull-list/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STAFF_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ itemNumber: 'DEMO-I0001' }),
    });
    expect(scanned.status).toBe(200);
    const view = await until(
      'the copy secured',
      async () => {
        const body = await staffView();
        return body.status === 'READY' ? body : undefined;
      },
      [worker, api],
    );
    expect(view.statusLabel).toBe('貸出可能');
    const sent = await until(
      'the lending notice sent and logged',
      () => worker.lines.find((l) => l.msg === 'notice sent' && l.kind === 'LENDING_NOTICE'),
      [worker, api],
    );
    expect(sink.received).toHaveLength(1);
    expect(sent).toMatchObject({ reservationId: id, workflowId: `reservation-${id}`, activityType: 'sendLendingNotice' });
    expect(worker.lines.find((l) => l.msg === 'reservation status changed' && l.reservationId === id && l.to === 'READY')).toMatchObject({
      from: 'WAITING',
      to: 'READY',
      role: 'worker',
    });
    expect(api.lines.find((l) => l.msg === 'request' && l.status === 201)).toMatchObject({ role: 'api', reservationId: id });
    // The patron's card number and address never reach the log about the reservation (the notice's
    // outbox row has them).
    const since = [...worker.lines.slice(logged.worker), ...api.lines.slice(logged.api)];
    expect(since.length).toBeGreaterThan(3);
    for (const l of since) expect(JSON.stringify(l)).not.toMatch(/DEMO-0001|@example\.com/);

    // Metrics: the worker's include the Temporal SDK's; the API's count the request.
    expect(await (await fetch(`${w}/metrics`)).text()).toMatch(/^temporal_workflow_completed_total|^temporal_\w+/m);
    expect(await (await fetch(`${a}/metrics`)).text()).toMatch(
      /^http_requests_total\{method="POST",route="\/opac\/patrons\/\{cardNumber\}\/reservations",status="201"\} 1$/m,
    );

    // SIGTERM to each, as `docker compose stop` sends it: both exit 0.
    api.proc.kill('SIGTERM');
    worker.proc.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    expect(api.lines.map((l) => l.msg)).toContain('HTTP API closed: 0 request(s) were in flight, 0 cut after 10000 ms');
    expect(worker.lines.some((l) => /^stopped the worker \(drained\)/.test(String(l.msg)))).toBe(true);
  }, 180_000);
});
