// 取置作業リスト, the pull list (R-STATUS-1): the 書架 copies staff are to take off the shelf for the
// title's 確保待ち reservations. It is kept in step with the queue under the title's lock by whoever
// changes the queue (allocation.ts, reservations.ts, circulation.ts): as many open entries as there
// are reservations waiting, as far as copies are on the shelf — never a copy twice. The copy stays
// 書架 while listed, so a visitor who brings it to the counter first gets it (R-ITEM-4).
import type { Tx } from '../db/client';
import { pullListedSignal } from '../workflows/pulling-stand-in';
import { servableAt } from './suspension';
import type { Outbox } from './notifier';

/** R-ITEM-1: the material types that are lent online; only these are pulled. */
const LENDABLE = ['BOOK', 'DAISY'] as const;

/**
 * Lists shelf copies for waiting reservations not yet covered, or withdraws the newest entries nobody
 * waits for any more. A copy not found on the shelf before is listed only after copies never missed
 * (the not-on-shelf Decision, spec §3). The caller holds the title's lock.
 */
export async function refreshPullList(tx: Tx, titleId: string, at: Date, outbox: Outbox): Promise<void> {
  // R-SUSPEND-1: a suspended reservation is passed over, so no copy is pulled for it.
  const waiting = await tx.reservation.count({ where: { titleId, status: 'WAITING', ...servableAt(at) } });
  const open = await tx.pullListEntry.findMany({ where: { titleId, state: 'OPEN' }, orderBy: [{ listedAt: 'asc' }, { id: 'asc' }] });
  if (open.length > waiting) {
    const excess = open.slice(waiting).map((e) => e.id);
    await tx.pullListEntry.updateMany({ where: { id: { in: excess } }, data: { state: 'WITHDRAWN', closedAt: at } });
    return;
  }
  if (open.length === waiting) return;
  const shelf = await tx.item.findMany({
    where: { titleId, status: 'ON_SHELF', materialType: { in: [...LENDABLE] }, itemNumber: { notIn: open.map((e) => e.itemNumber) } },
    orderBy: [{ notOnShelfCount: 'asc' }, { itemNumber: 'asc' }],
    take: waiting - open.length,
  });
  for (const item of shelf) {
    const entry = await tx.pullListEntry.create({ data: { itemNumber: item.itemNumber, titleId, listedAt: at } });
    if (outbox.pullListWatcher) outbox.add(outbox.pullListWatcher, pullListedSignal, { entryId: String(entry.id), listedAt: at.toISOString() });
  }
}

/** Closes the open entry of a copy, if it has one (pulled, not found, or taken by a walk-in). */
export async function closePullEntry(tx: Tx, itemNumber: string, state: 'PULLED' | 'NOT_ON_SHELF' | 'WALKED_IN', at: Date): Promise<boolean> {
  const { count } = await tx.pullListEntry.updateMany({ where: { itemNumber, state: 'OPEN' }, data: { state, closedAt: at } });
  return count > 0;
}
