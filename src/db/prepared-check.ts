// For the split roles (SERVICE_ROLE=api|worker), which leave preparing the database to one step of its
// own (`npm run db:prepare`, the compose stack's `migrate`): at start they only check that it was done —
// every migration in prisma/migrations applied, the cooperating libraries there — and refuse to start
// otherwise, saying what to run. (Two containers migrating and seeding at every start would be work
// done twice, and racing.)
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../infra/project-root';
import type { Db } from './client';

export class DatabaseNotPreparedError extends Error {}

export async function checkDatabasePrepared(db: Db): Promise<void> {
  const dir = path.join(PROJECT_ROOT, 'prisma', 'migrations');
  const expected = readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort();
  let applied: string[];
  try {
    const rows = await db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = rows.map((r) => r.migration_name);
  } catch (err) {
    if (!/_prisma_migrations/.test(String((err as Error).message))) throw err;
    applied = []; // never migrated: the table does not exist
  }
  const missing = expected.filter((m) => !applied.includes(m));
  if (missing.length > 0) {
    throw new DatabaseNotPreparedError(
      `the database is not prepared: ${missing.length} of ${expected.length} migrations not applied (${missing.join(', ')}). ` +
        "Run `npm run db:prepare` with the same DATABASE_URL first (the compose stack's `migrate` service does).",
    );
  }
  if ((await db.cooperatingLibrary.count()) === 0) {
    throw new DatabaseNotPreparedError(
      'the database has no cooperating libraries (reference data). Run `npm run db:prepare` with the same DATABASE_URL first.',
    );
  }
}
