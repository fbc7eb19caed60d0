// R-CLOSED-4 (spec §14) in the reservation workflow: a closure entered or removed later moves the dates
// the workflow waits on (the end of a hold, the pickup window, the loan's due date). The records have
// already been changed when the `datesChanged` signal arrives; the workflow adopts the dates and a wait
// in progress starts again for its new moment. Kept apart from reservation.ts, which only calls these.
import { condition } from '@temporalio/workflow';
import type { DatesChanged } from './reservation-messages';
import type { ReservationState } from './reservation-state';

/** The patch id of adopting moved dates (R-CLOSED-4): never rename it while such histories may run. */
export const CLOSED_DAYS_PATCH = 'closed-days-dates';

/** Changes of dates adopted so far, per workflow (a wait compares it to know its moment moved). */
const revisions = new WeakMap<ReservationState, number>();
const revisionOf = (r: ReservationState): number => revisions.get(r) ?? 0;

/**
 * R-CLOSED-4: adopts the dates a closure moved, for the status the reservation has now; a signal that
 * reached a reservation that has moved on (collected, ended) changes nothing. Histories recorded before
 * the patch never carried the signal; behind it all the same, as every change of what a workflow does.
 */
export function adoptMovedDates(r: ReservationState, c: DatesChanged): void {
  if (!r.generation.has(CLOSED_DAYS_PATCH)) return;
  if (r.status === 'READY') {
    if (c.pickupUntil) r.pickupUntil = c.pickupUntil;
  } else if (r.status === 'IN_DELIVERY') {
    if (c.pickupFrom) r.pickupFrom = c.pickupFrom;
    if (c.pickupUntil) r.pickupUntil = c.pickupUntil;
    if (c.due && r.loan) r.loan = { ...r.loan, due: c.due };
  } else if (r.status === 'ON_LOAN') {
    if (c.due && r.loan && !r.loan.returnedOn) r.loan = { ...r.loan, due: c.due }; // a new object: remindDuringLoan chooses again
  } else return;
  revisions.set(r, revisionOf(r) + 1);
}

/**
 * Waits until `done()` or the moment `deadline()` gives; when moved dates are adopted meanwhile, the wait
 * starts again for the new moment. Returns true when done, false when the moment came. The first wait
 * is the very timer the workflow always started, so histories without a move replay unchanged.
 */
export async function waitForMovableDeadline(r: ReservationState, done: () => boolean, deadline: () => Date): Promise<boolean> {
  for (let first = true; ; first = false) {
    const rev = revisionOf(r);
    const ms = deadline().getTime() - Date.now();
    const woke = await condition(() => done() || revisionOf(r) !== rev, first ? Math.max(0, ms) : Math.max(1, ms));
    if (done()) return true;
    if (!woke) return false;
  }
}
