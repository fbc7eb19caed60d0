/**
 * The notices a patron is sent (spec §10, docs/notices.md): which kinds there are, which the patron
 * may turn off, and *when* each one is due — as pure functions of the dates the records hold, so that
 * the reservation's workflow can wait for each with a timer (`condition(…, deadline)`) and a renewal
 * that moves the due date moves the reminders with it.
 *
 * Every moment is `hour`:00 JST (default 09:00, configurable) on a day the calendar gives:
 * - PICKUP_REMINDER: the day before the last day of the hold — day 6 of the prefectural library's 7
 *   (R-PREF-2), the Saturday before the closing Sunday of a cooperating library's window (R-COOP-4);
 * - PRE_DUE: 3 days before the due date, the day renewal opens (R-RENEW-3);
 * - OVERDUE: the day after the due date, then every 7 days while overdue, at most `overdueMax` times
 *   (default 3) (R-OVERDUE-1).
 * LENDING_NOTICE keeps its own moments (R-PREF-1, R-COOP-4); DISPATCH_FAILED, RELEASED and
 * CANCELLED_BY_STAFF go out when the event happens; NOT_NEEDED_CANCELLED (R-SUSPEND-3, required) when the
 * patron's not-needed-after day has passed and the library cancelled the reservation.
 */

import { renewalWindow } from './calendar';
import { addDays, jstInstant, type LocalDate } from './local-date';

export const NOTICE_KINDS = [
  'LENDING_NOTICE',
  'PICKUP_REMINDER',
  'PRE_DUE',
  'OVERDUE',
  'DISPATCH_FAILED',
  'RELEASED',
  'CANCELLED_BY_STAFF',
  'NOT_NEEDED_CANCELLED',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Courtesy notices: the patron may turn them off in My Library (default on). Every other kind is required. */
export const COURTESY_NOTICES: readonly NoticeKind[] = Object.freeze(['PICKUP_REMINDER', 'PRE_DUE'] as const);

export function isCourtesyNotice(kind: NoticeKind): boolean {
  return COURTESY_NOTICES.includes(kind);
}

/** The languages a patron may choose for notices: Japanese (default) or English. */
export const NOTICE_LANGUAGES = ['ja', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/** **Decision**: timed notices leave at 09:00 JST unless configured (NOTICE_HOUR). */
export const DEFAULT_NOTICE_HOUR = 9;
/** **Decision**: at most three overdue notices unless configured (OVERDUE_NOTICE_MAX). */
export const DEFAULT_OVERDUE_NOTICE_MAX = 3;
/** OVERDUE repeats every 7 days while the loan stays overdue. */
export const OVERDUE_NOTICE_INTERVAL_DAYS = 7;

function assertHour(hour: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`notice hour must be an integer 0–23, got ${hour}`);
}

// ---------------------------------------------------------------------------------------------------
// PICKUP_REMINDER (R-PREF-2, R-COOP-4)

/**
 * R-PREF-2, R-COOP-4: the day before the last day of the hold. Prefectural library: mail day D, last
 * day D+6, reminder D+5 (day 6 of 7). Cooperating library: window Sun…Sun, reminder the Saturday
 * before the closing Sunday.
 */
export function pickupReminderDay(pickupUntil: LocalDate): LocalDate {
  return addDays(pickupUntil, -1);
}

export function pickupReminderAt(pickupUntil: LocalDate, hour = DEFAULT_NOTICE_HOUR): Date {
  assertHour(hour);
  return jstInstant(pickupReminderDay(pickupUntil), hour, 0);
}

// ---------------------------------------------------------------------------------------------------
// PRE_DUE (R-RENEW-3) and OVERDUE (R-OVERDUE-1, R-OVERDUE-2)

/** R-RENEW-3: PRE_DUE goes out on the day renewal opens, 3 days before the due date. */
export function preDueDay(due: LocalDate): LocalDate {
  return renewalWindow(due).from;
}

export function preDueAt(due: LocalDate, hour = DEFAULT_NOTICE_HOUR): Date {
  assertHour(hour);
  return jstInstant(preDueDay(due), hour, 0);
}

/** R-OVERDUE-1: the n-th overdue notice (n ≥ 1): the day after the due date, then every 7 days. */
export function overdueNoticeDay(due: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`overdue notice number must be ≥ 1, got ${n}`);
  return addDays(due, 1 + OVERDUE_NOTICE_INTERVAL_DAYS * (n - 1));
}

export function overdueNoticeAt(due: LocalDate, n: number, hour = DEFAULT_NOTICE_HOUR): Date {
  assertHour(hour);
  return jstInstant(overdueNoticeDay(due, n), hour, 0);
}

/** What a loan's workflow knows when it chooses its next reminder. */
export interface LoanNoticeState {
  readonly due: LocalDate;
  /** The copy was handed back (at a cooperating library it still travels, R-RETURN-4). */
  readonly returnedOn?: LocalDate;
  /** The due date the PRE_DUE already sent was for (a renewal moves the due date: a new PRE_DUE is owed). */
  readonly preDueSentFor: LocalDate | null;
  /** Overdue notices already sent for this loan. */
  readonly overdueSent: number;
}

export interface NoticeTiming {
  readonly hour: number;
  readonly overdueMax: number;
}

export const DEFAULT_NOTICE_TIMING: NoticeTiming = Object.freeze({ hour: DEFAULT_NOTICE_HOUR, overdueMax: DEFAULT_OVERDUE_NOTICE_MAX });

export type LoanNotice =
  | { readonly kind: 'PRE_DUE'; readonly at: Date; /** the due date it is for */ readonly occurrence: LocalDate }
  | { readonly kind: 'OVERDUE'; readonly at: Date; /** 1 … overdueMax */ readonly number: number; readonly occurrence: string };

/**
 * The next reminder of a loan after `now`, or null when none is owed. A returned copy is owed none:
 * a return cancels them (**Decision**: also a copy handed in at a cooperating library after its due
 * date — it still blocks new loans until its return is processed, R-OVERDUE-1, but the notice asks for
 * a return that has happened; one returned on or before its due date is not overdue at all, R-OVERDUE-2).
 *
 * - PRE_DUE for the current due date, at its moment; if that moment has passed (the loan began, or the
 *   worker came back, later), still at once while the due date has not ended — renewal is open until
 *   then — else not at all.
 * - OVERDUE number `overdueSent + 1` up to `overdueMax`, at its moment (at once if it has passed);
 *   occurrences whose successor's moment has passed too are not sent late one after another: the
 *   latest due is sent, numbered as it is.
 */
export function nextLoanNotice(s: LoanNoticeState, now: Date, timing: NoticeTiming = DEFAULT_NOTICE_TIMING): LoanNotice | null {
  assertHour(timing.hour);
  if (!Number.isInteger(timing.overdueMax) || timing.overdueMax < 0) throw new RangeError(`overdueMax must be ≥ 0, got ${timing.overdueMax}`);
  if (!Number.isInteger(s.overdueSent) || s.overdueSent < 0) throw new RangeError(`overdueSent must be ≥ 0, got ${s.overdueSent}`);
  if (s.returnedOn !== undefined) return null;
  if (s.preDueSentFor !== s.due && s.overdueSent === 0) {
    const at = preDueAt(s.due, timing.hour);
    const dueEnds = jstInstant(addDays(s.due, 1), 0, 0);
    if (now.getTime() < dueEnds.getTime()) return { kind: 'PRE_DUE', at, occurrence: s.due };
  }
  let n = s.overdueSent + 1;
  if (n > timing.overdueMax) return null;
  while (n < timing.overdueMax && overdueNoticeAt(s.due, n + 1, timing.hour).getTime() <= now.getTime()) n++;
  return { kind: 'OVERDUE', at: overdueNoticeAt(s.due, n, timing.hour), number: n, occurrence: String(n) };
}

// ---------------------------------------------------------------------------------------------------
// The outbox key: at most one notice per reservation, kind and occurrence

const KEY_PREFIX: Record<NoticeKind, string> = {
  LENDING_NOTICE: 'lending-notice',
  PICKUP_REMINDER: 'pickup-reminder',
  PRE_DUE: 'pre-due',
  OVERDUE: 'overdue',
  DISPATCH_FAILED: 'dispatch-failed',
  RELEASED: 'released',
  CANCELLED_BY_STAFF: 'cancelled-by-staff',
  NOT_NEEDED_CANCELLED: 'not-needed-cancelled',
};

/**
 * The mail outbox key of a notice: `<kind>:<reservationId>[:<occurrence>]` (the lending notice's key,
 * `lending-notice:<id>`, is the one it always had). Occurrences: the due date for PRE_DUE, the number
 * for OVERDUE and DISPATCH_FAILED; the other kinds happen once per reservation.
 */
export function noticeKey(kind: NoticeKind, reservationId: string, occurrence?: string): string {
  if (occurrence !== undefined && !/^[A-Za-z0-9-]+$/.test(occurrence)) throw new RangeError(`bad notice occurrence: ${occurrence}`);
  return occurrence ? `${KEY_PREFIX[kind]}:${reservationId}:${occurrence}` : `${KEY_PREFIX[kind]}:${reservationId}`;
}

/** The kind of a notice from its outbox key (what travels to SendGrid as a custom argument), or undefined. */
export function noticeKindOfKey(key: string): NoticeKind | undefined {
  const prefix = key.split(':', 1)[0];
  return NOTICE_KINDS.find((k) => KEY_PREFIX[k] === prefix);
}

/** The kinds that happen more than once per reservation, and so carry an occurrence in their key. */
const WITH_OCCURRENCE: readonly NoticeKind[] = ['PRE_DUE', 'OVERDUE', 'DISPATCH_FAILED'];

/** A notice's outbox key read back: kind, reservation and occurrence (undefined for anything else). */
export function parseNoticeKey(key: string): { kind: NoticeKind; reservationId: string; occurrence?: string } | undefined {
  const kind = noticeKindOfKey(key);
  if (!kind) return undefined;
  const rest = key.slice(KEY_PREFIX[kind].length + 1);
  // R-PICKUP-2: a lending notice after a change of pickup place carries its round.
  const round = kind === 'LENDING_NOTICE' ? /^(.+):(pickup-\d+)$/.exec(rest) : null;
  if (round) return { kind, reservationId: round[1]!, occurrence: round[2]! };
  if (!WITH_OCCURRENCE.includes(kind)) return rest ? { kind, reservationId: rest } : undefined;
  const cut = rest.lastIndexOf(':');
  if (cut <= 0) return undefined;
  return { kind, reservationId: rest.slice(0, cut), occurrence: rest.slice(cut + 1) };
}
