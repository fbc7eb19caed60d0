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
    // Every reservation's workflow stays cached (with the Thursday one and the stand-in): an evicted one
    // would replay its history at its next task, and a large season would slow down as it grows.
    const reservations = s.events.filter((ev) => ev.do === 'reserve').length;
    e = await LendingEnvironment.start({
      db,
      thursday: false,
      pulling,
      settle: 'worker-quiet',
      maxCachedWorkflows: Math.max(MIN_CACHED_WORKFLOWS, reservations + 16),
    });
    const start = await e.now();
    const late = checkMomentsAfter(s, start.getTime(), formatJst(start));
    if (late.length > 0) throw new ScenarioInvalid(late);

    const patronIds = await seedScenario(db, s);
    const timeline = new TimelineRecorder();
    const env = e;
    const spent = new Spent();
    const move = new Mover(env, spent);
    if (s.events[0]) await move.to(s.events[0].at);
    await e.startThursdayProcessing();
    const check = (): void => {
      if (opts.signal?.aborted) throw new SimulationAborted('the simulation was interrupted');
      problems.throwIfRunaway();
    };
    for (const [i, ev] of s.events.entries()) {
      // No settle after an event: the server does not skip time while the work it set off is pending,
      // and moveTo settles before the next one.
      await move.to(ev.at);
      log(`events[${i}] ${ev.at} ${ev.do}${'reservation' in ev ? ` ${ev.reservation}` : ''}`);
      await spent.on('events', () => applyEvent({ e: env, timeline, patronIds }, ev));
      check();
    }

    const stopped = await runOut(env, move, s, timeline.placedIds(), check);
    await spent.on('settles', () => env.settle());
    // The reservations as the records hold them, read a few at a time (in the timeline's order).
    const ids = timeline.placedIds();
    const read = await spent.on('final reads', () => inBatches(ids, VIEW_READS_AT_ONCE, (id) => env.view(id)));
    const views = new Map<string, ReservationView>(ids.map((id, k) => [id, read[k]!]));
    const end = stopped.end ?? lastMoment(s, views, start.getTime());
    log(`stopped at ${jstMinute(end)} (${stopped.because})`);
    log(`real time spent: ${spent.summary()}`);
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

/** The worker's workflow cache holds at least this many (the SDK's default here is about 2,300). */
const MIN_CACHED_WORKFLOWS = 2_000;

/** Real time between two events at the same moment, besides the settle (see Mover.to). */
const SAME_MOMENT_PAUSE_MS = 10;

/** How many reservations' records are read at once at the end (the pool has ten connections). */
const VIEW_READS_AT_ONCE = 8;

/** Real time spent per phase (the CLI's stderr, for issue 14's "where the time goes"). */
class Spent {
  private readonly ms = new Map<string, { n: number; ms: number }>();
  async on<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      const p = this.ms.get(phase) ?? { n: 0, ms: 0 };
      this.ms.set(phase, { n: p.n + 1, ms: p.ms + performance.now() - t0 });
    }
  }
  summary(): string {
    return [...this.ms].map(([phase, p]) => `${phase} ${(p.ms / 1000).toFixed(1)} s (${p.n})`).join(', ');
  }
}

/**
 * Skips the server's clock to a moment unless it is already there (equal moments, or ms of real
 * time), then settles. A moment no later than the last one reached needs no look at the clock.
 */
class Mover {
  private reached = -Infinity;
  constructor(
    private readonly e: LendingEnvironment,
    private readonly spent: Spent,
  ) {}
  async to(at: string): Promise<void> {
    const target = Date.parse(at);
    if (target > this.reached) {
      const now = await this.spent.on('clock reads', () => this.e.env.currentTimeMs());
      if (target > now) await this.spent.on('skips', () => this.e.env.sleep(target - now));
      this.reached = target;
    } else {
      // Events at one moment stay as far apart in the server's (running) clock as before the quicker
      // settle: what each sets off later (a security delay's end) is then as far apart, and the
      // service handles the two one after the other as it did.
      await new Promise((r) => setTimeout(r, SAME_MOMENT_PAUSE_MS));
    }
    await this.spent.on('settles', () => this.e.settle());
  }
  /** Skips the clock by `ms` (the run-out after the last event). */
  async skip(ms: number): Promise<void> {
    await this.spent.on('skips', () => this.e.env.sleep(ms));
  }
}

/** `read` over `items`, `atOnce` at a time; the results in the items' order. */
async function inBatches<T, R>(items: T[], atOnce: number, read: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let k = next++; k < items.length; k = next++) out[k] = await read(items[k]!);
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, lane));
  return out;
}

/** After the last event: to `until`, or until every reservation has ended, at most 180 days on. */
async function runOut(
  e: LendingEnvironment,
  move: Mover,
  s: Scenario,
  ids: string[],
  check: () => void,
): Promise<{ end: number | undefined; because: StopReason }> {
  if (s.until !== undefined) {
    await move.to(s.until);
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
    await move.skip(Math.min(RUN_OUT_STEP_MS, cap - now));
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
