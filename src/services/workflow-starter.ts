// No reservation without its workflow, whatever moment a process dies (issue 9, "no orphan, no double").
//
// Placing a reservation commits its row and then starts its workflow: two systems, no transaction
// spanning both. A process killed between the two left a reservation that never asks for a copy, yet
// counts against the patron's 20 (R-LIMIT-1) and blocks the title for them. So the row is the outbox of
// its own workflow's start: the placing transaction writes `workflowStartedAt` null (and the workflow's
// `config` beside it); after the commit the placement starts the workflow and sets the column; and the
// *starter* here starts every row still null — at process start and then every few seconds, in every
// process that has both the database and a Temporal client (SERVICE_ROLE all, api and worker: src/main.ts).
//
// Why this and not another outbox table: the row is written in the placing transaction anyway, so "a
// reservation exists" and "its workflow must be started" are one fact that cannot be half-committed,
// and the starter needs nothing but the row to rebuild the workflow's input. The input is exactly the
// one the placement passes (`reservationWorkflowInput`, shared by both), `config` included: it is stored
// with the row rather than read from this process's configuration, because the starter may run in the
// worker container, whose environment is not the API's (RESERVATION_SECURITY_DELAY_SECONDS is the API's).
//
// Never twice:
// - the workflow id is derived from the reservation id, so at most one run is open at a time;
// - every start uses WorkflowIdReusePolicy.REJECT_DUPLICATE, so a reservation whose workflow has already
//   *ended* (cancelled, returned) can never get a new run; WorkflowExecutionAlreadyStartedError then
//   means "it was started", and the row is marked;
// - several starters (processes) take disjoint rows: each pass locks its batch with FOR UPDATE SKIP
//   LOCKED for as long as it starts them. A starter and the placement racing on a fresh row (the pass
//   runs between the commit and the placement's own start) both start it; one of the two gets
//   AlreadyStarted, with the same input: harmless. The placement's mark skips a row the starter holds
//   (SKIP LOCKED) rather than waiting for its pass: the starter marks it itself.
//
// A reservation started by the starter begins its security delay (R-STATUS-1) then, not at placedAt:
// it stays 予約申込 a few seconds longer than configured, never shorter (docs/spec.md, Decision).
// REJECT_DUPLICATE protects only as long as the server keeps the ended run (the namespace's retention);
// a row is left unmarked only for the seconds between a start and its mark, far less than that.
import { repeatEvery, type Repeating } from '../ops/repeat';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Db, Tx } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
import { RESERVATION_WORKFLOW_TYPE, reservationWorkflowId } from '../workflows/reservation-messages';
import type { ReservationConfig, ReservationInput } from '../workflows/reservation-state';

/** How often the starter looks for reservations whose workflow was never confirmed started. */
export const STARTER_INTERVAL_MS = 5_000;
/** Rows per pass (and per transaction): a pass holds their row locks while it starts them. */
export const STARTER_BATCH = 20;

/** What a workflow start needs of the reservation's row. */
export interface StartableReservation {
  id: string;
  patronId: string;
  titleId: string;
  pickupPlaceCode: string;
  placedAt: Date;
  workflowConfig: Prisma.JsonValue | null;
}

/** The reservation workflow's input, from its row: the same for the placement and for the starter. */
export function reservationWorkflowInput(row: StartableReservation): ReservationInput {
  return {
    reservationId: row.id,
    patronId: row.patronId,
    titleId: row.titleId,
    pickup: row.pickupPlaceCode,
    placedAt: row.placedAt.toISOString(),
    config: (row.workflowConfig ?? undefined) as Partial<ReservationConfig> | undefined,
  };
}

/**
 * Starts the reservation's workflow unless one was ever started for it: 'started' if this call started
 * it, 'already-started' if one is running or has ended (REJECT_DUPLICATE: never a second run).
 */
export async function startReservationWorkflow(
  temporal: Client,
  taskQueue: string,
  row: StartableReservation,
): Promise<'started' | 'already-started'> {
  try {
    await temporal.workflow.start(RESERVATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: reservationWorkflowId(row.id),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [reservationWorkflowInput(row)],
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
    throw err;
  }
}

/** The column's moment: the database's clock, in UTC like every DateTime Prisma writes. */
const markStarted = (tx: Db | Tx, id: string) =>
  tx.$executeRaw`UPDATE reservation SET "workflowStartedAt" = (now() AT TIME ZONE 'UTC') WHERE id = ${id} AND "workflowStartedAt" IS NULL`;

/**
 * After the placement's own start: marks the row started — unless a starter's pass holds it at this
 * moment (it then marks it itself), so that a placement never waits for a pass.
 */
export async function markWorkflowStarted(db: Db, reservationId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE reservation SET "workflowStartedAt" = (now() AT TIME ZONE 'UTC')
    WHERE id = (SELECT id FROM reservation WHERE id = ${reservationId} AND "workflowStartedAt" IS NULL FOR UPDATE SKIP LOCKED)`;
}

export interface StarterPass {
  /** Workflows this pass started: their placement had been interrupted. */
  started: string[];
  /** Rows whose workflow had been started (running or ended) but not marked: marked now. */
  alreadyStarted: string[];
  /** Set when a start failed (Temporal unreachable): the pass stopped there; the rest waits for the next. */
  error?: unknown;
}

/**
 * One pass: the oldest unconfirmed rows (at most `batch`) not held by another pass, each started and
 * marked. The marks of the rows handled before a failed start are kept.
 */
export async function startPendingWorkflows(db: Db, temporal: Client, taskQueue: string, opts: { batch?: number } = {}): Promise<StarterPass> {
  return db.$transaction(
    async (tx) => {
      const pass: StarterPass = { started: [], alreadyStarted: [] };
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM reservation WHERE "workflowStartedAt" IS NULL
        ORDER BY "placedAt", id LIMIT ${opts.batch ?? STARTER_BATCH} FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return pass;
      const rows = await tx.reservation.findMany({
        where: { id: { in: locked.map((r) => r.id) } },
        select: { id: true, patronId: true, titleId: true, pickupPlaceCode: true, placedAt: true, workflowConfig: true },
        orderBy: [{ placedAt: 'asc' }, { id: 'asc' }],
      });
      for (const row of rows) {
        try {
          const outcome = await startReservationWorkflow(temporal, taskQueue, row);
          (outcome === 'started' ? pass.started : pass.alreadyStarted).push(row.id);
        } catch (err) {
          pass.error = err;
          break;
        }
        await markStarted(tx, row.id);
      }
      return pass;
    },
    // Each start is one round trip to Temporal; a pass that overruns is rolled back and its rows,
    // started or not, are handled again by the next (AlreadyStarted → marked).
    { maxWait: 10_000, timeout: 60_000 },
  );
}

export interface StarterLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Runs passes now and then every `intervalMs` until stopped; a full batch is followed by another pass
 * at once. Failures are logged and retried at the next interval.
 */
export function runWorkflowStarter(
  db: Db,
  temporal: Client,
  taskQueue: string,
  log: StarterLog,
  opts: { intervalMs?: number; batch?: number } = {},
): Repeating {
  const batch = opts.batch ?? STARTER_BATCH;
  let stopped = false;
  const run = async (): Promise<void> => {
    while (!stopped) {
      let pass: StarterPass;
      try {
        pass = await startPendingWorkflows(db, temporal, taskQueue, { batch });
      } catch (err) {
        log.warn({ err }, 'workflow starter: pass failed; tried again at the next interval');
        return;
      }
      if (pass.started.length > 0 || pass.alreadyStarted.length > 0) {
        log.info(
          { started: pass.started, alreadyStarted: pass.alreadyStarted },
          'workflow starter: reservations whose workflow start had been interrupted are started (or were: marked)',
        );
      }
      if (pass.error !== undefined) {
        log.warn({ err: pass.error }, 'workflow starter: a start failed; the rest is tried again at the next interval');
        return;
      }
      if (pass.started.length + pass.alreadyStarted.length < batch) return;
    }
  };
  const repeating = repeatEvery(opts.intervalMs ?? STARTER_INTERVAL_MS, run);
  return {
    async stop() {
      stopped = true; // a full batch's follow-up pass is not begun
      await repeating.stop();
    },
  };
}
