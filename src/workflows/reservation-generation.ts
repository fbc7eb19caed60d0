// Two generations of the reservation workflow, one flow (reservation.ts). A reservation lives for weeks,
// so a workflow started by an older worker must replay on a newer one exactly as it ran; what differs
// between the generations is told apart here, in one place, instead of at every step.
//
// - `reservation`, the first generation, runs the reservations placed before R-SCALE-5. Each change made
//   to the flow since it first ran is behind its own `patched()` id (the notices, closed days, suspending,
//   the card at pickup, how a return came…). It stays registered, unchanged, for as long as such
//   reservations run.
// - `reservationV2` (R-SCALE-5) runs every reservation placed since. No history of it predates any of
//   those changes, so it has them all without asking: no patch marker and no search-attribute upsert
//   (TemporalChangeVersion) in its history, where the first generation records them on its first tasks —
//   work for the Temporal server and its visibility store on every reservation. And it asks for its copy
//   (secureOrQueue: one short transaction under the title's lock) as a local activity, inside the
//   workflow task that the security delay's timer wakes: no activity task to schedule, poll, start and
//   complete on the server, and no further workflow task to learn the result. It is idempotent after
//   its commit as every activity is (a worker killed after the commit runs it again on replay:
//   test/workflows/retry-after-commit.test.ts, npm run chaos), retried with the same policy.
//
// Why only that one activity is local: the Update handlers' activities (pickup, renewal, return, cancel…)
// run in tasks that also cancel timers, and a local activity keeps its task with the worker for as long
// as it runs and retries. Under the Java time-skipping test server that proves the calendars, such tasks
// stranded their workflows (seen in the retry-after-commit tests: the server refuses a completion that
// cancels a timer which fired meanwhile and never hands the task out again, temporalio/sdk-java#3088).
// The notices stay activity tasks in any case: they reach SendGrid, which may be slow or away for hours,
// and their retries belong on the server's clock.
import { patched, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ReservationActivities } from '../activities';

/** Every activity of a reservation: 30 s an attempt, retried from 1 s doubling to a minute. */
export const ACTIVITY_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
} satisfies ActivityOptions;

export interface Generation {
  /** The workflow type's name (src/workflows/reservation-messages.ts: RESERVATION_WORKFLOW_TYPES). */
  readonly workflowType: 'reservation' | 'reservationV2';
  /** Whether this run takes the change the patch id names. */
  has(patchId: string): boolean;
  /**
   * R-PREF-1's "at once" (prefNoticeDelayMs 0): the first generation waited on `condition(…, 0)` — a timer,
   * a workflow task, and the SDK's own patch marker for a zero timeout; the second sends the notice in
   * the task that secured the copy (R-PREF-3, borrowed first, is checked all the same).
   */
  readonly waitsZeroDelay: boolean;
  /** 確保待ち: a copy secured, or a place in the title's queue (src/activities/allocation.ts). */
  readonly secureOrQueue: ReservationActivities['secureOrQueue'];
}

type Secure = Pick<ReservationActivities, 'secureOrQueue'>;
const asTask = proxyActivities<Secure>(ACTIVITY_OPTIONS);
const asLocal = proxyLocalActivities<Secure>(ACTIVITY_OPTIONS);

export const FIRST_GENERATION: Generation = {
  workflowType: 'reservation',
  has: (patchId) => patched(patchId),
  waitsZeroDelay: true,
  secureOrQueue: asTask.secureOrQueue,
};

/** R-SCALE-5 Decision: every change in, the copy asked for by a local activity. */
export const SECOND_GENERATION: Generation = {
  workflowType: 'reservationV2',
  has: () => true,
  waitsZeroDelay: false,
  secureOrQueue: asLocal.secureOrQueue,
};
