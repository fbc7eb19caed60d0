// API configuration (src/config.ts): API_KEYS, API_HOST, PORT, with messages that name the variable.
import { ConfigError, loadConfig } from '../../src/config';

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
