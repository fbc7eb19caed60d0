// The whole service, real and local, on a clock we control: the Temporal time-skipping test server,
// a worker running the real workflows and activities against a given database, the weekly Thursday
// processing workflow, and the real SendGrid client pointed at a local mail sink. The test harness
// (test/support/lending-harness.ts) and the scenario simulator (src/simulator) both drive it.
//
// The database is the caller's: tests copy a migrated template, the simulator makes a throwaway one.
import { randomUUID } from 'node:crypto';
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createActivities, type ActivityDeps, type ReservationActivities } from '../activities';
import { circulation } from '../activities/circulation';
import { temporalNotifier, type Notifier } from '../activities/notifier';
import { shelfPulling } from '../activities/shelf-pulling';
import type { Db } from '../db/client';
import { isFinalStatus } from '../domain';
import { LIBRARY_MAIL_FROM } from '../mail/lending-notice';
import { sendgridMailer } from '../mail/sendgrid';
import { reservationView, type ReservationView } from '../services/reservation-view';
import { reservationWorkflowId, viewQuery, type WorkflowState } from '../workflows/reservation-messages';
import { PULLING_STAND_IN_WORKFLOW_ID, pullingStandIn } from '../workflows/pulling-stand-in';
import { THURSDAY_WORKFLOW_ID, thursdayProcessing, type ThursdayInput } from '../workflows/thursday-processing';
import { MailSink } from './mail-sink';
import { installQuietRuntime, workflowBundle } from './temporal-runtime';
import { createTimeSkippingEnv } from './temporal-test-server';

/** The library's own sender domain (R-MAIL-2). */
export const MAIL_FROM = LIBRARY_MAIL_FROM;

export interface LendingEnvironmentOptions {
  db: Db;
  /** Start the weekly processing workflow (default true); an object is its input. */
  thursday?: boolean | ThursdayInput;
  /**
   * Keep workflows cached between tasks (default true). Off, every workflow task replays the
   * workflow from its history, and no task is routed to a worker's sticky queue — which the
   * time-skipping server does not move back to the shared queue when that worker is gone.
   */
  cacheWorkflows?: boolean;
  /**
   * How many workflows the worker keeps cached (default: the SDK's, from the heap size: about 2,300
   * here). A workflow evicted for want of room replays its whole history at its next task, so a
   * season with more reservations open at once than that slows down as it grows (the simulator).
   */
  maxCachedWorkflows?: number;
  /** Passed on to createActivities (Thursday options, overdue grace days). */
  activities?: Pick<ActivityDeps, 'thursday' | 'longOverdueGraceDays'>;
  /**
   * Tests of durability: the first attempt of each call of these activities does all its work —
   * commits, sends its signals and mail — and then fails, as when the worker is killed between its
   * commit and reporting back. Temporal retries it; the retry must find the work done.
   */
  dieAfterCommit?: readonly (keyof ReservationActivities)[];
  /**
   * Who takes the copies on the pull list off the shelf (R-STATUS-1): a stand-in for staff that scans
   * each copy `afterMinutes` after it was listed (default: 60 minutes), or nobody (`'manual'`: the
   * caller scans, `shelf.pullFromShelf`, or reports it missing, `shelf.reportNotOnShelf`).
   */
  pulling?: 'manual' | { afterMinutes: number };
  /**
   * How `settle` knows that everything set off has been handled. 'query-all' (the default, the tests'):
   * a round of Queries over every open reservation, twice — each answered only after that workflow's
   * pending tasks. 'worker-quiet' (the simulator's, issue 14): the worker has nothing in flight, and the
   * workflows told something or placed since the last settle answer a Query — so a settle costs what
   * happened since the last one, not the number of open reservations (which made a season quadratic).
   */
  settle?: 'query-all' | 'worker-quiet';
}

/** 'worker-quiet': how long the worker must have had nothing in flight (ms of real time). */
const QUIET_MS = 6;

/** The simulator's default: a copy on the pull list is scanned an hour after it was listed. */
export const DEFAULT_PULL_AFTER_MINUTES = 60;

/** Wraps the named activities so that each call's first attempt fails after it completed (see dieAfterCommit). */
function dyingAfterCommit<T extends Record<string, unknown>>(activities: T, names: readonly string[]): T {
  const wrapped: Record<string, unknown> = { ...activities };
  for (const name of names) {
    const real = activities[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = async (...args: unknown[]) => {
      const result = await real(...args);
      if (Context.current().info.attempt === 1) throw new Error(`test: worker died after ${name} committed`);
      return result;
    };
  }
  return wrapped as T;
}

export class LendingEnvironment {
  readonly taskQueue = `lending-${randomUUID()}`;
  private running?: Promise<void>;
  private worker?: Worker;
  private newWorker!: () => Promise<Worker>;
  /** Reservations whose workflow has reported a final status: it has completed, no need to poke it. */
  private readonly ended = new Set<string>();
  private settleMode: NonNullable<LendingEnvironmentOptions['settle']> = 'query-all';
  /** 'worker-quiet': the workflows signalled since the last settle, and the server's clock then. */
  private settledAt = 0;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly db: Db,
    readonly mail: MailSink,
    /** Tells the workflows; and the stand-in for staff of every copy listed, when it is there. */
    readonly notifier: Notifier,
    /** The workflows the notifier has signalled since the last settle ('worker-quiet'). */
    private readonly signalled: Set<string>,
  ) {}

  static async start(opts: LendingEnvironmentOptions): Promise<LendingEnvironment> {
    installQuietRuntime();
    let env: TestWorkflowEnvironment | undefined;
    // Mails are stamped with the server's clock: the sending activity is still running when the sink
    // reads it, and the server does not skip time while an activity runs.
    const clock = (): number | Promise<number> => (env ? env.currentTimeMs() : Date.now());
    const [started, mail, bundle] = await Promise.all([createTimeSkippingEnv(), MailSink.start({ clock }), workflowBundle()]);
    env = started;
    const pulling = opts.pulling ?? { afterMinutes: DEFAULT_PULL_AFTER_MINUTES };
    const real = temporalNotifier(started.client, pulling === 'manual' ? {} : { pullListWatcher: PULLING_STAND_IN_WORKFLOW_ID });
    const told = new Set<string>();
    const notifier: Notifier = {
      ...real,
      send: (signal) => {
        told.add(signal.workflowId);
        return real.send(signal);
      },
    };
    const e = new LendingEnvironment(env, opts.db, mail, notifier, told);
    e.settleMode = opts.settle ?? 'query-all';
    e.newWorker = () =>
      Worker.create({
        connection: started.nativeConnection,
        taskQueue: e.taskQueue,
        workflowBundle: bundle,
        ...(opts.cacheWorkflows === false
          ? { maxCachedWorkflows: 0 }
          : opts.maxCachedWorkflows !== undefined
            ? { maxCachedWorkflows: opts.maxCachedWorkflows }
            : {}),
        // 'worker-quiet': an activity's result is a workflow task of its workflow, which the settle's
        // Query then waits for (rather than for the moment that task reaches the worker).
        ...(e.settleMode === 'worker-quiet' ? { interceptors: { activity: [() => ({ inbound: e.activityWatch })] } } : {}),
        activities: dyingAfterCommit(
          createActivities({
            db: opts.db,
            notifier,
            mailer: sendgridMailer({ apiKey: 'SG.test-key', baseUrl: mail.url }),
            mailFrom: MAIL_FROM,
            ...opts.activities,
          }),
          opts.dieAfterCommit ?? [],
        ),
      });
    try {
      e.worker = await e.newWorker();
      e.running = e.worker.run();
      if (pulling !== 'manual') {
        await started.client.workflow.start(pullingStandIn, {
          taskQueue: e.taskQueue,
          workflowId: PULLING_STAND_IN_WORKFLOW_ID,
          args: [{ afterMs: pulling.afterMinutes * 60_000 }],
        });
      }
      if (opts.thursday !== false) await e.startThursdayProcessing(typeof opts.thursday === 'object' ? opts.thursday : {});
    } catch (err) {
      await e.stop().catch(() => undefined);
      throw err;
    }
    return e;
  }

  /** Starts the weekly processing workflow (done by `start` unless `thursday: false`). */
  async startThursdayProcessing(input: ThursdayInput = {}): Promise<void> {
    await this.env.client.workflow.start(thursdayProcessing, { taskQueue: this.taskQueue, workflowId: THURSDAY_WORKFLOW_ID, args: [input] });
  }

  get client() {
    return this.env.client;
  }

  /** The counter and the central check-in (walk-in loans, returns processed at the prefectural library). */
  get desk() {
    return circulation(this.db, this.notifier, { longOverdueGraceDays: 0 });
  }

  /** Staff at the shelf: the scan of a copy on the pull list, or "not on the shelf" (R-STATUS-1). */
  get shelf() {
    return shelfPulling(this.db, this.notifier);
  }

  async now(): Promise<Date> {
    return new Date(await this.env.currentTimeMs());
  }

  /** Skips the server's clock forward to `at` (timers due meanwhile fire), then lets the worker settle. */
  async advanceTo(at: string | Date): Promise<void> {
    const target = new Date(at).getTime();
    const now = await this.env.currentTimeMs();
    if (target < now) throw new Error(`cannot go back in time: ${new Date(at).toISOString()} < ${new Date(now).toISOString()}`);
    if (target > now) await this.env.sleep(target - now);
    await this.settle();
  }

  /** Waits (in real time) until every open workflow task and activity of ours has been handled. */
  async settle(): Promise<void> {
    if (this.settleMode === 'worker-quiet') return this.settleByWorker();
    // Queries are answered only after pending workflow tasks are processed; a round of them over our
    // open reservations, twice, lets signals sent by activities land too.
    for (let round = 0; round < 2; round++) {
      const open = (await this.db.reservation.findMany({ select: { id: true } })).filter((r) => !this.ended.has(r.id));
      await Promise.all(open.map((r) => this.workflowState(r.id).catch(() => undefined)));
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * 'worker-quiet': until the worker has had nothing in flight for QUIET_MS, and every workflow
   * signalled, placed or given an activity's result since the last settle has answered a Query (so its
   * pending tasks are done) — again while answering sets off more.
   */
  private async settleByWorker(): Promise<void> {
    const since = this.settledAt;
    const ask = new Set(this.signalled);
    this.signalled.clear();
    // The server's clock and the placements since the last settle are read while the worker quiets down.
    const [now, placed] = await Promise.all([
      this.env.currentTimeMs(),
      this.db.reservation.findMany({ where: { placedAt: { gte: new Date(since) } }, select: { id: true } }),
      this.workerQuiet(),
    ]);
    this.settledAt = now;
    for (const r of placed) ask.add(reservationWorkflowId(r.id));
    for (;;) {
      await Promise.all(
        [...ask].map((id) =>
          this.client.workflow
            .getHandle(id)
            .query(viewQuery)
            .catch(() => undefined),
        ),
      );
      ask.clear();
      if (this.signalled.size === 0) return; // nothing was told anything meanwhile
      for (const id of this.signalled) ask.add(id);
      this.signalled.clear();
      await this.workerQuiet();
    }
  }

  /** Told of every activity that finished ('worker-quiet'): its workflow has a task to wait for. */
  private readonly activityWatch: ActivityInboundCallsInterceptor = {
    execute: async (input, next) => {
      try {
        return await next(input);
      } finally {
        const wf = Context.current().info.workflowExecution?.workflowId;
        if (wf) this.signalled.add(wf);
      }
    },
  };

  /**
   * Until the worker has had no workflow activation and no activity in flight for QUIET_MS in a row,
   * looked at every millisecond: what one task sets off reaches the worker within a millisecond or two
   * (measured on season:300, 2026-12-07), so a wait this long catches it.
   */
  private async workerQuiet(): Promise<void> {
    let quietSince: number | undefined;
    for (;;) {
      const s = this.worker?.getStatus();
      const t = performance.now();
      if (s && (s.numInFlightWorkflowActivations > 0 || s.numInFlightActivities > 0)) quietSince = undefined;
      else if (t - (quietSince ??= t) >= QUIET_MS) return;
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  handle(reservationId: string): WorkflowHandle {
    return this.client.workflow.getHandle(reservationWorkflowId(reservationId));
  }

  /** The reservation as patrons and staff read it: from the records, which own every fact of it. */
  async view(reservationId: string): Promise<ReservationView> {
    return reservationView(this.db, reservationId);
  }

  /** What the workflow itself holds (its Query): its status and what it waits for. */
  async workflowState(reservationId: string): Promise<WorkflowState> {
    const s = await this.handle(reservationId).query(viewQuery);
    if (isFinalStatus(s.status)) this.ended.add(reservationId);
    return s;
  }

  /**
   * Replaces the worker with a new one, as after a crash or a deploy: every open workflow is
   * continued by the new worker from its history (its cache starts empty).
   */
  async restartWorker(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    this.worker = await this.newWorker();
    this.running = this.worker.run();
  }

  /** Stops the worker, the server and the mail sink. The database is the caller's to drop. */
  async stop(): Promise<void> {
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.env.teardown();
    await this.mail.stop();
  }
}
