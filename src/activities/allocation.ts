// Copy allocation and the title's queue (R-ITEM-3, R-ITEM-4, R-CANCEL-3, R-DISPATCH-3).
//
// Why database transactions rather than an entity workflow per title: the item's status (R-ITEM-2),
// the reservation's status and the queue must change together, and staff search all three in the
// database. One transaction per event, serialized by `SELECT … FOR NO KEY UPDATE` on the title's row, makes
// "one copy to two reservations" or "someone skipped" impossible by construction, whichever worker,
// API request or Thursday run the event comes from; a second copy of the truth in a workflow would
// need keeping in step. Workflows learn the outcome by Signal after the commit (see notifier.ts) and
// adopt it as it was recorded; the place in the queue is read from the records (queueSeq) by whoever
// shows it, so nobody is told of every queue change.
import type { Prisma } from '../generated/prisma/client';
import { formatJst, parsePlace } from '../domain';
import { copySecuredSignal, reservationWorkflowId } from '../workflows/reservation-messages';
import type { Tx } from '../db/client';
import type { Outbox } from './notifier';
import { refreshPullList } from './pull-list';
import { servableAt } from './suspension';

export type { Tx } from '../db/client';

/**
 * Serializes every allocation event of one title. FOR NO KEY UPDATE, not FOR UPDATE (R-SCALE-4): the
 * events still queue on each other, but a reservation being placed for the title meanwhile — whose
 * foreign key takes KEY SHARE on the title's row — does not wait for them (pg_stat_statements had the
 * placement's INSERT waiting 2 ms on average behind the title's activities).
 */
export async function lockTitle(tx: Tx, titleId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM title WHERE id = ${titleId} FOR NO KEY UPDATE`;
}

export async function recordTransition(
  tx: Tx,
  reservationId: string,
  status: Prisma.ReservationCreateInput['status'] & string,
  at: Date,
  note?: string,
) {
  // Once per (reservation, status, moment), also when retried: one INSERT … ON CONFLICT DO NOTHING (R-SCALE-1 Decision:
  // not a read and then a write, which Prisma's upsert sends here).
  await tx.reservationTransition.createMany({ data: [{ reservationId, status, at, note: note ?? null }], skipDuplicates: true });
}

/**
 * The 予約順位 of every waiting reservation of a title, 1-based, in queue order. With `servableAt`,
 * only those a copy may go to at that moment (R-SUSPEND-1: the suspended are passed over).
 */
export async function queueOf(tx: Tx, titleId: string, servable?: Date): Promise<string[]> {
  const waiting = await tx.reservation.findMany({
    where: { titleId, status: 'WAITING', ...(servable ? servableAt(servable) : {}) },
    orderBy: [{ queueSeq: 'asc' }, { placedAt: 'asc' }],
    select: { id: true },
  });
  return waiting.map((w) => w.id);
}

/**
 * Puts a reservation into the title's queue: at the tail, or at the head (R-ITEM-4). Its position is
 * not read back here (issue 14: that read the whole queue at every enqueue — quadratic over a season);
 * whoever shows it reads queueSeq.
 */
export async function enqueue(tx: Tx, reservationId: string, titleId: string, at: Date, where: 'tail' | 'head', outbox: Outbox): Promise<void> {
  const agg = await tx.reservation.aggregate({ where: { titleId, status: 'WAITING' }, _min: { queueSeq: true }, _max: { queueSeq: true } });
  const queueSeq = where === 'head' ? (agg._min.queueSeq ?? 1) - 1 : (agg._max.queueSeq ?? 0) + 1;
  await tx.reservation.update({ where: { id: reservationId }, data: { status: 'WAITING', queueSeq, itemNumber: null } });
  await recordTransition(tx, reservationId, 'WAITING', at);
  await refreshPullList(tx, titleId, at, outbox); // R-STATUS-1: a copy on the shelf is listed for staff to pull
}

/**
 * A copy became available (scanned off the shelf by staff, returned and checked in, released by a cancellation, a missed pickup or a
 * failed dispatch): it goes to the first waiting reservation of the title (R-CANCEL-3), or back to
 * the shelf (書架). Returns the reservation it went to.
 */
export async function handOver(tx: Tx, itemNumber: string, titleId: string, at: Date, outbox: Outbox): Promise<string | null> {
  const [nextId] = await queueOf(tx, titleId, at); // R-SUSPEND-1: a suspended reservation is passed over
  if (!nextId) {
    await tx.item.update({ where: { itemNumber }, data: { status: 'ON_SHELF', loanCategory: null } });
    return null;
  }
  await secureFor(tx, nextId, itemNumber, at, outbox);
  await refreshPullList(tx, titleId, at, outbox); // one fewer waits: a copy listed for it comes off the list
  return nextId;
}

/** R-STATUS-1: sets the copy aside — 確保済み (cooperating pickup, 予回送) or 貸出可能 (prefectural, 予受待). */
export async function secureFor(tx: Tx, reservationId: string, itemNumber: string, at: Date, outbox: Outbox): Promise<'SECURED' | 'READY'> {
  const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId } });
  const status = parsePlace(r.pickupPlaceCode)?.kind === 'pref' ? 'READY' : 'SECURED';
  await tx.item.update({ where: { itemNumber }, data: { status: status === 'READY' ? 'AWAITING_PICKUP' : 'IN_TRANSIT', loanCategory: null } });
  await tx.reservation.update({ where: { id: reservationId }, data: { status, itemNumber, securedAt: at, queueSeq: null, suspendedUntil: null } });
  await recordTransition(tx, reservationId, status, at);
  outbox.add(reservationWorkflowId(reservationId), copySecuredSignal, { itemNumber, at: formatJst(at), status });
  return status;
}
