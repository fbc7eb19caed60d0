// `npm start`: the whole service in one terminal.
//
// With nothing configured it starts what it needs itself (src/start/embedded.ts): a Temporal server, a
// PostgreSQL kept in the data folder (migrated and seeded, with demo data), a local mail stand-in; then
// the worker and the HTTP API, and prints where everything is and what it fell back to. Whatever the
// environment names (TEMPORAL_ADDRESS, DATABASE_URL, SENDGRID_API_KEY) is used instead; with
// NODE_ENV=production nothing is started and those three and API_KEYS are required (README "Configuration").
//
// SERVICE_ROLE=api or worker runs only that half (the compose stack runs them as two containers); those
// roles, like production, start nothing locally. The worker role serves /healthz, /readyz and /metrics
// on PORT instead of the API.
//
// Logs are JSON lines on stdout (src/ops/logger.ts); outside production a banner for people on stderr
// says where everything is.
//
// Ctrl-C / SIGTERM stops everything in the reverse order (src/start/lifecycle.ts): /readyz turns 503,
// the API stops taking connections and finishes the requests in flight (API_SHUTDOWN_GRACE_MS), its
// Idempotency-Key owner lock is released, the workflow starter finishes its pass, the worker drains its
// activities, then the connections, the mail stand-in, PostgreSQL and Temporal.
// Exit 0 after a clean stop, 1 on failure, 2 on bad configuration.
// package.json runs this as `exec node --import tsx src/main.ts`: npm runs scripts with `sh -c`, and a
// SIGTERM that npm relays would stop only that shell (dash does not exec its last command), leaving
// this process running without its parent; `exec` makes npm's child this very process.
import { drainSignalOutbox, scheduleSignalDrain, temporalNotifier } from './activities/notifier';
import type { Client } from '@temporalio/client';
import { DatabaseNotPreparedError } from './db/prepared-check';
import { ConfigError, loadConfig, parseServiceRole, runsApi, runsWorker, type ServiceConfig } from './config';
import { TemporalUnavailableError } from './infra/local-temporal';
import { InstanceBusyError } from './infra/instance-lock';
import { freeLoopbackPort } from './infra/local-postgres';
import { installServiceRuntime, workflowBundle } from './infra/temporal-runtime';
import { createLogger, parseLogLevel, temporalLogger, type Logger } from './ops/logger';
import { registerLibraryMetrics } from './ops/library-metrics';
import { scheduleSweeps } from './services/housekeeping';
import { runWorkflowStarter } from './services/workflow-starter';
import { ServiceMetrics } from './ops/metrics';
import { startOpsServer } from './ops/ops-server';
import { databaseCheck, Readiness, temporalCheck, workerCheck, type Check } from './ops/readiness';
import { checkNotStopping, Interrupted, startBackingServices, type BackingServices } from './start/embedded';
import { Lifecycle } from './start/lifecycle';
import { ProcessLiveness } from './api/process-liveness';
import { startApiServer } from './api/server';
import { connectTemporalClient, createWorker } from './worker/worker';
import { THURSDAY_WORKFLOW_ID, thursdayProcessing, thursdaySettingsSignal } from './workflows/thursday-processing';
import type { Db } from './db/client';

/** For people at a terminal (the banner, start-up failures); everything else is in the JSON log. */
const say = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const env = process.env;
  const role = parseServiceRole(env.SERVICE_ROLE);
  const production = env.NODE_ENV === 'production';
  const logger = createLogger({ level: parseLogLevel(env.LOG_LEVEL), role });
  const log = (line: string): void => logger.info(line);
  // Production and the split roles: no fallbacks; a missing variable is an error, not a local server.
  if (production || role !== 'all') loadConfig(env);
  // The SDK's Prometheus exporter, on a loopback port of its own; /metrics relays it (src/ops/metrics.ts).
  const sdkMetricsAddress = runsWorker(role) ? `127.0.0.1:${await freeLoopbackPort()}` : undefined;
  // Before any Temporal connection: the SDK's logs into ours; signals are handled by Lifecycle.
  installServiceRuntime({ logger: temporalLogger(logger), verbose: logger.isLevelEnabled('debug'), metricsAddress: sdkMetricsAddress });
  const metrics = new ServiceMetrics({ processMetrics: true, sdkMetricsUrl: sdkMetricsAddress && `http://${sdkMetricsAddress}/metrics` });
  const life = new Lifecycle(log);
  // Bundling the workflows takes seconds: done while the servers start.
  const bundle = runsWorker(role) ? workflowBundle() : undefined;
  bundle?.catch(() => undefined); // awaited below; a failure is reported there
  try {
    const services = await startBackingServices(env, life, log, { mail: runsWorker(role), prepareDatabase: role === 'all' });
    const config = loadConfig(services.env);
    const checks: Record<string, Check> = { database: databaseCheck(services.db) };
    if (runsWorker(role)) checks.worker = async () => Promise.reject(new Error('worker not started yet'));
    const readiness = new Readiness(checks);
    const where: [string, string][] = [];

    // The worker role's /healthz, /readyz, /metrics: up before the worker and stopped after it has
    // drained, so that the probes answer all through a stop.
    if (!runsApi(role)) {
      const ops = await startOpsServer({ host: config.apiHost, port: config.apiPort, readiness, metrics });
      life.onStop('the health and metrics server', ops.close);
      where.push(['Operations', `${ops.url}/healthz, ${ops.url}/readyz, ${ops.url}/metrics`]);
      logger.info({ url: ops.url }, 'health and metrics server listening');
    }

    const client = runsWorker(role) ? await startWorker(config, services.db, life, logger, checks, await bundle!) : await connectClient(config, life);
    checks.temporal = temporalCheck(client);
    checkNotStopping(life);
    // No reservation without its workflow (src/services/workflow-starter.ts): every process that has the
    // database and a Temporal client starts what a killed placement left unstarted, now and every 5 s.
    const starter = runWorkflowStarter(services.db, client, config.taskQueue, logger);
    life.onStop('the workflow starter', starter.stop);

    if (runsApi(role)) where.push(...(await startApi(config, services, client, life, logger, { metrics, readiness })));
    // Stopped first: from the first moment of a stop /readyz answers 503; SHUTDOWN_DELAY_MS gives a load
    // balancer's probes time to see it before the API stops accepting connections.
    life.onStop('readiness (answers 503 from now on)', async () => {
      readiness.stopping();
      if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
    });

    where.push(...services.where);
    const ms = Date.now() - started;
    // The keys and the demo password made for this run go to the terminal only, never into the log.
    const logged = Object.fromEntries(where.filter(([k]) => !k.startsWith('API key') && k !== 'Console sign-in'));
    logger.info(
      {
        namespace: config.temporalNamespace,
        taskQueue: config.taskQueue,
        where: logged,
        fellBack: services.fellBack,
        warnings: services.warnings,
        ms,
      },
      'online-lending ready',
    );
    for (const w of services.warnings) logger.warn(w);
    if (!production) printBanner(where, services.fellBack, services.warnings, `${config.temporalNamespace} / ${config.taskQueue}`, ms);
    await life.stopRequested;
  } catch (err) {
    if (!(err instanceof Interrupted) && !life.stopping) {
      const configError =
        err instanceof ConfigError ||
        err instanceof TemporalUnavailableError ||
        err instanceof InstanceBusyError ||
        err instanceof DatabaseNotPreparedError;
      logger.error({ err }, configError ? (err as Error).message : 'start-up failed');
      say(
        configError ? `npm start: ${(err as Error).message}` : `npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      life.requestStop('start-up failed', configError ? 2 : 1);
    }
  }
  return life.stopAll();
}

/** The worker, its connections and the Thursday-processing workflow; returns the client the API uses too. */
async function startWorker(
  config: ServiceConfig,
  db: Db,
  life: Lifecycle,
  logger: Logger,
  checks: Record<string, Check>,
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
): Promise<Client> {
  const t = Date.now();
  const { worker, client, close } = await createWorker(config, db, { workflowBundle: bundle });
  life.onStop('the Temporal connections', close);
  checkNotStopping(life);
  // Started if not running; told the configured schedule either way (a running one takes a changed
  // THURSDAY_WEEKDAY / THURSDAY_HOUR at once). Rebalancing and the grace days are the activities' own.
  const { schedule } = config.thursday;
  await client.workflow.signalWithStart(thursdayProcessing, {
    taskQueue: config.taskQueue,
    workflowId: THURSDAY_WORKFLOW_ID,
    args: [{ schedule }],
    signal: thursdaySettingsSignal,
    signalArgs: [{ schedule }],
  });
  // Signals a killed process owed its workflows (signal_outbox) are sent before the worker starts,
  // then every few seconds: a process may die between its commit and its send at any time.
  await drainSignalOutbox(db, temporalNotifier(client), { olderThanSeconds: 0 });
  const drain = scheduleSignalDrain(db, temporalNotifier(client), logger);
  life.onStop('the signal outbox drain', drain.stop);
  const running = worker.run();
  life.onStop('the worker (drained)', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined); // a failure was reported when it happened (watch)
  });
  life.watch('the worker', running);
  checks.worker = workerCheck(worker);
  logger.info({ taskQueue: config.taskQueue, namespace: config.temporalNamespace, ms: Date.now() - t }, 'worker running');
  return client;
}

/** The HTTP API, the library's numbers on its /metrics, and the hourly housekeeping; returns banner lines. */
async function startApi(
  config: ServiceConfig,
  services: BackingServices,
  client: Client,
  life: Lifecycle,
  logger: Logger,
  ops: { metrics: ServiceMetrics; readiness: Readiness },
): Promise<[string, string][]> {
  const t = Date.now();
  registerLibraryMetrics(ops.metrics, services.db);
  const sweeps = scheduleSweeps(
    services.db,
    { idempotencyRetentionHours: config.idempotencyRetentionHours, privacyRetentionDays: config.privacyRetentionDays },
    logger,
  );
  life.onStop('housekeeping', sweeps.stop);
  // Held for the process's life, named in its Idempotency-Key claims (src/api/process-liveness.ts);
  // released after the API has finished its requests (stops run last-registered first).
  const liveness = await ProcessLiveness.hold(config.databaseUrl, logger);
  life.onStop('the idempotency owner lock', () => liveness.close());
  const api = await startApiServer(config, services.db, client, { logger, ...ops, liveness });
  life.onStop('the HTTP API', async () => {
    const { inFlight, cut } = await api.close();
    logger.info(`HTTP API closed: ${inFlight} request(s) were in flight, ${cut} cut after ${config.apiShutdownGraceMs} ms`);
  });
  const where: [string, string][] = [
    ['API', `${api.url} (document: ${api.url}/docs, ${api.url}/openapi.json)`],
    ['Operations', `${api.url}/healthz, ${api.url}/readyz, ${api.url}/metrics`],
  ];
  for (const k of api.generatedKeys) where.push([`API key (${k.role})`, `${k.secret}  — API_KEYS not set: made for this run`]);
  where.push(['Console', `${api.url}/console (the staff console: sign in with a staff account)`]);
  const demo = services.demoStaff;
  if (demo)
    where.push(['Console sign-in', `${demo.staffNumber} / ${demo.password}  — demo staff account (${demo.name}), password made for this run`]);
  if (api.generatedKeys.length > 0) services.fellBack.push('API keys (API_KEYS): one per role, printed above, valid until stop');
  if (api.generatedPatronTokenSecret) services.fellBack.push('patron tokens (PATRON_TOKEN_SECRET): a random secret, valid until stop');
  services.lock?.setEndpoints(
    { api: api.url, ...services.endpoints, taskQueue: config.taskQueue, namespace: config.temporalNamespace },
    services.fellBack,
  );
  logger.info({ url: api.url, ms: Date.now() - t }, 'HTTP API listening');
  return where;
}

async function connectClient(config: ServiceConfig, life: Lifecycle): Promise<Client> {
  const { client, close } = await connectTemporalClient(config);
  life.onStop('the Temporal connection', close);
  return client;
}

function printBanner(where: [string, string][], fellBack: string[], warnings: string[], queue: string, ms: number): void {
  const width = Math.max(...where.map(([k]) => k.length));
  const lines = ['', `online-lending is running — Ctrl-C stops everything`];
  for (const [k, v] of where) lines.push(`  ${k.padEnd(width)}  ${v}`);
  lines.push(`  ${'Workflows'.padEnd(width)}  namespace / task queue: ${queue}`);
  if (fellBack.length > 0) {
    lines.push('', 'Not configured, so started here:');
    for (const f of fellBack) lines.push(`  - ${f}`);
  }
  for (const w of warnings) lines.push('', `WARNING: ${w}`);
  lines.push('', `online-lending ready in ${(ms / 1000).toFixed(1)} s`, '');
  say(lines.join('\n'));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      say(
        `npm start: ${err.message}\n(NODE_ENV=production or SERVICE_ROLE=api|worker: nothing is started locally; unset them to run on the embedded default.)`,
      );
      process.exit(2);
    }
    say(`npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
