// R-SUSPEND-1 (保留): which waiting reservations a copy may go to. A suspended reservation keeps its place
// in the queue (its queueSeq) but is passed over — by the hand-over of a copy (allocation.ts), the pull list
// (pull-list.ts: no copy is pulled for it), the scan at the shelf and Thursday's "others waiting".
import { jstDateOf } from '../domain';
import { toDbDate } from '../db/dates';

/** Not suspended, or suspended only until a day that has come (its resume may not have landed yet). */
export function servableAt(at: Date) {
  return { OR: [{ suspendedUntil: null }, { suspendedUntil: { lte: toDbDate(jstDateOf(at)) } }] };
}
