// 取置作業リスト as staff read it (R-STATUS-1): the copies to take off the shelf, oldest first, each with
// where its copy will go — the pickup place of the reservation it would serve if scanned now (the
// title's entries in the order listed, matched with its queue in order) — and whether it has waited
// longer than the pull-list Decision allows (spec §3).
import { DEFAULT_PULL_ALERT_HOURS, formatJst, isPullLate } from '../domain';
import type { Db } from '../db/client';

export interface PullListEntryView {
  itemNumber: string;
  /** 請求記号 and 配架場所, when the catalogue gives them. */
  callNumber: string | null;
  shelfLocation: string | null;
  titleId: string;
  title: string;
  /** Where the copy goes once scanned: the pickup place of the first reservation it would serve. */
  pickup: { code: string; label: string } | null;
  /** Since when it has been on the list (JST). */
  listedAt: string;
  /** It was not on the shelf once already: this is the second look (not found again → 不明). */
  secondLook: boolean;
  /** On the list longer than the alert limit (PULL_ALERT_HOURS, default 24). */
  late: boolean;
}

export async function pullList(db: Db, now: Date, opts: { alertHours?: number } = {}): Promise<PullListEntryView[]> {
  const entries = await db.pullListEntry.findMany({
    where: { state: 'OPEN' },
    orderBy: [{ listedAt: 'asc' }, { id: 'asc' }],
    include: { item: { include: { title: true } } },
  });
  const titles = [...new Set(entries.map((e) => e.titleId))];
  const waiting = titles.length
    ? await db.reservation.findMany({
        where: { titleId: { in: titles }, status: 'WAITING' },
        orderBy: [{ queueSeq: 'asc' }, { placedAt: 'asc' }],
        include: { pickupPlace: true },
      })
    : [];
  const queues = new Map<string, typeof waiting>();
  for (const r of waiting) queues.set(r.titleId, [...(queues.get(r.titleId) ?? []), r]);
  const served = new Map<string, number>();
  return entries.map((e) => {
    const k = served.get(e.titleId) ?? 0;
    served.set(e.titleId, k + 1);
    const r = queues.get(e.titleId)?.[k];
    return {
      itemNumber: e.itemNumber,
      callNumber: e.item.callNumber,
      shelfLocation: e.item.shelfLocation,
      titleId: e.titleId,
      title: e.item.title.title,
      pickup: r ? { code: r.pickupPlaceCode, label: r.pickupPlace.label } : null,
      listedAt: formatJst(e.listedAt),
      secondLook: e.item.notOnShelfCount > 0,
      late: isPullLate(e.listedAt, now, opts.alertHours ?? DEFAULT_PULL_ALERT_HOURS),
    };
  });
}
