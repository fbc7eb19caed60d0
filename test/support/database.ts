// Each test file gets its own database, copied from a template that global-setup migrated and
// seeded once: a CREATE DATABASE … TEMPLATE takes milliseconds, a migration takes seconds.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDb, type Db } from '../../src/db/client';
import { withDatabase } from '../../src/infra/local-postgres';

export const TEMPLATE_DB_ENV = 'LENDING_TEST_TEMPLATE_DB';
export const SERVER_URL_ENV = 'LENDING_TEST_SERVER_URL';

export function testServerUrl(): string {
  const url = process.env[SERVER_URL_ENV];
  if (!url) throw new Error(`${SERVER_URL_ENV} is not set: run the tests through jest (global-setup starts Postgres).`);
  return url;
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh database: `template: 'migrated'` (schema + reference data) or `'empty'`. */
export async function createTestDatabase(template: 'migrated' | 'empty' = 'migrated'): Promise<TestDatabase> {
  const runTemplate = process.env[TEMPLATE_DB_ENV];
  if (!runTemplate) throw new Error(`${TEMPLATE_DB_ENV} is not set: run the tests through jest.`);
  // Named after this run's template so that teardown drops exactly this run's databases.
  const name = `${runTemplate}_${randomBytes(6).toString('hex')}`;
  const from = template === 'migrated' ? runTemplate : 'template0';
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${from}"`);
  const url = withDatabase(testServerUrl(), name);
  const db = openDb(url);
  return {
    url,
    name,
    db,
    async drop() {
      await db.$disconnect();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
