// The Temporal worker: the reservation and Thursday-processing workflows and every activity.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities';
import { temporalNotifier } from '../activities/notifier';
import type { ServiceConfig } from '../config';
import type { Db } from '../db/client';
import { sendgridMailer } from '../mail/sendgrid';

/**
 * R-SCALE-3 Decision: how many workflows the worker keeps in memory (Temporal's maxCachedWorkflows).
 * Open reservations wait days on a timer or a signal; one not cached is replayed from its short history
 * on its next task. A fixed size keeps the worker's RSS bounded however many reservations are open
 * (measured: README "Records and worker at scale"), instead of the SDK's default sized from the heap limit.
 */
export const WORKER_MAX_CACHED_WORKFLOWS = 250;

export async function createWorker(
  config: ServiceConfig,
  db: Db,
  /** The workflows bundled ahead (`npm start` bundles while the servers start); else bundled here. */
  opts: { workflowBundle?: WorkflowBundleWithSourceMap } = {},
): Promise<{ worker: Worker; client: Client; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const { client, close: closeClient } = await connectTemporalClient(config);
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // Graceful shutdown: activities in flight get this long to finish before they are cancelled
    // (a lending notice being handed to SendGrid finishes and records the outcome); then the worker
    // gives up at the force time rather than hang the stop for ever.
    maxCachedWorkflows: WORKER_MAX_CACHED_WORKFLOWS, // R-SCALE-3 Decision
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '30 seconds',
    activities: createActivities({
      db,
      notifier: temporalNotifier(client),
      mailer: sendgridMailer({ apiKey: config.sendgridApiKey, baseUrl: config.sendgridBaseUrl }),
      mailFrom: config.mailFrom,
      // R-DISPATCH-1 / R-OVERDUE-1, R-DISPATCH-4 Decisions: the same settings the API's hand run uses.
      longOverdueGraceDays: config.thursday.longOverdueGraceDays,
      thursday: { rebalance: config.thursday.rebalance },
    }),
  });
  return {
    worker,
    client,
    async close() {
      await closeClient();
      await connection.close();
    },
  };
}

/** A Temporal client (the API's, and the worker's for signals), connected: fails here if unreachable. */
export async function connectTemporalClient(
  config: Pick<ServiceConfig, 'temporalAddress' | 'temporalNamespace'>,
): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: config.temporalAddress });
  return { client: new Client({ connection, namespace: config.temporalNamespace }), close: () => connection.close() };
}
