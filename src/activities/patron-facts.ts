// What R-DISPATCH-1 / R-OVERDUE-1 / R-LIMIT-1 / R-CONDUCT-1 need to know about a patron, read under the patron's
// row lock so that two lendings at once cannot both see "one below the limit".
import { hasLongOverdueLoan, type LocalDate } from '../domain';
import { fromDbDate } from '../db/dates';
import type { Tx } from '../db/client';

export interface PatronLendingFacts {
  loansHeld: number;
  loanLimit: number;
  hasLongOverdue: boolean;
  /** R-CONDUCT-1: the patron's use of the online service is stopped (refuses dispatch). */
  serviceStopped: boolean;
}

/**
 * Loans count while they show 貸出中 online: active ones and those returned at a cooperating library
 * that are still travelling back (R-RETURN-4).
 */
export async function patronLendingFacts(tx: Tx, patronId: string, today: LocalDate, graceDays = 0): Promise<PatronLendingFacts> {
  return (await lockedPatronLendingFacts(tx, patronId, today, graceDays)).facts;
}

/**
 * patronLendingFacts with the patron's card number, read by the same statement that takes the row lock
 * (R-SCALE-1 Decision: the patron's row is read once, not once to lock and once more to read).
 */
export async function lockedPatronLendingFacts(
  tx: Tx,
  patronId: string,
  today: LocalDate,
  graceDays = 0,
): Promise<{ facts: PatronLendingFacts; cardNumber: string }> {
  const [patron] = await tx.$queryRaw<{ loanLimit: number; cardNumber: string; serviceStoppedAt: Date | null }[]>`
    SELECT "loanLimit", "cardNumber", "serviceStoppedAt" FROM patron WHERE id = ${patronId}::uuid FOR NO KEY UPDATE`;
  if (!patron) throw new Error(`patron ${patronId} not found`);
  return { facts: await factsOf(tx, patronId, patron, today, graceDays), cardNumber: patron.cardNumber };
}

/** The same facts read without the patron's row lock: for what only looks (the Thursday preview). */
export async function readPatronLendingFacts(tx: Tx, patronId: string, today: LocalDate, graceDays = 0): Promise<PatronLendingFacts> {
  const patron = await tx.patron.findUniqueOrThrow({ where: { id: patronId }, select: { loanLimit: true, serviceStoppedAt: true } });
  return factsOf(tx, patronId, patron, today, graceDays);
}

async function factsOf(
  tx: Tx,
  patronId: string,
  patron: { loanLimit: number; serviceStoppedAt: Date | null },
  today: LocalDate,
  graceDays: number,
): Promise<PatronLendingFacts> {
  const loans = await tx.loan.findMany({
    where: { patronId, state: { in: ['ACTIVE', 'RETURNED_IN_TRANSIT'] } },
    select: { due: true, returnedOn: true, state: true },
  });
  return {
    loansHeld: loans.length,
    loanLimit: patron.loanLimit,
    serviceStopped: patron.serviceStoppedAt !== null,
    hasLongOverdue: hasLongOverdueLoan(
      loans.map((l) => ({
        due: fromDbDate(l.due),
        ...(l.returnedOn && l.state === 'RETURNED_IN_TRANSIT' ? { returnedAtCoopOn: fromDbDate(l.returnedOn) } : {}),
      })),
      today,
      graceDays,
    ),
  };
}
