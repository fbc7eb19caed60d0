// The weekly lending processing (貸出処理日): a long-running loop that sleeps until the next
// Thursday 10:00 JST (configurable) and runs the processing activity. A loop with a timer rather
// than a Temporal Schedule, because the time-skipping test server has no Schedules and the weekly
// calendar must be proven with time skipping. The activity is idempotent per processing day, so
// staff triggering a run by hand for the same Thursday does no harm.
import { continueAsNew, defineQuery, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { nextProcessing, type ProcessingSchedule } from '../domain';
import type { ReservationActivities } from '../activities';
import type { ThursdayOptions, ThursdaySummary } from '../activities/thursday';

export const THURSDAY_WORKFLOW_ID = 'thursday-processing';

const { runThursdayProcessing } = proxyActivities<ReservationActivities>({
  // One run locks and writes every 確保済み reservation of the week.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface ThursdayInput {
  schedule?: Partial<ProcessingSchedule>;
  options?: Partial<ThursdayOptions>;
  /** The last processing moment already run (carried over continue-as-new). */
  lastRunAt?: string;
  /** Recent summaries, newest last (carried over continue-as-new). */
  recent?: ThursdaySummary[];
}

export const thursdaySummariesQuery = defineQuery<ThursdaySummary[]>('summaries');

export async function thursdayProcessing(input: ThursdayInput = {}): Promise<void> {
  const recent = [...(input.recent ?? [])];
  let lastRunAt = input.lastRunAt ? new Date(input.lastRunAt) : undefined;
  setHandler(thursdaySummariesQuery, () => recent);

  for (;;) {
    const after = lastRunAt ? new Date(lastRunAt.getTime() + 1) : new Date();
    const at = nextProcessing(after, input.schedule);
    await sleep(Math.max(0, at.getTime() - Date.now()));
    recent.push(await runThursdayProcessing({ processingAt: at.toISOString(), options: input.options }));
    if (recent.length > 60) recent.shift();
    lastRunAt = at;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof thursdayProcessing>({ ...input, lastRunAt: lastRunAt.toISOString(), recent });
    }
  }
}
