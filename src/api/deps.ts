// What the API needs from the rest of the service. createApp (app.ts) takes these and only wires:
// it opens nothing and listens on nothing, so tests hand it the time-skipping environment's pieces.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { circulation } from '../activities/circulation';
import type { shelfPulling } from '../activities/shelf-pulling';
import type { ThursdayOptions, ThursdaySummary } from '../activities/thursday';
import type { Db } from '../db/client';
import type { ProcessingSchedule } from '../domain';
import type { Logger } from '../ops/logger';
import { ServiceMetrics } from '../ops/metrics';
import { databaseCheck, Readiness, temporalCheck } from '../ops/readiness';
import { DEFAULT_STAFF_SESSION_POLICY, type StaffSessionPolicy } from '../services/staff-accounts';
import type { ReservationConfig } from '../workflows/reservation-state';
import type { ApiKey } from './auth';
import { IdempotencyStore } from './idempotency';
import { PatronTokens } from './patron-tokens';
import type { OwnerLiveness } from './process-liveness';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  /** Where reservation workflows are started. */
  taskQueue: string;
  /** The counter and the central check-in (src/activities/circulation.ts). */
  desk: ReturnType<typeof circulation>;
  /** Staff at the shelf: the scan of a copy on the pull list, "not on the shelf" (src/activities/shelf-pulling.ts). */
  shelf: ReturnType<typeof shelfPulling>;
  /** The pull-list Decision: hours on the list before an entry is late (PULL_ALERT_HOURS, default 24). */
  pullAlertHours?: number;
  /** Thursday processing for one processing moment, idempotent per day (src/activities/thursday.ts). */
  runThursdayProcessing(req: { processingAt: string }): Promise<ThursdaySummary>;
  /** The options that processing runs with (THURSDAY_REBALANCE, LONG_OVERDUE_GRACE_DAYS), for its preview (default: the defaults). */
  thursdayOptions?: ThursdayOptions;
  keys: readonly ApiKey[];
  /**
   * Patron tokens (POST /opac/login, X-Patron-Token): the HMAC secret (PATRON_TOKEN_SECRET; default: a
   * random one for this app, so its tokens end with it) and their lifetime (default 30 minutes).
   */
  patronTokens?: { secret?: string | undefined; ttlMs?: number | undefined };
  /** Staff sessions: idle and absolute limits (STAFF_SESSION_IDLE_MINUTES, STAFF_SESSION_MAX_HOURS; default 8 h, 12 h). */
  staffSessions?: Partial<StaffSessionPolicy>;
  /** STAFF_KEY_ACCESS: false refuses the staff API keys, so that every staff act is a signed-in person's (default true). */
  staffKeys?: boolean;
  /** The library's clock (default: the machine's; tests: the time-skipping server's). */
  clock?: () => Date | Promise<Date>;
  /** Passed to every reservation workflow started (tests shorten delays). */
  reservationConfig?: Partial<ReservationConfig>;
  /** The weekly processing moment, as the worker runs it (default Thursday 10:00 JST). */
  processingSchedule?: Partial<ProcessingSchedule>;
  /** Largest JSON body accepted (default 16kb); larger → 413. */
  bodyLimit?: string;
  /** Check every success response against its schema (tests): a mismatch is a 500. */
  checkResponses?: boolean;
  /** Where unexpected errors are reported (default: the logger, else stderr). */
  log?: (message: string, err: unknown) => void;
  /** The request log: one line per response (default: none). */
  logger?: Logger;
  /** /metrics (default: the API's request metrics only). */
  metrics?: ServiceMetrics;
  /** /readyz (default: the database and the Temporal frontend). */
  readiness?: Readiness;
  /** This process's liveness lock, named in Idempotency-Key claims (default: none, the 2-minute rule only). */
  liveness?: OwnerLiveness;
  /** SendGrid's Event Webhook verification key (SENDGRID_WEBHOOK_PUBLIC_KEY; none: every event is refused, 401). */
  sendgridWebhookPublicKey?: string | undefined;
}

export interface ApiContext {
  deps: ApiDeps;
  idempotency: IdempotencyStore;
  metrics: ServiceMetrics;
  readiness: Readiness;
  patronTokens: PatronTokens;
  staffSessions: StaffSessionPolicy;
  now(): Promise<Date>;
}

export function apiContext(deps: ApiDeps): ApiContext {
  const clock = deps.clock ?? (() => new Date());
  return {
    deps,
    idempotency: new IdempotencyStore(deps.db, deps.liveness),
    metrics: deps.metrics ?? new ServiceMetrics(),
    readiness: deps.readiness ?? new Readiness({ database: databaseCheck(deps.db), temporal: temporalCheck(deps.temporal) }),
    patronTokens: new PatronTokens(deps.patronTokens?.secret ?? randomBytes(32).toString('base64url'), deps.patronTokens?.ttlMs),
    staffSessions: { ...DEFAULT_STAFF_SESSION_POLICY, ...deps.staffSessions },
    now: async () => clock(),
  };
}
