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
//
// What each reservation gets, and in which order, is thursday-decisions.ts (processThursday): the run
// hands it the records (recordsLedger, below), the preview a read-only copy of them. The bags it packed
// (R-COOP-2) are stored with the run, so that their labels and transit slips can be printed again.
import { jstDateOf, type LocalDate } from '../domain';
import type { Db, Tx } from '../db/client';
import type { ThursdayRun } from '../generated/prisma/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { reservationWorkflowId, thursdayOutcomeSignal, type ThursdayOutcome } from '../workflows/reservation-messages';
import { enqueue, handOver, lockTitle, recordTransition } from './allocation';
import { transactThenSignal, type Notifier, type Outbox, type PendingSignal } from './notifier';
import { lockedPatronLendingFacts } from './patron-facts';
import { endReservation } from './reservations';
import { activityLog } from './activity-log';
import { loadClosedDays } from './closed-days';
import { servableAt } from './suspension';
import { bySecuredOrder, processThursday, type CopyFate, type ThursdayHooks, type ThursdayLedger } from './thursday-decisions';

export type { ThursdayHooks } from './thursday-decisions';

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

/** The processing lock (pg_try_advisory_xact_lock): one Thursday run at a time, whichever day it is for. */
export const PROCESSING_LOCK = 'online-lending:thursday-processing';

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
          // What each 確保済み reservation gets: the same code the preview runs (thursday-decisions.ts).
          const { counts, bags } = await processThursday(recordsLedger(tx, outbox, { at, day, graceDays: opts.longOverdueGraceDays }), {
            processingDay: day,
            rebalance: opts.rebalance,
            hooks,
            closed: await loadClosedDays(tx, day), // R-CLOSED-3
          });
          return tx.thursdayRun.upsert({
            where: { processingDate: toDbDate(day) },
            create: {
              processingDate: toDbDate(day),
              startedAt: at,
              finishedAt: new Date(),
              ...counts,
              outcomes: outbox.pending as never,
              packedBags: bags as never,
            },
            update: { finishedAt: new Date(), ...counts, outcomes: outbox.pending as never, packedBags: bags as never },
          });
        },
        // R-SCALE-1 Decision: the whole run is one transaction, given as long as the weekly workflow gives the activity (5 minutes,
        // src/workflows/thursday-processing.ts); 2 minutes was too short for 5,000 確保済み on a busy machine (README, "Records and worker at scale").
        { timeout: 300_000, maxWait: 30_000 },
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

/**
 * The run's ledger: the records, in the run's transaction. Each 確保済み reservation is read again under
 * its title's lock, the patron's facts under the patron's lock (lockedPatronLendingFacts); every change
 * writes the signals it owes to the run's outbox (stored with the run, so a repeated run resends them).
 */
function recordsLedger(tx: Tx, outbox: Outbox, run: { at: Date; day: LocalDate; graceDays: number }): ThursdayLedger {
  const { at, day } = run;
  const cards = new Map<string, string>();
  const signal = (reservationId: string, o: ThursdayOutcome) => outbox.add(reservationWorkflowId(reservationId), thursdayOutcomeSignal, o);
  const fate = (to: string | null): Promise<CopyFate> =>
    to === null
      ? Promise.resolve({ to: 'shelf' })
      : tx.reservation
          .findUniqueOrThrow({ where: { id: to }, select: { status: true } })
          .then(({ status }) => ({ to: 'reservation', reservationId: to, status: status === 'READY' ? 'READY' : 'SECURED' }));
  return {
    async secured(patronId) {
      const rows = await tx.reservation.findMany({
        where: { status: 'SECURED', securedAt: { lte: at }, ...(patronId ? { patronId } : {}) },
        orderBy: [{ securedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.sort(bySecuredOrder);
    },
    lockTitle: (titleId) => lockTitle(tx, titleId),
    reread: (id) => tx.reservation.findUnique({ where: { id } }),
    // R-SCALE-1 Decision: whether anyone waits is one indexed look (titleId, status), not the whole queue read per
    // reservation; R-SUSPEND-1: only those a copy may go to.
    othersWaiting: async (titleId) =>
      (await tx.reservation.findFirst({ where: { titleId, status: 'WAITING', ...servableAt(at) }, select: { id: true } })) !== null,
    // R-SCALE-1 Decision: the patron's row is read once, by the statement that locks it; its card number
    // is kept from that read (the lock is held to the run's commit, so it cannot change meanwhile).
    async lendingFacts(patronId) {
      const { facts, cardNumber } = await lockedPatronLendingFacts(tx, patronId, day, run.graceDays);
      cards.set(patronId, cardNumber);
      return facts;
    },
    cardNumber: async (patronId) =>
      cards.get(patronId) ?? (await tx.patron.findUniqueOrThrow({ where: { id: patronId }, select: { cardNumber: true } })).cardNumber,
    async putBack(r) {
      const to = await handOver(tx, r.itemNumber!, r.titleId, at, outbox);
      await enqueue(tx, r.id, r.titleId, at, 'head', outbox);
      signal(r.id, { kind: 'rebalanced' });
      return fate(to);
    },
    async lend(r, { bag, dates }) {
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
    },
    async fail(r, { cause, failures, next, reason }) {
      // The reason is shown while it stays 確保済み, too (R-DISPATCH-2's count, R-DISPATCH-3's move).
      await tx.reservation.update({ where: { id: r.id }, data: { dispatchFailures: failures, reason: { ...reason } } });
      let copy: CopyFate = { to: 'kept' };
      if (next === 'RELEASED') {
        // R-DISPATCH-2: ended; the copy is here and goes to the next reserver or the shelf.
        await endReservation(tx, r, 'RELEASED', at, reason, outbox);
        const holder = await tx.reservation.findFirst({
          where: { itemNumber: r.itemNumber, status: { in: ['SECURED', 'READY'] } },
          select: { id: true },
        });
        copy = await fate(holder?.id ?? null);
      } else if (next === 'WAITING') {
        // R-DISPATCH-3: the copy goes to the next reserver; this one waits right behind them.
        copy = await fate(await handOver(tx, r.itemNumber!, r.titleId, at, outbox));
        await enqueue(tx, r.id, r.titleId, at, 'head', outbox);
      }
      signal(r.id, { kind: 'failed', failures, reason, next, cause }); // cause: R-DISPATCH-1's refusal, for the notice
      return copy;
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
