// A stand-in for the staff who pull copies off the shelf, for the scenario simulator and the tests
// (never started by the service, where staff work from the pull list). Every copy put on the pull
// list is told to it (Notifier.pullListWatcher); it scans each `afterMs` after it was listed, unless
// the copy left the list meanwhile (a walk-in, a cancellation). A workflow, so that the time-skipping
// server knows when the next scan is due and skips to it like to any other timer.
import { condition, continueAsNew, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ReservationActivities } from '../activities';

export const PULLING_STAND_IN_WORKFLOW_ID = 'pulling-stand-in';

export const pullListedSignal = defineSignal<[{ entryId: string; listedAt: string }]>('pullListed');

const { pullListedCopy } = proxyActivities<ReservationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface PullingStandInInput {
  /** How long after a copy is listed it is scanned (the simulator's pullAfterMinutes). */
  afterMs: number;
  /** Entries listed but not yet scanned, carried over continue-as-new. */
  due?: { entryId: string; at: number }[];
}

/** After this many scans the workflow continues as new, so its history stays short. */
const SCANS_PER_RUN = 500;

export async function pullingStandIn(input: PullingStandInInput): Promise<void> {
  const due = [...(input.due ?? [])];
  setHandler(pullListedSignal, ({ entryId, listedAt }) => {
    if (!due.some((d) => d.entryId === entryId)) due.push({ entryId, at: Date.parse(listedAt) + input.afterMs });
  });
  for (let scans = 0; scans < SCANS_PER_RUN;) {
    due.sort((a, b) => a.at - b.at);
    const next = due[0];
    if (!next) {
      await condition(() => due.length > 0);
      continue;
    }
    if (next.at > Date.now()) {
      await condition(() => due[0] !== next || due.some((d) => d.at < next.at), next.at - Date.now());
      continue;
    }
    due.shift();
    await pullListedCopy({ entryId: next.entryId, at: new Date().toISOString() });
    scans++;
  }
  await continueAsNew<typeof pullingStandIn>({ afterMs: input.afterMs, due });
}
