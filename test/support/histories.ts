// Recorded workflow histories, replayed by test/workflows/replay.test.ts so that a change to workflow
// code that would break reservations already running fails CI. Record afresh (after an intended,
// versioned change) with `RECORD_HISTORIES=1 npx jest test/workflows`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
// One protobufjs copy for all of @temporalio/* (package.json pins it top-level): with two, the
// proto JSON helpers fail with "type must be a Type".
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');

export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  // R-SCALE-5: the second generation's histories beside the first's, which stay as they were recorded.
  const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  const file = type === 'reservationV2' ? `${name}.v2.json` : `${name}.json`;
  writeFileSync(join(HISTORIES_DIR, file), historyToJSON(history) + '\n');
}
