// Starts the HTTP API for `npm start`: createApp with the service's database and Temporal client,
// listening on API_HOST:PORT. Without API_KEYS (allowed outside production) it makes one random
// key per role for this run and returns them, so the banner can show them; without PATRON_TOKEN_SECRET
// (likewise) a random one, so patron tokens end with the process. STAFF_BOOTSTRAP_ADMIN's admin is
// created here if its staff number is free.
//
// close(): stops accepting connections, lets the requests in flight finish (up to API_SHUTDOWN_GRACE,
// src/ops/graceful-close.ts), then returns how many were cut.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Client } from '@temporalio/client';
import { shelfPulling } from '../activities/shelf-pulling';
import { circulation } from '../activities/circulation';
import { temporalNotifier } from '../activities/notifier';
import type { ServiceConfig } from '../config';
import type { Db } from '../db/client';
import { bootstrapAdmin } from '../services/staff-accounts';
import { thursdayByHand } from '../services/thursday-by-hand';
import { createApp } from './app';
import type { ApiKey } from './auth';
import type { OwnerLiveness } from './process-liveness';
import type { Logger } from '../ops/logger';
import { listenGracefully, type CloseOutcome } from '../ops/graceful-close';
import type { ServiceMetrics } from '../ops/metrics';
import type { Readiness } from '../ops/readiness';

export interface RunningApi {
  url: string;
  /** Keys made for this run because API_KEYS was not set (empty otherwise). */
  generatedKeys: ApiKey[];
  /** PATRON_TOKEN_SECRET was not set: a random one for this run. */
  generatedPatronTokenSecret: boolean;
  close(): Promise<CloseOutcome>;
}

export async function startApiServer(
  config: ServiceConfig,
  db: Db,
  temporal: Client,
  ops: { logger: Logger; metrics: ServiceMetrics; readiness: Readiness; liveness?: OwnerLiveness },
): Promise<RunningApi> {
  const generatedKeys: ApiKey[] =
    config.apiKeys.length > 0
      ? []
      : (['opac', 'staff'] as const).map((role) => ({ name: `${role}-local`, role, secret: randomBytes(24).toString('base64url') }));
  if (config.staffBootstrapAdmin) {
    const made = await bootstrapAdmin(db, config.staffBootstrapAdmin);
    ops.logger.info(
      { staffNumber: config.staffBootstrapAdmin.staffNumber, outcome: made },
      made === 'created'
        ? 'STAFF_BOOTSTRAP_ADMIN: admin account created; sign in with its temporary password and change it'
        : 'STAFF_BOOTSTRAP_ADMIN: the staff number has an account already; nothing changed',
    );
  }
  const app = createApp({
    db,
    temporal,
    taskQueue: config.taskQueue,
    // R-OVERDUE-1 / R-DISPATCH-1, R-DISPATCH-4, §6: the worker's settings (src/config.ts), one source.
    desk: circulation(db, temporalNotifier(temporal), {
      longOverdueGraceDays: config.thursday.longOverdueGraceDays,
      schedule: config.thursday.schedule,
    }),
    shelf: shelfPulling(db, temporalNotifier(temporal), { schedule: config.thursday.schedule }),
    pullAlertHours: config.pullAlertHours,
    runThursdayProcessing: thursdayByHand(db, temporal, {
      rebalance: config.thursday.rebalance,
      longOverdueGraceDays: config.thursday.longOverdueGraceDays,
    }),
    thursdayOptions: { rebalance: config.thursday.rebalance, longOverdueGraceDays: config.thursday.longOverdueGraceDays },
    processingSchedule: config.thursday.schedule,
    keys: [...config.apiKeys, ...generatedKeys],
    patronTokens: { secret: config.patronTokenSecret, ttlMs: config.patronTokenTtlMs },
    staffSessions: config.staffSessions,
    staffKeys: config.staffKeyAccess,
    reservationConfig: {
      securityDelayMs: config.securityDelayMs,
      noticeHour: config.noticeHour,
      overdueNoticeMax: config.overdueNoticeMax,
      suspendMaxDays: config.suspendMaxDays,
    },
    sendgridWebhookPublicKey: config.sendgridWebhookPublicKey,
    logger: ops.logger,
    metrics: ops.metrics,
    readiness: ops.readiness,
    liveness: ops.liveness,
  });
  const listening = await listenGracefully(createServer(app), config.apiPort, config.apiHost);
  return {
    url: listening.url,
    generatedKeys,
    generatedPatronTokenSecret: config.patronTokenSecret === undefined,
    close: () => listening.close(config.apiShutdownGraceMs),
  };
}
