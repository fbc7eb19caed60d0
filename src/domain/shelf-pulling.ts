/**
 * R-STATUS-1, R-ITEM-4: securing a copy that is on the shelf is a staff act. After the security delay
 * the request is 確保待ち and its copy goes on the pull list (取置作業リスト); the copy is secured when
 * staff scan it, and a visitor who brings it to the counter first still gets it. What follows from
 * the scan — where the copy goes and until when — is decided here, without I/O.
 */
import { type LocalDate, jstDateOf } from './local-date';
import { coopDates, nextProcessing, prefHoldDates, type ProcessingSchedule } from './calendar';
import type { Place } from './places';

/**
 * **Decision** (spec §3): a copy not found on the shelf is looked for once more — listed again only
 * when no other copy of the title is on the shelf — and the second time it is marked 不明 for staff
 * to look into; a check-in finds it again.
 */
export const NOT_ON_SHELF_BEFORE_MISSING = 2;

/**
 * **Decision** (spec §3): a copy on the pull list longer than this has been forgotten; the list
 * flags it (`late`) and the ops metric counts it. One day: the prefectural library pulls during
 * opening hours, so a copy listed in the morning is pulled the same day.
 */
export const DEFAULT_PULL_ALERT_HOURS = 24;

/** What a hold slip (予約票) tells staff to do with a copy just secured: where it goes, until when. */
export type HoldSlipDates =
  /** R-PREF-2: on the hold shelf here; the notice goes now, so the last day counts from today. */
  | { readonly kind: 'pref'; readonly holdUntil: LocalDate }
  /** R-COOP-4: sent with the next processing day's delivery; the pickup window that would give. */
  | { readonly kind: 'coop'; readonly processingDay: LocalDate; readonly pickupFrom: LocalDate; readonly pickupUntil: LocalDate };

export function holdSlipDates(place: Place, securedAt: Date, schedule: Partial<ProcessingSchedule> = {}): HoldSlipDates {
  if (place.kind === 'pref') return { kind: 'pref', holdUntil: prefHoldDates(jstDateOf(securedAt)).pickupUntil };
  const processingDay = jstDateOf(nextProcessing(securedAt, schedule));
  const { pickupFrom, pickupUntil } = coopDates(processingDay);
  return { kind: 'coop', processingDay, pickupFrom, pickupUntil };
}

/** Is a pull-list entry listed at `listedAt` overdue for staff at `now` (the pull-list Decision)? */
export function isPullLate(listedAt: Date, now: Date, alertHours = DEFAULT_PULL_ALERT_HOURS): boolean {
  return now.getTime() - listedAt.getTime() > alertHours * 3_600_000;
}
