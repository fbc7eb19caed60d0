// Closed days in the records (R-CLOSED-1…4, spec §14): read as the pure calendar's ClosedDays set, and
// the dates of every reservation and loan a closure touches computed again when staff enter or remove
// one. The new dates are written to the records and, in the same transaction, a `datesChanged` signal
// to each reservation's workflow into the signal outbox (transactThenSignal), so nothing is lost if
// the process dies after the commit.
import {
  closedDaysOf,
  coopDatesWithClosures,
  jstDateOf,
  jstInstant,
  loanDueWithClosures,
  movableDate,
  parsePlace,
  prefHoldDatesWithClosures,
  processingDayWithClosures,
  PREF,
  type ClosedDays,
  type ClosedLibrary,
  type LocalDate,
} from '../domain';
import type { Db, Tx } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { datesChangedSignal, reservationWorkflowId, type DatesChanged } from '../workflows/reservation-messages';
import type { Outbox } from './notifier';

type Reader = Pick<Tx, 'closedDay'>;

/** The library column's text for a place: "pref" or the cooperating library's number. */
export const closedLibraryKey = (library: ClosedLibrary): string => String(library);

function libraryOfKey(key: string): ClosedLibrary {
  return key === 'pref' ? 'pref' : Number(key);
}

/** R-CLOSED-1: the closed days the records hold (from `from` on, when given), as the calendar's set. */
export async function loadClosedDays(db: Reader, from?: LocalDate): Promise<ClosedDays> {
  const rows = await db.closedDay.findMany({ ...(from ? { where: { day: { gte: toDbDate(from) } } } : {}), select: { library: true, day: true } });
  return closedDaysOf(rows.map((r) => ({ library: libraryOfKey(r.library), day: fromDbDate(r.day) })));
}

/** R-CLOSED-3, R-CLOSED-4: a loan's due date with the closures as they are (its place: the reservation's pickup place, else the counter). */
export function loanDueOf(loan: { lentOn: Date; renewals: number }, pickupPlaceCode: string | null | undefined, closed: ClosedDays): LocalDate {
  const place = (pickupPlaceCode ? parsePlace(pickupPlaceCode) : undefined) ?? PREF;
  return loanDueWithClosures(place, fromDbDate(loan.lentOn), loan.renewals, closed);
}

export interface DatesMoved extends DatesChanged {
  reservationId: string | null;
  loanId: string | null;
}

/**
 * R-CLOSED-4: computes again, with the closures the transaction now sees, the dates of everything of
 * `library` a closure can touch — 貸出可能 holds whose notice went out (prefectural), 配送中 deliveries
 * (cooperating), open loans collected there — and writes those that changed, each with its signal.
 * Idempotent: a second pass finds nothing to change.
 */
export async function recomputeDates(tx: Tx, outbox: Outbox, library: ClosedLibrary, at: Date): Promise<DatesMoved[]> {
  const today = jstDateOf(at);
  const closed = await loadClosedDays(tx, today);
  const moved: DatesMoved[] = [];
  const placeCode = library === 'pref' ? 'pref' : `coop:${library}`;
  const tell = (m: DatesMoved) => {
    moved.push(m);
    if (m.reservationId) {
      const { reservationId: _r, loanId: _l, ...change } = m;
      outbox.add(reservationWorkflowId(m.reservationId), datesChangedSignal, change);
    }
  };

  // Holds and deliveries waiting at this place.
  const waiting = await tx.reservation.findMany({
    where: {
      pickupPlaceCode: placeCode,
      status: library === 'pref' ? 'READY' : 'IN_DELIVERY',
      pickupFrom: { not: null },
      pickupUntil: { not: null },
    },
    include: { loan: true },
    orderBy: { id: 'asc' },
  });
  for (const r of waiting) {
    const oldFrom = fromDbDate(r.pickupFrom!);
    const oldUntil = fromDbDate(r.pickupUntil!);
    let pickupFrom = oldFrom;
    let pickupUntil: LocalDate;
    let due: LocalDate | undefined;
    if (library === 'pref') {
      pickupUntil = movableDate(oldUntil, prefHoldDatesWithClosures(oldFrom, closed).pickupUntil, today); // R-PREF-2: the notice's day starts it
    } else {
      if (!r.loan) continue;
      const dates = coopDatesWithClosures(fromDbDate(r.loan.lentOn), library, closed);
      pickupFrom = movableDate(oldFrom, dates.pickupFrom, today);
      pickupUntil = movableDate(oldUntil, dates.pickupUntil, today);
      if (pickupUntil < pickupFrom) pickupUntil = pickupFrom;
      due = movableDate(fromDbDate(r.loan.due), dates.due, today);
    }
    const loanChanged = due !== undefined && due !== fromDbDate(r.loan!.due);
    if (pickupFrom === oldFrom && pickupUntil === oldUntil && !loanChanged) continue;
    await tx.reservation.update({ where: { id: r.id }, data: { pickupFrom: toDbDate(pickupFrom), pickupUntil: toDbDate(pickupUntil) } });
    if (loanChanged) await tx.loan.update({ where: { id: r.loan!.id }, data: { due: toDbDate(due!) } });
    tell({ reservationId: r.id, loanId: r.loan?.id ?? null, at: at.toISOString(), pickupFrom, pickupUntil, ...(due ? { due } : {}) });
  }

  // Open loans collected here (at the prefectural counter: walk-in loans too, which have no reservation).
  const loans = await tx.loan.findMany({
    where: {
      state: 'ACTIVE',
      returnedOn: null,
      ...(library === 'pref'
        ? { OR: [{ reservationId: null }, { reservation: { pickupPlaceCode: 'pref', status: 'ON_LOAN' } }] }
        : { reservation: { pickupPlaceCode: placeCode, status: 'ON_LOAN' } }),
    },
    include: { reservation: { select: { pickupPlaceCode: true } } },
    orderBy: { id: 'asc' },
  });
  for (const loan of loans) {
    const old = fromDbDate(loan.due);
    const due = movableDate(old, loanDueOf(loan, loan.reservation?.pickupPlaceCode, closed), today);
    if (due === old) continue;
    await tx.loan.update({ where: { id: loan.id }, data: { due: toDbDate(due) } });
    tell({ reservationId: loan.reservationId, loanId: loan.id, at: at.toISOString(), due });
  }
  return moved;
}

export function closedDayActivities(db: Db) {
  return {
    /**
     * R-CLOSED-2: the moment a processing scheduled at `processingAt` runs: the same time of the
     * prefectural library's next open day (the moment itself when it is open).
     */
    async processingMomentWithClosures({ processingAt }: { processingAt: string }): Promise<string> {
      const at = new Date(processingAt);
      const day = jstDateOf(at);
      const moved = processingDayWithClosures(day, await loadClosedDays(db, day));
      if (moved === day) return at.toISOString();
      const jst = new Date(at.getTime() + 9 * 3_600_000);
      return jstInstant(moved, jst.getUTCHours(), jst.getUTCMinutes()).toISOString();
    },
  };
}
