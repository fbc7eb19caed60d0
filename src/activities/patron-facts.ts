// What R-DISPATCH-1 / R-OVERDUE-1 / R-LIMIT-1 need to know about a patron, read under the patron's
// row lock so that two lendings at once cannot both see "one below the limit".
import { hasLongOverdueLoan, type LocalDate } from '../domain';
import { fromDbDate } from '../db/dates';
import type { Tx } from '../db/client';

export interface PatronLendingFacts {
  loansHeld: number;
  loanLimit: number;
  hasLongOverdue: boolean;
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
  const [patron] = await tx.$queryRaw<{ loanLimit: number; cardNumber: string }[]>`
    SELECT "loanLimit", "cardNumber" FROM patron WHERE id = ${patronId}::uuid FOR UPDATE`;
  if (!patron) throw new Error(`patron ${patronId} not found`);
  return { facts: await factsOf(tx, patronId, patron.loanLimit, today, graceDays), cardNumber: patron.cardNumber };
}

/** The same facts read without the patron's row lock: for what only looks (the Thursday preview). */
export async function readPatronLendingFacts(tx: Tx, patronId: string, today: LocalDate, graceDays = 0): Promise<PatronLendingFacts> {
  const patron = await tx.patron.findUniqueOrThrow({ where: { id: patronId }, select: { loanLimit: true } });
  return factsOf(tx, patronId, patron.loanLimit, today, graceDays);
}

async function factsOf(tx: Tx, patronId: string, loanLimit: number, today: LocalDate, graceDays: number): Promise<PatronLendingFacts> {
  const loans = await tx.loan.findMany({
    where: { patronId, state: { in: ['ACTIVE', 'RETURNED_IN_TRANSIT'] } },
    select: { due: true, returnedOn: true, state: true },
  });
  return {
    loansHeld: loans.length,
    loanLimit,
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
