// Staff at the shelf (R-STATUS-1, R-ITEM-4): a copy on the pull list is scanned — secured for the
// first reservation in the title's queue, 貸出可能 here or 確保済み for a cooperating library, the
// copy's status changing only now — or reported not on the shelf, when the next copy is listed (or the
// reservation waits for a return) and a copy not found twice is marked 不明. Each is one transaction
// under the title's lock; the workflows hear of it after the commit (notifier.ts).
import { holdSlipDates, parsePlace, refuse, type HoldSlipDates, type Outcome, type ProcessingSchedule } from '../domain';
import { NOT_ON_SHELF_BEFORE_MISSING } from '../domain';
import type { Db, Tx } from '../db/client';
import { handOver, lockTitle } from './allocation';
import { servableAt } from './suspension';
import { transactThenSignal, type Notifier, type Outbox } from './notifier';
import { closePullEntry, refreshPullList } from './pull-list';

/** 予約票, the hold slip staff put in a copy just secured: for whom, where to, until when. */
export interface HoldSlip {
  reservationId: string;
  cardNumber: string;
  name: string;
  itemNumber: string;
  title: string;
  status: 'READY' | 'SECURED';
  pickupPlaceCode: string;
  pickupPlaceLabel: string;
  dates: HoldSlipDates;
}

export interface ShelfOptions {
  /** The processing schedule, for the Thursday a copy for a cooperating library goes out on. */
  schedule?: Partial<ProcessingSchedule>;
}

/** The hold slip of a reservation just given a copy (read in the transaction that gave it). */
export async function holdSlip(tx: Tx, reservationId: string, at: Date, opts: ShelfOptions): Promise<HoldSlip> {
  const r = await tx.reservation.findUniqueOrThrow({ where: { id: reservationId }, include: { patron: true, title: true, pickupPlace: true } });
  return {
    reservationId,
    cardNumber: r.patron.cardNumber,
    name: r.patron.name,
    itemNumber: r.itemNumber!,
    title: r.title.title,
    status: r.status === 'READY' ? 'READY' : 'SECURED',
    pickupPlaceCode: r.pickupPlaceCode,
    pickupPlaceLabel: r.pickupPlace.label,
    dates: holdSlipDates(parsePlace(r.pickupPlaceCode)!, at, opts.schedule),
  };
}

const noSuchItem = (itemNumber: string) => refuse('R-ITEM-2', `資料番号 ${itemNumber} は登録されていません。`, `No item ${itemNumber}.`);

/**
 * R-STATUS-1: the scan at the shelf. The copy must be 書架 and someone must wait for its title; it goes
 * to the first of them (R-CANCEL-3's queue order). Scanning another copy of the title than the one
 * listed is fine — it takes the place of the oldest entry of that title.
 */
async function pull(tx: Tx, itemNumber: string, at: Date, outbox: Outbox, opts: ShelfOptions): Promise<Outcome<{ slip: HoldSlip }>> {
  const item = await tx.item.findUniqueOrThrow({ where: { itemNumber } });
  if (item.status !== 'ON_SHELF') {
    return refuse(
      'R-ITEM-2',
      `資料番号 ${itemNumber} は「書架」の状態ではないため、予約に確保できません。`,
      `Item ${itemNumber} is not on the shelf (${item.status}) and cannot be secured.`,
    );
  }
  if ((await tx.reservation.count({ where: { titleId: item.titleId, status: 'WAITING', ...servableAt(at) } })) === 0) {
    return refuse(
      'R-STATUS-1',
      'この資料を待っている予約はありません。書架に戻してください。',
      `Nobody is waiting for a copy of this title; put item ${itemNumber} back on the shelf.`,
    );
  }
  if (!(await closePullEntry(tx, itemNumber, 'PULLED', at))) {
    const oldest = await tx.pullListEntry.findFirst({
      where: { titleId: item.titleId, state: 'OPEN' },
      orderBy: [{ listedAt: 'asc' }, { id: 'asc' }],
    });
    if (oldest) await tx.pullListEntry.update({ where: { id: oldest.id }, data: { state: 'WITHDRAWN', closedAt: at } });
  }
  await tx.item.update({ where: { itemNumber }, data: { notOnShelfCount: 0 } });
  const reservationId = (await handOver(tx, itemNumber, item.titleId, at, outbox))!;
  return { ok: true, slip: await holdSlip(tx, reservationId, at, opts) };
}

export function shelfPulling(db: Db, notifier: Notifier, opts: ShelfOptions = {}) {
  /** Runs `work` on an item in one transaction with its title locked, then sends the signals it owes. */
  function onItem<T extends object>(itemNumber: string, work: (tx: Tx, titleId: string, outbox: Outbox) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    return transactThenSignal(db, notifier, async (tx, outbox) => {
      const found = await tx.item.findUnique({ where: { itemNumber }, select: { titleId: true } });
      if (!found) return noSuchItem(itemNumber);
      await lockTitle(tx, found.titleId);
      return work(tx, found.titleId, outbox);
    });
  }

  return {
    /** R-STATUS-1: staff scanned a copy taken off the shelf. */
    pullFromShelf({ itemNumber, at }: { itemNumber: string; at: Date }): Promise<Outcome<{ slip: HoldSlip }>> {
      return onItem(itemNumber, (tx, _titleId, outbox) => pull(tx, itemNumber, at, outbox, opts));
    },

    /**
     * R-STATUS-1 Decision (spec §3): a listed copy is not on the shelf. It comes off the list; the next
     * copy is listed (this one again only if no other is on the shelf); the second time it is 不明.
     */
    reportNotOnShelf({ itemNumber, at }: { itemNumber: string; at: Date }): Promise<Outcome<{ missing: boolean }>> {
      return onItem(itemNumber, async (tx, titleId, outbox) => {
        if (!(await closePullEntry(tx, itemNumber, 'NOT_ON_SHELF', at))) {
          return refuse('R-STATUS-1', `資料番号 ${itemNumber} は取置作業リストにありません。`, `Item ${itemNumber} is not on the pull list.`);
        }
        const item = await tx.item.update({ where: { itemNumber }, data: { notOnShelfCount: { increment: 1 } } });
        const missing = item.notOnShelfCount >= NOT_ON_SHELF_BEFORE_MISSING;
        if (missing) await tx.item.update({ where: { itemNumber }, data: { status: 'MISSING' } });
        await refreshPullList(tx, titleId, at, outbox);
        return { ok: true, missing };
      });
    },

    /**
     * The stand-in's scan (src/workflows/pulling-stand-in.ts): pulls the copy of a pull-list entry if
     * the entry is still open — it is not after a walk-in, a cancellation or a retry after the commit.
     */
    async pullListedCopy({ entryId, at }: { entryId: string; at: string }): Promise<{ pulled: boolean }> {
      const entry = await db.pullListEntry.findUnique({ where: { id: BigInt(entryId) } });
      if (!entry || entry.state !== 'OPEN') return { pulled: false };
      const done = await onItem(entry.itemNumber, async (tx, _titleId, outbox) => {
        const fresh = await tx.pullListEntry.findUniqueOrThrow({ where: { id: entry.id } });
        if (fresh.state !== 'OPEN') return refuse('R-STATUS-1', '取置作業リストから外れました。', 'The entry left the pull list.');
        return pull(tx, entry.itemNumber, new Date(at), outbox, opts);
      });
      return { pulled: done.ok };
    },
  };
}
