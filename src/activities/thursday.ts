// Thursday processing (貸出処理日, spec §6 and §7): one run per processing moment, idempotent by its
// date. Every reservation 確保済み at that moment is lent and sent (配送中) or fails (R-DISPATCH-1),
// after the R-DISPATCH-4 rebalancing. The run's summary and the signals it owes are stored with it,
// so a retried or repeated run for the same Thursday changes nothing and resends the same signals.
//
// One run at a time: the whole run is one transaction that first takes a transaction-level advisory
// lock (try-lock, never a wait). A second run meanwhile — staff by hand while the weekly workflow runs,
// or two hand runs — stops at once with ThursdayRunInProgressError (the API answers 409; the workflow's
// activity is retried and then finds the finished run). Without it both would lend the same copies and
// the second would fail on the loan's unique reservation key.
//
// The list of 確保済み reservations is read before their titles are locked, and other events (a staff
// cancel, a return handing a copy on) keep committing under those title locks until the run reaches
// each title. So every reservation is read again once its title is locked, and passed over if it
// changed meanwhile: the event that changed it has decided for it (R-CANCEL-3 gave the copy to the
// next reserver; lending it as well would give one copy to two holders).
import { afterFailedDispatch, checkLendable, coopDates, jstDateOf, rebalance, REBALANCE_THRESHOLD, type LocalDate } from '../domain';
import type { Db } from '../db/client';
import type { ThursdayRun } from '../generated/prisma/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { reservationWorkflowId, thursdayOutcomeSignal, type ThursdayOutcome } from '../workflows/reservation-messages';
import { enqueue, handOver, lockTitle, queueOf, recordTransition } from './allocation';
import { transactThenSignal, type Notifier, type PendingSignal } from './notifier';
import { patronLendingFacts } from './patron-facts';
import { endReservation } from './reservations';
import { activityLog } from './activity-log';

export interface ThursdaySummary {
  processingDay: LocalDate;
  at: string;
  processed: number;
  dispatched: number;
  failed: number;
  released: number;
  rebalanced: number;
  /** R-COOP-2: dedicated bags packed (one per patron and cooperating library). */
  bags: number;
}

/**
 * A Thursday run is already in progress (it holds the processing lock). Retryable: the weekly
 * workflow's activity tries again until that run has finished, then returns its stored summary.
 */
export class ThursdayRunInProgressError extends Error {
  constructor() {
    super('Thursday processing is already running; its summary is there once it has finished');
    this.name = 'ThursdayRunInProgressError';
  }
}

/**
 * TEST-ONLY seams, never set by the service: awaited at the named point of a run, inside its
 * transaction and holding the processing lock, so that a test can commit another event exactly there
 * (test/workflows/thursday-processing.test.ts). Nothing else may depend on them.
 */
export interface ThursdayHooks {
  /** The run has read these 確保済み reservations (one, or one patron's for R-DISPATCH-4) and is about to lock their titles. */
  beforeTitleLock?(step: 'rebalance' | 'dispatch', reservationIds: readonly string[]): Promise<void>;
}

/** The processing lock (pg_try_advisory_xact_lock): one Thursday run at a time, whichever day it is for. */
export const PROCESSING_LOCK = 'online-lending:thursday-processing';

type Row = { id: string; status: string; itemNumber: string | null; securedAt: Date | null };

/** Changed since it was listed: another event committed for it before the run locked its title. */
const changedSince = (listed: Row, now: Row | null): boolean =>
  !now || now.status !== 'SECURED' || now.itemNumber !== listed.itemNumber || now.securedAt?.getTime() !== listed.securedAt?.getTime();

export interface ThursdayOptions {
  /** R-DISPATCH-4 Decision: rebalance automatically (default on). */
  rebalance: boolean;
  /** R-DISPATCH-1 Decision: days past due before a loan is "long overdue" (default 0). */
  longOverdueGraceDays: number;
}

/** R-DISPATCH-4, R-DISPATCH-1 Decisions: what runs without configuration (src/config.ts reads THURSDAY_REBALANCE, LONG_OVERDUE_GRACE_DAYS). */
export const DEFAULT_THURSDAY_OPTIONS: Readonly<ThursdayOptions> = Object.freeze({ rebalance: true, longOverdueGraceDays: 0 });

export function thursdayActivities(db: Db, notifier: Notifier, defaults: ThursdayOptions, hooks: ThursdayHooks = {}) {
  return {
    async runThursdayProcessing({ processingAt, options }: { processingAt: string; options?: Partial<ThursdayOptions> }): Promise<ThursdaySummary> {
      const opts = { ...defaults, ...options };
      const at = new Date(processingAt);
      const day = jstDateOf(at);
      const done = await db.thursdayRun.findUnique({ where: { processingDate: toDbDate(day) } });
      if (done?.finishedAt) {
        for (const s of done.outcomes as unknown as PendingSignal[]) await notifier.send(s);
        return summaryOf(done);
      }
      const run = await transactThenSignal(
        db,
        notifier,
        async (tx, outbox) => {
          // §6 Decision (one run at a time), see the top of this file.
          const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${PROCESSING_LOCK})) AS locked`;
          if (!lock?.locked) throw new ThursdayRunInProgressError();
          // The run that held the lock may have been this day's: then it is done, and its signals are resent.
          const finished = await tx.thursdayRun.findUnique({ where: { processingDate: toDbDate(day) } });
          if (finished?.finishedAt) {
            outbox.pending.push(...(finished.outcomes as unknown as PendingSignal[]));
            return finished;
          }
          const counts = { processed: 0, dispatched: 0, failed: 0, released: 0, rebalanced: 0, bags: 0 };
          const bags = new Set<string>();
          const signal = (reservationId: string, o: ThursdayOutcome) => outbox.add(reservationWorkflowId(reservationId), thursdayOutcomeSignal, o);
          const securedByThen = { status: 'SECURED', securedAt: { lte: at } } as const;
          const inSecuredOrder = [{ securedAt: 'asc' }, { id: 'asc' }] as const;

          // R-DISPATCH-4: a patron with 10 or more 確保済み whose titles others wait for goes back
          // to 確保待ち for those titles, one place down, and the copy serves the next reserver.
          // Decided per patron under the locks of all their titles, from what is there then.
          if (opts.rebalance) {
            const listed = await tx.reservation.findMany({ where: securedByThen, orderBy: [...inSecuredOrder] });
            const byPatron = new Map<string, typeof listed>();
            for (const r of listed) byPatron.set(r.patronId, [...(byPatron.get(r.patronId) ?? []), r]);
            for (const [patronId, theirs] of byPatron) {
              if (theirs.length < REBALANCE_THRESHOLD) continue;
              const ids = theirs.map((r) => r.id);
              await hooks.beforeTitleLock?.('rebalance', ids);
              const locked = new Set<string>();
              let mine = theirs;
              for (;;) {
                const titles = [...new Set(mine.map((r) => r.titleId))].filter((t) => !locked.has(t)).sort();
                if (titles.length === 0) break;
                for (const t of titles) {
                  await lockTitle(tx, t);
                  locked.add(t);
                }
                mine = await tx.reservation.findMany({ where: { ...securedByThen, patronId }, orderBy: [...inSecuredOrder] });
              }
              const secured = [];
              for (const r of mine) secured.push({ reservationId: r.id, othersWaiting: (await queueOf(tx, r.titleId)).length > 0 });
              const back = new Set(rebalance(secured, REBALANCE_THRESHOLD));
              for (const r of mine.filter((m) => back.has(m.id))) {
                await handOver(tx, r.itemNumber!, r.titleId, at, outbox);
                await enqueue(tx, r.id, r.titleId, at, 'head', outbox);
                signal(r.id, { kind: 'rebalanced' });
                counts.rebalanced++;
              }
            }
          }

          // Every reservation 確保済み at this moment, in the order the copies were secured. Copies
          // handed on by a failure during the run are taken in the same run (they are here today).
          const seen = new Set<string>();
          for (;;) {
            const batch = (await tx.reservation.findMany({ where: securedByThen, orderBy: [...inSecuredOrder] })).filter((r) => !seen.has(r.id));
            if (batch.length === 0) break;
            for (const listed of batch) {
              await hooks.beforeTitleLock?.('dispatch', [listed.id]);
              await lockTitle(tx, listed.titleId);
              // Read again under the title's lock: a cancel (R-CANCEL-3) or any other event that
              // committed since the list was read has decided for it. Still 確保済み by then with
              // another copy or moment, it comes back in the next batch as it is now.
              const r = await tx.reservation.findUnique({ where: { id: listed.id } });
              if (!r || changedSince(listed, r)) continue;
              seen.add(r.id);
              counts.processed++;
              const lendable = checkLendable({ ...(await patronLendingFacts(tx, r.patronId, day, opts.longOverdueGraceDays)), at: 'dispatch' });
              if (lendable.ok) {
                const dates = coopDates(day);
                // R-COOP-2: one dedicated bag per patron and cooperating library this Thursday.
                const { cardNumber } = await tx.patron.findUniqueOrThrow({ where: { id: r.patronId }, select: { cardNumber: true } });
                const bag = `${day}/${r.pickupPlaceCode}/${cardNumber}`;
                bags.add(bag);
                await tx.loan.create({
                  data: {
                    itemNumber: r.itemNumber!,
                    patronId: r.patronId,
                    reservationId: r.id,
                    lentAt: at,
                    lentOn: toDbDate(day),
                    due: toDbDate(dates.due),
                    bag,
                  },
                });
                await tx.item.update({ where: { itemNumber: r.itemNumber! }, data: { status: 'ON_LOAN', loanCategory: '一般' } });
                await tx.reservation.update({
                  where: { id: r.id },
                  data: { status: 'IN_DELIVERY', pickupFrom: toDbDate(dates.pickupFrom), pickupUntil: toDbDate(dates.pickupUntil) },
                });
                await recordTransition(tx, r.id, 'IN_DELIVERY', at);
                // The dates as recorded, for the workflow to wait on (it derives none of them).
                const { pickupFrom, pickupUntil, mail: noticeOn, due } = dates;
                signal(r.id, { kind: 'dispatched', processingDay: day, due, pickupFrom, pickupUntil, noticeOn });
                counts.dispatched++;
                continue;
              }
              counts.failed++;
              const failures = r.dispatchFailures + 1;
              const othersWaiting = (await queueOf(tx, r.titleId)).length > 0;
              const decision = afterFailedDispatch({ failures, othersWaiting });
              // The reason is shown while it stays 確保済み, too (R-DISPATCH-2's count, R-DISPATCH-3's move).
              await tx.reservation.update({ where: { id: r.id }, data: { dispatchFailures: failures, reason: { ...decision.reason } } });
              if (decision.next === 'RELEASED') {
                await endReservation(tx, r, 'RELEASED', at, decision.reason, outbox); // R-DISPATCH-2
                counts.released++;
                signal(r.id, { kind: 'failed', failures, reason: decision.reason, next: 'RELEASED', cause: lendable.refusal });
              } else if (decision.next === 'WAITING') {
                // R-DISPATCH-3: the copy goes to the next reserver; this one waits right behind them.
                await handOver(tx, r.itemNumber!, r.titleId, at, outbox);
                await enqueue(tx, r.id, r.titleId, at, 'head', outbox);
                signal(r.id, { kind: 'failed', failures, reason: decision.reason, next: 'WAITING', cause: lendable.refusal });
              } else {
                signal(r.id, { kind: 'failed', failures, reason: decision.reason, next: 'SECURED', cause: lendable.refusal });
              }
            }
          }
          counts.bags = bags.size;
          return tx.thursdayRun.upsert({
            where: { processingDate: toDbDate(day) },
            create: { processingDate: toDbDate(day), startedAt: at, finishedAt: new Date(), ...counts, outcomes: outbox.pending as never },
            update: { finishedAt: new Date(), ...counts, outcomes: outbox.pending as never },
          });
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
      const summary = summaryOf(run);
      activityLog().info('Thursday processing done', { ...summary });
      return summary;
    },

    /**
     * §6 Decision (catch-up): should a weekly workflow first started after `processingAt` still run that
     * moment? Only if no run is recorded for its day and some reservation was 確保済み at that moment —
     * otherwise there is nothing it would lend, and waiting for the next moment loses nothing.
     */
    async thursdayCatchUpDue({ processingAt }: { processingAt: string }): Promise<boolean> {
      const at = new Date(processingAt);
      if (await db.thursdayRun.findUnique({ where: { processingDate: toDbDate(jstDateOf(at)) }, select: { processingDate: true } })) return false;
      return (await db.reservation.count({ where: { status: 'SECURED', securedAt: { lte: at } } })) > 0;
    },
  };
}

function summaryOf(run: ThursdayRun): ThursdaySummary {
  return {
    processingDay: fromDbDate(run.processingDate),
    at: run.startedAt.toISOString(),
    processed: run.processed,
    dispatched: run.dispatched,
    failed: run.failed,
    released: run.released,
    rebalanced: run.rebalanced,
    bags: run.bags,
  };
}
