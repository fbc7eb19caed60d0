// Every staff act through the API is recorded with who did it (docs/spec.md §13, the staff-acts
// Decision): a staff_action row is written 'pending' *before* the handler delegates to the service,
// then marked 'done' when the work returns or 'refused' when it is refused (a rule — the row keeps its
// id —, an unknown id, an invalid value, a conflict). Anything else (a 500: the outcome is not known)
// leaves it 'pending', as does a process that dies in between: an honest "asked, outcome unknown"
// rather than nothing. The actor is the member of staff signed in (staff number and name), or, for a
// staff API key, the key's name (a machine caller).
//
// Route handlers wrap their delegation, and only that, in recordStaffAct:
//
//   const r = await recordStaffAct(ctx, caller, { action: 'cancel', reservationId, details: { channel } }, async () => {
//     const r = await cancelReservation(…);
//     if (!r.ok) throw refused(r.refusal, 409);
//     return r;
//   });
//
// `work` may name what it found out only while working (the reservation a check-in returned) with
// `found({ reservationId })`. Reads of what the act changed come after, outside the wrapper.
import { beginStaffAction, finishStaffAction, type StaffActor, type StaffActRecord, type StaffActRefs } from '../services/staff-actions';
import type { Caller } from './auth';
import type { ApiContext } from './deps';
import { toProblem } from './route';

export type { StaffActRecord, StaffActRefs } from '../services/staff-actions';

/** Who the records name for a caller: the member of staff, or the API key (by its name). */
export function staffActor(caller: Caller): StaffActor {
  if (caller.kind === 'staff' && caller.staffNumber) return { kind: 'staff', id: caller.staffNumber, name: caller.name ?? caller.staffNumber };
  return { kind: 'key', id: caller.keyName, name: caller.keyName };
}

export async function recordStaffAct<T>(
  ctx: ApiContext,
  caller: Caller | null,
  act: StaffActRecord,
  work: (found: (refs: StaffActRefs) => void) => Promise<T>,
): Promise<T> {
  if (!caller) throw new Error(`recordStaffAct(${act.action}): a staff act needs a caller (a route with auth)`);
  const db = ctx.deps.db;
  const id = await beginStaffAction(db, staffActor(caller), act, await ctx.now());
  const learnt: StaffActRefs = {};
  const found = (refs: StaffActRefs): void => void Object.assign(learnt, refs);
  let result: T;
  try {
    result = await work(found);
  } catch (err) {
    const problem = toProblem(err);
    if (problem && problem.status < 500) {
      await settle(ctx, id, { outcome: 'refused', rule: problem.extra.rule, problem: problem.kind }, learnt, act.action);
    }
    throw err;
  }
  await settle(ctx, id, { outcome: 'done' }, learnt, act.action);
  return result;
}

/** The act's outcome, written after it: should that write fail, the act stands and its row stays 'pending'. */
async function settle(ctx: ApiContext, id: bigint, outcome: Parameters<typeof finishStaffAction>[2], learnt: StaffActRefs, action: string) {
  try {
    await finishStaffAction(ctx.deps.db, id, outcome, learnt, await ctx.now());
  } catch (err) {
    const report = ctx.deps.log ?? ((m: string, e: unknown) => (ctx.deps.logger ? ctx.deps.logger.error({ err: e }, m) : console.error(m, e)));
    report(`staff act ${action} (#${id}): its outcome could not be recorded; it stays pending`, err);
  }
}
