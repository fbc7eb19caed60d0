// Activities change the database in one transaction and only then tell the workflows concerned,
// with Signals. If the worker dies between the two, the activity is retried: its transaction finds
// the work already done and sends the same signals again, which the workflows ignore when repeated.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import type { Db, Tx } from '../db/client';

/** One signal to send, as plain data (so a Thursday run can store and resend its own). */
export interface PendingSignal {
  workflowId: string;
  signal: string;
  args: unknown[];
}

export interface Notifier {
  send(signal: PendingSignal): Promise<void>;
}

/**
 * A signal to a reservation whose workflow has already completed (it ended: returned, cancelled,
 * released) has nobody left to tell — e.g. a re-run Thursday resending its stored signals weeks later.
 * It is skipped rather than failing the activity, which would retry for ever.
 */
export function temporalNotifier(client: Client): Notifier {
  return {
    async send({ workflowId, signal, args }) {
      try {
        await client.workflow.getHandle(workflowId).signal(signal, ...args);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}

/** Collects signals during a transaction, to send after it commits. */
export class Outbox {
  readonly pending: PendingSignal[] = [];
  constructor(private readonly notifier: Notifier) {}

  add<Args extends unknown[]>(workflowId: string, def: SignalDefinition<Args>, ...args: Args): void {
    this.pending.push({ workflowId, signal: def.name, args });
  }

  async flush(): Promise<void> {
    for (const s of this.pending.splice(0)) await this.notifier.send(s);
  }
}

/**
 * Runs `work` in one database transaction; the signals it adds to the outbox are sent only after the
 * commit (a workflow must never hear of a change that was rolled back). Every activity that changes
 * reservations and tells their workflows goes through here.
 */
export async function transactThenSignal<T>(
  db: Db,
  notifier: Notifier,
  work: (tx: Tx, outbox: Outbox) => Promise<T>,
  options?: { timeout?: number; maxWait?: number },
): Promise<T> {
  const outbox = new Outbox(notifier);
  const result = await db.$transaction((tx) => work(tx, outbox), options);
  await outbox.flush();
  return result;
}
