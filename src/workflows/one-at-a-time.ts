// Requests and the library's own deadlines act on a reservation one at a time, and each checks its
// rule again once it has its turn: a pickup admitted just before the hold expires must not race the
// release of the same copy, nor a cancel the checkout. (Workflow code: `condition` is deterministic.)
import { condition } from '@temporalio/workflow';

export class OneAtATime {
  private busy = false;

  async run<T>(check: () => void, act: () => Promise<T>): Promise<T> {
    // Several waiters can be released by the same check of their conditions, before any of them has
    // run on: each looks again when it does run, and the first to run takes the turn.
    while (this.busy) await condition(() => !this.busy);
    this.busy = true;
    try {
      check();
      return await act();
    } finally {
      this.busy = false;
    }
  }
}
