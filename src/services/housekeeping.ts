// Rows that only matter for a while, deleted once they no longer do (the API process runs this at start
// and every hour, src/main.ts):
// - idempotency_record older than IDEMPOTENCY_RETENTION_HOURS (default 24): a client retries within
//   minutes, not days; a repeat after that is a new request (src/api/idempotency.ts says why that is safe);
// - login_throttle rows whose counting window and lock are long over (R-ACCOUNT-1 counts 15 minutes);
// - staff_session rows ended (expired or revoked) more than a day ago (staff_action keeps who did what);
// - R-PRIVACY-2: the patron's link to loans and reservations ended more than PRIVACY_RETENTION_DAYS ago
//   (default 30), unless the patron keeps a reading history (src/services/privacy.ts).
import type { Db } from '../db/client';
import { forgetEndedRecords, type Forgotten } from './privacy';
import { repeatEvery, type Repeating } from '../ops/repeat';
import { LOGIN_LOCK_MS, LOGIN_WINDOW_MS } from './accounts';

export interface Swept {
  idempotencyRecords: number;
  loginThrottles: number;
  staffSessions: number;
  forgotten: Forgotten;
}

export interface SweepOptions {
  idempotencyRetentionHours: number;
  /** R-PRIVACY-2: PRIVACY_RETENTION_DAYS. */
  privacyRetentionDays: number;
  now?: Date;
}

export async function sweep(db: Db, opts: SweepOptions): Promise<Swept> {
  // idempotency_record.createdAt comes from the database's clock (column default): compared with it.
  const idempotencyRecords = await db.$executeRaw`
    DELETE FROM idempotency_record WHERE "createdAt" < LOCALTIMESTAMP - make_interval(hours => ${opts.idempotencyRetentionHours}::int)`;
  // login_throttle is written by the service with its own clock.
  const before = new Date((opts.now ?? new Date()).getTime() - Math.max(LOGIN_WINDOW_MS, LOGIN_LOCK_MS) - 24 * 3_600_000);
  const { count: loginThrottles } = await db.loginThrottle.deleteMany({
    where: { windowStart: { lt: before }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: before } }] },
  });
  const dayAgo = new Date((opts.now ?? new Date()).getTime() - 24 * 3_600_000);
  const { count: staffSessions } = await db.staffSession.deleteMany({
    where: { OR: [{ expiresAt: { lt: dayAgo } }, { revokedAt: { lt: dayAgo } }] },
  });
  const forgotten = await forgetEndedRecords(db, { now: opts.now ?? new Date(), retentionDays: opts.privacyRetentionDays });
  return { idempotencyRecords, loginThrottles, staffSessions, forgotten };
}

/** Sweeps now and then every `intervalMs` (default an hour) until stopped; a failed sweep is logged and retried next time. */
export function scheduleSweeps(
  db: Db,
  opts: Omit<SweepOptions, 'now'> & { intervalMs?: number },
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
): Repeating {
  return repeatEvery(opts.intervalMs ?? 3_600_000, () =>
    sweep(db, opts).then(
      (swept) => log.info({ ...swept }, 'housekeeping: expired rows deleted, ended records past the privacy period forgotten'),
      (err: unknown) => log.warn({ err }, 'housekeeping failed; tried again at the next interval'),
    ),
  );
}
