// The local PostgreSQL as root in a private folder (issue: `npm start` from a clone under /root or
// `mktemp -d`, mode 700): the server runs as `postgres`, which cannot reach the folder, so its files go
// where it can, the same place at every start — and a start that cannot work says so before anything.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLocalPostgres, parsePostgresSettings, reachableDataDir, startLocalPostgres } from '../../src/infra/local-postgres';

const asRoot = process.getuid?.() === 0;

test('the server binaries and (as root) the postgres user are checked at once, without starting anything', () => {
  expect(() => checkLocalPostgres()).not.toThrow();
});

(asRoot ? test : test.skip)(
  'as root under a mode-700 folder: PostgreSQL starts with its files in /var/tmp, and the next start finds the same data',
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'lending-private-'));
    chmodSync(home, 0o700);
    const asked = join(home, '.data', 'postgres');
    const { dir, moved } = reachableDataDir(asked);
    expect(moved).toBe(true);
    expect(dir).toMatch(/^\/var\/tmp\/online-lending-postgres-[0-9a-f]{12}$/);
    expect(reachableDataDir(asked).dir).toBe(dir); // the same folder every time
    try {
      const first = await startLocalPostgres(asked);
      expect(first.dataDir).toBe(dir);
      await first.stop();
      const again = await startLocalPostgres(asked); // initdb is not run twice: the data is there
      expect(again.dataDir).toBe(dir);
      await again.stop();
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  },
  60_000,
);

(asRoot ? test : test.skip)('as root under a folder postgres can reach, the folder asked for is used', () => {
  const open = mkdtempSync(join(tmpdir(), 'lending-open-'));
  chmodSync(open, 0o755);
  try {
    expect(reachableDataDir(join(open, 'postgres'))).toEqual({ dir: join(open, 'postgres'), moved: false });
  } finally {
    rmSync(open, { recursive: true, force: true });
  }
});

test('LENDING_POSTGRES_SETTINGS: name=value pairs separated by spaces, anything else named in the error', () => {
  expect(parsePostgresSettings(undefined)).toEqual([]);
  expect(parsePostgresSettings('  shared_preload_libraries=pg_stat_statements   pg_stat_statements.track=all ')).toEqual([
    'shared_preload_libraries=pg_stat_statements',
    'pg_stat_statements.track=all',
  ]);
  expect(() => parsePostgresSettings('fsync')).toThrow('LENDING_POSTGRES_SETTINGS: "fsync" is not name=value');
  expect(() => parsePostgresSettings('a=1 =2')).toThrow('"=2" is not name=value');
});
