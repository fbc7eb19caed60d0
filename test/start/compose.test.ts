// docker-compose.yml and the Dockerfile, checked without a Docker engine (the schema itself is checked
// by `npm run lint:compose` in CI): the environment each container gets is a configuration the service
// accepts for its role; health checks ask /readyz on the port the service listens on; stop grace periods
// outlast the service's own drain times; the image runs what the tests run; and the compose file and
// `npm run topology` (bench/topology.ts, the topology run for real) read one environment: deploy/*.env.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PLACEMENT_VARIABLES, processEnv, RUN_OVERRIDES } from '../../bench/topology';
import { serverEnv } from '../../bench/temporal-server';
import { loadConfig } from '../../src/config';
import { LENDING_ENV_FILE, parseEnvFile, readEnvFile, TEMPORAL_ENV_FILE } from '../../src/infra/env-file';
import { ROOT } from '../../src/infra/prisma-cli';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
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
/** A container's environment as Compose makes it: its env_file, then `environment` (which wins). */
const envOf = (name: string, given: Record<string, string> = operator, files: Record<string, Record<string, string>> = {}): NodeJS.ProcessEnv => ({
  ...Object.assign({}, ...(services[name]!.env_file ?? []).map((f) => files[f] ?? readEnvFile(join(ROOT, f)))),
  ...Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), given)])),
});
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
  // An operator edits deploy/lending.env: both containers read the edited file.
  const edited = readFileSync(LENDING_ENV_FILE, 'utf8')
    .replace(/^THURSDAY_WEEKDAY=.*$/m, 'THURSDAY_WEEKDAY=3')
    .replace(/^THURSDAY_HOUR=.*$/m, 'THURSDAY_HOUR=15')
    .replace(/^LONG_OVERDUE_GRACE_DAYS=.*$/m, 'LONG_OVERDUE_GRACE_DAYS=2')
    .replace(/^THURSDAY_REBALANCE=.*$/m, 'THURSDAY_REBALANCE=off');
  const files = { 'deploy/lending.env': parseEnvFile(edited) };
  const set = loadConfig(envOf('worker', operator, files)).thursday;
  expect(set).toEqual({ schedule: { weekday: 3, hour: 15, minute: 0 }, rebalance: false, longOverdueGraceDays: 2 });
  expect(loadConfig(envOf('api', operator, files)).thursday).toEqual(set);
});

test('R-TOPO-2: docker-compose.yml and the topology run (npm run topology) read the same environment files, and only placement differs', () => {
  const lending = readEnvFile(LENDING_ENV_FILE);
  expect(lending.NODE_ENV).toBe('production');
  for (const name of ['migrate', 'worker', 'api']) {
    expect([name, services[name]!.env_file]).toEqual([name, ['deploy/lending.env']]);
    // What compose adds is where things are and the secrets, never a setting of the file (environment would win over it).
    for (const k of Object.keys(services[name]!.environment ?? {}))
      expect([name, k, PLACEMENT_VARIABLES.includes(k) || k === 'STAFF_BOOTSTRAP_ADMIN']).toEqual([name, k, true]);
  }
  // The topology gives its processes the same file, with only the run's own overrides (a short security delay).
  expect(Object.keys(RUN_OVERRIDES)).toEqual(['RESERVATION_SECURITY_DELAY_SECONDS']);
  const placement = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5555/lending', TEMPORAL_ADDRESS: '127.0.0.1:7777', API_HOST: '127.0.0.1' };
  const topoWorker = processEnv(lending, {
    ...placement,
    SERVICE_ROLE: 'worker',
    PORT: '4001',
    SENDGRID_API_KEY: 'SG.example',
    SENDGRID_BASE_URL: 'http://127.0.0.1:1',
  });
  const topoApi = processEnv(lending, {
    ...placement,
    SERVICE_ROLE: 'api',
    PORT: '4002',
    API_KEYS: operator.API_KEYS,
    PATRON_TOKEN_SECRET: operator.PATRON_TOKEN_SECRET,
  });
  for (const [k, v] of Object.entries(lending)) {
    if (k in RUN_OVERRIDES) continue;
    expect([k, topoWorker[k], topoApi[k]]).toEqual([k, v, v]);
    expect([k, envOf('worker')[k], envOf('api')[k]]).toEqual([k, v, v]);
  }
  expect(() => processEnv(lending, { THURSDAY_HOUR: '11' })).toThrow(/deploy\/lending\.env/);
  // The configurations the service makes of them agree apart from placement and the security delay.
  const same = (c: ReturnType<typeof loadConfig>) => {
    const { databaseUrl, temporalAddress, apiPort, apiHost, sendgridBaseUrl, securityDelayMs, ...rest } = c;
    void [databaseUrl, temporalAddress, apiPort, apiHost, sendgridBaseUrl, securityDelayMs];
    return rest;
  };
  expect(same(loadConfig(topoWorker))).toEqual(same(loadConfig(envOf('worker'))));
  const { patronTokenSecret: _a, apiKeys: _b, ...topoApiRest } = same(loadConfig(topoApi));
  const { patronTokenSecret: _c, apiKeys: _d, ...composeApiRest } = same(loadConfig(envOf('api')));
  expect(topoApiRest).toEqual(composeApiRest);
  expect(loadConfig(topoApi).securityDelayMs).toBe(1000);
  expect(loadConfig(envOf('api')).securityDelayMs).toBe(300_000);
});

test("R-TOPO-2: Temporal's server: compose and the topology read deploy/temporal.env, and the project's config template uses its names", () => {
  const temporal = readEnvFile(TEMPORAL_ENV_FILE);
  expect(services.temporal!.env_file).toEqual(['deploy/temporal.env']);
  // Compose adds only where the database is and its credentials, as the topology does (serverEnv).
  const dbPlacement = ['DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD', 'POSTGRES_SEEDS'];
  expect(Object.keys(services.temporal!.environment ?? {}).sort()).toEqual([...dbPlacement].sort());
  const env = serverEnv(
    temporal,
    { postgres: { host: '127.0.0.1', port: 5555, user: 'postgres', password: '' } },
    { TEMPORAL_FRONTEND_PORT: '7777' },
  );
  for (const [k, v] of Object.entries(temporal)) expect([k, env[k]]).toEqual([k, v]);
  for (const k of dbPlacement) expect(env[k]).toBeDefined();
  expect(temporal.DB).toBe('postgres12');
  // Every variable the template reads is one of the file's, a placement, or has a default there.
  const template = readFileSync(join(ROOT, 'deploy', 'temporal', 'config.yaml'), 'utf8');
  expect(template.slice(0, 1024)).toContain('enable-template');
  const read = [...template.matchAll(/\(env "(\w+)"\)|env "(\w+)"/g)].map((m) => m[1] ?? m[2]!);
  const withDefault = new Set([...template.matchAll(/default "[^"]*" \(env "(\w+)"\)/g)].map((m) => m[1]!));
  for (const k of new Set(read))
    expect([k, k in temporal || dbPlacement.includes(k) || withDefault.has(k) || k === 'TEMPORAL_BIND_ADDRESS']).toEqual([k, true]);
  // …and the file's store settings are all used by the template.
  for (const k of ['DBNAME', 'VISIBILITY_DBNAME', 'NUM_HISTORY_SHARDS', 'SQL_MAX_CONNS']) expect(read).toContain(k);
});

test('R-PRIVACY-3: the workflows keep their histories as long as the records keep the patron (namespace retention = PRIVACY_RETENTION_DAYS)', () => {
  const days = loadConfig(envOf('api')).privacyRetentionDays;
  expect(readEnvFile(TEMPORAL_ENV_FILE).DEFAULT_NAMESPACE_RETENTION).toBe(`${days * 24}h`);
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
