// A loan that exists before the story being told starts (a test, a simulated scenario): the copy is
// out with a patron, counts toward their loan limit (R-LIMIT-1) and can be overdue (R-OVERDUE-1).
import { addDays, LOAN_PERIOD_DAYS, type LocalDate } from '../domain';
import type { Db } from './client';
import { toDbDate } from './dates';

/**
 * An ACTIVE counter loan of `itemNumber` to `patronId`, due on `due`; lent 15 days before, counting
 * the loan day as day 1 (R-PREF-4: lent on C → due C+14). The item becomes 貸出一般 (ON_LOAN).
 * `lentAt` stays unset: it is the moment of a loan made while the service runs (R-ITEM-4 compares it
 * with the moment a request was made), and this one was made before anything we know of.
 */
export async function insertExistingLoan(db: Db, loan: { itemNumber: string; patronId: string; due: LocalDate }): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.loan.create({
      data: {
        itemNumber: loan.itemNumber,
        patronId: loan.patronId,
        lentOn: toDbDate(addDays(loan.due, -(LOAN_PERIOD_DAYS - 1))),
        due: toDbDate(loan.due),
      },
    });
    await tx.item.update({ where: { itemNumber: loan.itemNumber }, data: { status: 'ON_LOAN', loanCategory: '一般' } });
  });
}
