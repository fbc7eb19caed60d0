// R-PRIVACY-1: the reading history (貸出履歴) in My Library — only for a patron who turned it on. While it
// is on, returned loans keep the patron (src/services/privacy.ts passes them over); while it is off,
// nothing is listed, and what ended more than PRIVACY_RETENTION_DAYS ago is forgotten (R-PRIVACY-2).
import type { LocalDate } from '../domain';
import type { Db } from '../db/client';
import { fromDbDate } from '../db/dates';

export interface ReadingHistoryEntry {
  loanId: string;
  titleId: string;
  title: string;
  author: string | null;
  lentOn: LocalDate;
  returnedOn: LocalDate | null;
}

export interface ReadingHistory {
  enabled: boolean;
  /** When it was last turned on (null while off). */
  since: string | null;
  items: ReadingHistoryEntry[];
  page: number;
  pageSize: number;
  total: number;
}

/** The patron's returned loans, the latest return first (none while the reading history is off). */
export async function readingHistory(db: Db, patronId: string, page: { page: number; pageSize: number }): Promise<ReadingHistory> {
  const patron = await db.patron.findUniqueOrThrow({ where: { id: patronId }, select: { readingHistory: true, readingHistorySince: true } });
  const base = { enabled: patron.readingHistory, since: patron.readingHistorySince?.toISOString() ?? null, page: page.page, pageSize: page.pageSize };
  if (!patron.readingHistory) return { ...base, items: [], total: 0 };
  const where = { patronId, state: 'CLOSED' as const };
  const [rows, total] = await Promise.all([
    db.loan.findMany({
      where,
      orderBy: [{ checkedInAt: 'desc' }, { id: 'asc' }],
      skip: (page.page - 1) * page.pageSize,
      take: page.pageSize,
      select: { id: true, lentOn: true, returnedOn: true, item: { select: { title: { select: { id: true, title: true, author: true } } } } },
    }),
    db.loan.count({ where }),
  ]);
  const items = rows.map((l) => ({
    loanId: l.id,
    titleId: l.item.title.id,
    title: l.item.title.title,
    author: l.item.title.author,
    lentOn: fromDbDate(l.lentOn),
    returnedOn: l.returnedOn ? fromDbDate(l.returnedOn) : null,
  }));
  return { ...base, items, total };
}

/**
 * R-PRIVACY-1: the patron turns the reading history on or off. The patron's row is locked, so a privacy
 * sweep in progress finishes its batch first (it reads the row FOR SHARE). Turning it off does not erase
 * at once what is within the period: the library still needs it for questions about a return; the
 * ordinary rule (R-PRIVACY-2) forgets it when its time comes.
 */
export async function setReadingHistory(db: Db, patronId: string, enabled: boolean, now: Date): Promise<{ enabled: boolean; since: string | null }> {
  return db.$transaction(async (tx) => {
    const p = await tx.patron.findUniqueOrThrow({ where: { id: patronId }, select: { readingHistory: true, readingHistorySince: true } });
    if (p.readingHistory === enabled) return { enabled, since: p.readingHistorySince?.toISOString() ?? null };
    const since = enabled ? now : null;
    await tx.patron.update({ where: { id: patronId }, data: { readingHistory: enabled, readingHistorySince: since } });
    return { enabled, since: since?.toISOString() ?? null };
  });
}
