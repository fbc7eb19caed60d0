// The migrations in prisma/migrations, applied with the real `prisma migrate deploy` to an empty
// database, build exactly what prisma/schema.prisma describes: no drift either way. Runs on the
// offline schema-engine stand-in here and on the native engine wherever that can be had.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prismaCli, ROOT } from '../../src/infra/prisma-cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

const migrationFolders = readdirSync(join(ROOT, 'prisma', 'migrations'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('prisma migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('empty');
  }, 60_000);
  afterAll(async () => t?.drop());

  test('migrate deploy applies every migration to an empty database, and a second run applies nothing', async () => {
    const first = await prismaCli(['migrate', 'deploy'], { DATABASE_URL: t.url });
    expect(first.code).toBe(0);
    const applied = await t.db.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`;
    expect(applied.map((m) => m.migration_name)).toEqual(migrationFolders);
    expect(applied.every((m) => m.finished_at !== null)).toBe(true);

    const tables = await t.db.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'cooperating_library',
        'pickup_place',
        'patron',
        'title',
        'item',
        'reservation',
        'loan',
        'mail_outbox',
        'thursday_run',
      ]),
    );

    const again = await prismaCli(['migrate', 'deploy'], { DATABASE_URL: t.url });
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/No pending migrations/);
  }, 60_000);

  test('no drift: the migrated database matches schema.prisma', async () => {
    const live = await prismaCli(['migrate', 'diff', '--from-config-datasource', '--to-schema', 'prisma/schema.prisma', '--exit-code'], {
      DATABASE_URL: t.url,
    });
    expect({ code: live.code, out: live.stdout }).toEqual({ code: 0, out: expect.any(String) });
  }, 60_000);

  test('no drift: the migrations folder, replayed on a shadow database, matches schema.prisma', async () => {
    const res = await prismaCli(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'], {
      DATABASE_URL: t.url,
    });
    expect({ code: res.code, stderr: res.code === 0 ? '' : res.stderr }).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  test('the drift check does catch drift: a schema with one more column differs (exit code 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lending-schema-'));
    const changed = join(dir, 'schema.prisma');
    copyFileSync(join(ROOT, 'prisma', 'schema.prisma'), changed);
    writeFileSync(changed, readFileSync(changed, 'utf8').replace('  author       String?', '  author       String?\n  isbn         String?'));
    const res = await prismaCli(['migrate', 'diff', '--from-config-datasource', '--to-schema', changed, '--script', '--exit-code'], {
      DATABASE_URL: t.url,
    });
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/ALTER TABLE "title" ADD COLUMN\s+"isbn" TEXT/);
  }, 60_000);
});
