// Everything a workflow test needs, real and local: the time-skipping Temporal server, a worker
// running the real workflows and activities, a fresh migrated database, and the real SendGrid client
// pointed at a local mail sink. One per test file (the workflow bundle is built once per file).
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../src/activities';
import { circulation } from '../../src/activities/circulation';
import { temporalNotifier } from '../../src/activities/notifier';
import { sendgridMailer } from '../../src/mail/sendgrid';
import { placeReservation, type PlaceReservationRequest } from '../../src/services/place-reservation';
import { THURSDAY_WORKFLOW_ID, thursdayProcessing } from '../../src/workflows/thursday-processing';
import { viewQuery, type ReservationView } from '../../src/workflows/reservation-messages';
import { reservationWorkflowId } from '../../src/workflows/reservation-messages';
import type { Refusal } from '../../src/domain';
import { createTestDatabase, type TestDatabase } from './database';
import { MailSink } from './mail-sink';
import { createTimeSkippingEnv } from './temporal-server';

Runtime.install({ logger: new DefaultLogger('WARN') });

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const noop = (): void => undefined;
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error },
  });
  return bundle;
}

export const MAIL_FROM = 'noreply@plib.pref.aomori.lg.jp';

export class LendingHarness {
  readonly taskQueue = `lending-${randomUUID()}`;
  private running?: Promise<void>;
  private worker?: Worker;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly t: TestDatabase,
    readonly mail: MailSink,
  ) {}

  static async start(opts: { thursday?: boolean } = {}): Promise<LendingHarness> {
    const [env, t, mail, workflowBundleReady] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), MailSink.start(), workflowBundle()]);
    const h = new LendingHarness(env, t, mail);
    h.worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: h.taskQueue,
      workflowBundle: workflowBundleReady,
      activities: createActivities({
        db: t.db,
        notifier: temporalNotifier(env.client),
        mailer: sendgridMailer({ apiKey: 'SG.test-key', baseUrl: mail.url }),
        mailFrom: MAIL_FROM,
      }),
    });
    h.running = h.worker.run();
    if (opts.thursday !== false) {
      await env.client.workflow.start(thursdayProcessing, { taskQueue: h.taskQueue, workflowId: THURSDAY_WORKFLOW_ID, args: [{}] });
    }
    return h;
  }

  get db() {
    return this.t.db;
  }

  get client() {
    return this.env.client;
  }

  get desk() {
    return circulation(this.t.db, temporalNotifier(this.env.client), { longOverdueGraceDays: 0 });
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
    // Queries are answered only after pending workflow tasks are processed; a round of them over our
    // open reservations, twice, lets signals sent by activities land too.
    for (let round = 0; round < 2; round++) {
      const open = await this.db.reservation.findMany({ select: { id: true } });
      await Promise.all(open.map((r) => this.handle(r.id).query(viewQuery).catch(() => undefined)));
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  handle(reservationId: string): WorkflowHandle {
    return this.client.workflow.getHandle(reservationWorkflowId(reservationId));
  }

  async view(reservationId: string): Promise<ReservationView> {
    return this.handle(reservationId).query(viewQuery);
  }

  async patron(card: string, opts: { name?: string; email?: string | null; loanLimit?: number; usualLibraryNo?: number } = {}) {
    return this.db.patron.create({
      data: {
        cardNumber: card,
        name: opts.name ?? `利用者 ${card}`,
        email: opts.email === undefined ? `${card}@example.jp` : opts.email,
        loanLimit: opts.loanLimit ?? 10,
        usualLibraryNo: opts.usualLibraryNo ?? null,
      },
    });
  }

  async title(id: string, title: string, copies: { item: string; status?: 'ON_SHELF' | 'NOT_FOR_LOAN' | 'ON_LOAN'; type?: 'BOOK' | 'DAISY' | 'MAGAZINE' | 'AUDIOVISUAL' }[]) {
    return this.db.title.create({
      data: {
        id,
        title,
        items: { create: copies.map((c) => ({ itemNumber: c.item, materialType: c.type ?? 'BOOK', status: c.status ?? 'ON_SHELF', loanCategory: c.status === 'ON_LOAN' ? '一般' : null })) },
      },
    });
  }

  async reserve(req: Omit<PlaceReservationRequest, 'at'> & { at?: Date }) {
    const outcome = await placeReservation(this.db, this.client, this.taskQueue, { ...req, at: req.at ?? (await this.now()) });
    await this.settle();
    return outcome;
  }

  async stop(): Promise<void> {
    this.worker?.shutdown();
    await this.running?.catch(() => undefined);
    await this.env.teardown();
    await this.mail.stop();
    await this.t.drop();
  }
}

/** Runs an Update and returns either its result or the refusal (rule id and messages) it failed with. */
export async function request<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; refusal: Refusal }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { type?: string; details?: unknown[]; message?: string } | undefined;
      const detail = cause?.details?.[0] as Refusal | undefined;
      if (detail?.rule) return { ok: false, refusal: detail };
      throw new Error(`update failed without a rule: ${cause?.message ?? err.message}`);
    }
    throw err;
  }
}

/** A loan that exists before the test starts (a walk-in loan taken earlier), e.g. to make a patron overdue. */
export async function existingLoan(h: LendingHarness, patronId: string, itemNumber: string, titleId: string, due: string) {
  const dueDate = new Date(`${due}T00:00:00Z`);
  await h.db.title.upsert({ where: { id: titleId }, create: { id: titleId, title: `既存貸出 ${titleId}` }, update: {} });
  await h.db.item.upsert({
    where: { itemNumber },
    create: { itemNumber, titleId, materialType: 'BOOK', status: 'ON_LOAN', loanCategory: '一般' },
    update: { status: 'ON_LOAN', loanCategory: '一般' },
  });
  return h.db.loan.create({ data: { patronId, itemNumber, lentOn: new Date(dueDate.getTime() - 14 * 86_400_000), due: dueDate } });
}
