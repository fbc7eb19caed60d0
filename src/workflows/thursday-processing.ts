// The weekly lending processing (貸出処理日): a long-running loop that sleeps until the next
// processing moment (Thursday 10:00 JST unless THURSDAY_WEEKDAY / THURSDAY_HOUR say otherwise) and
// runs the processing activity. A loop with a timer rather than a Temporal Schedule, because the
// time-skipping test server has no Schedules and the weekly calendar must be proven with time skipping.
// The activity is idempotent per processing day and one run at a time, so staff triggering a run by
// hand for the same Thursday does no harm. Its summaries are in thursday_run (GET /staff/thursday-runs).
//
// A fresh start (no lastRunAt) first looks back (spec §6 Decision, catch-up): the most recent
// processing moment, if it has passed, no run is recorded for its day and some reservation was
// 確保済み then, is run now. Behind `patched()`: a workflow recorded before it replays its first wait
// unchanged (it was running then, so it missed nothing).
//
// The schedule comes with the input; the worker sends its configured one at every start as well
// (`thursdaySettingsSignal`, signalWithStart in src/main.ts), so a workflow already running takes a
// changed THURSDAY_WEEKDAY / THURSDAY_HOUR at once: its wait is recomputed from that moment on.
import { condition, continueAsNew, defineSignal, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { DEFAULT_PROCESSING_SCHEDULE, lastProcessing, nextProcessing, type ProcessingSchedule } from '../domain';
import type { ReservationActivities } from '../activities';
import type { ThursdayOptions } from '../activities/thursday';

export const THURSDAY_WORKFLOW_ID = 'thursday-processing';

/** The patch id of the catch-up at a fresh start (`patched()`): never rename it while such histories may run. */
export const CATCH_UP_PATCH = 'thursday-catch-up-at-first-start';

/** R-CLOSED-2: a processing day on which the prefectural library is closed runs on its next open day. Never rename it. */
export const CLOSED_THURSDAY_PATCH = 'closed-days-thursday';

const { runThursdayProcessing, thursdayCatchUpDue, processingMomentWithClosures } = proxyActivities<ReservationActivities>({
  // One run locks and writes every 確保済み reservation of the week. While another run holds the
  // processing lock (a run by hand) it fails at once and is retried until that one has finished.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface ThursdayInput {
  schedule?: Partial<ProcessingSchedule>;
  /** Overrides the worker's THURSDAY_REBALANCE / LONG_OVERDUE_GRACE_DAYS (tests); the service sets none. */
  options?: Partial<ThursdayOptions>;
  /** The last processing moment already run (carried over continue-as-new). */
  lastRunAt?: string;
  /** Summaries carried by runs recorded before they were kept in thursday_run only; ignored, not carried on. */
  recent?: unknown[];
}

/** The worker's processing schedule (THURSDAY_WEEKDAY, THURSDAY_HOUR), sent at every worker start. */
export const thursdaySettingsSignal = defineSignal<[{ schedule?: Partial<ProcessingSchedule> }]>('settings');

const sameSchedule = (a: Partial<ProcessingSchedule> | undefined, b: Partial<ProcessingSchedule> | undefined): boolean => {
  const x = { ...DEFAULT_PROCESSING_SCHEDULE, ...a };
  const y = { ...DEFAULT_PROCESSING_SCHEDULE, ...b };
  return x.weekday === y.weekday && x.hour === y.hour && x.minute === y.minute;
};

export async function thursdayProcessing(input: ThursdayInput = {}): Promise<void> {
  const { recent: _notCarried, ...carried } = input;
  let schedule = input.schedule;
  let lastRunAt = input.lastRunAt ? new Date(input.lastRunAt) : undefined;
  let rescheduled = false;
  setHandler(thursdaySettingsSignal, (s) => {
    if (sameSchedule(s.schedule, schedule)) return;
    schedule = s.schedule;
    rescheduled = true;
  });

  // §6 Decision (catch-up): a worker first started after a processing moment that nobody ran.
  if (!lastRunAt && patched(CATCH_UP_PATCH)) {
    const missed = lastProcessing(new Date(), schedule).toISOString();
    if (await thursdayCatchUpDue({ processingAt: missed })) {
      await runThursdayProcessing({ processingAt: missed, options: input.options });
      lastRunAt = new Date(missed);
    }
  }

  let from = lastRunAt ? new Date(lastRunAt.getTime() + 1) : new Date();
  for (;;) {
    // A new schedule counts from now: its moments before now were never due.
    if (rescheduled) {
      rescheduled = false;
      from = new Date(Math.max(from.getTime(), Date.now()));
    }
    const at = nextProcessing(from, schedule);
    // The same timer as a sleep (never 0: condition(…, 0) would be another command), cut short by a new schedule.
    if (await condition(() => rescheduled, Math.max(1, at.getTime() - Date.now()))) continue;
    const runAt = await movedPastClosedDays(at);
    await runThursdayProcessing({ processingAt: runAt.toISOString(), options: input.options });
    lastRunAt = runAt;
    from = new Date(runAt.getTime() + 1);
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof thursdayProcessing>({ ...carried, schedule, lastRunAt: lastRunAt.toISOString() });
    }
  }
}

/**
 * R-CLOSED-2: the moment the processing scheduled at `at` runs — asked at that moment, and again at the
 * moved one (a closure entered meanwhile moves it on), until the prefectural library is open then.
 */
async function movedPastClosedDays(at: Date): Promise<Date> {
  let runAt = at;
  while (patched(CLOSED_THURSDAY_PATCH)) {
    const moved = new Date(await processingMomentWithClosures({ processingAt: runAt.toISOString() }));
    if (moved.getTime() <= runAt.getTime()) break;
    await sleep(Math.max(1, moved.getTime() - Date.now()));
    runAt = moved;
  }
  return runAt;
}
