// A fresh, migrated and seeded database that is gone afterwards — what one simulator run uses.
//
// Where the server comes from: DATABASE_URL if set (a PostgreSQL someone runs: we create our own
// database on it and drop it at the end, leaving theirs alone), else a throwaway server started from
// the machine's binaries (src/infra/local-postgres.ts) in a temporary folder that is removed at the end.
// The schema comes from the real `prisma migrate deploy` — the same migrations production runs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDb, type Db } from '../db/client';
import { seedReferenceData } from '../db/seed';
import { startLocalPostgres, withDatabase, type LocalPostgres } from './local-postgres';
import { migrateDeploy } from './prisma-cli';

export interface ThrowawayDatabase {
  url: string;
  db: Db;
  /** Disconnects, drops the database, and stops the server if we started it. Safe to call twice. */
  drop(): Promise<void>;
}

/** Migrations and reference data (pickup places, cooperating libraries) on an empty database. */
export async function migrateAndSeed(databaseUrl: string): Promise<void> {
  await migrateDeploy(databaseUrl);
  const db = openDb(databaseUrl);
  try {
    await seedReferenceData(db);
  } finally {
    await db.$disconnect();
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createThrowawayDatabase(opts: { log?: (line: string) => void; prefix?: string } = {}): Promise<ThrowawayDatabase> {
  const log = opts.log ?? (() => undefined);
  let local: LocalPostgres | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    log('using the PostgreSQL server at DATABASE_URL (a database of our own, dropped at the end)');
  } else {
    local = await startLocalPostgres(mkdtempSync(join(tmpdir(), 'lending-sim-pg-')));
    serverUrl = local.adminUrl;
    log(`started a throwaway PostgreSQL on 127.0.0.1:${local.port}`);
  }
  const stopLocal = async (): Promise<void> => {
    if (!local) return;
    await local.stop();
    rmSync(local.dataDir, { recursive: true, force: true });
    local = undefined;
  };

  const name = `${opts.prefix ?? 'lending_sim'}_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(serverUrl, name);
  let db: Db | undefined;
  const drop = async (): Promise<void> => {
    await db?.$disconnect();
    db = undefined;
    try {
      await admin(serverUrl!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await stopLocal();
    }
  };
  try {
    await admin(serverUrl, `CREATE DATABASE "${name}"`);
    const started = Date.now();
    await migrateAndSeed(url);
    log(`database ${name} migrated and seeded in ${Date.now() - started} ms`);
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  const opened = openDb(url);
  db = opened;
  return { url, db: opened, drop };
}
