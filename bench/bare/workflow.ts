// Bare Temporal, for `npm run bench`'s baseline: the least a reservation's workflow could be — started
// from a client, it waits for one signal and ends. Nothing of the service's is in it.
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const goSignal = defineSignal('go');

export async function bareWaiter(): Promise<void> {
  let go = false;
  setHandler(goSignal, () => {
    go = true;
  });
  await condition(() => go);
}
