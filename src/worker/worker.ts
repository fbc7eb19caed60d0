// The Temporal worker: the reservation and Thursday-processing workflows and every activity.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { temporalNotifier } from '../activities/notifier';
import type { ServiceConfig } from '../config';
import type { Db } from '../db/client';
import { sendgridMailer } from '../mail/sendgrid';

export async function createWorker(config: ServiceConfig, db: Db): Promise<{ worker: Worker; client: Client; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const clientConnection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({
      db,
      notifier: temporalNotifier(client),
      mailer: sendgridMailer({ apiKey: config.sendgridApiKey, baseUrl: config.sendgridBaseUrl }),
      mailFrom: config.mailFrom,
    }),
  });
  return {
    worker,
    client,
    async close() {
      await clientConnection.close();
      await connection.close();
    },
  };
}
