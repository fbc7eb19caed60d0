// Warnings and errors the worker logs while a scenario runs, kept for the timeline's `problems`.
//
// Why: an activity that throws is retried by Temporal, quietly and for ever; on the time-skipping
// server the retries' back-off is skipped too, so a broken activity would turn one simulated day into
// hundreds of attempts and the run into a hang. Listing the failures shows staff (and us) that the
// timeline is not the library's normal course, and past a limit the run stops with an error.
import type { LogEntry } from '@temporalio/worker';
import { onRuntimeLog } from '../infra/temporal-runtime';
import type { ProblemRecord } from './timeline';

/** This many failed activity attempts in one run stop it (exit 1). */
export const MAX_ACTIVITY_FAILURES = 25;

/** Core's note that the test server lacks a capability of newer servers: true of every run, not a problem. */
const KNOWN_NOISE = /activity_failure_include_heartbeat/;

export class SimulationFailed extends Error {}

export class ProblemLog {
  readonly entries: ProblemRecord[] = [];
  private activityFailures = 0;
  private readonly unsubscribe: () => void;

  constructor() {
    this.unsubscribe = onRuntimeLog((entry) => this.add(entry));
  }

  private add(entry: LogEntry): void {
    if ((entry.level !== 'WARN' && entry.level !== 'ERROR') || KNOWN_NOISE.test(entry.message)) return;
    const meta = (entry.meta ?? {}) as { activityType?: unknown; workflowId?: unknown; error?: unknown };
    const error = meta.error instanceof Error ? meta.error.message : meta.error === undefined ? undefined : String(meta.error);
    this.entries.push({
      level: entry.level,
      message: entry.message,
      ...(typeof meta.activityType === 'string' ? { activity: meta.activityType } : {}),
      ...(typeof meta.workflowId === 'string' ? { workflowId: meta.workflowId } : {}),
      ...(error !== undefined ? { error } : {}),
    });
    if (entry.message === 'Activity failed') this.activityFailures++;
  }

  throwIfRunaway(): void {
    if (this.activityFailures < MAX_ACTIVITY_FAILURES) return;
    const last = [...this.entries].reverse().find((p) => p.message === 'Activity failed');
    throw new SimulationFailed(
      `${this.activityFailures} failed activity attempts (last: ${last?.activity ?? '?'} for ${last?.workflowId ?? '?'}: ${last?.error ?? '?'}); stopping`,
    );
  }

  close(): void {
    this.unsubscribe();
  }
}
