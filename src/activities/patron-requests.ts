// Activities of the reservation workflow for what a patron or member of staff asks of a waiting or
// secured reservation (issue 13, spec §15): suspending it (R-SUSPEND-1, R-SUSPEND-2) and changing its pickup
// place (R-PICKUP-1, R-PICKUP-2). Each runs
// in one transaction under the title's lock (allocation.ts), checks the rule again on the records —
// Thursday processing or a check-in may have moved the reservation since the workflow's validator looked —
// and is idempotent under retry after its commit.
import {
  checkNotNeededStatus,
  checkPickupChange,
  checkSuspendStatus,
  parsePlace,
  type Actor,
  type LocalDate,
  type Outcome,
  type ReservationStatus,
} from '../domain';
import { fromDbDate, toDbDate } from '../db/dates';
import type { Db } from '../db/client';
import { lockTitle, recordTransition } from './allocation';
import { transactThenSignal, type Notifier } from './notifier';
import { refreshPullList } from './pull-list';

/** What a pickup change recorded: the place and the status the reservation has now. */
export type PickupChanged = Outcome<{ pickup: string; status: ReservationStatus }>;

export function patronRequestActivities(db: Db, notifier: Notifier) {
  return {
    /**
     * R-SUSPEND-1, R-SUSPEND-2 (保留): the reservation stays 確保待ち with its queueSeq, passed over until
     * `until`; a copy listed for it comes off the pull list (R-STATUS-1). Idempotent: a retry finds it done.
     */
    async suspendReservation({ reservationId, until, at }: { reservationId: string; until: LocalDate; at: string }): Promise<Outcome> {
      return transactThenSignal(db, notifier, async (tx, outbox) => {
        const { titleId } = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, select: { titleId: true } });
        await lockTitle(tx, titleId);
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        if (r.suspendedUntil && fromDbDate(r.suspendedUntil) === until) return { ok: true as const }; // a retry after the commit
        const allowed = checkSuspendStatus(r.status); // a copy may have reached it since the workflow looked
        if (!allowed.ok) return allowed;
        const when = new Date(at);
        await tx.reservation.update({ where: { id: reservationId }, data: { suspendedUntil: toDbDate(until), suspendedAt: when } });
        await refreshPullList(tx, titleId, when, outbox);
        return { ok: true as const };
      });
    },

    /**
     * R-SUSPEND-1: the suspension ends — on its day (the workflow's timer) or when the patron asks. Back
     * among those a copy may go to, at its old place; a copy on the shelf is listed for it (R-STATUS-1).
     */
    async resumeReservation({ reservationId, at }: { reservationId: string; at: string }): Promise<void> {
      await transactThenSignal(db, notifier, async (tx, outbox) => {
        const { titleId } = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, select: { titleId: true } });
        await lockTitle(tx, titleId);
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        if (!r.suspendedUntil) return; // a retry after the commit, or secured meanwhile
        await tx.reservation.update({ where: { id: reservationId }, data: { suspendedUntil: null, suspendedAt: null } });
        if (r.status === 'WAITING') await refreshPullList(tx, titleId, new Date(at), outbox);
      });
    },

    /**
     * R-SUSPEND-3 (不要日): records the not-needed-after day (null clears it) while 予約申込/確保待ち; the
     * workflow's wait has the timer. Idempotent: setting the same day again changes nothing.
     */
    async setNotNeededAfter({ reservationId, day }: { reservationId: string; day: LocalDate | null }): Promise<Outcome> {
      return transactThenSignal(db, notifier, async (tx) => {
        const { titleId } = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, select: { titleId: true } });
        await lockTitle(tx, titleId);
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
        if ((r.notNeededAfter ? fromDbDate(r.notNeededAfter) : null) === day) return { ok: true as const }; // a retry after the commit
        const allowed = checkNotNeededStatus(r.status); // a copy may have reached it since the workflow looked
        if (!allowed.ok) return allowed;
        await tx.reservation.update({ where: { id: reservationId }, data: { notNeededAfter: day === null ? null : toDbDate(day) } });
        return { ok: true as const };
      });
    },

    /**
     * R-PICKUP-1, R-PICKUP-2: the reservation keeps its place in the title's queue (the queue is the
     * title's, not the place's). 確保済み → the prefectural library: 貸出可能 (予受待), the workflow sends
     * the lending notice at once (R-PREF-1). 貸出可能 → a cooperating library: off the hold shelf, 確保済み
     * (予回送) from now, for the next Thursday processing; its hold dates are cleared (the notice already
     * sent stands; the cooperating library's comes on the Saturday after Thursday, R-COOP-4).
     */
    async changePickupPlace({
      reservationId,
      pickup,
      by,
      at,
    }: {
      reservationId: string;
      pickup: string;
      by: Actor;
      at: string;
    }): Promise<PickupChanged> {
      return transactThenSignal(db, notifier, async (tx) => {
        const { titleId } = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, select: { titleId: true } });
        await lockTitle(tx, titleId);
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, include: { patron: true } });
        // A retry after the commit: the change is there. (The validator refuses a change to the place it has.)
        if (r.pickupPlaceCode === pickup && r.pickupChangedAt?.getTime() === new Date(at).getTime()) {
          return { ok: true as const, pickup, status: r.status };
        }
        const to = parsePlace(pickup)!;
        const allowed = checkPickupChange({ status: r.status, by, from: parsePlace(r.pickupPlaceCode)!, to });
        if (!allowed.ok) return allowed;
        const when = new Date(at);
        // R-RETURN-3 exception: as at placement, whether the usual library is closed when another is chosen.
        const usual = r.usualLibraryNo ? await tx.cooperatingLibrary.findUnique({ where: { no: r.usualLibraryNo } }) : null;
        const status = allowed.becomes;
        await tx.reservation.update({
          where: { id: reservationId },
          data: {
            pickupPlaceCode: pickup,
            pickupChangedAt: when,
            pickupChangedFrom: r.pickupPlaceCode,
            usualLibraryWasClosed: usual ? !usual.isOpen : false,
            status,
            ...(status === 'SECURED' && r.status === 'READY' ? { securedAt: when, pickupFrom: null, pickupUntil: null } : {}),
          },
        });
        if (status !== r.status && r.itemNumber) {
          await tx.item.update({
            where: { itemNumber: r.itemNumber },
            data: { status: status === 'READY' ? 'AWAITING_PICKUP' : 'IN_TRANSIT', loanCategory: null },
          });
          await recordTransition(tx, reservationId, status, when, 'R-PICKUP-2');
        }
        return { ok: true as const, pickup, status };
      });
    },
  };
}
