// Activities of the reservation workflow once a copy is lent: pickup, renewal, return.
import {
  alreadyReturned,
  checkLendable,
  checkRenewal,
  checkReturnDay,
  checkReturnPlace,
  prefDueWithClosures,
  jstDateOf,
  MAX_RENEWALS,
  parsePlace,
  type Channel,
  type LocalDate,
  type Outcome,
  type ReturnVia,
} from '../domain';
import type { Db } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { handOver, lockTitle, recordTransition, type Tx } from './allocation';
import { loadClosedDays, loanDueOf } from './closed-days';
import { transactThenSignal, type Notifier } from './notifier';
import { patronLendingFacts } from './patron-facts';

export type Renewed = Outcome<{ newDue: LocalDate; renewalsLeft: number; renewalsUsed: number }>;

/**
 * R-RENEW-1…4, checked under the title's lock since R-RENEW-1 depends on its queue, and the renewal
 * recorded. One place for loans through a reservation (renewLoan below) and walk-in loans (the API).
 * `renewalsUsed` is the count the request started from, where the caller knows it (the workflow,
 * which renews one request at a time): a loan already past it was renewed by this very request, in
 * an attempt whose commit the worker did not live to report — so the retry answers what it recorded.
 */
export async function renewUnderTitleLock(
  tx: Tx,
  { loanId, titleId, channel, today, renewalsUsed }: { loanId: string; titleId: string; channel: Channel; today: LocalDate; renewalsUsed?: number },
): Promise<Renewed> {
  await lockTitle(tx, titleId);
  const loan = await tx.loan.findUniqueOrThrow({ where: { id: loanId } });
  if (renewalsUsed !== undefined && loan.renewals > renewalsUsed) {
    return { ok: true, newDue: fromDbDate(loan.due), renewalsUsed: loan.renewals, renewalsLeft: Math.max(0, MAX_RENEWALS - loan.renewals) };
  }
  if (loan.state !== 'ACTIVE') return { ok: false, refusal: alreadyReturned() };
  const waiting = await tx.reservation.count({
    where: { titleId, status: { in: ['APPLIED', 'WAITING'] }, ...(loan.reservationId ? { id: { not: loan.reservationId } } : {}) },
  });
  const outcome = checkRenewal({ due: fromDbDate(loan.due), today, renewalsUsed: loan.renewals, othersWaiting: waiting > 0, channel });
  if (!outcome.ok) return outcome;
  // R-CLOSED-4: the week is added to the guide's due date and the result moves past a closed day (R-CLOSED-3).
  const place = loan.reservationId
    ? (await tx.reservation.findUnique({ where: { id: loan.reservationId }, select: { pickupPlaceCode: true } }))?.pickupPlaceCode
    : null;
  const newDue = loanDueOf({ lentOn: loan.lentOn, renewals: loan.renewals + 1 }, place, await loadClosedDays(tx, today));
  await tx.loan.update({ where: { id: loan.id }, data: { due: toDbDate(newDue), renewals: loan.renewals + 1 } });
  return { ...outcome, newDue, renewalsUsed: loan.renewals + 1 };
}

/** The loan's facts a reservation's workflow is told (it keeps them for its requests' validators). */
export interface LoanFacts {
  due: LocalDate;
  renewalsUsed: number;
}

function loanFacts(loan: { due: Date; renewals: number }): LoanFacts {
  return { due: fromDbDate(loan.due), renewalsUsed: loan.renewals };
}

export function loanActivities(db: Db, notifier: Notifier, opts: { longOverdueGraceDays: number }) {
  return {
    /**
     * R-PREF-4: the reserver collects the copy at the prefectural counter; the loan runs 15 days from
     * checkout. R-OVERDUE-1 / R-LIMIT-1 apply as at any checkout: a refusal leaves it 貸出可能.
     */
    async lendReservedCopy({ reservationId, at }: { reservationId: string; at: string }): Promise<Outcome<LoanFacts>> {
      const when = new Date(at);
      const today = jstDateOf(when);
      return db.$transaction(async (tx) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, include: { loan: true } });
        if (r.loan) return { ok: true as const, ...loanFacts(r.loan) }; // a retry after the commit
        const facts = await patronLendingFacts(tx, r.patronId, today, opts.longOverdueGraceDays);
        const lendable = checkLendable({ ...facts, at: 'counter' });
        if (!lendable.ok) return lendable;
        const due = prefDueWithClosures(today, await loadClosedDays(tx, today)); // R-PREF-4, R-CLOSED-3
        await tx.loan.create({
          data: { itemNumber: r.itemNumber!, patronId: r.patronId, reservationId, lentAt: when, lentOn: toDbDate(today), due: toDbDate(due) },
        });
        await tx.item.update({ where: { itemNumber: r.itemNumber! }, data: { status: 'ON_LOAN', loanCategory: '一般' } });
        await tx.reservation.update({ where: { id: reservationId }, data: { status: 'ON_LOAN' } });
        await recordTransition(tx, reservationId, 'ON_LOAN', when);
        return { ok: true as const, due, renewalsUsed: 0 };
      });
    },

    /** R-COOP-1: collected at the cooperating library; the loan was recorded on Thursday. Idempotent. */
    async confirmCoopPickup({ reservationId, at }: { reservationId: string; at: string }): Promise<LoanFacts> {
      return db.$transaction(async (tx) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, include: { loan: true } });
        if (r.status !== 'ON_LOAN') {
          await tx.reservation.update({ where: { id: reservationId }, data: { status: 'ON_LOAN' } });
          await recordTransition(tx, reservationId, 'ON_LOAN', new Date(at));
        }
        return loanFacts(r.loan!);
      });
    },

    /** R-RENEW-1…4 for a loan through a reservation (the workflow's renew request); idempotent (renewUnderTitleLock). */
    async renewLoan({
      reservationId,
      channel,
      today,
      renewalsUsed,
    }: {
      reservationId: string;
      channel: Channel;
      today: LocalDate;
      renewalsUsed?: number;
    }): Promise<Renewed> {
      return db.$transaction(async (tx) => {
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, include: { loan: true } });
        return renewUnderTitleLock(tx, { loanId: r.loan!.id, titleId: r.titleId, channel, today, renewalsUsed });
      });
    },

    /**
     * R-RETURN-1…5: returned at the prefectural library → processed at once (返却済) and the copy
     * goes to the next reserver; at a cooperating library → still 貸出中 until checked in centrally.
     * `via` and `returnedOn` (R-RETURN-5): how and on which day it was handed in (default: the counter,
     * today); R-OVERDUE-2 counts from that day.
     */
    async recordReturn({
      reservationId,
      place,
      at,
      via,
      returnedOn,
    }: {
      reservationId: string;
      place: string;
      at: string;
      via?: ReturnVia;
      returnedOn?: LocalDate;
    }): Promise<Outcome<{ processed: boolean; returnedOn: LocalDate }>> {
      const when = new Date(at);
      return transactThenSignal(db, notifier, async (tx, outbox) => {
        const { titleId } = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, select: { titleId: true } });
        await lockTitle(tx, titleId);
        // R-CANCEL-3 (R-TOPO-1): read the loan only under the title's lock. A central check-in of the same
        // copy may have closed it and handed the copy on while this waited for the lock; a loan read
        // before would still say ACTIVE, and the copy would be handed over a second time — to the shelf
        // (書架) while the next reservation holds it (found by `npm run topology`: copyStatusDisagrees).
        const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, include: { loan: true } });
        const loan = r.loan!;
        // A retry after the commit: what the first attempt recorded.
        const recorded = loan.returnedOn ? fromDbDate(loan.returnedOn) : jstDateOf(when);
        if (loan.state === 'CLOSED') return { ok: true as const, processed: true, returnedOn: recorded };
        if (loan.state === 'RETURNED_IN_TRANSIT') return { ok: true as const, processed: false, returnedOn: recorded };
        const handedIn = returnedOn ?? jstDateOf(when);
        const day = checkReturnDay({ returnedOn: handedIn, today: jstDateOf(when), lentOn: fromDbDate(loan.lentOn) }); // R-RETURN-5
        if (!day.ok) return day;
        const usual = r.usualLibraryNo ? await tx.cooperatingLibrary.findUnique({ where: { no: r.usualLibraryNo } }) : null;
        const returnAt = parsePlace(place)!;
        const allowed = checkReturnPlace({
          pickup: parsePlace(r.pickupPlaceCode)!,
          returnAt,
          ...(r.usualLibraryNo ? { usualLibrary: r.usualLibraryNo } : {}),
          usualWasClosedAtReservation: r.usualLibraryWasClosed,
          usualOpenNow: usual?.isOpen ?? false,
          ...(via ? { via } : {}),
        });
        if (!allowed.ok) return allowed;
        const returned = { returnedOn: toDbDate(handedIn), returnedAt: place, returnedVia: via ?? 'counter' };
        if (returnAt.kind === 'pref') {
          await tx.loan.update({ where: { id: loan.id }, data: { state: 'CLOSED', ...returned, checkedInAt: when } });
          await tx.reservation.update({ where: { id: reservationId }, data: { status: 'RETURNED', endedAt: when } });
          await recordTransition(tx, reservationId, 'RETURNED', when);
          await handOver(tx, loan.itemNumber, r.titleId, when, outbox);
          return { ok: true as const, processed: true, returnedOn: handedIn };
        }
        await tx.loan.update({ where: { id: loan.id }, data: { state: 'RETURNED_IN_TRANSIT', ...returned } });
        return { ok: true as const, processed: false, returnedOn: handedIn };
      });
    },
  };
}
