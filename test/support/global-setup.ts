// Starts what every suite shares, once per jest run:
// - PostgreSQL: the server at DATABASE_URL if set, else a throwaway one from the machine's server
//   binaries on a free loopback port (removed in global-teardown);
// - a template database, migrated with the real `prisma migrate deploy` and seeded, that each
//   test file copies (test/support/database.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startLocalPostgres, withDatabase, type LocalPostgres } from '../../src/infra/local-postgres';
import { migrateAndSeed } from '../../src/infra/throwaway-database';
import { SERVER_URL_ENV, TEMPLATE_DB_ENV } from './database';

declare global {
  var __LENDING_PG__: LocalPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  let serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    console.error(`\n[test setup] using the PostgreSQL at DATABASE_URL for test databases`);
  } else {
    const pg = await startLocalPostgres(mkdtempSync(join(tmpdir(), 'lending-pg-')));
    globalThis.__LENDING_PG__ = pg;
    serverUrl = pg.adminUrl;
    console.error(`\n[test setup] started a throwaway PostgreSQL on 127.0.0.1:${pg.port} (${pg.dataDir})`);
  }
  process.env[SERVER_URL_ENV] = serverUrl;
  try {
    await prepareTemplate(serverUrl);
  } catch (err) {
    await globalThis.__LENDING_PG__?.stop();
    throw err;
  }
  console.error(`[test setup] ready in ${Date.now() - started} ms`);
}

async function prepareTemplate(serverUrl: string): Promise<void> {
  const template = `lending_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  await migrateAndSeed(withDatabase(serverUrl, template));
  process.env[TEMPLATE_DB_ENV] = template;
}
