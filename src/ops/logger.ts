// Structured logs: one JSON object per line on stdout (pino), for a log collector to index.
//
// Every line carries the service, the process role (all / api / worker) and, wherever one is known, the
// reservation and the workflow it concerns: the API adds the reservation id of the request, and the
// Temporal SDK's logger (workflow and activity logs, with workflowId/runId/activityType…) is routed here
// with the reservation id read from the workflow id (`reservation-<id>`, src/workflows/reservation-messages.ts).
//
// LOG_LEVEL: trace | debug | info (default) | warn | error | silent.
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { ConfigError } from '../config';
import { reservationIdOfWorkflow } from '../workflows/reservation-messages';

export type { Logger } from 'pino';

const LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function parseLogLevel(value: string | undefined): LevelWithSilent {
  if (value === undefined || value === '') return 'info';
  const level = value.toLowerCase() as LevelWithSilent;
  if (!LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}; got "${value}"`);
  return level;
}

export function createLogger(opts: { level?: LevelWithSilent; role?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'online-lending', ...(opts.role ? { role: opts.role } : {}) },
      // ISO times and level names: read by people as much as by the collector.
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The SDK reports failures as `error` (pino serializes only `err` by default): message and stack.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      // Never in a log line: the API's keys, passwords (they are in bodies, which are not logged either).
      redact: { paths: ['req.headers.authorization', '*.password', '*.currentPassword', '*.newPassword'], censor: '[redacted]' },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * The Temporal SDK's Logger on top of pino: the Runtime's logger (core, worker, workflow and activity
 * logs). Symbol-keyed metadata (the SDK's own timestamp) is dropped; a reservation workflow's id adds
 * `reservationId`.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata): void => {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(meta ?? {})) fields[k] = v;
    const reservationId = typeof fields.workflowId === 'string' ? reservationIdOfWorkflow(fields.workflowId) : undefined;
    if (reservationId) fields.reservationId = reservationId;
    const method = level === 'TRACE' ? 'trace' : level === 'DEBUG' ? 'debug' : level === 'INFO' ? 'info' : level === 'WARN' ? 'warn' : 'error';
    logger[method]({ source: 'temporal', ...fields }, message);
  };
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
