// docker-compose.yml and the Dockerfile, checked without a Docker engine (the schema itself is checked
// by `npm run lint:compose` in CI): the environment each container gets is a configuration the service
// accepts for its role; health checks ask /readyz on the port the service listens on; stop grace periods
// outlast the service's own drain times; the image runs what the tests run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';
import { ROOT } from '../../src/infra/prisma-cli';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** ${NAME:-default} → default, ${NAME:?message} → the value given here (as an operator must). */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, name: string, fallback: string | undefined) => {
    if (given[name] !== undefined) return given[name]!;
    if (fallback !== undefined) return fallback;
    throw new Error(`${name} must be given`);
  });
}
const operator = {
  API_KEYS: `opac-main:opac:${'o'.repeat(24)},counter:staff:${'s'.repeat(24)}`,
  PATRON_TOKEN_SECRET: 'p'.repeat(48),
  SENDGRID_API_KEY: 'SG.example',
};
const envOf = (name: string): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), operator)]));
const seconds = (d: string): number => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);

test('the worker and the API are two containers of the one image, each with a configuration the service accepts for its role', () => {
  for (const name of ['migrate', 'worker', 'api']) expect([name, services[name]!.build]).toEqual([name, '.']);
  const worker = loadConfig(envOf('worker'));
  expect(worker).toMatchObject({ role: 'worker', temporalAddress: 'temporal:7233', sendgridApiKey: 'SG.example', apiPort: 3000 });
  const api = loadConfig(envOf('api'));
  expect(api).toMatchObject({ role: 'api', apiPort: 3000, securityDelayMs: 300_000 });
  expect(api.apiKeys.map((k) => k.role)).toEqual(['opac', 'staff']);
  expect(envOf('worker').NODE_ENV).toBe('production');
  expect(envOf('api').NODE_ENV).toBe('production');
  // Required values are required by compose too, not silently empty.
  expect(() => interpolate(services.api!.environment!.API_KEYS!, {})).toThrow(/API_KEYS/);
  expect(() => interpolate(services.api!.environment!.PATRON_TOKEN_SECRET!, {})).toThrow(/PATRON_TOKEN_SECRET/);
  expect(api).toMatchObject({ patronTokenSecret: 'p'.repeat(48), staffKeyAccess: true, staffBootstrapAdmin: undefined });
  expect(() => interpolate(services.worker!.environment!.SENDGRID_API_KEY!, {})).toThrow(/SENDGRID_API_KEY/);
});

test('the worker (weekly Thursday processing) and the API (a run by hand) get the same Thursday settings, and operators can set them', () => {
  const worker = loadConfig(envOf('worker')).thursday;
  expect(loadConfig(envOf('api')).thursday).toEqual(worker);
  expect(worker).toEqual({ schedule: { weekday: 4, hour: 10, minute: 0 }, rebalance: true, longOverdueGraceDays: 0 });
  const given = { ...operator, THURSDAY_WEEKDAY: '3', THURSDAY_HOUR: '15', LONG_OVERDUE_GRACE_DAYS: '2', THURSDAY_REBALANCE: 'off' };
  const envWith = (name: string): NodeJS.ProcessEnv =>
    Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), given)]));
  const set = loadConfig(envWith('worker')).thursday;
  expect(set).toEqual({ schedule: { weekday: 3, hour: 15, minute: 0 }, rebalance: false, longOverdueGraceDays: 2 });
  expect(loadConfig(envWith('api')).thursday).toEqual(set);
});

test('migrate prepares the database once (npm run db:prepare); the worker and the API start after it and after Temporal is healthy', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(services.migrate!.command).toEqual(['npm', 'run', 'db:prepare']);
  expect(pkg.scripts['db:prepare']).toBeDefined();
  for (const name of ['worker', 'api']) {
    expect(services[name]!.depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      temporal: { condition: 'service_healthy' },
    });
  }
});

test("health checks ask /readyz on the service's port; stop grace periods outlast the drain times", () => {
  for (const name of ['worker', 'api']) {
    const check = services[name]!.healthcheck!.test.join(' ');
    expect(check).toContain(`http://127.0.0.1:${envOf(name).PORT}/readyz`);
  }
  // src/worker/worker.ts: shutdownForceTime 30 s; the API: API_SHUTDOWN_GRACE_MS.
  expect(seconds(services.worker!.stop_grace_period!)).toBeGreaterThan(30);
  expect(seconds(services.api!.stop_grace_period!) * 1000).toBeGreaterThan(loadConfig(envOf('api')).apiShutdownGraceMs);
  // Nothing is published beyond the host's loopback.
  for (const s of Object.values(services)) for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
});

test('the image runs the service as the tests run it: node with tsx on src/main.ts, as PID 1 (signals reach it)', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "src\/main\.ts"\]$/m);
  expect(dockerfile).toMatch(/^RUN npm ci /m);
});
