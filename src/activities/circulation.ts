// Counter events that are not a reservation's own request: a walk-in loan and the central check-in.
// Staff (API) and the simulator call these; they change the database and signal the workflows.
import { checkLendable, dueFromCheckout, jstDateOf, refuse, type Outcome } from '../domain';
import type { Db } from '../db/client';
import { toDbDate } from '../db/dates';
import { checkedInSignal, reservationWorkflowId } from '../workflows/reservation-messages';
import { handOver, lockTitle, recordTransition } from './allocation';
import { transactThenSignal, type Notifier } from './notifier';
import { patronLendingFacts } from './patron-facts';

export function circulation(db: Db, notifier: Notifier, opts: { longOverdueGraceDays: number }) {
  return {
    /**
     * R-ITEM-4: a visitor who brings a 書架 copy to the counter first gets it, even if an online request
     * for the title is still in its security delay (that request then waits at the head of the queue).
     * R-OVERDUE-1 / R-LIMIT-1 apply.
     */
    async counterCheckout({ itemNumber, patronId, at }: { itemNumber: string; patronId: string; at: Date }): Promise<Outcome<{ due: string }>> {
      const today = jstDateOf(at);
      return db.$transaction(async (tx) => {
        const item = await tx.item.findUnique({ where: { itemNumber } });
        if (!item) return refuse('R-ITEM-2', `資料番号 ${itemNumber} は登録されていません。`, `No item ${itemNumber}.`);
        await lockTitle(tx, item.titleId);
        const fresh = await tx.item.findUniqueOrThrow({ where: { itemNumber } });
        if (fresh.status !== 'ON_SHELF') {
          return refuse('R-ITEM-2', 'この資料は「書架」にないため貸出できません。', `Item ${itemNumber} is not on the shelf (${fresh.status}).`);
        }
        if (fresh.materialType !== 'BOOK' && fresh.materialType !== 'DAISY') {
          return refuse('R-ITEM-1', '雑誌及び視聴覚資料は貸出の対象外です。', 'Magazines and audio-visual material cannot be lent.');
        }
        const lendable = checkLendable({ ...(await patronLendingFacts(tx, patronId, today, opts.longOverdueGraceDays)), at: 'counter' });
        if (!lendable.ok) return lendable;
        const due = dueFromCheckout(today);
        await tx.loan.create({ data: { itemNumber, patronId, lentAt: at, lentOn: toDbDate(today), due: toDbDate(due) } });
        await tx.item.update({ where: { itemNumber }, data: { status: 'ON_LOAN', loanCategory: '一般' } });
        return { ok: true as const, due };
      });
    },

    /**
     * R-RETURN-4: the copy is at the prefectural library and its return is processed there — a loan
     * returned at a cooperating library ends now (返却済); a copy coming back from a cancelled or
     * uncollected delivery is released. Either way the copy goes to the next reserver or the shelf.
     */
    async checkIn({ itemNumber, at }: { itemNumber: string; at: Date }): Promise<Outcome<{ handedTo: string | null; returned: string | null }>> {
      return transactThenSignal(db, notifier, async (tx, outbox) => {
        const found = await tx.item.findUnique({ where: { itemNumber }, select: { titleId: true } });
        if (!found) return refuse('R-RETURN-4', `資料番号 ${itemNumber} は登録されていません。`, `No item ${itemNumber}.`);
        await lockTitle(tx, found.titleId);
        // Read again under the lock: the copy's status may have changed since (as counterCheckout does).
        const item = await tx.item.findUniqueOrThrow({ where: { itemNumber } });
        const loan = await tx.loan.findFirst({
          where: { itemNumber, state: { in: ['ACTIVE', 'RETURNED_IN_TRANSIT'] } },
          include: { reservation: true },
        });
        if (loan?.reservation?.status === 'IN_DELIVERY') {
          return refuse(
            'R-RETURN-4',
            'この資料は配送中で、まだ受け取られていません。',
            `Item ${itemNumber} is in delivery and has not been collected yet.`,
          );
        }
        const holder = await tx.reservation.findFirst({ where: { itemNumber, status: { in: ['SECURED', 'READY'] } } });
        if (!loan && holder) return { ok: true as const, handedTo: null, returned: null }; // set aside here already
        let returned: string | null = null;
        if (loan) {
          await tx.loan.update({
            where: { id: loan.id },
            data: { state: 'CLOSED', checkedInAt: at, returnedOn: loan.returnedOn ?? toDbDate(jstDateOf(at)), returnedAt: loan.returnedAt ?? 'pref' },
          });
          if (loan.reservationId) {
            returned = loan.reservationId;
            await tx.reservation.update({ where: { id: loan.reservationId }, data: { status: 'RETURNED', endedAt: at } });
            await recordTransition(tx, loan.reservationId, 'RETURNED', at);
            outbox.add(reservationWorkflowId(loan.reservationId), checkedInSignal, { at: at.toISOString() });
          }
        } else if (item.status !== 'IN_TRANSIT' && item.status !== 'ON_LOAN') {
          return { ok: true as const, handedTo: null, returned: null }; // already here: nothing to process
        }
        const handedTo = await handOver(tx, itemNumber, item.titleId, at, outbox);
        return { ok: true as const, handedTo, returned };
      });
    },
  };
}
