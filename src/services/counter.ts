// The counter of the prefectural library: a walk-in checkout (R-ITEM-4) and the central check-in
// (R-RETURN-4), by card number and item number as staff scan them.
import type { circulation } from '../activities/circulation';
import type { Outcome } from '../domain';
import type { Db } from '../db/client';
import { patronByCard } from './accounts';
import { NotFoundError } from './errors';

type Desk = ReturnType<typeof circulation>;

export async function counterCheckout(
  db: Db,
  desk: Desk,
  req: { cardNumber: string; itemNumber: string; at: Date },
): Promise<Outcome<{ loanId: string; itemNumber: string; due: string }>> {
  const patron = await patronByCard(db, req.cardNumber);
  if (!(await db.item.findUnique({ where: { itemNumber: req.itemNumber } }))) throw new NotFoundError('item', req.itemNumber);
  const lent = await desk.counterCheckout({ itemNumber: req.itemNumber, patronId: patron.id, at: req.at });
  if (!lent.ok) return lent;
  const loan = await db.loan.findFirstOrThrow({
    where: { itemNumber: req.itemNumber, patronId: patron.id, state: 'ACTIVE' },
    orderBy: { lentOn: 'desc' },
  });
  return { ok: true, loanId: loan.id, itemNumber: req.itemNumber, due: lent.due };
}

export async function checkIn(db: Db, desk: Desk, req: { itemNumber: string; at: Date }) {
  if (!(await db.item.findUnique({ where: { itemNumber: req.itemNumber } }))) throw new NotFoundError('item', req.itemNumber);
  return desk.checkIn(req);
}
