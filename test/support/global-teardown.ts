import { Client } from 'pg';
import { SERVER_URL_ENV, TEMPLATE_DB_ENV } from './database';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env[SERVER_URL_ENV];
  const template = process.env[TEMPLATE_DB_ENV];
  if (serverUrl && template && !globalThis.__LENDING_PG__) {
    // A server we did not start: leave it as we found it.
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')`, [
      template,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  }
  await globalThis.__LENDING_PG__?.stop();
  if (globalThis.__LENDING_PG__) {
    const { rmSync } = await import('node:fs');
    rmSync(globalThis.__LENDING_PG__.dataDir, { recursive: true, force: true });
  }
}
