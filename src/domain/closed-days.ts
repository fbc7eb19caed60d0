/**
 * Closed days (休館日: year-end closure, 蔵書点検, a cooperating library's own closures), spec §14.
 * Pure: the closures come in as a set (`ClosedDays`), read from the records by the caller; nothing
 * here reads a clock or a database.
 *
 * - R-CLOSED-2 **Decision**: Thursday processing whose day the prefectural library is closed runs on
 *   its next open day, and the whole §6 chain (transport, notice, pickup window, due date) counts from
 *   that day.
 * - R-CLOSED-3 **Decision**: a due date, the last day of a hold and the start of a pickup window that
 *   fall on a day the place is closed move to its next open day (the place where the patron comes: the
 *   pickup library for the window, the library the copy was collected at for the due date). Each date
 *   moves on its own; the e-mail day does not (mail goes out on any day).
 * - R-CLOSED-4 **Decision**: a renewal adds its week to the guide's due date (before any move), and the
 *   result moves again; so a closure removed later gives back exactly the guide's dates.
 */
import { addDays, lastDayOfPeriod, weekday, type LocalDate } from './local-date';
import { coopDates, coopReturnTrip, dueFromCheckout, PREF_HOLD_DAYS, renewalWindow, RENEWAL_EXTENSION_DAYS, type CoopDates } from './calendar';
import type { Place } from './places';

/** R-CLOSED-1: which place a closure is for: the prefectural library or a cooperating library (1…59). */
export type ClosedLibrary = 'pref' | number;

/** R-CLOSED-1: the closed days known, as a predicate over (place, day). */
export interface ClosedDays {
  isClosed(library: ClosedLibrary, day: LocalDate): boolean;
}

/** No closure at all: the guide's own calendar. */
export const NO_CLOSED_DAYS: ClosedDays = Object.freeze({ isClosed: () => false });

/** The key of a pickup or return place in a ClosedDays set. */
export function closedLibraryOf(place: Place): ClosedLibrary {
  return place.kind === 'pref' ? 'pref' : place.no;
}

/** A ClosedDays set from its single days (as the records keep them: one row per library and day). */
export function closedDaysOf(days: Iterable<{ library: ClosedLibrary; day: LocalDate }>): ClosedDays {
  const set = new Set<string>();
  for (const { library, day } of days) set.add(`${library}|${day}`);
  return { isClosed: (library, day) => set.has(`${library}|${day}`) };
}

/** No place is closed this long in a row; a longer run is a mistake in the records, not a calendar. */
export const MAX_CLOSED_RUN_DAYS = 3660;

/** R-CLOSED-3: `day` itself when the place is open then, else the first open day after it. */
export function nextOpenDay(library: ClosedLibrary, day: LocalDate, closed: ClosedDays): LocalDate {
  let d = day;
  for (let i = 0; closed.isClosed(library, d); i++) {
    if (i >= MAX_CLOSED_RUN_DAYS) throw new RangeError(`${library} is closed for more than ${MAX_CLOSED_RUN_DAYS} days from ${day}`);
    d = addDays(d, 1);
  }
  return d;
}

/** R-CLOSED-2: the day a processing scheduled for `scheduledDay` runs: the prefectural library's next open day. */
export function processingDayWithClosures(scheduledDay: LocalDate, closed: ClosedDays): LocalDate {
  return nextOpenDay('pref', scheduledDay, closed);
}

/**
 * R-COOP-4, R-CLOSED-3: the §6 dates of a loan processed on `processingDay` (already moved by
 * R-CLOSED-2) for cooperating library `libraryNo`: pickup start, last day of the window and due date
 * each moved to the library's next open day; the renewal window and the return trip follow the due date.
 */
export function coopDatesWithClosures(processingDay: LocalDate, libraryNo: number, closed: ClosedDays, renewals = 0): CoopDates {
  const guide = coopDates(processingDay);
  const due = nextOpenDay(libraryNo, addDays(guide.due, RENEWAL_EXTENSION_DAYS * renewals), closed);
  return {
    ...guide,
    pickupFrom: nextOpenDay(libraryNo, guide.pickupFrom, closed),
    pickupUntil: nextOpenDay(libraryNo, guide.pickupUntil, closed),
    renewFrom: renewalWindow(due).from,
    due,
    ...coopReturnTrip(due),
  };
}

/** R-PREF-2, R-CLOSED-3: the hold of a notice sent on `mailDay`; its last day moves to the prefectural library's next open day. */
export function prefHoldDatesWithClosures(mailDay: LocalDate, closed: ClosedDays): { pickupFrom: LocalDate; pickupUntil: LocalDate } {
  return { pickupFrom: mailDay, pickupUntil: nextOpenDay('pref', lastDayOfPeriod(mailDay, PREF_HOLD_DAYS), closed) };
}

/** R-PREF-4, R-CLOSED-3, R-CLOSED-4: the due date of a loan lent at the prefectural counter on `checkoutDay` after `renewals` renewals. */
export function prefDueWithClosures(checkoutDay: LocalDate, closed: ClosedDays, renewals = 0): LocalDate {
  return nextOpenDay('pref', addDays(dueFromCheckout(checkoutDay), RENEWAL_EXTENSION_DAYS * renewals), closed);
}

/**
 * R-CLOSED-3, R-CLOSED-4: the due date of a loan lent on `lentOn` (the counter's checkout day, or the
 * processing day of a cooperating library's loan) after `renewals` renewals, where it was collected.
 */
export function loanDueWithClosures(place: Place, lentOn: LocalDate, renewals: number, closed: ClosedDays): LocalDate {
  return place.kind === 'pref' ? prefDueWithClosures(lentOn, closed, renewals) : coopDatesWithClosures(lentOn, place.no, closed, renewals).due;
}

/**
 * R-CLOSED-4: a recomputed date, as it may change now: a date already past stays, and none moves back
 * to before `today`.
 */
export function movableDate(old: LocalDate, recomputed: LocalDate, today: LocalDate): LocalDate {
  if (old < today) return old;
  return recomputed < today ? today : recomputed;
}

/**
 * R-CLOSED-2: is `day` (not itself a processing weekday) the day a closed processing day moved to? Looks
 * back over the last `weeksBack` scheduled days.
 */
export function isMovedProcessingDay(day: LocalDate, processingWeekday: number, closed: ClosedDays, weeksBack = 8): boolean {
  const lastScheduled = addDays(day, -((weekday(day) - processingWeekday + 7) % 7));
  for (let w = 0; w <= weeksBack; w++) {
    const scheduled = addDays(lastScheduled, -7 * w);
    if (scheduled !== day && processingDayWithClosures(scheduled, closed) === day) return true;
  }
  return false;
}
