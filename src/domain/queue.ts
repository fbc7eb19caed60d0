/**
 * A title's reservation queue as plain arithmetic on an array of reservation ids, head first. Every
 * function returns a new array and leaves its input alone, so workflow state can be replayed and
 * compared. Asking for something already true (enqueue twice, remove an absent id) returns the queue
 * unchanged, so a retried signal cannot corrupt the order.
 */

export type ReservationId = string;
export type Queue = readonly ReservationId[];

/** R-ITEM-3: a new reservation joins the end of the title's queue. */
export function enqueue(queue: Queue, id: ReservationId): Queue {
  return queue.includes(id) ? queue : [...queue, id];
}

/**
 * R-ITEM-4: a walk-in took the 書架 copy the online request was about to get, so the request falls back
 * to 確保待ち at the head of the queue — it was first in line for that copy.
 */
export function insertAtHead(queue: Queue, id: ReservationId): Queue {
  return [id, ...queue.filter((other) => other !== id)];
}

/**
 * R-DISPATCH-3, R-DISPATCH-4: the reservation swaps places with the one behind it, which gets the copy.
 * The last in line has nobody to make way for and stays where it is.
 */
export function moveDownOne(queue: Queue, id: ReservationId): Queue {
  const index = queue.indexOf(id);
  const next = queue[index + 1];
  if (index < 0 || next === undefined) return queue;
  const moved = [...queue];
  moved[index] = next;
  moved[index + 1] = id;
  return moved;
}

/** R-CANCEL-3, R-DISPATCH-2, R-PREF-5, R-COOP-3: the reservation leaves the queue. */
export function remove(queue: Queue, id: ReservationId): Queue {
  return queue.includes(id) ? queue.filter((other) => other !== id) : queue;
}

/** 予約順位 as My Library shows it: 1 for the head of the queue; undefined when not queued. */
export function positionOf(queue: Queue, id: ReservationId): number | undefined {
  const index = queue.indexOf(id);
  return index < 0 ? undefined : index + 1;
}

/** R-DISPATCH-4: from this many 確保済み reservations of one patron, the library rebalances. */
export const REBALANCE_THRESHOLD = 10;

export interface SecuredReservation {
  readonly reservationId: ReservationId;
  /** Other patrons have reserved the same title. */
  readonly othersWaiting: boolean;
}

/**
 * R-DISPATCH-4: given *all* of one patron's 確保済み reservations, the ones that go back to 確保待ち
 * (each then moves down one place with `moveDownOne`, so the next reserver gets the copy).
 * Nothing happens below the threshold. **Decision**: at or above it, every one of them whose title has
 * other reservers goes back — not just enough to drop below 10 — because the guide's aim is to serve
 * those other patrons first (他の利用者への提供を優先); titles nobody else wants stay secured.
 */
export function rebalance(secured: readonly SecuredReservation[], threshold = REBALANCE_THRESHOLD): ReservationId[] {
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`threshold must be a positive integer, got ${threshold}`);
  }
  if (secured.length < threshold) return [];
  return secured.filter((r) => r.othersWaiting).map((r) => r.reservationId);
}
