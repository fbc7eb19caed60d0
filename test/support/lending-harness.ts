// Everything a workflow test needs, real and local: the time-skipping Temporal server, a worker
// running the real workflows and activities, a fresh migrated database, and the real SendGrid client
// pointed at a local mail sink. One per test file (the workflow bundle is built once per file).
// The running parts are src/infra/lending-environment.ts, shared with the scenario simulator; what is
// here is the test database and the fixtures tests write with.
import type { WorkflowHandle } from '@temporalio/client';
import type { LocalDate } from '../../src/domain';
import { insertExistingLoan } from '../../src/db/existing-loan';
import { LendingEnvironment, type LendingEnvironmentOptions } from '../../src/infra/lending-environment';
import { placeReservation, type PlaceReservationRequest } from '../../src/services/place-reservation';
import type { ReservationView } from '../../src/services/reservation-view';
import { createTestDatabase, type TestDatabase } from './database';

export { MAIL_FROM } from '../../src/infra/lending-environment';
export { request } from '../../src/infra/update-outcome';

export class LendingHarness {
  private constructor(
    readonly e: LendingEnvironment,
    readonly t: TestDatabase,
  ) {}

  static async start(
    opts: Pick<LendingEnvironmentOptions, 'thursday' | 'cacheWorkflows' | 'dieAfterCommit' | 'pulling'> = {},
  ): Promise<LendingHarness> {
    const t = await createTestDatabase();
    try {
      // Staff pull a listed copy the moment it is listed, unless a test says otherwise: the tests of
      // the other rules then see the copy secured right after the security delay, as they always
      // have; the pull list's own tests pass `pulling: 'manual'` and scan (test/workflows/shelf-pulling.test.ts).
      return new LendingHarness(await LendingEnvironment.start({ db: t.db, pulling: { afterMinutes: 0 }, ...opts }), t);
    } catch (err) {
      await t.drop().catch(() => undefined);
      throw err;
    }
  }

  get env() {
    return this.e.env;
  }

  get mail() {
    return this.e.mail;
  }

  get taskQueue() {
    return this.e.taskQueue;
  }

  get db() {
    return this.t.db;
  }

  get client() {
    return this.e.client;
  }

  get desk() {
    return this.e.desk;
  }

  get shelf() {
    return this.e.shelf;
  }

  now(): Promise<Date> {
    return this.e.now();
  }

  /** Skips the server's clock forward to `at` (timers due meanwhile fire), then lets the worker settle. */
  advanceTo(at: string | Date): Promise<void> {
    return this.e.advanceTo(at);
  }

  /** Waits (in real time) until every open workflow task and activity of ours has been handled. */
  settle(): Promise<void> {
    return this.e.settle();
  }

  handle(reservationId: string): WorkflowHandle {
    return this.e.handle(reservationId);
  }

  view(reservationId: string): Promise<ReservationView> {
    return this.e.view(reservationId);
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

  async title(
    id: string,
    title: string,
    copies: { item: string; status?: 'ON_SHELF' | 'NOT_FOR_LOAN' | 'ON_LOAN'; type?: 'BOOK' | 'DAISY' | 'MAGAZINE' | 'AUDIOVISUAL' }[],
  ) {
    return this.db.title.create({
      data: {
        id,
        title,
        items: {
          create: copies.map((c) => ({
            itemNumber: c.item,
            materialType: c.type ?? 'BOOK',
            status: c.status ?? 'ON_SHELF',
            loanCategory: c.status === 'ON_LOAN' ? '一般' : null,
          })),
        },
      },
    });
  }

  async reserve(req: Omit<PlaceReservationRequest, 'at'> & { at?: Date }) {
    const outcome = await placeReservation(this.db, this.client, this.taskQueue, { ...req, at: req.at ?? (await this.now()) });
    await this.settle();
    return outcome;
  }

  async stop(): Promise<void> {
    await this.e.stop();
    await this.t.drop();
  }
}

/**
 * A loan the patron already holds when the test starts, of a copy of its own title (`titleId`, created
 * if missing): ACTIVE, due on `due`, lent 15 days before (src/db/existing-loan.ts). It counts toward
 * the loan limit (R-LIMIT-1) and, once `due` has passed, is overdue (R-OVERDUE-1, R-DISPATCH-1).
 */
export async function existingLoan(h: LendingHarness, patronId: string, itemNumber: string, titleId: string, due: LocalDate): Promise<void> {
  await h.db.title.upsert({ where: { id: titleId }, create: { id: titleId, title: titleId }, update: {} });
  await h.db.item.create({ data: { itemNumber, titleId, materialType: 'BOOK', status: 'ON_SHELF' } });
  await insertExistingLoan(h.db, { itemNumber, patronId, due });
}
