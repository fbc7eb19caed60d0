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
  ['a key that looks like a staff session token', `x:staff:st_${KEY}`, /must not begin with st_ or pt_/],
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
  const secret = { PATRON_TOKEN_SECRET: 's'.repeat(32) };
  expect(loadConfig({ ...noMail, ...secret, SERVICE_ROLE: 'api', NODE_ENV: 'production', API_KEYS: `o:opac:${KEY}` })).toMatchObject({
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

test('PRIVACY_RETENTION_DAYS (R-PRIVACY-2): 30 by default, whole days 1–3650', () => {
  expect(loadConfig({ ...base }).privacyRetentionDays).toBe(30);
  expect(loadConfig({ ...base, PRIVACY_RETENTION_DAYS: '90' }).privacyRetentionDays).toBe(90);
  expect(() => loadConfig({ ...base, PRIVACY_RETENTION_DAYS: '0' })).toThrow(/PRIVACY_RETENTION_DAYS must be whole days 1–3650/);
});

test('Thursday processing (§6, R-DISPATCH-1 / R-OVERDUE-1, R-DISPATCH-4 Decisions): Thursday 10:00 JST, grace 0 days, rebalancing on by default', () => {
  expect(loadConfig({ ...base }).thursday).toEqual({ schedule: { weekday: 4, hour: 10, minute: 0 }, rebalance: true, longOverdueGraceDays: 0 });
  expect(
    loadConfig({ ...base, THURSDAY_WEEKDAY: '3', THURSDAY_HOUR: '15', LONG_OVERDUE_GRACE_DAYS: '7', THURSDAY_REBALANCE: 'off' }).thursday,
  ).toEqual({ schedule: { weekday: 3, hour: 15, minute: 0 }, rebalance: false, longOverdueGraceDays: 7 });
  expect(loadConfig({ ...base, THURSDAY_WEEKDAY: '0', THURSDAY_HOUR: '0' }).thursday.schedule).toEqual({ weekday: 0, hour: 0, minute: 0 });
  for (const [value, on] of [
    ['on', true],
    ['1', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
    ['Off', false],
  ] as const)
    expect(loadConfig({ ...base, THURSDAY_REBALANCE: value }).thursday.rebalance).toBe(on);
  expect(loadConfig({ ...base, THURSDAY_WEEKDAY: '', THURSDAY_REBALANCE: '' }).thursday).toMatchObject({ schedule: { weekday: 4 }, rebalance: true });
});

test.each([
  ['THURSDAY_WEEKDAY', 'thu', /THURSDAY_WEEKDAY must be a JST weekday number \(0 = Sunday, 4 = Thursday\) 0–6, got "thu"/],
  ['THURSDAY_WEEKDAY', '7', /THURSDAY_WEEKDAY must be .* 0–6, got "7"/],
  ['THURSDAY_HOUR', '24', /THURSDAY_HOUR must be a JST hour 0–23, got "24"/],
  ['THURSDAY_HOUR', '10:30', /THURSDAY_HOUR must be a JST hour 0–23, got "10:30"/],
  ['LONG_OVERDUE_GRACE_DAYS', '-1', /LONG_OVERDUE_GRACE_DAYS must be whole days 0–365, got "-1"/],
  ['LONG_OVERDUE_GRACE_DAYS', '1.5', /LONG_OVERDUE_GRACE_DAYS must be whole days/],
  ['THURSDAY_REBALANCE', 'maybe', /THURSDAY_REBALANCE must be on or off \(1\/0, true\/false\), got "maybe"/],
])('%s=%s is refused, naming the variable and what it must be', (name, value, message) => {
  expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
  expect(() => loadConfig({ ...base, [name]: value })).toThrow(message);
});

test('API_KEYS role opac-trusted: an OPAC that authenticates its patrons itself (no patron token); off unless a key is given it', () => {
  expect(loadConfig({ ...base, API_KEYS: `opac-main:opac:${KEY},kiosk:opac-trusted:${KEY}y` }).apiKeys).toEqual([
    { name: 'opac-main', role: 'opac', secret: KEY },
    { name: 'kiosk', role: 'opac', trusted: true, secret: `${KEY}y` },
  ]);
});

test('PATRON_TOKEN_SECRET: required by the API in production (32+ characters), else a random one per run; PATRON_TOKEN_MINUTES (default 30)', () => {
  const production = { ...base, NODE_ENV: 'production', API_KEYS: `o:opac:${KEY}` };
  expect(() => loadConfig(production)).toThrow(/missing configuration: PATRON_TOKEN_SECRET/);
  expect(() => loadConfig({ ...production, PATRON_TOKEN_SECRET: 'short' })).toThrow(/PATRON_TOKEN_SECRET must have at least 32 characters/);
  expect(loadConfig({ ...production, PATRON_TOKEN_SECRET: 'x'.repeat(32) }).patronTokenSecret).toBe('x'.repeat(32));
  expect(loadConfig({ ...base, SERVICE_ROLE: 'worker', NODE_ENV: 'production' }).patronTokenSecret).toBeUndefined(); // the worker has no API
  expect(loadConfig({ ...base })).toMatchObject({ patronTokenSecret: undefined, patronTokenTtlMs: 30 * 60_000 });
  expect(loadConfig({ ...base, PATRON_TOKEN_MINUTES: '15' }).patronTokenTtlMs).toBe(15 * 60_000);
  expect(() => loadConfig({ ...base, PATRON_TOKEN_MINUTES: '0' })).toThrow(/PATRON_TOKEN_MINUTES must be whole minutes 1–1440/);
});

test('staff sessions: STAFF_SESSION_IDLE_MINUTES (480) and STAFF_SESSION_MAX_HOURS (12); STAFF_KEY_ACCESS on by default', () => {
  expect(loadConfig({ ...base })).toMatchObject({ staffSessions: { idleMs: 8 * 3_600_000, maxMs: 12 * 3_600_000 }, staffKeyAccess: true });
  expect(loadConfig({ ...base, STAFF_SESSION_IDLE_MINUTES: '30', STAFF_SESSION_MAX_HOURS: '9', STAFF_KEY_ACCESS: 'off' })).toMatchObject({
    staffSessions: { idleMs: 30 * 60_000, maxMs: 9 * 3_600_000 },
    staffKeyAccess: false,
  });
  expect(() => loadConfig({ ...base, STAFF_SESSION_MAX_HOURS: 'a day' })).toThrow(/STAFF_SESSION_MAX_HOURS must be whole hours/);
  expect(() => loadConfig({ ...base, STAFF_KEY_ACCESS: 'maybe' })).toThrow(/STAFF_KEY_ACCESS must be on or off/);
});

test('STAFF_BOOTSTRAP_ADMIN=staffNumber:name:temporaryPassword (the first admin); a weak or malformed one is refused naming it', () => {
  expect(loadConfig({ ...base }).staffBootstrapAdmin).toBeUndefined();
  expect(loadConfig({ ...base, STAFF_BOOTSTRAP_ADMIN: 'S001:県立 花子:First-admin-2026:x' }).staffBootstrapAdmin).toEqual({
    staffNumber: 'S001',
    name: '県立 花子',
    temporaryPassword: 'First-admin-2026:x',
  });
  expect(() => loadConfig({ ...base, STAFF_BOOTSTRAP_ADMIN: 'S001:花子' })).toThrow(
    /STAFF_BOOTSTRAP_ADMIN must be staffNumber:name:temporaryPassword/,
  );
  expect(() => loadConfig({ ...base, STAFF_BOOTSTRAP_ADMIN: 'S001:花子:short1' })).toThrow(
    /STAFF_BOOTSTRAP_ADMIN: the temporary password is too weak/,
  );
});
