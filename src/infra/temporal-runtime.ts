// The Temporal SDK's process-wide pieces: the Runtime with its logger, and the workflow bundle.
// The service (`npm start`) installs its Runtime with installServiceRuntime: logs into the structured
// log, metrics on a Prometheus endpoint. The time-skipping runs (tests and the simulator) use
// installQuietRuntime.
//
// Why a custom logger: the simulator's stdout must carry its JSON timeline only. The SDK's native
// core prints its own log lines straight to stdout unless they are forwarded to the TS logger, so we
// forward them, and the TS logger writes to stderr. Listeners let a run notice activity failures
// (a failing activity is retried quietly for ever) without scraping stderr.
import { inspect } from 'node:util';
import type { Logger } from '@temporalio/common';
import {
  DefaultLogger,
  IllegalStateError,
  Runtime,
  bundleWorkflowCode,
  type LogEntry,
  type LogLevel,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';

export type RuntimeLogListener = (entry: LogEntry) => void;

const listeners = new Set<RuntimeLogListener>();

/** Calls `listener` with every log entry the SDK emits at WARN or above; returns the unsubscribe. */
export function onRuntimeLog(listener: RuntimeLogListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The Java time-skipping server does not advertise a capability the SDK asks every server about;
 * it concerns heartbeat details on failed activities, which we do not use. Said once per worker.
 */
const KNOWN_TEST_SERVER_NOISE = /did not advertise the activity_failure_include_heartbeat capability/;

function printToStderr(entry: LogEntry): void {
  if (KNOWN_TEST_SERVER_NOISE.test(entry.message)) return;
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${inspect(entry.meta, { depth: 4, breakLength: Infinity })}` : '';
  process.stderr.write(`[temporal ${entry.level}] ${entry.message}${meta}\n`);
}

/**
 * Installs the Runtime once per module registry (a jest test file, or the simulator's process): WARN
 * and above, everything on stderr. A second call is a no-op, so the test harness and the simulator can
 * both ask for it.
 */
export function installQuietRuntime(level: LogLevel = 'WARN'): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        for (const listener of listeners) listener(entry);
        printToStderr(entry);
      }),
      telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
      // The SDK would shut the worker down on Ctrl-C by itself, leaving pending queries hanging; the
      // simulator's CLI handles the signal and stops everything in order (src/simulator/cli.ts).
      shutdownSignals: [],
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

/**
 * The service's Runtime: every SDK log line (core, worker, workflow, activity) goes to `logger` (the
 * structured log, src/ops/logger.ts); core's own lines from WARN up (INFO and below with `verbose`).
 * With `metricsAddress` (host:port), the SDK's Prometheus exporter serves /metrics there.
 * Call once, before any connection or worker.
 */
export function installServiceRuntime(opts: { logger: Logger; verbose?: boolean; metricsAddress?: string | undefined }): void {
  Runtime.install({
    logger: opts.logger,
    telemetryOptions: {
      logging: { filter: { core: opts.verbose ? 'INFO' : 'WARN', other: 'ERROR' }, forward: {} },
      ...(opts.metricsAddress
        ? { metrics: { prometheus: { bindAddress: opts.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
    // src/start/lifecycle.ts handles the signals and stops the API before the worker.
    shutdownSignals: [],
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The project's workflows (src/workflows), bundled once per module registry: bundling takes seconds. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const noop = (): void => undefined;
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: {
      log: noop,
      trace: noop,
      debug: noop,
      info: noop,
      warn: noop,
      error: (message: string) => process.stderr.write(`[workflow bundle] ${message}\n`),
    },
  });
  bundle.catch(() => (bundle = undefined));
  return bundle;
}
