// `npm start`: the whole service in one terminal.
//
// With nothing configured it starts what it needs itself (src/start/embedded.ts): a Temporal server, a
// PostgreSQL kept in the data folder (migrated and seeded, with demo data), a local mail stand-in; then
// the worker and the HTTP API, and prints where everything is and what it fell back to. Whatever the
// environment names (TEMPORAL_ADDRESS, DATABASE_URL, SENDGRID_API_KEY) is used instead; with
// NODE_ENV=production nothing is started and those three and API_KEYS are required (README "Configuration").
//
// Ctrl-C / SIGTERM stops everything in the reverse order (src/start/lifecycle.ts): the API stops taking
// requests and finishes those in flight, the worker drains its activities, then the connections, the
// mail stand-in, PostgreSQL and Temporal. Exit 0 after a clean stop, 1 on failure, 2 on bad configuration.
// package.json runs this as `exec node --import tsx src/main.ts`: npm runs scripts with `sh -c`, and a
// SIGTERM that npm relays would stop only that shell (dash does not exec its last command), leaving
// this process running without its parent; `exec` makes npm's child this very process.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ConfigError, loadConfig } from './config';
import { TemporalUnavailableError } from './infra/local-temporal';
import { InstanceBusyError } from './infra/instance-lock';
import { installQuietRuntime, workflowBundle } from './infra/temporal-runtime';
import { checkNotStopping, Interrupted, startBackingServices } from './start/embedded';
import { Lifecycle } from './start/lifecycle';
import { startApiServer } from './api/server';
import { createWorker } from './worker/worker';
import { THURSDAY_WORKFLOW_ID, thursdayProcessing } from './workflows/thursday-processing';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const env = process.env;
  // Production: no fallbacks; a missing variable is an error, not a local server.
  if (env.NODE_ENV === 'production') loadConfig(env);
  // Before any Temporal connection: the SDK's own log lines at WARN and above, on stderr; signals are ours.
  installQuietRuntime('WARN');
  const life = new Lifecycle(log);
  // Bundling the workflows takes seconds: done while the servers start.
  const bundle = workflowBundle();
  bundle.catch(() => undefined); // awaited below; a failure is reported there
  try {
    const services = await startBackingServices(env, life, log);
    const config = loadConfig(services.env);

    let t = Date.now();
    const { worker, client, close } = await createWorker(config, services.db, { workflowBundle: await bundle });
    life.onStop('the Temporal connections', close);
    checkNotStopping(life);
    try {
      await client.workflow.start(thursdayProcessing, { taskQueue: config.taskQueue, workflowId: THURSDAY_WORKFLOW_ID, args: [{}] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const running = worker.run();
    life.onStop('the worker (drained)', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined); // a failure was reported when it happened (watch)
    });
    life.watch('the worker', running);
    log(`worker running on task queue "${config.taskQueue}" (${Date.now() - t} ms)`);

    t = Date.now();
    const api = await startApiServer(config, services.db, client, log);
    life.onStop('the HTTP API', api.close);
    const where: [string, string][] = [['API', `${api.url} (document: ${api.url}/docs, ${api.url}/openapi.json)`]];
    for (const k of api.generatedKeys) where.push([`API key (${k.role})`, `${k.secret}  — API_KEYS not set: made for this run`]);
    if (api.generatedKeys.length > 0) services.fellBack.push('API keys (API_KEYS): one per role, printed above, valid until stop');
    where.push(...services.where);
    services.lock?.setEndpoints({ api: api.url, ...services.endpoints, taskQueue: config.taskQueue, namespace: config.temporalNamespace }, services.fellBack);
    printBanner(where, services.fellBack, services.warnings, `${config.temporalNamespace} / ${config.taskQueue}`, Date.now() - started);
    await life.stopRequested;
  } catch (err) {
    if (!(err instanceof Interrupted) && !life.stopping) {
      const configError = err instanceof ConfigError || err instanceof TemporalUnavailableError || err instanceof InstanceBusyError;
      log(configError ? `npm start: ${(err as Error).message}` : `npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      life.requestStop('start-up failed', configError ? 2 : 1);
    }
  }
  return life.stopAll();
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
  log(lines.join('\n'));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      log(`npm start: ${err.message}\n(NODE_ENV=production: nothing is started locally; unset it to run on the embedded default.)`);
      process.exit(2);
    }
    log(`npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
