// Counter events that are not a reservation's own request: a walk-in loan and the central check-in.
// Staff (API) and the simulator call these; they change the database and signal the workflows.
import { checkLendable, jstDateOf, prefDueWithClosures, refuse, type LocalDate, type Outcome, type ReturnVia } from '../domain';
import { loadClosedDays } from './closed-days';
import type { Db } from '../db/client';
import { toDbDate } from '../db/dates';
import { checkedInSignal, reservationWorkflowId } from '../workflows/reservation-messages';
import { handOver, lockTitle, recordTransition } from './allocation';
import { transactThenSignal, type Notifier } from './notifier';
import { closePullEntry, refreshPullList } from './pull-list';
import { holdSlip, type HoldSlip, type ShelfOptions } from './shelf-pulling';
import { patronLendingFacts } from './patron-facts';

export function circulation(db: Db, notifier: Notifier, opts: { longOverdueGraceDays: number } & ShelfOptions) {
  return {
    /**
     * R-ITEM-4: a visitor who brings a 書架 copy to the counter first gets it, even if an online request
     * for the title is still in its security delay (that request then waits at the head of the queue)
     * or the copy is on the pull list and staff have not scanned it yet (R-STATUS-1).
     * R-OVERDUE-1 / R-LIMIT-1 apply.
     */
    async counterCheckout({ itemNumber, patronId, at }: { itemNumber: string; patronId: string; at: Date }): Promise<Outcome<{ due: string }>> {
      const today = jstDateOf(at);
      return transactThenSignal(db, notifier, async (tx, outbox) => {
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
        const due = prefDueWithClosures(today, await loadClosedDays(tx, today)); // R-PREF-4, R-CLOSED-3
        await tx.loan.create({ data: { itemNumber, patronId, lentAt: at, lentOn: toDbDate(today), due: toDbDate(due) } });
        await tx.item.update({ where: { itemNumber }, data: { status: 'ON_LOAN', loanCategory: '一般', notOnShelfCount: 0 } });
        // R-ITEM-4: a copy on the pull list not yet scanned goes to the visitor; the reservation keeps
        // its place in the queue and the next copy on the shelf, if any, is listed.
        if (await closePullEntry(tx, itemNumber, 'WALKED_IN', at)) await refreshPullList(tx, item.titleId, at, outbox);
        return { ok: true as const, due };
      });
    },

    /**
     * R-RETURN-4: the copy is at the prefectural library and its return is processed there — a loan
     * returned at a cooperating library ends now (返却済); a copy coming back from a cancelled or
     * uncollected delivery is released. Either way the copy goes to the next reserver or the shelf.
     */
    async checkIn({
      itemNumber,
      at,
      handedIn,
    }: {
      itemNumber: string;
      at: Date;
      /** A walk-in loan handed in at the prefectural library: how and on which day (R-RETURN-5), checked by the caller. */
      handedIn?: { via: ReturnVia; returnedOn: LocalDate };
    }): Promise<Outcome<{ handedTo: string | null; returned: string | null; slip: HoldSlip | null; found: boolean }>> {
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
        if (!loan && holder) return { ok: true as const, handedTo: null, returned: null, slip: null, found: false }; // set aside here already
        let returned: string | null = null;
        if (loan) {
          await tx.loan.update({
            where: { id: loan.id },
            data: {
              state: 'CLOSED',
              checkedInAt: at,
              returnedOn: loan.returnedOn ?? toDbDate(handedIn?.returnedOn ?? jstDateOf(at)),
              returnedAt: loan.returnedAt ?? 'pref',
              returnedVia: loan.returnedVia ?? handedIn?.via ?? 'counter',
            },
          });
          if (loan.reservationId) {
            returned = loan.reservationId;
            await tx.reservation.update({ where: { id: loan.reservationId }, data: { status: 'RETURNED', endedAt: at } });
            await recordTransition(tx, loan.reservationId, 'RETURNED', at);
            outbox.add(reservationWorkflowId(loan.reservationId), checkedInSignal, { at: at.toISOString() });
          }
        } else if (item.status !== 'IN_TRANSIT' && item.status !== 'ON_LOAN' && item.status !== 'MISSING') {
          return { ok: true as const, handedTo: null, returned: null, slip: null, found: false }; // already here: nothing to process
        }
        // A 不明 copy brought to the desk has been found (the not-on-shelf Decision, spec §3).
        const foundAgain = !loan && item.status === 'MISSING';
        if (item.notOnShelfCount > 0) await tx.item.update({ where: { itemNumber }, data: { notOnShelfCount: 0 } });
        const handedTo = await handOver(tx, itemNumber, item.titleId, at, outbox);
        // The hold slip: a copy someone waits for is secured at the scan and staff are told where it goes.
        const slip = handedTo ? await holdSlip(tx, handedTo, at, opts) : null;
        return { ok: true as const, handedTo, returned, slip, found: foundAgain };
      });
    },
  };
}
