// Activities of the reservation workflow for what a patron or member of staff asks of a waiting or
// secured reservation (issue 13, spec §14): changing its pickup place (R-PICKUP-1, R-PICKUP-2). Each runs
// in one transaction under the title's lock (allocation.ts), checks the rule again on the records —
// Thursday processing or a check-in may have moved the reservation since the workflow's validator looked —
// and is idempotent under retry after its commit.
import { checkPickupChange, parsePlace, type Actor, type Outcome, type ReservationStatus } from '../domain';
import type { Db } from '../db/client';
import { lockTitle, recordTransition } from './allocation';
import { transactThenSignal, type Notifier } from './notifier';

/** What a pickup change recorded: the place and the status the reservation has now. */
export type PickupChanged = Outcome<{ pickup: string; status: ReservationStatus }>;

export function patronRequestActivities(db: Db, notifier: Notifier) {
  return {
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
