// `npm run db:prepare`: the database made ready for the service, once, before the API and worker start
// (the compose stack's `migrate` service): `prisma migrate deploy`, then the reference data — the
// prefectural library and the 59 cooperating libraries as pickup places (upserts: safe to repeat).
// Never the demo data. DATABASE_URL names the database.
import { migrateDeploy } from '../infra/prisma-cli';
import { createLogger } from '../ops/logger';
import { openDb, requireDatabaseUrl } from './client';
import { seedReferenceData } from './seed';

const logger = createLogger({ role: 'db-prepare' });

async function prepare(): Promise<void> {
  const url = requireDatabaseUrl();
  let t = Date.now();
  await migrateDeploy(url);
  logger.info({ ms: Date.now() - t }, 'migrations applied (prisma migrate deploy)');
  const db = openDb(url);
  try {
    t = Date.now();
    const { cooperatingLibraries } = await seedReferenceData(db);
    logger.info({ cooperatingLibraries, ms: Date.now() - t }, 'reference data seeded');
  } finally {
    await db.$disconnect();
  }
}

prepare().then(
  () => process.exit(0),
  (err: unknown) => {
    logger.error({ err }, 'db:prepare failed');
    process.exit(1);
  },
);
