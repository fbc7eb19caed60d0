// Activities of the reservation workflow that move a reservation through the title's queue.
import { isFinalStatus, notNeededDeadline, notNeededReason, parsePlace, pickupMissedReason, type Refusal, type RuleId } from '../domain';
import { fromDbDate } from '../db/dates';
import type { Db } from '../db/client';
import { enqueue, handOver, lockTitle, recordTransition, type Tx } from './allocation';
import { refreshPullList } from './pull-list';
import { transactThenSignal, type Notifier, type Outbox } from './notifier';

/** What secureOrQueue recorded: the copy set aside and the status it gave, or a place in the queue. */
export type Allocation = { kind: 'secured'; itemNumber: string; status: 'SECURED' | 'READY' } | { kind: 'waiting' };

/** The final status a reservation's record has after withdraw or release (it may have ended otherwise first). */
export interface Ended {
  status: 'CANCELLED' | 'RELEASED' | 'RETURNED';
}

export function reservationActivities(db: Db, notifier: Notifier) {
  /** Runs `work` in one transaction with the title locked, then sends the signals it collected. */
  function underTitleLock<T>(reservationId: string, work: (tx: Tx, r: { titleId: string }, outbox: Outbox) => Promise<T>): Promise<T> {
    return transactThenSignal(db, notifier, async (tx, outbox) => {
      const { titleId } = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, select: { titleId: true } });
      await lockTitle(tx, titleId);
      return work(tx, { titleId }, outbox);
    });
  }

  return {
    /**
     * R-STATUS-1, R-ITEM-3, R-ITEM-4: after the security delay the request is 確保待ち — in the title's
     * queue, and, if a copy is on the shelf, with that copy on the pull list for staff to take off the
     * shelf (the scan secures it: shelf-pulling.ts). At the head of the queue if a copy was on the
     * shelf when the request was made but a walk-in took it first. Idempotent: a retry returns what
     * the first attempt decided. (`secured` is what the first attempt of an earlier version returned,
     * when the shelf copy was set aside by this activity itself.)
     */
    async secureOrQueue({ reservationId, at }: { reservationId: string; at: string }): Promise<Allocation> {
      return underTitleLock(reservationId, async (tx, { titleId }, outbox) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        if (r.status !== 'APPLIED') {
          // A retry after the commit: what the first attempt recorded.
          if (r.itemNumber && (r.status === 'SECURED' || r.status === 'READY'))
            return { kind: 'secured', itemNumber: r.itemNumber, status: r.status };
          return { kind: 'waiting' };
        }
        const when = new Date(at);
        // R-ITEM-4: the copy was 書架 when the request was made and a visitor took it at the counter
        // since — the request goes to the head of the queue. (A copy that went to an earlier online
        // request is no walk-in: then the queue's own order holds.)
        // Not ahead of a reservation placed before it, though: a copy on the shelf while others wait
        // was on the pull list for them (R-STATUS-1), not this request's to lose.
        const lostToWalkIn =
          r.placedWhileOnShelf &&
          (await tx.loan.count({ where: { reservationId: null, item: { titleId }, lentAt: { gte: r.placedAt } } })) > 0 &&
          (await tx.reservation.count({ where: { titleId, status: 'WAITING', placedAt: { lt: r.placedAt } } })) === 0;
        await enqueue(tx, reservationId, titleId, when, lostToWalkIn ? 'head' : 'tail', outbox);
        return { kind: 'waiting' };
      });
    },

    /**
     * R-CANCEL-1…3: the workflow's validator already checked who may cancel; here the copy set aside
     * goes to the next reserver (or the shelf). A copy already travelling (配送中) must come back
     * first: Thursday's loan is undone and the copy is released when it is checked in centrally.
     */
    async withdraw({ reservationId, at, by }: { reservationId: string; at: string; by: 'patron' | 'staff' }): Promise<Ended> {
      return underTitleLock(reservationId, async (tx, _title, outbox) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        if (isFinalStatus(r.status)) return { status: r.status as Ended['status'] }; // a retry after the commit
        await endReservation(tx, r, 'CANCELLED', new Date(at), `cancelled by ${by}`, outbox);
        return { status: 'CANCELLED' };
      });
    },

    /**
     * R-SUSPEND-3: the patron's not-needed-after day has passed (00:00 JST of the day after) with the
     * reservation still 予約申込/確保待ち → 取消 by the library, as withdraw does (R-CANCEL-3's copy logic
     * unchanged). A copy secured first wins, and a day moved or cleared meanwhile stands: then nothing
     * changes and the record's status is returned. Idempotent: a retry after the commit finds it ended.
     */
    async cancelNotNeeded({ reservationId, at }: { reservationId: string; at: string }): Promise<{ status: string; cancelled: boolean }> {
      return underTitleLock(reservationId, async (tx, _title, outbox) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        const when = new Date(at);
        if (r.status === 'CANCELLED' && r.endReason === 'R-SUSPEND-3') return { status: r.status, cancelled: true }; // a retry after the commit
        const day = r.notNeededAfter ? fromDbDate(r.notNeededAfter) : null;
        if ((r.status !== 'APPLIED' && r.status !== 'WAITING') || !day || notNeededDeadline(day).getTime() > when.getTime()) {
          return { status: r.status, cancelled: false };
        }
        await endReservation(tx, r, 'CANCELLED', when, notNeededReason(day), outbox);
        return { status: 'CANCELLED', cancelled: true };
      });
    },

    /** R-PREF-5, R-COOP-3: not collected within the hold → 予約解除, the copy taken back. */
    async releaseUncollected({ reservationId, at }: { reservationId: string; at: string; rule?: RuleId }): Promise<Ended> {
      return underTitleLock(reservationId, async (tx, _title, outbox) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        if (isFinalStatus(r.status)) return { status: r.status as Ended['status'] }; // a retry after the commit
        await endReservation(tx, r, 'RELEASED', new Date(at), pickupMissedReason(parsePlace(r.pickupPlaceCode)!), outbox);
        return { status: 'RELEASED' };
      });
    },
  };
}

/**
 * Ends a reservation that may hold a copy. At the prefectural library (予受待, 確保済み) the copy is
 * here and goes to the next reserver now; a copy at or on its way to a cooperating library (配送中)
 * travels back (予回送) and is released when it is checked in (see circulation.ts). `reason` is the
 * rule that ended it with its messages, or a plain note ("cancelled by staff").
 */
export async function endReservation(
  tx: Tx,
  r: { id: string; titleId: string; status: string; itemNumber: string | null },
  status: 'CANCELLED' | 'RELEASED',
  at: Date,
  reason: Refusal | string,
  outbox: Outbox,
): Promise<void> {
  const note = typeof reason === 'string' ? reason : reason.rule;
  await tx.reservation.update({
    where: { id: r.id },
    data: { status, queueSeq: null, endedAt: at, endReason: note, ...(typeof reason === 'string' ? {} : { reason: { ...reason } }) },
  });
  await recordTransition(tx, r.id, status, at, typeof reason === 'string' ? undefined : reason.rule);
  if (!r.itemNumber) {
    await refreshPullList(tx, r.titleId, at, outbox); // R-STATUS-1: one fewer waits, a listed copy may come off the list
    return;
  }
  if (r.status === 'IN_DELIVERY') {
    await tx.loan.updateMany({ where: { reservationId: r.id, state: 'ACTIVE' }, data: { state: 'UNDONE' } });
    await tx.item.update({ where: { itemNumber: r.itemNumber }, data: { status: 'IN_TRANSIT', loanCategory: null } });
    return;
  }
  await handOver(tx, r.itemNumber, r.titleId, at, outbox);
}
