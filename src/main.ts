// `npm start`. What exists today: the Temporal worker (reservation workflows, Thursday processing,
// lending notices) against a Temporal server and a migrated PostgreSQL that you name. Not yet: the
// HTTP API and the embedded default that starts its own Temporal and Postgres (see README "Status").
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ConfigError, loadConfig } from './config';
import { openDb } from './db/client';
import { seedReferenceData } from './db/seed';
import { createWorker } from './worker/worker';
import { THURSDAY_WORKFLOW_ID, thursdayProcessing } from './workflows/thursday-processing';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDb(config.databaseUrl);
  await seedReferenceData(db);
  const { worker, client, close } = await createWorker(config, db);
  try {
    await client.workflow.start(thursdayProcessing, { taskQueue: config.taskQueue, workflowId: THURSDAY_WORKFLOW_ID, args: [{}] });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  console.error(`worker running on task queue "${config.taskQueue}" at ${config.temporalAddress}; the HTTP API is not built yet`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  await worker.run();
  await close();
  await db.$disconnect();
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`npm start: ${err.message}\n(The embedded default that starts its own Temporal and PostgreSQL is not built yet.)`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
