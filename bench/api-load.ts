// `npm run bench`: how the running service copes with the OPAC's load, measured end to end on this
// machine — rerun it after a change instead of trusting a guess. It starts the real `npm start` on a
// throwaway data folder (its own PostgreSQL; Temporal: LENDING_TEMPORAL, default the Java server),
// registers patrons through the staff API, then places reservations from many OPAC clients at once and
// reads the staff list, and prints one JSON summary on stdout:
//
//   startup      how long until /readyz answered 200, and the stop after SIGTERM
//   reserve      POST /opac/patrons/{card}/reservations: count, refusals by status and rule, throughput,
//                latency percentiles
//   staffList    GET /staff/reservations (page of 20, filtered by card): latency percentiles
//   server       the service's own view from /metrics (request counts by status)
//
// Options (environment): BENCH_PATRONS (default 50), BENCH_RESERVATIONS_PER_PATRON (1–4, default 4:
// the demo catalogue has four reservable titles, so every title is busy — the title's row lock, R-ITEM-3
// and the queue are part of what is measured), BENCH_CONCURRENCY (default 10), LENDING_TEMPORAL
// (java|dev|auto; default java).
// Nothing here asserts a time: test/bench/api-load.test.ts only checks that it runs and reports.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../src/infra/local-postgres';
import { callApi, killRecordedServers, killService, percentiles, pool, serviceEnv, startService, stopService, waitReady } from './service-process';

const OPAC = `opac-bench-${'k'.repeat(24)}`;
const STAFF = `staff-bench-${'k'.repeat(24)}`;
/** The demo catalogue's reservable titles (T005 is reference only, T006 a magazine: refused by design). */
/** Start-up limit; the smoke test's own time limit is longer, so a failure still cleans up (finally). */
export const READY_WITHIN_MS = 120_000;

const DEMO_TITLES = ['DEMO-T001', 'DEMO-T002', 'DEMO-T003', 'DEMO-T004'];

const int = (source: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const v = source[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number ${min}–${max}, got "${v}"`);
  return n;
};

export interface BenchSummary {
  machine: { cpus: number; node: string; temporal: string };
  startup: { readyMs: number; stopMs: number; exitCode: number | null };
  reserve: {
    requests: number;
    created: number;
    errors: Record<string, number>;
    concurrency: number;
    wallMs: number;
    perSecond: number;
    latencyMs: ReturnType<typeof percentiles>;
  };
  staffList: { requests: number; latencyMs: ReturnType<typeof percentiles> };
  server: { requestsByStatus: Record<string, number> };
}

/** `options`: the BENCH_* variables (and LENDING_TEMPORAL) given directly; default process.env. */
export async function runBench(options: NodeJS.ProcessEnv = process.env): Promise<BenchSummary> {
  const patrons = int(options, 'BENCH_PATRONS', 50, 1, 1000);
  const perPatron = int(options, 'BENCH_RESERVATIONS_PER_PATRON', 4, 1, DEMO_TITLES.length);
  const concurrency = int(options, 'BENCH_CONCURRENCY', 10, 1, 200);
  const temporal = options.LENDING_TEMPORAL || 'java';
  const dataDir = mkdtempSync(join(tmpdir(), 'lending-bench-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when this runs as root
  const port = await freeLoopbackPort();
  const env = serviceEnv({
    LENDING_TEMPORAL: temporal,
    LENDING_DATA_DIR: join(dataDir, 'data'),
    LENDING_DEMO_DATA: '1',
    PORT: String(port),
    API_HOST: '127.0.0.1',
    API_KEYS: `opac-bench:opac:${OPAC},staff-bench:staff:${STAFF}`,
    LOG_LEVEL: 'warn',
    // The workflows ask for their copies during the run: the worker works while the API is loaded.
    RESERVATION_SECURITY_DELAY_SECONDS: '1',
  });
  const api = `http://127.0.0.1:${port}`;
  const service = startService('the service', env);
  try {
    const readyMs = await waitReady(api, service, READY_WITHIN_MS);
    const call = (method: string, path: string, key: string, body?: unknown, token?: string) =>
      callApi(api, method, path, key, body, token ? { headers: { 'x-patron-token': token } } : {});

    // Patrons as the library registers them: temporary password, login, changed, e-mail (R-ACCOUNT-1);
    // the OPAC keeps each patron's token (X-Patron-Token) for that patron's calls.
    const cards = Array.from({ length: patrons }, (_, i) => `BENCH-${String(i + 1).padStart(4, '0')}`);
    const tokens = new Map<string, string>();
    await pool(
      cards.map((card) => async () => {
        const made = await call('POST', '/staff/patrons', STAFF, { cardNumber: card, name: `ベンチ ${card}` });
        if (made.status !== 201) throw new Error(`registering ${card}: ${made.status} ${JSON.stringify(made.body)}`);
        const login = await call('POST', '/opac/login', OPAC, { cardNumber: card, password: made.body.temporaryPassword });
        const pw = await call(
          'PUT',
          `/opac/patrons/${card}/password`,
          OPAC,
          { currentPassword: made.body.temporaryPassword, newPassword: 'bench2026pw' },
          String(login.body.patronToken),
        );
        const token = String(pw.body.patronToken); // the change revokes the login's token and hands a new one
        const mail = await call('PUT', `/opac/patrons/${card}/email`, OPAC, { email: `${card.toLowerCase()}@example.com` }, token);
        if (login.status !== 200 || pw.status !== 200 || mail.status !== 200)
          throw new Error(`preparing ${card}: login ${login.status}, password ${pw.status}, e-mail ${mail.status}`);
        tokens.set(card, token);
      }),
      concurrency,
    );

    // The load: every patron reserves `perPatron` demo titles, spread over the titles, all at once.
    const requests = cards.flatMap((card, i) =>
      DEMO_TITLES.slice(0, perPatron).map((_, j) => ({ card, titleId: DEMO_TITLES[(i + j) % DEMO_TITLES.length]! })),
    );
    const tLoad = performance.now();
    const placed = await pool(
      requests.map(
        (r) => () => call('POST', `/opac/patrons/${r.card}/reservations`, OPAC, { titleId: r.titleId, pickup: 'pref' }, tokens.get(r.card)),
      ),
      concurrency,
    );
    const wallMs = performance.now() - tLoad;
    const errors: Record<string, number> = {};
    for (const p of placed.filter((x) => x.status !== 201)) {
      const why = `${p.status} ${String(p.body.rule ?? p.body.type ?? '')}`.trim();
      errors[why] = (errors[why] ?? 0) + 1;
    }

    const lists = await pool(
      cards.slice(0, Math.min(cards.length, 50)).map((card) => () => call('GET', `/staff/reservations?cardNumber=${card}`, STAFF)),
      concurrency,
    );

    const metrics = await (await fetch(`${api}/metrics`)).text();
    const requestsByStatus: Record<string, number> = {};
    for (const m of metrics.matchAll(/^http_requests_total\{.*status="(\d+)"\} (\d+)$/gm))
      requestsByStatus[m[1]!] = (requestsByStatus[m[1]!] ?? 0) + Number(m[2]);

    const stopped = await stopService(service, 60_000);
    if (typeof stopped.exit !== 'number') throw new Error(`no exit within 60 s of SIGTERM (${stopped.exit})`);
    return {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, temporal },
      startup: { readyMs, stopMs: stopped.ms, exitCode: stopped.exit },
      reserve: {
        requests: placed.length,
        created: placed.filter((p) => p.status === 201).length,
        errors,
        concurrency,
        wallMs: Math.round(wallMs),
        perSecond: Math.round((placed.length / wallMs) * 10_000) / 10,
        latencyMs: percentiles(placed.map((p) => p.ms)),
      },
      staffList: { requests: lists.length, latencyMs: percentiles(lists.map((l) => l.ms)) },
      server: { requestsByStatus },
    };
  } finally {
    await killService(service);
    // The servers npm start ran run in process groups of their own: after a failed run, stop them by the
    // pids it recorded, before their data folder goes.
    killRecordedServers(join(dataDir, 'data'));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runBench().then(
    (summary) => process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
