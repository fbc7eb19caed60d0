// Activities (and the counter's check-in) change the database in one transaction and only then tell
// the workflows concerned, with Signals. The signals are written into signal_outbox in that same
// transaction, so a process that dies between the commit and the send loses none of them: the rows
// it leaves are sent by the worker's drain (drainSignalOutbox). A signal may so arrive twice; the
// workflows ignore a repeated one.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import type { Db, Tx } from '../db/client';
import { repeatEvery, type Repeating } from '../ops/repeat';

/** One signal to send, as plain data (so a Thursday run can store and resend its own). */
export interface PendingSignal {
  workflowId: string;
  signal: string;
  args: unknown[];
}

export interface Notifier {
  send(signal: PendingSignal): Promise<void>;
  /**
   * The workflow told of every copy put on the pull list, when one stands in for the staff who pull
   * (the simulator and the tests: src/workflows/pulling-stand-in.ts); unset in the service, where
   * staff read the list.
   */
  readonly pullListWatcher?: string;
}

/**
 * A signal to a reservation whose workflow has already completed (it ended: returned, cancelled,
 * released) has nobody left to tell — e.g. a re-run Thursday resending its stored signals weeks later.
 * It is skipped rather than failing the activity, which would retry for ever.
 */
export function temporalNotifier(client: Client, opts: { pullListWatcher?: string } = {}): Notifier {
  return {
    ...opts,
    async send({ workflowId, signal, args }) {
      try {
        await client.workflow.getHandle(workflowId).signal(signal, ...args);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    },
  };
}

/** Collects the signals a transaction owes, written to signal_outbox with it and sent after its commit. */
export class Outbox {
  readonly pending: PendingSignal[] = [];

  constructor(readonly pullListWatcher?: string) {}

  add<Args extends unknown[]>(workflowId: string, def: SignalDefinition<Args>, ...args: Args): void {
    this.pending.push({ workflowId, signal: def.name, args });
  }
}

/**
 * Runs `work` in one database transaction; the signals it adds to the outbox are written to
 * signal_outbox in the same transaction and sent only after the commit (a workflow must never hear
 * of a change that was rolled back), each row deleted once sent. A send that fails leaves its row —
 * and the later ones, to keep their order — for the drain. Every change that tells workflows goes
 * through here.
 */
export async function transactThenSignal<T>(
  db: Db,
  notifier: Notifier,
  work: (tx: Tx, outbox: Outbox) => Promise<T>,
  options?: { timeout?: number; maxWait?: number },
): Promise<T> {
  const outbox = new Outbox(notifier.pullListWatcher);
  let owed: bigint[] = [];
  const result = await db.$transaction(async (tx) => {
    const value = await work(tx, outbox);
    if (outbox.pending.length > 0) {
      const rows = await tx.signalOutbox.createManyAndReturn({
        data: outbox.pending.map((s) => ({ workflowId: s.workflowId, signal: s.signal, args: s.args as never })),
        select: { id: true },
      });
      owed = rows.map((r) => r.id).sort((x, y) => (x < y ? -1 : 1)); // one INSERT: ids in the order written
    }
    return value;
  }, options);
  const sent = outbox.pending.splice(0);
  for (let i = 0; i < sent.length; i++) {
    try {
      await notifier.send(sent[i]!);
    } catch {
      return result; // the commit stands; the drain sends the rest, in order
    }
    await db.signalOutbox.deleteMany({ where: { id: owed[i]! } });
  }
  return result;
}

/**
 * Sends the signals left in signal_outbox by a process that died between its commit and its send
 * (rows older than `olderThanSeconds`, so a live sender's own rows are not raced), oldest first, and
 * deletes each once sent. Several processes may drain at once (SKIP LOCKED). Returns how many it sent.
 */
export async function drainSignalOutbox(db: Db, notifier: Notifier, opts: { olderThanSeconds?: number; batch?: number } = {}): Promise<number> {
  const olderThan = opts.olderThanSeconds ?? 10;
  return db.$transaction(
    async (tx) => {
      // createdAt is written by the database's clock (the column default), so compared with it.
      const rows = await tx.$queryRaw<{ id: bigint; workflowId: string; signal: string; args: unknown[] }[]>`
        SELECT id, "workflowId", signal, args FROM signal_outbox
        WHERE "createdAt" <= LOCALTIMESTAMP - make_interval(secs => ${olderThan})
        ORDER BY id LIMIT ${opts.batch ?? 200} FOR UPDATE SKIP LOCKED`;
      for (const r of rows) {
        await notifier.send({ workflowId: r.workflowId, signal: r.signal, args: r.args });
        await tx.signalOutbox.delete({ where: { id: r.id } });
      }
      return rows.length;
    },
    { timeout: 60_000 },
  );
}

/** Drains now and then every `intervalMs` (default 5 s) until stopped; a failed drain is logged and tried again. */
export function scheduleSignalDrain(
  db: Db,
  notifier: Notifier,
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
  opts: { intervalMs?: number } = {},
): Repeating {
  return repeatEvery(opts.intervalMs ?? 5_000, () =>
    drainSignalOutbox(db, notifier).then(
      (n) => void (n > 0 && log.info({ signals: n }, 'signal outbox: signals left by a stopped process sent')),
      (err: unknown) => log.warn({ err }, 'signal outbox drain failed; tried again at the next interval'),
    ),
  );
}
