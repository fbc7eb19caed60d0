// A real PostgreSQL server started from the machine's own server binaries, for tests and for
// `npm start` when no DATABASE_URL is given. No Docker here, and no mocks of the database: this is
// the same server production runs, only on a loopback port in a folder we own.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, chownSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface LocalPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres — the maintenance database. */
  adminUrl: string;
  port: number;
  /** Where its files are: the folder asked for, or the one it was moved to (see reachableDataDir). */
  dataDir: string;
  /** The postmaster's pid. */
  pid: number;
  /** Resolves when the server has exited (for whatever reason). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Finds initdb/pg_ctl: PG_BIN_DIR, then Debian's /usr/lib/postgresql/<newest>/bin, then PATH. */
export function findPostgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error(
      'No PostgreSQL server binaries (initdb, pg_ctl) found. Either set DATABASE_URL to a PostgreSQL you run, ' +
        'or install the server (Debian: `apt-get install postgresql`; or set PG_BIN_DIR to its bin folder).',
    );
  }
  return found;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Postgres refuses to run as root; as root we run its binaries as the `postgres` user. */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(
      execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
    const gid = Number(
      execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
    return { uid, gid };
  } catch {
    throw new Error(
      "Running as root, PostgreSQL must run as the `postgres` user, and there is none. Install Debian's server package " +
        '(`apt-get install postgresql`, which creates it), run as another user, or set DATABASE_URL to a PostgreSQL you run.',
    );
  }
}

function asServerUser(dataDir: string): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const { uid, gid } = postgresUser();
  chownSync(dataDir, uid, gid);
  return { uid, gid };
}

/**
 * What can be checked before anything is started or downloaded (npm start runs it first): the server
 * binaries are there and, as root, the `postgres` user they run as. Throws with what to do.
 */
export function checkLocalPostgres(): void {
  findPostgresBinDir();
  if (process.getuid?.() === 0) postgresUser();
}

/**
 * As root the server runs as `postgres`, which must be able to reach its folder. Under a private
 * folder (mode 700, like /root or `mktemp -d`) it cannot, so its files go to a folder of their own in
 * /var/tmp instead — named after the folder asked for, so the next start finds the same data.
 */
export function reachableDataDir(dataDir: string): { dir: string; moved: boolean } {
  if (process.getuid?.() !== 0) return { dir: dataDir, moved: false };
  const parent = dirname(resolve(dataDir));
  mkdirSync(parent, { recursive: true });
  const { uid, gid } = postgresUser();
  if (spawnSync('test', ['-x', parent], { uid, gid, stdio: 'ignore' }).status === 0) return { dir: dataDir, moved: false };
  const tag = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
  return { dir: join('/var/tmp', `online-lending-postgres-${tag}`), moved: true };
}

/**
 * Initialises `dataDir` if it is empty (kept across runs when the caller keeps the folder) and
 * starts the server on a free loopback port. Trust authentication on loopback only. As root, a
 * `dataDir` the `postgres` user cannot reach is replaced by one it can (reachableDataDir; the
 * result's `dataDir` says which).
 */
export async function startLocalPostgres(
  dataDir: string,
  opts: {
    port?: number;
    /**
     * In its own process group, so that Ctrl-C in the terminal does not reach it and its owner can
     * stop it after whatever still uses it (`npm start`; see src/infra/managed-process.ts).
     */
    detached?: boolean;
    /** More server settings, `name=value` each (passed as `-c`): LENDING_POSTGRES_SETTINGS. */
    settings?: string[];
  } = {},
): Promise<LocalPostgres> {
  const bin = findPostgresBinDir();
  dataDir = reachableDataDir(dataDir).dir;
  mkdirSync(dataDir, { recursive: true });
  const user = asServerUser(dataDir);
  const pgdata = join(dataDir, 'pgdata');
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    execFileSync(join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], {
      ...user,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }
  const port = opts.port ?? (await freeLoopbackPort());
  const logFile = join(dataDir, 'postgres.log');
  writeFileSync(logFile, '');
  if (user.uid !== undefined) chownSync(logFile, user.uid, user.gid!);
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      pgdata,
      '-p',
      String(port),
      '-k',
      dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
      ...(opts.settings ?? []).flatMap((kv) => ['-c', kv]),
    ],
    { ...user, stdio: ['ignore', 'ignore', 'pipe'], detached: opts.detached ?? false },
  );
  let stderr = '';
  // Kept for the error message if it fails to start; a long-running server only keeps the latest.
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilAccepting(bin, port, dataDir, exited, () => stderr);
  return {
    adminUrl,
    port,
    dataDir,
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGINT'); // "fast" shutdown: rolls back open transactions, no recovery at next start
      await exited;
    },
  };
}

async function waitUntilAccepting(bin: string, port: number, socketDir: string, exited: Promise<number | null>, stderr: () => string) {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`PostgreSQL exited during start:\n${stderr()}`);
    try {
      execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q'], { stdio: 'ignore' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections on port ${port} within 30 s (socket dir ${socketDir}):\n${stderr()}`);
}

/** Same server, another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * LENDING_POSTGRES_SETTINGS: extra settings for the local server, `name=value` separated by spaces (e.g.
 * `shared_preload_libraries=pg_stat_statements`, as `npm run bench` with BENCH_PROFILE=1 uses it).
 */
export function parsePostgresSettings(value: string | undefined): string[] {
  const settings = (value ?? '').split(/\s+/).filter(Boolean);
  for (const kv of settings) {
    if (!/^[a-z_][a-z0-9_.]*=[^\s]+$/i.test(kv)) throw new Error(`LENDING_POSTGRES_SETTINGS: "${kv}" is not name=value`);
  }
  return settings;
}
