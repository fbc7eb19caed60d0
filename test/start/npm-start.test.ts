// `npm start`, the real process, on the embedded default: it starts its own Temporal (the Java test
// server, LENDING_TEMPORAL=java, so that CI never builds the Go CLI) and its own PostgreSQL in a
// temporary data folder, reports ready, takes a reservation and its cancellation over HTTP, and on
// SIGTERM stops everything it started and exits 0. On the way: /readyz and /metrics (with the Temporal
// SDK's own metrics), and stdout is the structured log, one JSON object per line, telling the
// reservation's workflow's changes of status by reservation id.
//
// Where the machine has no PostgreSQL server binaries but DATABASE_URL (see README "Requirements"),
// `npm start` is given a fresh database on that server instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { findPostgresBinDir, freeLoopbackPort } from '../../src/infra/local-postgres';
import { ROOT } from '../../src/infra/prisma-cli';
import type { InstanceRecord } from '../../src/infra/instance-lock';
import { createTestDatabase, type TestDatabase } from '../support/database';

const OPAC_KEY = 'opac-key-for-the-start-test-0123456789';
const STAFF_KEY = 'staff-key-for-the-start-test-0123456789';
const READY_WITHIN_MS = 75_000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start (embedded default)', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let stdout = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let externalDb: TestDatabase | undefined;
  let record: InstanceRecord | undefined;

  afterAll(async () => {
    // Only if the test failed half-way: nothing of ours may outlive it.
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const c of record?.children ?? []) if (alive(c.pid)) process.kill(c.pid, 'SIGKILL');
    await externalDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('starts everything, serves a reservation and its cancellation, and stops cleanly on SIGTERM', async () => {
    const t0 = Date.now();
    dataDir = mkdtempSync(join(tmpdir(), 'lending-start-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when the tests run as root
    const port = await freeLoopbackPort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SENDGRID_API_KEY', 'SENDGRID_BASE_URL', 'NODE_ENV', 'LENDING_DEMO_DATA'])
      delete env[name];
    Object.assign(env, {
      LENDING_TEMPORAL: 'java',
      LENDING_DATA_DIR: join(dataDir, 'data'),
      PORT: String(port),
      API_HOST: '127.0.0.1',
      // The demo patrons have no password: the OPAC key is a trusted one (acts without a patron token).
      API_KEYS: `opac-start:opac-trusted:${OPAC_KEY},staff-start:staff:${STAFF_KEY}`,
    });
    let ownPostgres = true;
    try {
      findPostgresBinDir();
    } catch {
      ownPostgres = false;
      externalDb = await createTestDatabase('empty');
      Object.assign(env, { DATABASE_URL: externalDb.url, LENDING_DEMO_DATA: '1' });
    }

    // Its own process group: a test that fails half-way can take the whole tree down.
    child = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const proc = child;
    proc.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));

    // Ready: /readyz answers 200 (polled from the start: before that it is refused or 503), and it says so.
    const api = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_WITHIN_MS;
    let ready: Response | undefined;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`npm start exited with ${proc.exitCode} before it was ready:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready within ${READY_WITHIN_MS / 1000} s:\n${output}`);
      ready = await fetch(`${api}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const readyMs = Date.now() - t0;
    while (!/online-lending ready in [\d.]+ s/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50)); // the banner follows
    expect(output).toMatch(/online-lending ready in [\d.]+ s/);
    expect(((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks).toEqual([
      expect.objectContaining({ name: 'database', ok: true }),
      expect.objectContaining({ name: 'worker', ok: true }),
      expect.objectContaining({ name: 'temporal', ok: true }),
    ]);

    // It says what it fell back to and why, and warns that workflows are in memory only.
    expect(output).toMatch(/LENDING_TEMPORAL=java: the Java test server/);
    expect(output).toMatch(/WARNING: Workflows live in memory only/);
    expect(output).toMatch(/Mail\s+NOT SENT: recorded in/);
    if (ownPostgres) expect(output).toMatch(/PostgreSQL: DATABASE_URL is not set/);

    record = JSON.parse(readFileSync(join(dataDir, 'data', 'instance.json'), 'utf8')) as InstanceRecord;
    expect(record.endpoints?.temporal).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(record.children.map((c) => c.name).sort()).toEqual(ownPostgres ? ['PostgreSQL', 'Temporal server'] : ['Temporal server']);

    // A reservation of a demo title, over HTTP, visible to staff, then cancelled by the patron.
    const call = async (method: string, path: string, key: string, body?: unknown) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const placed = await call('POST', '/opac/patrons/DEMO-0001/reservations', OPAC_KEY, { titleId: 'DEMO-T001', pickup: 'pref' });
    expect(placed.status).toBe(201);
    const id = placed.body.reservationId as string;
    const listed = await call('GET', '/staff/reservations?cardNumber=DEMO-0001', STAFF_KEY);
    expect(listed.status).toBe(200);
    expect((listed.body.items as { reservationId: string; status: string }[]).find((r) => r.reservationId === id)?.status).toBe('APPLIED');

    // The workflow runs on the Temporal server npm start reported.
    const connection = await Connection.connect({ address: record.endpoints!.temporal! });
    try {
      const temporal = new Client({ connection, namespace: record.endpoints!.namespace ?? 'default' });
      const handle = temporal.workflow.getHandle(`reservation-${id}`);
      expect((await handle.describe()).status.name).toBe('RUNNING');

      const cancelled = await call('POST', `/opac/patrons/DEMO-0001/reservations/${encodeURIComponent(id)}/cancel`, OPAC_KEY);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');
      await handle.result(); // the workflow ends with the cancellation
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }

    // The staff console: its address and the demo sign-in on the terminal (never in the log); signing in
    // with them opens the counter; the page asks only for what the service itself serves.
    expect(output.split('\n').some((l) => /^\s+Console\s/.test(l) && l.includes(`${api}/console`))).toBe(true);
    const signIn = /Console sign-in\s+(\S+) \/ (\S+)/.exec(output);
    expect(signIn).not.toBeNull();
    const [, staffNumber, password] = signIn!;
    expect(stdout).not.toContain(password!);
    const form = await fetch(`${api}/console/sign-in`);
    const pre = /console_pre=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
    const html = await form.text();
    expect(html.match(/(?:src|href)="[^"]*"/g)!.every((ref) => /^(src|href)="(\/console\/|#)/.test(ref))).toBe(true);
    const signedIn = await fetch(`${api}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `console_pre=${pre}` },
      body: new URLSearchParams({ _pre: decodeURIComponent(pre), staffNumber: staffNumber!, password: password! }).toString(),
    });
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/console/counter']);
    const cookies = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .filter((c) => !c.endsWith('='))
      .join('; ');
    const counter = await fetch(`${api}/console/counter?card=DEMO-0001`, { headers: { cookie: cookies } });
    expect(counter.status).toBe(200);
    expect(await counter.text()).toContain('DEMO-0001');
    expect((await fetch(`${api}/console/assets/console.css`)).status).toBe(200);

    // Metrics: the API's requests by operation, and the Temporal SDK runtime's (the worker's polls and tasks).
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/^http_requests_total\{method="POST",route="\/opac\/patrons\/\{cardNumber\}\/reservations",status="201"\} 1$/m);
    expect(metrics).toMatch(/^temporal_\w+/m);
    expect(metrics).toMatch(/^process_cpu_seconds_total /m);
    expect(metrics).toMatch(/^lending_reservations\{status="CANCELLED"\} 1$/m); // the library's own numbers

    // SIGTERM to npm itself (as a supervisor would): everything stops, in order, exit 0.
    const stopAt = Date.now();
    proc.kill('SIGTERM');
    const { code, signal } = await exited;
    const stopMs = Date.now() - stopAt;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/stopping \(SIGTERM\)/);
    expect(output).toMatch(/stopped the worker/);
    expect(output).toMatch(/stopped in [\d.]+ s/);
    expect(output).toMatch(/HTTP API closed: \d+ request\(s\) were in flight, 0 cut/);
    for (const c of record.children) expect({ name: c.name, alive: alive(c.pid) }).toEqual({ name: c.name, alive: false });

    // stdout is the structured log (npm's own two header lines aside); the workflow's changes are in it.
    const logLines = stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('> '));
    const parsed = logLines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
    const changes = parsed.filter((l) => l.msg === 'reservation status changed' && l.reservationId === id);
    // Cancelled while APPLIED, or just after the copy was secured (READY): the log says which, in order.
    expect(changes.map((l) => `${String(l.from)}→${String(l.to)}`).join(' ')).toMatch(/^(APPLIED→CANCELLED|APPLIED→READY READY→CANCELLED)$/);
    expect(changes[0]).toMatchObject({ workflowId: `reservation-${id}`, source: 'temporal', service: 'online-lending', level: 'info' });
    expect(parsed.find((l) => l.msg === 'request' && l.reservationId === id && l.status === 201)).toMatchObject({
      route: '/opac/patrons/{cardNumber}/reservations',
    });
    expect(existsSync(join(dataDir, 'data', 'instance.json'))).toBe(false);
    process.stderr.write(`[npm start test] ready after ${(readyMs / 1000).toFixed(1)} s, stopped in ${(stopMs / 1000).toFixed(1)} s\n`);
  }, 150_000);
});
