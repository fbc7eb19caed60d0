/**
 * The library's calendar (spec §5, §6, §8): when Thursday processing takes a reservation, the dates a
 * cooperating-library loan goes through, hold windows, due dates, renewal windows, and overdue.
 *
 * All dates are JST calendar days and every period counts its first day as day 1, as the guide does.
 * A deadline day lasts until it ends: a timer for "pick up until Sun 12-13" fires at
 * `endOfJstDay('2026-12-13')`, i.e. 12-14 00:00 JST.
 */

import { addDays, diffDays, jstDateOf, jstInstant, lastDayOfPeriod, weekday, WEEKDAY, type DateRange, type LocalDate } from './local-date';

/** R-LOAN-1, R-PREF-4: a loan runs 15 days. */
export const LOAN_PERIOD_DAYS = 15;
/** R-PREF-2: the prefectural library holds a copy 7 days, the e-mail day being day 1. */
export const PREF_HOLD_DAYS = 7;
/** R-COOP-4, §6: a cooperating library holds the copy 8 days from the Sunday pickup start. */
export const COOP_PICKUP_WINDOW_DAYS = 8;
/** R-RENEW-2: each renewal adds one week. */
export const RENEWAL_EXTENSION_DAYS = 7;
/** R-RENEW-3: renewals open 3 days before the due date. */
export const RENEWAL_OPENS_DAYS_BEFORE_DUE = 3;

/** §6 table, counted from the processing day P. */
const TRANSPORT_AFTER_PROCESSING = 1; // Fri P+1 協力館へ搬送
const MAIL_AFTER_PROCESSING = 2; // Sat P+2 メール送信
const PICKUP_AFTER_PROCESSING = 3; // Sun P+3 受取開始日
/** §6: copies collected on Monday (回収) reach the prefectural library on Wednesday (P+18 → P+20). */
const ARRIVAL_AFTER_COLLECTION = 2;

// ---------------------------------------------------------------------------------------------------
// Thursday processing (§6 Decision, R-COOP-4)

/** When the weekly lending processing (貸出処理) runs, in JST. */
export interface ProcessingSchedule {
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

/** §6 Decision: every Thursday at 10:00 JST. */
export const DEFAULT_PROCESSING_SCHEDULE: ProcessingSchedule = Object.freeze({
  weekday: WEEKDAY.THURSDAY,
  hour: 10,
  minute: 0,
});

function resolveSchedule(cfg: Partial<ProcessingSchedule>): ProcessingSchedule {
  const schedule = { ...DEFAULT_PROCESSING_SCHEDULE, ...cfg };
  if (!Number.isInteger(schedule.weekday) || schedule.weekday < 0 || schedule.weekday > 6) {
    throw new RangeError(`processing weekday must be 0 (Sun) … 6 (Sat), got ${schedule.weekday}`);
  }
  return schedule; // hour and minute are checked by jstInstant
}

/**
 * §6 Decision, R-COOP-4: the processing moment that takes a reservation secured at `securedAt`.
 * Processing takes every reservation that is 確保済み *at that moment*, so a reservation secured at
 * exactly Thu 10:00:00.000 is taken that morning, and one secured a millisecond later waits a week.
 */
export function nextProcessing(securedAt: Date, cfg: Partial<ProcessingSchedule> = {}): Date {
  const schedule = resolveSchedule(cfg);
  const securedDay = jstDateOf(securedAt);
  const daysAhead = (schedule.weekday - weekday(securedDay) + 7) % 7;
  const sameWeek = jstInstant(addDays(securedDay, daysAhead), schedule.hour, schedule.minute);
  if (sameWeek.getTime() >= securedAt.getTime()) return sameWeek;
  return jstInstant(addDays(securedDay, daysAhead + 7), schedule.hour, schedule.minute);
}

/**
 * The most recent processing moment at or before `at` (the one a worker first started after it would
 * catch up, see the Decision in spec §6). Moments are exactly a week apart (JST has no daylight saving).
 */
export function lastProcessing(at: Date, cfg: Partial<ProcessingSchedule> = {}): Date {
  return nextProcessing(new Date(at.getTime() - 7 * 86_400_000 + 1), cfg);
}

// ---------------------------------------------------------------------------------------------------
// Cooperating-library pickup (§6 table, R-COOP-3, R-COOP-4, R-LOAN-1, R-RETURN-4)

/** Every date of one cooperating-library loan, from the guide's weekly table. */
export interface CoopDates {
  /** Thu P: 貸出処理 — lent, status 配送中. */
  readonly processing: LocalDate;
  /** Fri P+1: 協力館へ搬送. */
  readonly transport: LocalDate;
  /** Sat P+2: 貸出通知メール. */
  readonly mail: LocalDate;
  /** Sun P+3: 受取開始日. */
  readonly pickupFrom: LocalDate;
  /** Sun P+10: 取置期限, last day of the 8-day window; not collected → 予約解除 (R-COOP-3). */
  readonly pickupUntil: LocalDate;
  /** Thu P+14: first day of the renewal window (延長受付期間). */
  readonly renewFrom: LocalDate;
  /** Sun P+17: 返却期限, 15 days counting the pickup start. */
  readonly due: LocalDate;
  /** Mon P+18: a copy returned at the cooperating library by the due date is collected (回収). */
  readonly collection: LocalDate;
  /** Wed P+20: it arrives at the prefectural library and the return is processed. */
  readonly arrival: LocalDate;
}

/**
 * R-COOP-4, R-LOAN-1 (spec §6): the dates that follow from processing day P. The offsets are the
 * guide's; they are not shifted if the processing weekday is configured away from Thursday, because the
 * guide's Saturday e-mail and Sunday pickup are tied to the courier, not to the processing run.
 * The pickup window cannot be extended (R-COOP-4), so nothing here takes an extension.
 */
export function coopDates(processingDay: LocalDate): CoopDates {
  const pickupFrom = addDays(processingDay, PICKUP_AFTER_PROCESSING);
  // The 15-day loan includes the pickup window (取置期間を含めて15日以内).
  const due = lastDayOfPeriod(pickupFrom, LOAN_PERIOD_DAYS);
  const { collection, arrival } = coopReturnTrip(due);
  return {
    processing: processingDay,
    transport: addDays(processingDay, TRANSPORT_AFTER_PROCESSING),
    mail: addDays(processingDay, MAIL_AFTER_PROCESSING),
    pickupFrom,
    pickupUntil: lastDayOfPeriod(pickupFrom, COOP_PICKUP_WINDOW_DAYS),
    renewFrom: renewalWindow(due).from,
    due,
    collection,
    arrival,
  };
}

/**
 * R-RETURN-4 (spec §6 table): when a copy returned at a cooperating library on `returnedOn` is collected
 * and when its return is processed at the prefectural library; until then it stays 貸出中.
 * **Decision** (the guide shows one cycle only: returned by Sun, collected Mon, arrives Wed): collection
 * runs every Monday and takes what was returned up to the day before, so a copy returned on a Monday
 * waits for the following Monday.
 */
export function coopReturnTrip(returnedOn: LocalDate): { collection: LocalDate; arrival: LocalDate } {
  const daysToMonday = (WEEKDAY.MONDAY - weekday(returnedOn) + 7) % 7 || 7;
  const collection = addDays(returnedOn, daysToMonday);
  return { collection, arrival: addDays(collection, ARRIVAL_AFTER_COLLECTION) };
}

// ---------------------------------------------------------------------------------------------------
// Prefectural-library pickup (R-PREF-2, R-PREF-4)

/** R-PREF-2: held 7 days counting the e-mail day as day 1 (e-mail on D → last day D+6). */
export function prefHoldDates(mailDay: LocalDate): { pickupFrom: LocalDate; pickupUntil: LocalDate } {
  return { pickupFrom: mailDay, pickupUntil: lastDayOfPeriod(mailDay, PREF_HOLD_DAYS) };
}

/** R-PREF-4, R-LOAN-1: the loan runs 15 days from checkout (checkout on C → due C+14). */
export function dueFromCheckout(checkoutDay: LocalDate): LocalDate {
  return lastDayOfPeriod(checkoutDay, LOAN_PERIOD_DAYS);
}

// ---------------------------------------------------------------------------------------------------
// Renewals (R-RENEW-2, R-RENEW-3)

/** R-RENEW-3: renewals are accepted from 3 days before the due date through the due date. */
export function renewalWindow(due: LocalDate): DateRange {
  return { from: addDays(due, -RENEWAL_OPENS_DAYS_BEFORE_DUE), until: due };
}

/** R-RENEW-2: a renewal adds one week to the current due date (not to the day it was asked for). */
export function renewedDue(due: LocalDate): LocalDate {
  return addDays(due, RENEWAL_EXTENSION_DAYS);
}

// ---------------------------------------------------------------------------------------------------
// Overdue (R-OVERDUE-1, R-OVERDUE-2, R-DISPATCH-1)

export interface LoanDueState {
  readonly due: LocalDate;
  /** Set when the copy was handed in at a cooperating library and is travelling back (R-RETURN-4). */
  readonly returnedAtCoopOn?: LocalDate;
}

/**
 * R-OVERDUE-1, R-OVERDUE-2: overdue once `today` is past the due date — except a copy returned at a
 * cooperating library on or before its due date, which still shows 貸出中 while it travels back but was
 * returned in time. A copy handed in at a cooperating library *after* its due date stays overdue until
 * its return is processed: the spec's exception covers on-time returns only.
 */
export function isOverdue(loan: LoanDueState & { readonly today: LocalDate }): boolean {
  if (loan.returnedAtCoopOn !== undefined && diffDays(loan.returnedAtCoopOn, loan.due) <= 0) return false;
  return diffDays(loan.today, loan.due) > 0;
}

/**
 * R-DISPATCH-1 Decision: "long overdue" = past the due date by more than `graceDays` (default 0, so any
 * overdue loan counts). Looks at dates only; `hasLongOverdueLoan` also applies R-OVERDUE-2.
 */
export function isLongOverdue(due: LocalDate, today: LocalDate, graceDays = 0): boolean {
  if (!Number.isInteger(graceDays) || graceDays < 0) {
    throw new RangeError(`graceDays must be a non-negative integer, got ${graceDays}`);
  }
  return diffDays(today, due) > graceDays;
}

/** R-DISPATCH-1, R-OVERDUE-1, R-OVERDUE-2: does any of the patron's loans block new lending? */
export function hasLongOverdueLoan(loans: readonly LoanDueState[], today: LocalDate, graceDays = 0): boolean {
  return loans.some((loan) => isOverdue({ ...loan, today }) && isLongOverdue(loan.due, today, graceDays));
}
