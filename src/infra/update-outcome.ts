// What became of a request sent to a reservation workflow as an Update. The workflow refuses with a
// non-retryable ApplicationFailure whose details[0] is the Refusal ({ rule, ja, en }, see
// src/workflows/reservation.ts `refused`); anything else is a real error and is rethrown.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Refusal } from '../domain';

export type UpdateOutcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/** Runs an Update and returns either its result or the refusal (rule id and messages) it failed with. */
export async function request<T>(p: Promise<T>): Promise<UpdateOutcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal) return { ok: false, refusal };
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { message?: string } | undefined;
      throw new Error(`update failed without a rule: ${cause?.message ?? err.message}`);
    }
    throw err;
  }
}

/** The Refusal carried by a failed Update, if it failed with one. */
export function refusalOf(err: unknown): Refusal | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause as { details?: unknown[] } | undefined;
  const detail = cause?.details?.[0] as Refusal | undefined;
  return detail?.rule ? detail : undefined;
}
