#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, built from packages already in node_modules.
//
// WHY THIS EXISTS
//   `prisma migrate …` and `prisma db push` always spawn a native schema-engine executable, which the
//   Prisma CLI normally downloads from binaries.prisma.sh. Our machines (and the prefecture's) reach
//   only package registries, so that download cannot happen. The very same Rust engine is published
//   on npm compiled to WebAssembly (@prisma/schema-engine-wasm, pinned to the CLI's engine hash); it
//   reaches the database through a JS driver adapter (@prisma/adapter-pg over `pg`). This script
//   wraps the two so that it looks, from the CLI's side, exactly like the native binary, and
//   scripts/prisma.mjs points PRISMA_SCHEMA_ENGINE_BINARY at it. The SQL it generates and the
//   `_prisma_migrations` rows it writes come from the engine's own code, not from us.
//
// WHAT IT SPEAKS (the native binary's command line, as node_modules/prisma/build/cli.js uses it)
//   schema-engine --version
//       prints `schema-engine-cli <engine hash>`.
//   schema-engine --datasource '{"url":…}' cli can-connect-to-database|create-database|drop-database
//       one-shot commands, done here with `pg` directly. stderr carries tracing-style JSON lines; the
//       CLI drops the first line and, on exit code 1, looks for a line with
//       target "schema_engine::logger", level "ERROR" and fields {error_code, message}
//       (P1003 "database does not exist" is what makes `migrate deploy` create the database).
//   schema-engine [--datamodels <path>]… --datasource '<json>' [--enabled-preview-features …]
//       RPC server: JSON-RPC 2.0, one message per line, requests on stdin, responses on stdout.
//       Methods and params are the wasm engine's own (SchemaEngine in schema_engine.d.ts), except:
//         getDatabaseVersion -> engine.version;  createDatabase -> done with `pg` (not in the wasm);
//         diff -> the wasm returns the script in `stdout`, whereas the native engine prints it by
//                 sending the CLI a `print` request ({content}) and waiting for its reply, then
//                 answers {exitCode}. We do the same, so `--output` and `--exit-code` work;
//         evaluateDataLoss, createMigration (migrate dev) -> preceded by diagnoseMigrationHistory,
//                 which is what gives the wasm engine its schema-from-migrations (see call()).
//       Requests are handled one at a time. Errors are answered like the native engine's:
//       error.data = {is_panic, message, error_code, meta}; a failed migration script is reported
//       as P3018 with the Postgres error, as natively. Engine logs go to stderr as JSON lines.
//       When stdin ends (or on SIGTERM, which the CLI sends right after closing stdin) we free the
//       engine, close every pool, drop any shadow database still around, and exit 0.
//       A crash must never look like success. The CLI treats an engine exit with status 0 as
//       "nothing to report", and if the engine exits while a request is pending, the CLI's own
//       stop() then waits forever on an unref'd timer and the CLI quits with status 0 and no output
//       (a migration that never ran would look applied). So on a Rust panic or a crash of this
//       script we log an ERROR line on stderr, answer every pending and later request with an error
//       the CLI reports (is_panic for panics, like the native engine), and exit non-zero (101 for a
//       panic, 1 otherwise) only when the CLI closes stdin or SIGTERMs us. Exiting with requests
//       still unanswered is turned into status 1 as a last resort, and for deaths we cannot
//       report ourselves (SIGKILL, out of memory) each request in progress has a marker file in
//       $PRISMA_SCHEMA_ENGINE_STATE_DIR, which scripts/prisma.mjs checks after the CLI exits.
//
// DRIVER-ADAPTER FIXES (all confined to the adapter objects this script creates)
//   - Connection settings are parsed into host/port/user/password/database fields: given a
//     `connectionString`, pg lets it override `database`, so adapter-pg's shadow database would
//     silently be the main database.
//   - Shadow databases are created and dropped here: adapter-pg drops its shadow database while its
//     own pool is still connected (which fails) and never closes the pool it created it with.
//     Ours ends the shadow pool, then runs `DROP DATABASE … WITH (FORCE)`, and a shadow database
//     is always dropped at the end of the request that created it. A shadowDatabaseUrl from
//     prisma.config.ts is used instead when given: emptied first (its schema dropped and
//     recreated, as the native engine resets it), never dropped, refused if it is the main one.
//   - executeScript sends the whole script in one simple-protocol query, as the native engine does;
//     adapter-pg splits it on `;`, which breaks string literals, function bodies, DO blocks….
//   - Postgres `"char"` columns (OID 18, e.g. in catalog queries) are reported as Character;
//     adapter-pg throws "Unsupported column type char" on them.
//
// LIMITS
//   The wasm engine connects to the database as soon as it starts, so even a diff that needs no
//   database (--from-empty --to-schema) needs a reachable PostgreSQL at DATABASE_URL.
//   PostgreSQL only (the project's provider). No network access, no downloads.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);
const wasmDir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
const wasmPackage = JSON.parse(readFileSync(join(wasmDir, 'package.json'), 'utf8'));
// "7.10.0-4.0edf323e…" -> "0edf323e…", the engine commit the CLI was built against.
const ENGINE_HASH = wasmPackage.version.split('.').pop();

// Whatever happens, stdout belongs to JSON-RPC: send stray console output to stderr.
console.log = console.info = console.debug = console.error;

// ---------------------------------------------------------------------------------------------
// Logging, in the shape of the native engine's tracing-subscriber JSON lines.

function log(level, fields, target = 'schema_engine') {
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target }) + '\n');
}

/** The native engine's fatal error line (logger.rs `log_error_and_exit`). */
function logFatal(message, errorCode = '') {
  log('ERROR', { is_panic: false, error_code: errorCode, message }, 'schema_engine::logger');
}

// ---------------------------------------------------------------------------------------------
// Command line.

function parseArgs(argv) {
  const args = { datamodels: [], datasource: null, cli: null, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--version' || a === '-V') args.version = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--datamodels' || a === '-d') {
      args.datamodels.push(value());
      // Accept `--datamodels a b c` as well as repeated flags.
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-') && argv[i + 1] !== 'cli') {
        args.datamodels.push(argv[++i]);
      }
    } else if (a.startsWith('--datamodels=')) args.datamodels.push(a.slice(13));
    else if (a === '--datasource') args.datasource = JSON.parse(value());
    else if (a.startsWith('--datasource=')) args.datasource = JSON.parse(a.slice(13));
    else if (a === '--enabled-preview-features' || a === '--extension-types')
      value(); // not used by the wasm engine
    else if (a === 'cli') {
      args.cli = argv[i + 1] ?? null;
      break;
    } else throw new Error(`unexpected argument: ${a}`);
  }
  return args;
}

const USAGE = `schema-engine-cli ${ENGINE_HASH} (wasm stand-in, scripts/prisma-schema-engine.mjs)
USAGE:
    prisma-schema-engine.mjs --version
    prisma-schema-engine.mjs --datasource <JSON> cli <can-connect-to-database|create-database|drop-database>
    prisma-schema-engine.mjs [--datamodels <FILE>]... --datasource <JSON>     (JSON-RPC over stdio)
`;

// ---------------------------------------------------------------------------------------------
// Connection settings: a Prisma PostgreSQL URL -> discrete `pg` settings (never a connectionString).

let pgModule;
function pg() {
  return (pgModule ??= require('pg'));
}

function pgConfigFromUrl(url) {
  if (!url) throw new Error('The datasource URL is missing (DATABASE_URL in prisma.config.ts).');
  const { parse } = createRequire(require.resolve('pg'))('pg-connection-string');
  const parsed = { ...parse(url, { useLibpqCompat: true }) };
  const schema = parsed.schema || undefined;
  const timeoutSeconds = Number(parsed.connect_timeout ?? 5);
  // libpq's "prefer"/"allow" fall back to plain connections; pg cannot, so only opt in on request.
  if (['disable', 'prefer', 'allow'].includes(parsed.sslmode)) parsed.ssl = false;
  const config = {
    host: parsed.host || 'localhost',
    port: Number(parsed.port || 5432),
    user: parsed.user,
    password: parsed.password,
    database: parsed.database || parsed.user || 'postgres',
    ssl: parsed.ssl,
    connectionTimeoutMillis: timeoutSeconds > 0 ? timeoutSeconds * 1000 : 0,
    application_name: parsed.application_name,
  };
  if (schema) config.options = `-c search_path=${schema.replace(/([\\ ])/g, '\\$1')}`;
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  return { config, schema };
}

const quoteIdent = (name) => `"${String(name).replace(/"/g, '""')}"`;

/** Native-engine wording for connection failures, so the CLI prints what it always prints. */
function describePgError(error, config) {
  const at = `${config.host}:${config.port}`;
  const code = error?.code;
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET'].includes(code) ||
    /timeout/i.test(error?.message ?? '')
  ) {
    return { code: 'P1001', message: `Can't reach database server at \`${at}\`\n\nPlease make sure your database server is running at \`${at}\`.` };
  }
  if (code === '3D000') {
    return { code: 'P1003', message: `Database \`${config.database}\` does not exist on the database server at \`${at}\`.` };
  }
  if (code === '28P01' || code === '28000') {
    return {
      code: 'P1000',
      message: `Authentication failed against database server, the provided database credentials for \`${config.user ?? ''}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${config.host}\`.`,
    };
  }
  if (code === '42501') {
    return { code: 'P1010', message: `User \`${config.user ?? ''}\` was denied access on the database \`${config.database}\`` };
  }
  if (code === '42P04') {
    return { code: 'P1009', message: `Database \`${config.database}\` already exists on the database server at \`${at}\`` };
  }
  return { code: '', message: error?.message ?? String(error) };
}

/** Runs `fn(client)` on a short-lived connection to the server's maintenance database. */
async function withAdminClient(config, fn) {
  let lastError;
  // Like the native engine: try the `postgres` database, then `template1`.
  for (const database of ['postgres', 'template1']) {
    const client = new (pg().Client)({ ...config, database });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (e) {
      lastError = e;
      await client.end().catch(() => {});
      if (e.code === '3D000') continue;
      throw e;
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}

async function createDatabase(config) {
  await withAdminClient(config, (c) => c.query(`CREATE DATABASE ${quoteIdent(config.database)}`));
  return config.database;
}

async function dropDatabase(config, { force = false } = {}) {
  await withAdminClient(config, async (c) => {
    const sql = `DROP DATABASE IF EXISTS ${quoteIdent(config.database)}`;
    if (!force) return c.query(sql);
    try {
      await c.query(`${sql} WITH (FORCE)`); // PostgreSQL 13+
    } catch (e) {
      if (e.code !== '42601') throw e; // older servers: no WITH (FORCE)
      await c.query(sql);
    }
  });
}

async function canConnect(config) {
  const client = new (pg().Client)(config);
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// `cli` sub-commands.

async function runCliCommand(args) {
  log('INFO', { message: 'Starting schema engine CLI', git_hash: ENGINE_HASH });
  let config;
  try {
    ({ config } = pgConfigFromUrl(args.datasource?.url));
    let message;
    switch (args.cli) {
      case 'can-connect-to-database':
        await canConnect(config);
        message = 'Connection successful';
        break;
      case 'create-database':
        message = `Database '${await createDatabase(config)}' was successfully created.`;
        break;
      case 'drop-database':
        await dropDatabase(config);
        message = 'The database was successfully dropped.';
        break;
      default:
        throw new Error(`Unknown cli command: ${args.cli}`);
    }
    log('INFO', { message });
    process.exit(0);
  } catch (e) {
    const { code, message } = describePgError(e, config ?? {});
    logFatal(message, code);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// The wasm engine.

async function loadWasmEngine() {
  let panicMessage;
  globalThis.PRISMA_WASM_PANIC_REGISTRY = {
    set_message(message) {
      panicMessage = message;
    },
    get() {
      return panicMessage;
    },
  };
  // schema_engine.js imports the .wasm as an ES module, which Node 20 cannot do: instantiate it
  // ourselves with the bindings module as its imports, as that file would.
  const bg = await import(pathToFileURL(join(wasmDir, 'schema_engine_bg.js')).href);
  const imports = { ...bg };
  for (const name of Object.keys(bg)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      // The engine's timers (timeouts, retries) must not keep the process alive on their own.
      imports[name] = (...a) => {
        const t = bg[name](...a);
        t?.unref?.();
        return t;
      };
    }
  }
  const { instance } = await WebAssembly.instantiate(readFileSync(join(wasmDir, 'schema_engine_bg.wasm')), {
    './schema_engine_bg.js': imports,
  });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return { SchemaEngine: bg.SchemaEngine, panicMessage: () => panicMessage };
}

// ---------------------------------------------------------------------------------------------
// The driver-adapter factory handed to the engine (see "DRIVER-ADAPTER FIXES" above).

function createAdapterFactory({ config, schema, shadowConfig }) {
  const { PrismaPg } = require('@prisma/adapter-pg');
  const utils = createRequire(require.resolve('@prisma/adapter-pg'))('@prisma/driver-adapter-utils');
  const CHAR_OID = 18;
  const TEXT_OID = 25;

  const state = { lastScriptError: null };
  const live = new Set(); // adapters not yet disposed
  const shadowDatabases = new Map(); // name -> { dispose }: temporary shadow databases not dropped yet

  function patchQueryRaw(queryable) {
    const original = queryable.queryRaw;
    queryable.queryRaw = async function queryRaw(query) {
      const result = await this.performIO(query);
      const charColumns = [];
      const fields = result.fields.map((f, i) => {
        if (f.dataTypeID !== CHAR_OID) return f;
        charColumns.push(i);
        return { ...f, dataTypeID: TEXT_OID };
      });
      // Re-use adapter-pg's own conversion on the rows we already have.
      const out = await original.call({ performIO: async () => ({ ...result, fields }), pgOptions: this.pgOptions }, query);
      for (const i of charColumns) out.columnTypes[i] = utils.ColumnTypeEnum.Character;
      return out;
    };
  }

  function patchAdapter(adapter, onDispose) {
    patchQueryRaw(adapter);
    adapter.executeScript = async function executeScript(script) {
      try {
        await this.client.query(script);
      } catch (error) {
        state.lastScriptError = error; // the Postgres error, for P3018 (see applyMigrations below)
        this.onError(error);
      }
    };
    const startTransaction = adapter.startTransaction;
    adapter.startTransaction = async function (...a) {
      const tx = await startTransaction.apply(this, a);
      patchQueryRaw(tx);
      return tx;
    };
    const dispose = adapter.dispose;
    let disposed;
    adapter.dispose = function () {
      disposed ??= (async () => {
        live.delete(adapter);
        try {
          await dispose.call(adapter);
        } finally {
          await onDispose?.();
        }
      })();
      return disposed;
    };
    live.add(adapter);
    return adapter;
  }

  const factory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      return patchAdapter(await new PrismaPg(config, schema ? { schema } : undefined).connect());
    },
    async connectToShadowDb() {
      if (shadowConfig) {
        // An explicit shadowDatabaseUrl: never dropped, but emptied first, as the native engine
        // does (the wasm engine assumes a fresh database). Refuse if it is the main database.
        const sc = shadowConfig.config;
        if (sc.host === config.host && sc.port === config.port && sc.database === config.database) {
          throw new Error('The shadow database you configured appears to be the same as the main database. Please specify another shadow database.');
        }
        const namespace = quoteIdent(shadowConfig.schema ?? 'public');
        const client = new (pg().Client)(sc);
        client.on('error', () => {});
        try {
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${namespace} CASCADE; CREATE SCHEMA ${namespace};`);
        } finally {
          await client.end().catch(() => {});
        }
        return patchAdapter(await new PrismaPg(sc, shadowConfig.schema ? { schema: shadowConfig.schema } : undefined).connect());
      }
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      const dbConfig = { ...config, database: name };
      await createDatabase(dbConfig);
      const entry = { dispose: () => dropDatabase(dbConfig, { force: true }).then(() => shadowDatabases.delete(name)) };
      shadowDatabases.set(name, entry);
      const adapter = patchAdapter(await new PrismaPg(dbConfig, schema ? { schema } : undefined).connect(), async () => {
        // The pool is closed by now; FORCE also ends anything else still connected.
        await dropDatabase(dbConfig, { force: true });
        shadowDatabases.delete(name);
      });
      entry.dispose = () => adapter.dispose();
      return adapter;
    },
  };

  return {
    state,
    factory: utils.bindMigrationAwareSqlAdapterFactory(factory),
    /** Drops shadow databases left over by the last request (the engine only needs them within one). */
    async dropShadowDatabases() {
      for (const [name, entry] of [...shadowDatabases]) {
        try {
          await entry.dispose();
        } catch (e) {
          log('WARN', { message: `Could not drop shadow database ${name}: ${e.message}` });
        }
      }
    },
    async disposeAll() {
      await this.dropShadowDatabases();
      await Promise.allSettled([...live].map((a) => a.dispose()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC server.

const RPC_ERROR_CODE = 4466; // what the native engine uses for all its errors
const CLASSIFY = [
  [/^Can't reach database server/, 'P1001'],
  [/^Database `.*` does not exist/, 'P1003'],
  [/^Authentication failed against database server/, 'P1000'],
  [/^The database server at .* was reached but timed out/, 'P1002'],
  [/^User `.*` was denied access/, 'P1010'],
];

function userFacingError(error) {
  const message = String(error?.message ?? error);
  // Prisma codes come from the engine's own errors (pg's have a `severity`; P0001 is PL/pgSQL's).
  const code =
    typeof error?.code === 'string' && /^P\d{4}$/.test(error.code) && !error.severity ? error.code : CLASSIFY.find(([re]) => re.test(message))?.[1];
  return code ? { is_panic: false, message, meta: error?.meta ?? {}, error_code: code } : { is_panic: false, message, backtrace: null };
}

async function runRpcServer(args) {
  log('INFO', { message: 'Starting schema engine RPC server', git_hash: ENGINE_HASH });
  const datamodels = args.datamodels.length ? args.datamodels.map((path) => [path, readFileSync(path, 'utf8')]) : undefined;

  const write = (message) => process.stdout.write(JSON.stringify(message) + '\n');
  let nextOutgoingId = 1;
  const outgoing = new Map(); // id -> {resolve, reject}: our requests to the CLI (`print`)
  const callClient = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextOutgoingId++;
      outgoing.set(id, { resolve, reject });
      write({ jsonrpc: '2.0', id, method, params });
    });

  const unanswered = new Set(); // ids of requests received and not answered yet
  let broken = null; // {response error, exit code} once the engine has panicked or we crashed
  let exiting = false;
  let adapters = null;
  let engine = null;
  let wasm = null;
  let startupError = null;

  const engineLog = (line) => {
    const text = String(line).trimEnd();
    if (text)
      process.stderr.write(
        text.startsWith('{') ? `${text}\n` : `${JSON.stringify({ level: 'INFO', fields: { message: text }, target: 'schema_engine_wasm' })}\n`,
      );
  };

  // Starting the engine connects to the database. A failure here is not fatal, as with the native
  // engine, which connects lazily: every request is answered with that error.
  const ready = (async () => {
    let config, schema, shadowConfig;
    try {
      ({ config, schema } = pgConfigFromUrl(args.datasource?.url));
      shadowConfig = args.datasource?.shadowDatabaseUrl ? pgConfigFromUrl(args.datasource.shadowDatabaseUrl) : null;
    } catch (e) {
      startupError = e;
      return;
    }
    adapters = createAdapterFactory({ config, schema, shadowConfig });
    wasm = await loadWasmEngine();
    try {
      engine = await wasm.SchemaEngine.new({ datamodels }, engineLog, adapters.factory);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e;
      startupError = e;
    }
  })();

  async function call(method, params) {
    if (method === 'createDatabase') {
      const url = params?.datasource?.tag === 'ConnectionString' ? params.datasource.url : args.datasource?.url;
      const { config } = pgConfigFromUrl(url);
      try {
        return { databaseName: await createDatabase(config) };
      } catch (e) {
        const { code, message } = describePgError(e, config);
        throw Object.assign(new Error(message), { code: code || undefined });
      }
    }
    await ready;
    if (startupError) throw startupError;
    switch (method) {
      case 'getDatabaseVersion':
        return engine.version(params ?? null);
      case 'evaluateDataLoss':
      case 'createMigration': {
        // These two (the `migrate dev` steps) are not given the adapter factory in the wasm engine,
        // so they can only use a schema-from-migrations that the engine already cached; without it
        // they fail with "PostgreSQL shadow DB must be provided through an external factory".
        // diagnoseMigrationHistory does get the factory, builds the shadow database and fills
        // that cache for the same migrations list.
        await engine.diagnoseMigrationHistory({
          migrationsList: params.migrationsList,
          optInToShadowDatabase: true,
          filters: params.filters,
        });
        return engine[method](params);
      }
      case 'diff': {
        const { stdout, ...rest } = await engine.diff(params);
        if (stdout) await callClient('print', { content: stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout });
        return rest;
      }
      default: {
        const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(engine));
        if (!methods.includes(method) || ['constructor', 'free'].includes(method) || method.startsWith('_')) {
          throw Object.assign(new Error(`Method not found: ${method}`), { rpcCode: -32601 });
        }
        const result = await engine[method](params);
        return result === undefined ? {} : result;
      }
    }
  }

  // If we die without answering (SIGKILL, out of memory…), the CLI exits 0 without a word (see
  // above). scripts/prisma.mjs gives us a directory in which every request being handled has a
  // marker file; one left behind tells it the CLI's status 0 is not to be trusted.
  const stateDir = process.env.PRISMA_SCHEMA_ENGINE_STATE_DIR;
  const markerPath = (id) => join(stateDir, `${process.pid}-${String(id).replace(/[^\w-]/g, '_')}`);
  function markPending(request) {
    unanswered.add(request.id);
    if (stateDir) {
      try {
        writeFileSync(markerPath(request.id), String(request.method));
      } catch {
        /* a marker is best effort: the answer itself still goes out */
      }
    }
  }

  function answer(id, response) {
    if (!unanswered.delete(id)) return; // already answered (e.g. by `breakDown`)
    if (stateDir) rmSync(markerPath(id), { force: true });
    write({ jsonrpc: '2.0', ...response, id });
  }

  async function handle(request) {
    if (broken) return answer(request.id, { error: broken.error });
    let response;
    if (adapters) adapters.state.lastScriptError = null;
    try {
      response = { result: await call(request.method, request.params) };
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) return breakDown(e);
      // The wasm engine reports a failed migration script as a bare "external connector error";
      // the native one as P3018 with the database's own error. Rebuild the latter.
      const failed = /apply_migration::apply_script\s+with migration_name="([^"]+)"/.exec(e?.message ?? '');
      const dbError = adapters?.state.lastScriptError;
      if (failed && dbError && !e.code) {
        const databaseError = [
          `ERROR: ${dbError.message}`,
          dbError.detail && `DETAIL: ${dbError.detail}`,
          dbError.hint && `HINT: ${dbError.hint}`,
          dbError.position && `POSITION: ${dbError.position}`,
        ]
          .filter(Boolean)
          .join('\n');
        e.code = 'P3018';
        e.meta = { migration_name: failed[1], database_error_code: dbError.code ?? '', database_error: databaseError };
        e.message =
          'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve' +
          `\n\nMigration name: ${failed[1]}\n\nDatabase error code: ${dbError.code ?? ''}\n\nDatabase error:\n${databaseError}\n`;
      }
      // Errors thrown by our JS (adapter, shadow database) reach us as "External error id#N":
      // put their message back in.
      const registry = adapters?.factory.errorRegistry;
      if (registry && typeof e?.message === 'string') {
        e.message = e.message.replace(/External error id#(\d+)/g, (text, id) => registry.consumeError(Number(id))?.error?.message ?? text);
      }
      response = {
        error: e.rpcCode
          ? { code: e.rpcCode, message: e.message }
          : { code: RPC_ERROR_CODE, message: 'An error happened. Check the data field for details.', data: userFacingError(e) },
      };
    }
    // Shadow databases live for one request: drop them before answering, since the CLI may stop
    // us (SIGTERM) as soon as it has its answer.
    await adapters?.dropShadowDatabases();
    answer(request.id, response);
  }

  // A Rust panic (WebAssembly.RuntimeError) or a crash of this script. We must NOT exit here:
  // the CLI, on seeing us exit, still calls stop() on us, and stop() waits for an 'exit' event that
  // already happened, on an unref'd timer, so the CLI would quit with status 0 and print nothing.
  // Instead every unanswered (and later) request gets an error the CLI reports — a RustPanic for
  // panics, like the native engine's — and we exit non-zero once the CLI closes stdin/SIGTERMs us.
  function breakDown(e) {
    if (!broken) {
      const isPanic = e instanceof WebAssembly.RuntimeError;
      const reason = isPanic ? (wasm?.panicMessage() ?? e.message) : `schema engine stand-in crashed: ${e?.stack ?? e}`;
      const message = `Error in Schema engine.\nReason: ${reason}`;
      log(
        'ERROR',
        isPanic ? { is_panic: true, message: reason, backtrace: e?.stack ?? '' } : { is_panic: false, error_code: '', message: reason },
        'schema_engine::logger',
      );
      broken = {
        exitCode: isPanic ? 101 : 1,
        error: {
          code: RPC_ERROR_CODE,
          message,
          data: isPanic ? { is_panic: true, message: reason, backtrace: e?.stack ?? '' } : { is_panic: false, message, backtrace: null },
        },
      };
    }
    for (const id of [...unanswered]) answer(id, { error: broken.error });
  }

  async function shutdown(code) {
    if (exiting) return;
    exiting = true;
    const exitCode = broken ? broken.exitCode : code;
    setTimeout(() => process.exit(exitCode), 5000).unref();
    try {
      engine?.free();
    } catch {
      /* already freed by a panic: nothing left to release */
    }
    engine = null;
    await adapters?.disposeAll().catch((e) => log('WARN', { message: `cleanup: ${e.message}` }));
    process.exit(exitCode);
  }

  process.on('uncaughtException', breakDown);
  process.on('unhandledRejection', breakDown);
  ready.catch(breakDown);

  // Never let an early exit look like success to the CLI.
  process.on('exit', (code) => {
    if (code === 0 && (unanswered.size > 0 || broken)) {
      process.stderr.write(
        `${JSON.stringify({ level: 'ERROR', fields: { message: `schema engine stand-in exiting with ${unanswered.size} unanswered request(s)` }, target: 'schema_engine::logger' })}\n`,
      );
      process.exitCode = broken?.exitCode ?? 1;
    }
  });

  let queue = Promise.resolve();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch (e) {
      write({ jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${e.message}` }, id: null });
      return;
    }
    if (typeof message.method === 'string' && message.id !== undefined) {
      markPending(message);
      // One request at a time: the engine instance is not meant to be driven concurrently.
      queue = queue.then(() => handle(message)).catch(breakDown);
    } else if (outgoing.has(message.id)) {
      const { resolve, reject } = outgoing.get(message.id);
      outgoing.delete(message.id);
      if (message.error) reject(new Error(`the CLI refused ${JSON.stringify(message.error)}`));
      else resolve(message.result);
    }
  });
  rl.on('close', async () => {
    // Let the requests already received finish, then clean up and leave.
    for (const { reject } of outgoing.values()) reject(new Error('stdin closed'));
    outgoing.clear();
    await queue;
    await ready.catch(() => {});
    await shutdown(0);
  });
  // The CLI ends stdin and sends SIGTERM straight after; clean up the same way.
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(130));
}

// ---------------------------------------------------------------------------------------------

try {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${ENGINE_HASH}\n`);
  } else if (args.help) {
    process.stdout.write(USAGE);
  } else if (args.cli) {
    await runCliCommand(args);
  } else {
    await runRpcServer(args);
  }
} catch (e) {
  logFatal(`${e.message}\n\n${USAGE}`);
  process.exit(1);
}
