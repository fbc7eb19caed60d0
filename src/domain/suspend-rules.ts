/**
 * R-SUSPEND-1, R-SUSPEND-2 (保留, spec §15): pausing a waiting reservation until a date. It keeps its
 * place in the title's queue but is passed over when a copy comes; it resumes by itself on that date, or
 * sooner when the patron asks.
 */

import type { Actor } from './channels';
import { addDays, formatDateEn, formatDateJa, jstInstant, type LocalDate } from './local-date';
import { allow, refuse, type Outcome, type Refusal } from './refusal';
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

/** R-SUSPEND-3 **Decision**: the not-needed-after day (不要日) is at most this many days ahead (one year). */
export const NOT_NEEDED_MAX_DAYS = 365;

/** R-SUSPEND-3: the day may be set or cleared while 予約申込 or 確保待ち (suspended or not). */
export function checkNotNeededStatus(status: ReservationStatus): Outcome {
  if (status === 'APPLIED' || status === 'WAITING') return allow({});
  return refuse(
    'R-SUSPEND-3',
    `「${RESERVATION_STATUS_JA[status]}」の予約には不要日を設定できません。設定できるのは「予約申込」「確保待ち」の予約です。`,
    `A reservation that is ${RESERVATION_STATUS_EN[status]} cannot take a not-needed-after day; only one applied for or waiting for a copy can.`,
  );
}

/** R-SUSPEND-3: the day is today or later and at most a year ahead (null clears it). */
export function checkNotNeededDay(day: LocalDate | null, today: LocalDate): Outcome {
  const last = addDays(today, NOT_NEEDED_MAX_DAYS);
  if (day === null || (day >= today && day <= last)) return allow({});
  return refuse(
    'R-SUSPEND-3',
    `不要日(notNeededAfter)は、今日から1年後(${last})までの日付を指定してください。`,
    `notNeededAfter must be today or later and at most a year ahead (${last} at the latest).`,
  );
}

/** R-SUSPEND-3: the status first, then the day. */
export function checkNotNeeded(q: { status: ReservationStatus; day: LocalDate | null; today: LocalDate }): Outcome {
  const status = checkNotNeededStatus(q.status);
  return status.ok ? checkNotNeededDay(q.day, q.today) : status;
}

/** R-SUSPEND-3: the moment it is cancelled: 00:00 JST of the day after the not-needed-after day. */
export function notNeededDeadline(day: LocalDate): Date {
  return jstInstant(addDays(day, 1), 0, 0);
}

/** R-SUSPEND-3: why the library cancelled it (the reservation's recorded reason, and the notice's). */
export function notNeededReason(day: LocalDate): Refusal {
  return {
    rule: 'R-SUSPEND-3',
    ja: `ご指定の不要日(${formatDateJa(day)})までに図書をご用意できなかったため、予約を取り消しました。`,
    en: `The item could not be made ready by the day you no longer needed it after (${formatDateEn(day)}), so the reservation was cancelled.`,
  };
}
