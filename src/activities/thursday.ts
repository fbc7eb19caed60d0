// Thursday processing (貸出処理日, spec §6 and §7): one run per processing moment, idempotent by its
// date. Every reservation 確保済み at that moment is lent and sent (配送中) or fails (R-DISPATCH-1),
// after the R-DISPATCH-4 rebalancing. The run's summary and the signals it owes are stored with it,
// so a retried or repeated run for the same Thursday changes nothing and resends the same signals.
import { afterFailedDispatch, checkLendable, coopDates, jstDateOf, rebalance, REBALANCE_THRESHOLD, type LocalDate } from '../domain';
import type { Db } from '../db/client';
import type { ThursdayRun } from '../generated/prisma/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { reservationWorkflowId, thursdayOutcomeSignal, type ThursdayOutcome } from '../workflows/reservation-messages';
import { announceQueue, enqueue, handOver, lockTitle, queueOf, recordTransition } from './allocation';
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

export interface ThursdayOptions {
  /** R-DISPATCH-4 Decision: rebalance automatically (default on). */
  rebalance: boolean;
  /** R-DISPATCH-1 Decision: days past due before a loan is "long overdue" (default 0). */
  longOverdueGraceDays: number;
}

export function thursdayActivities(db: Db, notifier: Notifier, defaults: ThursdayOptions) {
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
          const counts = { processed: 0, dispatched: 0, failed: 0, released: 0, rebalanced: 0, bags: 0 };
          const bags = new Set<string>();
          const signal = (reservationId: string, o: ThursdayOutcome) => outbox.add(reservationWorkflowId(reservationId), thursdayOutcomeSignal, o);

          // R-DISPATCH-4: a patron with 10 or more 確保済み whose titles others wait for goes back
          // to 確保待ち for those titles, one place down, and the copy serves the next reserver.
          if (opts.rebalance) {
            const secured = await tx.reservation.findMany({ where: { status: 'SECURED', securedAt: { lte: at } } });
            const waitingTitles = new Set(
              (await tx.reservation.findMany({ where: { status: 'WAITING' }, select: { titleId: true }, distinct: ['titleId'] })).map(
                (w) => w.titleId,
              ),
            );
            const byPatron = new Map<string, typeof secured>();
            for (const r of secured) byPatron.set(r.patronId, [...(byPatron.get(r.patronId) ?? []), r]);
            const back = [...byPatron.values()].flatMap((mine) =>
              rebalance(
                mine.map((r) => ({ reservationId: r.id, othersWaiting: waitingTitles.has(r.titleId) })),
                REBALANCE_THRESHOLD,
              ),
            );
            for (const id of back) {
              const r = secured.find((s) => s.id === id)!;
              await lockTitle(tx, r.titleId);
              await handOver(tx, r.itemNumber!, r.titleId, at, outbox);
              const position = await enqueue(tx, r.id, r.titleId, at, 'head');
              signal(r.id, { kind: 'rebalanced', queue: { position, version: await announceQueue(tx, r.titleId, outbox) } });
              counts.rebalanced++;
            }
          }

          // Every reservation 確保済み at this moment, in the order the copies were secured. Copies
          // handed on by a failure during the run are taken in the same run (they are here today).
          const seen = new Set<string>();
          for (;;) {
            const batch = (
              await tx.reservation.findMany({ where: { status: 'SECURED', securedAt: { lte: at } }, orderBy: [{ securedAt: 'asc' }, { id: 'asc' }] })
            ).filter((r) => !seen.has(r.id));
            if (batch.length === 0) break;
            for (const r of batch) {
              seen.add(r.id);
              counts.processed++;
              await lockTitle(tx, r.titleId);
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
                signal(r.id, { kind: 'dispatched', processingDay: day, due: dates.due });
                counts.dispatched++;
                continue;
              }
              counts.failed++;
              const failures = r.dispatchFailures + 1;
              const othersWaiting = (await queueOf(tx, r.titleId)).length > 0;
              const decision = afterFailedDispatch({ failures, othersWaiting });
              await tx.reservation.update({ where: { id: r.id }, data: { dispatchFailures: failures } });
              if (decision.next === 'RELEASED') {
                await endReservation(tx, r, 'RELEASED', at, decision.reason.rule, outbox); // R-DISPATCH-2
                counts.released++;
                signal(r.id, { kind: 'failed', failures, reason: decision.reason, next: 'RELEASED' });
              } else if (decision.next === 'WAITING') {
                // R-DISPATCH-3: the copy goes to the next reserver; this one waits right behind them.
                await handOver(tx, r.itemNumber!, r.titleId, at, outbox);
                const position = await enqueue(tx, r.id, r.titleId, at, 'head');
                const queue = { position, version: await announceQueue(tx, r.titleId, outbox) };
                signal(r.id, { kind: 'failed', failures, reason: decision.reason, next: 'WAITING', queue });
              } else {
                signal(r.id, { kind: 'failed', failures, reason: decision.reason, next: 'SECURED' });
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
