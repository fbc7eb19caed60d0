// The library's own numbers on /metrics, read from the database at each scrape (three small queries),
// for dashboards and alerts:
//
//   lending_reservations{status}                 reservations by status (APPLIED … RELEASED)
//   lending_mail_outbox{state}                   lending notices by outbox state; alert on SENDING
//                                                (uncertain: staff must check) and FAILED (refused)
//   lending_mail_outbox_oldest_pending_seconds   age of the oldest notice not yet handed to SendGrid
//   lending_thursday_run_last_finished_seconds   when Thursday processing last finished (unix time):
//                                                alert when older than 8 days
//   lending_pull_list_oldest_seconds             age of the oldest copy on the pull list (0 when none):
//                                                alert past PULL_ALERT_HOURS (the pull-list Decision)
//
// Exported by the process that serves the API (one per deployment is enough; the worker role does not
// repeat them). A database that does not answer does not fail the scrape: these series are left out of
// it (so is the Thursday time before the first run).
import { Gauge } from 'prom-client';
import type { Db } from '../db/client';
import { RESERVATION_STATUSES } from '../domain';
import { MailState } from '../generated/prisma/enums';
import type { ServiceMetrics } from './metrics';
import { withinTime } from './readiness';

/** A scrape must not hang on a database that does not answer (pg waits for a connection for ever). */
const READ_LIMIT_MS = 2_000;

/** The value, or undefined when the database failed or did not answer in time. */
const read = <T>(query: () => Promise<T>): Promise<T | undefined> => withinTime(query(), READ_LIMIT_MS).catch(() => undefined);

const MAIL_STATES = Object.values(MailState);

export function registerLibraryMetrics(metrics: ServiceMetrics, db: Db, clock: () => Date = () => new Date()): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'lending_reservations',
    help: 'Reservations by status',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      const rows = await read(() => db.reservation.groupBy({ by: ['status'], _count: { _all: true } }));
      if (!rows) return;
      for (const status of RESERVATION_STATUSES) this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
    },
  });
  new Gauge({
    name: 'lending_mail_outbox',
    help: 'Lending notices by outbox state (SENDING: may or may not have left, never resent; FAILED: refused by SendGrid)',
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      const rows = await read(() => db.mailOutbox.groupBy({ by: ['state'], _count: { _all: true } }));
      if (!rows) return;
      for (const state of MAIL_STATES) this.set({ state }, rows.find((r) => r.state === state)?._count._all ?? 0);
    },
  });
  singleValue(
    metrics,
    'lending_mail_outbox_oldest_pending_seconds',
    'Age of the oldest lending notice not yet handed to SendGrid (0 when none waits)',
    async () => {
      const oldest = await read(async () => ({
        row: await db.mailOutbox.findFirst({ where: { state: 'PENDING' }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
      }));
      if (!oldest) return undefined;
      return oldest.row ? Math.max(0, (clock().getTime() - oldest.row.createdAt.getTime()) / 1000) : 0;
    },
  );
  singleValue(
    metrics,
    'lending_pull_list_oldest_seconds',
    'Age of the oldest copy on the pull list (取置作業リスト), 0 when the list is empty; alert past PULL_ALERT_HOURS',
    async () => {
      const oldest = await read(async () => ({
        row: await db.pullListEntry.findFirst({ where: { state: 'OPEN' }, orderBy: { listedAt: 'asc' }, select: { listedAt: true } }),
      }));
      if (!oldest) return undefined;
      return oldest.row ? Math.max(0, (clock().getTime() - oldest.row.listedAt.getTime()) / 1000) : 0;
    },
  );
  singleValue(
    metrics,
    'lending_thursday_run_last_finished_seconds',
    'When Thursday processing last finished, as unix time (absent before the first run)',
    async () => {
      const last = await read(() =>
        db.thursdayRun.findFirst({ where: { finishedAt: { not: null } }, orderBy: { finishedAt: 'desc' }, select: { finishedAt: true } }),
      );
      return last?.finishedAt ? last.finishedAt.getTime() / 1000 : undefined;
    },
  );
}

/**
 * A gauge without labels whose value may be unknown: then the series is absent from the scrape
 * (prom-client's Gauge would print 0, which would read as "1970" or "nothing waiting").
 */
function singleValue(metrics: ServiceMetrics, name: string, help: string, valueOf: () => Promise<number | undefined>): void {
  const metric = {
    name,
    help,
    type: 'gauge',
    aggregator: 'omit',
    async get() {
      const value = await valueOf().catch(() => undefined);
      return { name, help, type: 'gauge', aggregator: 'omit', values: value === undefined ? [] : [{ value, labels: {} }] };
    },
    reset: () => undefined,
  };
  metrics.registry.registerMetric(metric as unknown as Parameters<typeof metrics.registry.registerMetric>[0]);
}
