// The activity's logger (Temporal's: each line carries workflowId, activityType, attempt…, and in the
// service it lands in the structured log, src/ops/logger.ts) — or nothing, where an activity function
// is called outside an activity (the API's counter services and the tests call some directly).
import { Context } from '@temporalio/activity';
import type { LogMetadata } from '@temporalio/common';

type Log = (message: string, meta?: LogMetadata) => void;
const quiet = { info: (() => undefined) as Log, warn: (() => undefined) as Log, error: (() => undefined) as Log };

export function activityLog(): { info: Log; warn: Log; error: Log } {
  try {
    const log = Context.current().log;
    return { info: (m, meta) => log.info(m, meta), warn: (m, meta) => log.warn(m, meta), error: (m, meta) => log.error(m, meta) };
  } catch {
    return quiet;
  }
}
