// The simulation engine: the real workflows and activities on the time-skipping Temporal server and
// a fresh database, fed the scenario's events at their moments.
//
// How time moves: the server's clock starts at the real current time. Before each event it is skipped
// forward to the event's moment (`env.sleep`: every timer due meanwhile fires — security delays,
// Thursday processing, Saturday notices, hold deadlines — and the server waits for the work each one
// sets off), the signals already sent are let land (`settle`), and the event is done. Timers due at
// exactly an event's moment fire before the event; events at the same moment run in the listed order.
// After the last event the clock moves on a week at a
// time until every reservation has ended, or straight to `until` if the scenario gives it, and never
// more than 180 days past the last event. (The step only decides how soon we notice that everything
// has ended: the timeline ends at the last status change, and Thursday runs after it are left out.)
import type { Db } from '../db/client';
import { formatJst, isFinalStatus } from '../domain';
import { fromDbDate } from '../db/dates';
import { DEFAULT_PULL_AFTER_MINUTES, LendingEnvironment } from '../infra/lending-environment';
import { workflowBundle } from '../infra/temporal-runtime';
import { createThrowawayDatabase } from '../infra/throwaway-database';
import type { ReservationView } from '../services/reservation-view';
import { applyEvent } from './events';
import { ProblemLog } from './problems';
import { MAX_DAYS_AFTER_LAST_EVENT, checkMomentsAfter, type Scenario, type ScenarioIssue } from './scenario';
import { seedScenario } from './seed';
import { TimelineRecorder, jstMinute, type StopReason, type ThursdayRecord, type Timeline } from './timeline';

const DAY_MS = 86_400_000;
/** How far the clock moves between two looks at whether every reservation has ended. */
const RUN_OUT_STEP_MS = 7 * DAY_MS;

/** The scenario cannot be run as written (the CLI exits 2). */
export class ScenarioInvalid extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  }
}

export interface RunOptions {
  /** A migrated and seeded database without scenario data (tests pass one); default: a throwaway one. */
  db?: Db;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Stops the run between two steps (the CLI aborts on Ctrl-C); everything started is cleaned up. */
  signal?: AbortSignal;
}

/** The run was stopped from outside (opts.signal). */
export class SimulationAborted extends Error {}

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<Timeline> {
  const log = opts.log ?? ((line: string) => void process.stderr.write(`[simulate] ${line}\n`));
  // Refuse a scenario in the past before starting anything; checked again on the server's clock below.
  const early = checkMomentsAfter(s, Date.now(), formatJst(new Date()));
  if (early.length > 0) throw new ScenarioInvalid(early);

  void workflowBundle().catch(() => undefined); // bundle the workflows while the database is prepared
  const own = opts.db ? undefined : await createThrowawayDatabase({ log });
  const db = opts.db ?? own!.db;
  const problems = new ProblemLog();
  let e: LendingEnvironment | undefined;
  try {
    // Thursday processing starts with the story, at its first event: the runs between the real now and
    // a scenario set months ahead could only find nothing 確保済み, and each costs an activity. (A run
    // due at exactly that moment is skipped; nothing can be 確保済み before the first event either.)
    // R-STATUS-1: staff pulling copies off the shelf are stood in for unless the scenario does it.
    const pulling = s.pulling === 'manual' ? 'manual' : { afterMinutes: s.pullAfterMinutes ?? DEFAULT_PULL_AFTER_MINUTES };
    e = await LendingEnvironment.start({ db, thursday: false, pulling, settle: 'worker-quiet' });
    const start = await e.now();
    const late = checkMomentsAfter(s, start.getTime(), formatJst(start));
    if (late.length > 0) throw new ScenarioInvalid(late);

    const patronIds = await seedScenario(db, s);
    const timeline = new TimelineRecorder();
    if (s.events[0]) await moveTo(e, s.events[0].at);
    await e.startThursdayProcessing();
    const check = (): void => {
      if (opts.signal?.aborted) throw new SimulationAborted('the simulation was interrupted');
      problems.throwIfRunaway();
    };
    for (const [i, ev] of s.events.entries()) {
      // No settle after an event: the server does not skip time while the work it set off is pending,
      // and moveTo settles before the next one.
      await moveTo(e, ev.at);
      log(`events[${i}] ${ev.at} ${ev.do}${'reservation' in ev ? ` ${ev.reservation}` : ''}`);
      await applyEvent({ e, timeline, patronIds }, ev);
      check();
    }

    const stopped = await runOut(e, s, timeline.placedIds(), check);
    await e.settle();
    const views = new Map<string, ReservationView>();
    for (const id of timeline.placedIds()) views.set(id, await e.view(id));
    const end = stopped.end ?? lastMoment(s, views, start.getTime());
    log(`stopped at ${jstMinute(end)} (${stopped.because})`);
    return timeline.build({
      views,
      mails: e.mail.received,
      thursdays: await thursdays(db, s.events[0] ? Date.parse(s.events[0].at) : start.getTime(), end),
      simulation: { start: jstMinute(start), end: jstMinute(end), stoppedBecause: stopped.because },
      problems: problems.entries,
    });
  } finally {
    problems.close();
    await e?.stop();
    await own?.drop();
  }
}

/** Skips the server's clock to `at` unless it is already there (equal moments, or ms of real time). */
async function moveTo(e: LendingEnvironment, at: string): Promise<void> {
  const target = Date.parse(at);
  if (target > (await e.env.currentTimeMs())) await e.advanceTo(new Date(target));
  else await e.settle();
}

/** After the last event: to `until`, or until every reservation has ended, at most 180 days on. */
async function runOut(
  e: LendingEnvironment,
  s: Scenario,
  ids: string[],
  check: () => void,
): Promise<{ end: number | undefined; because: StopReason }> {
  if (s.until !== undefined) {
    await moveTo(e, s.until);
    return { end: Date.parse(s.until), because: 'until' };
  }
  const last = s.events[s.events.length - 1];
  if (ids.length === 0 || !last) return { end: undefined, because: 'no-reservations' };
  const cap = Date.parse(last.at) + MAX_DAYS_AFTER_LAST_EVENT * DAY_MS;
  const ended = new Set<string>();
  for (;;) {
    for (const id of ids) if (!ended.has(id) && isFinalStatus((await e.view(id)).status)) ended.add(id);
    if (ended.size === ids.length) return { end: undefined, because: 'all-ended' };
    const now = await e.env.currentTimeMs();
    if (now >= cap) return { end: cap, because: 'limit' };
    await e.env.sleep(Math.min(RUN_OUT_STEP_MS, cap - now));
    check();
  }
}

/** When the story ended: its last event, or the last status change after it. */
function lastMoment(s: Scenario, views: Map<string, ReservationView>, start: number): number {
  const moments = [start, ...s.events.map((ev) => Date.parse(ev.at))];
  for (const v of views.values()) for (const t of v.transitions) moments.push(Date.parse(t.at));
  return Math.max(...moments);
}

/**
 * The Thursday processing runs between the first event and `end` that had something to do, from the
 * ThursdayRun table (one row per run). Runs that found nothing 確保済み are left out: the clock starts
 * at the real current time, so a scenario set months ahead would otherwise list every empty week.
 */
async function thursdays(db: Db, from: number, end: number): Promise<ThursdayRecord[]> {
  const runs = await db.thursdayRun.findMany({
    where: { startedAt: { gte: new Date(from), lte: new Date(end) }, OR: [{ processed: { gt: 0 } }, { rebalanced: { gt: 0 } }] },
    orderBy: { processingDate: 'asc' },
  });
  return runs.map((r) => ({
    at: jstMinute(r.startedAt),
    processingDay: fromDbDate(r.processingDate),
    processed: r.processed,
    dispatched: r.dispatched,
    failed: r.failed,
    released: r.released,
    rebalanced: r.rebalanced,
  }));
}
