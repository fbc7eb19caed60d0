// Staff settings of the library as a whole: a cooperating library closed or open again (R-RETURN-3's
// exception depends on it), and the weekly Thursday processing — its stored summaries and a run
// started by hand, idempotent per processing day like the scheduled one (src/activities/thursday.ts).
import {
  addDays,
  DEFAULT_PROCESSING_SCHEDULE,
  formatDateEn,
  formatDateJa,
  isMovedProcessingDay,
  jstInstant,
  processingDayWithClosures,
  weekday,
  type LocalDate,
  type ProcessingSchedule,
} from '../domain';
import type { Db } from '../db/client';
import type { ThursdayRun } from '../generated/prisma/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { ThursdayRunInProgressError, type ThursdaySummary } from '../activities/thursday';
import { loadClosedDays } from '../activities/closed-days';
import { NotFoundError } from './errors';

export async function setLibraryOpen(db: Db, no: number, isOpen: boolean) {
  const lib = await db.cooperatingLibrary.findUnique({ where: { no } });
  if (!lib) throw new NotFoundError('library', String(no));
  const updated = await db.cooperatingLibrary.update({ where: { no }, data: { isOpen } });
  return libraryView(updated);
}

export async function listLibraries(db: Db) {
  return (await db.cooperatingLibrary.findMany({ orderBy: { no: 'asc' } })).map(libraryView);
}

function libraryView(l: { no: number; region: string; municipality: string; name: string | null; isOpen: boolean }) {
  return { no: l.no, region: l.region, municipality: l.municipality, name: l.name ?? l.municipality, isOpen: l.isOpen };
}

type RunRow = Omit<ThursdayRun, 'outcomes'>;

function runView(r: RunRow) {
  return {
    processingDay: fromDbDate(r.processingDate),
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    processed: r.processed,
    dispatched: r.dispatched,
    failed: r.failed,
    released: r.released,
    rebalanced: r.rebalanced,
    bags: r.bags,
  };
}

export async function thursdayRun(db: Db, day: LocalDate) {
  const run = await db.thursdayRun.findUnique({ where: { processingDate: toDbDate(day) } });
  if (!run) throw new NotFoundError('thursdayRun', day);
  return runView(run);
}

export async function listThursdayRuns(db: Db, page: { page: number; pageSize: number }) {
  const [total, rows] = await Promise.all([
    db.thursdayRun.count(),
    db.thursdayRun.findMany({ orderBy: { processingDate: 'desc' }, skip: (page.page - 1) * page.pageSize, take: page.pageSize }),
  ]);
  return { items: rows.map(runView), ...page, total };
}

export type TriggerOutcome =
  | { ok: true; run: ReturnType<typeof runView> }
  | { ok: false; field: 'processingDay'; ja: string; en: string }
  /** Another run (the weekly one, or another hand run) holds the processing lock now. */
  | { ok: false; running: true; ja: string; en: string };

/**
 * Runs the processing of `day` now, by hand: the day must be a processing day (Thursday by default)
 * whose processing moment (10:00 JST) has come — a run for a later day would lend copies today under
 * that day's dates. Running a day already processed changes nothing and returns its summary; while
 * another run is in progress (one at a time, src/activities/thursday.ts) nothing is done: `running`.
 */
export async function triggerThursdayRun(
  db: Db,
  run: (req: { processingAt: string }) => Promise<ThursdaySummary>,
  req: { day: LocalDate; now: Date; schedule?: Partial<ProcessingSchedule> | undefined },
): Promise<TriggerOutcome> {
  const schedule = { ...DEFAULT_PROCESSING_SCHEDULE, ...req.schedule };
  // R-CLOSED-2: a processing day the prefectural library is closed on runs on its next open day, and only there.
  const closed = await loadClosedDays(db, addDays(req.day, -7 * 9));
  const movedTo = processingDayWithClosures(req.day, closed);
  if (weekday(req.day) === schedule.weekday && movedTo !== req.day) {
    return {
      ok: false,
      field: 'processingDay',
      ja: `${formatDateJa(req.day)}は県立図書館の休館日です。貸出処理は${formatDateJa(movedTo)}に行います。`,
      en: `The prefectural library is closed on ${formatDateEn(req.day)}; its processing runs on ${formatDateEn(movedTo)}.`,
    };
  }
  if (weekday(req.day) !== schedule.weekday && !isMovedProcessingDay(req.day, schedule.weekday, closed)) {
    return {
      ok: false,
      field: 'processingDay',
      ja: `${formatDateJa(req.day)}は貸出処理日ではありません。`,
      en: `${formatDateEn(req.day)} is not a processing day.`,
    };
  }
  const at = jstInstant(req.day, schedule.hour, schedule.minute);
  if (at.getTime() > req.now.getTime()) {
    return {
      ok: false,
      field: 'processingDay',
      ja: `${formatDateJa(req.day)}の貸出処理はまだ実行できません(処理時刻前です)。`,
      en: `The processing of ${formatDateEn(req.day)} cannot run before its time.`,
    };
  }
  try {
    await run({ processingAt: at.toISOString() });
  } catch (err) {
    if (!(err instanceof ThursdayRunInProgressError)) throw err;
    return {
      ok: false,
      running: true,
      ja: '貸出処理を実行中です。終わってから結果を確認してください(同じ日の処理であれば、その結果が返ります)。',
      en: `Thursday processing is already running; ask again when it has finished (for ${formatDateEn(req.day)} its summary is then returned).`,
    };
  }
  return { ok: true, run: await thursdayRun(db, req.day) };
}
