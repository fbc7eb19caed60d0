// The service's configuration (src/config.ts, src/ops/logger.ts): every variable checked at start,
// with a message that names it.
import { ConfigError, loadConfig } from '../../src/config';
import { parseLogLevel } from '../../src/ops/logger';

const base = { DATABASE_URL: 'postgresql://x@127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:7233', SENDGRID_API_KEY: 'SG.x' };
const KEY = 'k'.repeat(24);

test('API_KEYS: name:role:key entries; required in production, optional elsewhere (npm start makes keys then)', () => {
  expect(loadConfig({ ...base, API_KEYS: `opac-main:opac:${KEY}, counter:staff:${KEY}x` }).apiKeys).toEqual([
    { name: 'opac-main', role: 'opac', secret: KEY },
    { name: 'counter', role: 'staff', secret: `${KEY}x` },
  ]);
  expect(loadConfig({ ...base }).apiKeys).toEqual([]);
  expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/missing configuration: API_KEYS/);
});

test.each([
  ['a wrong role', `x:admin:${KEY}`, /role must be opac or staff/],
  ['a short key', 'x:opac:short', /at least 24 characters/],
  ['no role', `x${KEY}`, /not name:role:secret/],
  ['a name twice', `x:opac:${KEY},x:staff:${KEY}`, /unique/],
])('API_KEYS with %s is refused, naming the variable', (_what, value, message) => {
  expect(() => loadConfig({ ...base, API_KEYS: value })).toThrow(ConfigError);
  expect(() => loadConfig({ ...base, API_KEYS: value })).toThrow(message);
  expect(() => loadConfig({ ...base, API_KEYS: value })).toThrow(/API_KEYS/);
});

test('API_HOST and PORT (default 3000)', () => {
  expect(loadConfig({ ...base })).toMatchObject({ apiHost: '0.0.0.0', apiPort: 3000 });
  expect(loadConfig({ ...base, API_HOST: '127.0.0.1', PORT: '9000' })).toMatchObject({ apiHost: '127.0.0.1', apiPort: 9000 });
  expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT/);
});

test('SERVICE_ROLE: all (default), api or worker; each role requires only what it uses', () => {
  expect(loadConfig({ ...base }).role).toBe('all');
  const { SENDGRID_API_KEY: _mail, ...noMail } = base;
  expect(loadConfig({ ...noMail, SERVICE_ROLE: 'api', NODE_ENV: 'production', API_KEYS: `o:opac:${KEY}` })).toMatchObject({
    role: 'api',
    sendgridApiKey: '',
  });
  expect(() => loadConfig({ ...noMail, SERVICE_ROLE: 'worker' })).toThrow(/missing configuration: SENDGRID_API_KEY/);
  expect(loadConfig({ ...base, SERVICE_ROLE: 'worker', NODE_ENV: 'production' }).role).toBe('worker'); // no API_KEYS needed
  expect(() => loadConfig({ ...base, SERVICE_ROLE: 'Worker' })).toThrow(/SERVICE_ROLE must be one of all, api, worker; got "Worker"/);
});

test('API_SHUTDOWN_GRACE_MS (default 10 s), SHUTDOWN_DELAY_MS (default 0) and RESERVATION_SECURITY_DELAY_SECONDS (R-STATUS-1, default 5 minutes)', () => {
  expect(loadConfig({ ...base })).toMatchObject({ apiShutdownGraceMs: 10_000, securityDelayMs: 300_000 });
  expect(loadConfig({ ...base, API_SHUTDOWN_GRACE_MS: '2500', RESERVATION_SECURITY_DELAY_SECONDS: '60' })).toMatchObject({
    apiShutdownGraceMs: 2_500,
    securityDelayMs: 60_000,
  });
  expect(() => loadConfig({ ...base, API_SHUTDOWN_GRACE_MS: '-1' })).toThrow(/API_SHUTDOWN_GRACE_MS must be milliseconds/);
  expect(loadConfig({ ...base }).shutdownDelayMs).toBe(0);
  expect(loadConfig({ ...base, SHUTDOWN_DELAY_MS: '5000' }).shutdownDelayMs).toBe(5_000);
  expect(() => loadConfig({ ...base, SHUTDOWN_DELAY_MS: 'soon' })).toThrow(/SHUTDOWN_DELAY_MS must be milliseconds/);
  expect(() => loadConfig({ ...base, RESERVATION_SECURITY_DELAY_SECONDS: '1.5' })).toThrow(
    /RESERVATION_SECURITY_DELAY_SECONDS must be whole seconds/,
  );
});

test('LOG_LEVEL: info by default, any pino level, case-insensitive; anything else is refused naming it', () => {
  expect(parseLogLevel(undefined)).toBe('info');
  expect(parseLogLevel('DEBUG')).toBe('debug');
  expect(parseLogLevel('silent')).toBe('silent');
  expect(() => parseLogLevel('verbose')).toThrow(/LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent; got "verbose"/);
});

test('IDEMPOTENCY_RETENTION_HOURS: 24 by default, whole hours 1–8760', () => {
  expect(loadConfig({ ...base }).idempotencyRetentionHours).toBe(24);
  expect(loadConfig({ ...base, IDEMPOTENCY_RETENTION_HOURS: '72' }).idempotencyRetentionHours).toBe(72);
  expect(() => loadConfig({ ...base, IDEMPOTENCY_RETENTION_HOURS: '0' })).toThrow(/IDEMPOTENCY_RETENTION_HOURS must be whole hours 1–8760/);
});
