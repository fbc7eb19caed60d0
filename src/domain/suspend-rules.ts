/**
 * R-SUSPEND-1, R-SUSPEND-2 (保留, spec §15): pausing a waiting reservation until a date. It keeps its
 * place in the title's queue but is passed over when a copy comes; it resumes by itself on that date, or
 * sooner when the patron asks.
 */

import type { Actor } from './channels';
import { addDays, type LocalDate } from './local-date';
import { allow, refuse, type Outcome } from './refusal';
import { RESERVATION_STATUS_EN, RESERVATION_STATUS_JA, type ReservationStatus } from './statuses';

/** R-SUSPEND-2 **Decision**: at most this many days ahead unless configured (SUSPEND_MAX_DAYS). */
export const DEFAULT_SUSPEND_MAX_DAYS = 90;

export interface SuspendQuestion {
  readonly status: ReservationStatus;
  readonly by: Actor;
  /** The day it resumes (it is passed over until the day before). */
  readonly until: LocalDate;
  readonly today: LocalDate;
  readonly maxDays?: number;
}

/** R-SUSPEND-1: only while 確保待ち — in the queue, no copy set aside (from 確保済み on, a copy waits for the patron). */
export function checkSuspendStatus(status: ReservationStatus): Outcome {
  if (status === 'WAITING') return allow({});
  return refuse(
    'R-SUSPEND-1',
    `「${RESERVATION_STATUS_JA[status]}」の予約は保留できません。保留できるのは「確保待ち」の予約です。`,
    `A reservation that is ${RESERVATION_STATUS_EN[status]} cannot be suspended; only one waiting for a copy can.`,
  );
}

/** R-SUSPEND-2: the day it resumes is after today and at most `maxDays` (default 90) ahead. */
export function checkSuspendUntil(until: LocalDate, today: LocalDate, maxDays = DEFAULT_SUSPEND_MAX_DAYS): Outcome {
  const last = addDays(today, maxDays);
  if (until > today && until <= last) return allow({});
  return refuse(
    'R-SUSPEND-2',
    `保留の終了日は、明日から${maxDays}日後(${last})までの日付を指定してください。`,
    `The suspension must end after today and at most ${maxDays} days ahead (${last} at the latest).`,
  );
}

/** R-SUSPEND-1, R-SUSPEND-2, in that order (the status first: a date for a reservation that cannot be suspended does not matter). */
export function checkSuspend(q: SuspendQuestion): Outcome {
  const status = checkSuspendStatus(q.status);
  return status.ok ? checkSuspendUntil(q.until, q.today, q.maxDays) : status;
}

/** R-SUSPEND-1: a suspended reservation resumes when the patron (or staff for them) asks; one not suspended has nothing to resume. */
export function checkResume(q: { status: ReservationStatus; suspendedUntil: LocalDate | null }): Outcome {
  if (q.status === 'WAITING' && q.suspendedUntil !== null) return allow({});
  return refuse('R-SUSPEND-1', 'この予約は保留されていません。', 'This reservation is not suspended.');
}
