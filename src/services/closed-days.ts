// Staff enter and remove closed days (R-CLOSED-1, spec §14): one place (the prefectural library or a
// cooperating library), one day or a range. Each change and the dates it moves (R-CLOSED-4:
// recomputeDates, src/activities/closed-days.ts) are one transaction, with the signals to the running
// workflows in the signal outbox; entering a day already closed, or reopening an open one, changes
// nothing.
import { addDays, diffDays, jstDateOf, type ClosedLibrary, type LocalDate } from '../domain';
import type { Db } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { closedLibraryKey, recomputeDates, type DatesMoved } from '../activities/closed-days';
import { transactThenSignal, type Notifier } from '../activities/notifier';

/** R-CLOSED-1: at most this many days in one request. */
export const MAX_CLOSURE_DAYS = 366;

export interface ClosureRequest {
  library: ClosedLibrary;
  from: LocalDate;
  /** the last day, included (default: `from`) */
  to?: LocalDate | undefined;
  note?: string | undefined;
}

export type ClosureOutcome =
  | { ok: true; library: ClosedLibrary; from: LocalDate; to: LocalDate; changedDays: number; moved: DatesMoved[] }
  | { ok: false; field: 'to'; ja: string; en: string };

function daysOf(from: LocalDate, to: LocalDate): LocalDate[] {
  const days: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

function checkRange(req: ClosureRequest): { ok: true; to: LocalDate } | Extract<ClosureOutcome, { ok: false }> {
  const to = req.to ?? req.from;
  if (diffDays(to, req.from) < 0) {
    return { ok: false, field: 'to', ja: '終了日は開始日以降の日付にしてください。', en: '`to` must not be before `from`.' };
  }
  if (diffDays(to, req.from) + 1 > MAX_CLOSURE_DAYS) {
    return { ok: false, field: 'to', ja: `一度に登録できる休館日は${MAX_CLOSURE_DAYS}日までです。`, en: `At most ${MAX_CLOSURE_DAYS} days at once.` };
  }
  return { ok: true, to };
}

/** R-CLOSED-1, R-CLOSED-4: closes `library` from … to, and moves the dates that now fall on a closed day. */
export async function closeDays(db: Db, notifier: Notifier, req: ClosureRequest, now: Date): Promise<ClosureOutcome> {
  const range = checkRange(req);
  if (!range.ok) return range;
  const key = closedLibraryKey(req.library);
  return transactThenSignal(db, notifier, async (tx, outbox) => {
    const { count } = await tx.closedDay.createMany({
      data: daysOf(req.from, range.to).map((day) => ({ library: key, day: toDbDate(day), note: req.note ?? null })),
      skipDuplicates: true,
    });
    const moved = count > 0 ? await recomputeDates(tx, outbox, req.library, now) : [];
    return { ok: true as const, library: req.library, from: req.from, to: range.to, changedDays: count, moved };
  });
}

/** R-CLOSED-1, R-CLOSED-4: opens `library` again from … to, and gives back the dates the closure had moved. */
export async function reopenDays(db: Db, notifier: Notifier, req: ClosureRequest, now: Date): Promise<ClosureOutcome> {
  const range = checkRange(req);
  if (!range.ok) return range;
  const key = closedLibraryKey(req.library);
  return transactThenSignal(db, notifier, async (tx, outbox) => {
    const { count } = await tx.closedDay.deleteMany({ where: { library: key, day: { gte: toDbDate(req.from), lte: toDbDate(range.to) } } });
    const moved = count > 0 ? await recomputeDates(tx, outbox, req.library, now) : [];
    return { ok: true as const, library: req.library, from: req.from, to: range.to, changedDays: count, moved };
  });
}

/** The closed days from `from` (default: today) on, by day then place. */
export async function listClosedDays(db: Db, q: { from?: LocalDate | undefined; library?: ClosedLibrary | undefined; now: Date }) {
  const from = q.from ?? jstDateOf(q.now);
  const rows = await db.closedDay.findMany({
    where: { day: { gte: toDbDate(from) }, ...(q.library !== undefined ? { library: closedLibraryKey(q.library) } : {}) },
    orderBy: [{ day: 'asc' }, { library: 'asc' }],
    take: 2000,
  });
  return rows.map((r) => ({ library: r.library === 'pref' ? ('pref' as const) : Number(r.library), day: fromDbDate(r.day), note: r.note }));
}
