/** R-RETURN-1, R-RETURN-2, R-RETURN-3, R-RETURN-5: where, how and on which day a copy may be returned. */

import { diffDays, formatDateEn, formatDateJa, type LocalDate } from './local-date';
import { assertValidPlace, type Place } from './places';
import { allow, refuse, type Outcome, type RuleId } from './refusal';

/**
 * How the copy is handed in (written so in every request and record). The counter and a cooperating
 * library's designated place (所定の場所) are both attended drop points; a book post is allowed only at
 * the prefectural library (R-RETURN-1, R-RETURN-3), which has no designated place (R-RETURN-1: 当館カウンター
 * 又はブックポスト).
 */
export const RETURN_VIAS = ['counter', 'designated-place', 'book-post'] as const;
export type ReturnVia = (typeof RETURN_VIAS)[number];

export interface ReturnPlaceQuestion {
  /** Where the copy was picked up. */
  readonly pickup: Place;
  /** Where the patron returns it. */
  readonly returnAt: Place;
  /** The cooperating library the patron usually uses (A), when known. */
  readonly usualLibrary?: number;
  /** A was closed (休館等) when the reservation was made, so another library (B) was chosen for pickup. */
  readonly usualWasClosedAtReservation: boolean;
  /** A has reopened and takes returns again. */
  readonly usualOpenNow: boolean;
  /** Default 'counter'. */
  readonly via?: ReturnVia;
}

/**
 * R-RETURN-1, R-RETURN-2, R-RETURN-3: may the copy be returned here? On success, `allowedBy` names the
 * rule that allows it (R-RETURN-3 when it is the May-2024 exception), for the return record.
 *
 * - Picked up at the prefectural library → only there, counter or book post (R-RETURN-1).
 * - Picked up at a cooperating library B → at B (counter or designated place), or at the prefectural
 *   library (R-RETURN-2).
 * - Another cooperating library → refused (R-RETURN-3), except since May 2024: the patron's usual
 *   library A was closed so B was chosen, and A has reopened → A is allowed; no prior application.
 * - A book post anywhere but the prefectural library → refused (R-RETURN-3), checked after the place so
 *   that a patron at the wrong library is told about the library, not only about the post.
 */
export function checkReturnPlace(q: ReturnPlaceQuestion): Outcome<{ allowedBy: RuleId }> {
  assertValidPlace(q.pickup);
  assertValidPlace(q.returnAt);
  if (q.returnAt.kind === 'pref') {
    if (q.via === 'designated-place') {
      return refuse(
        'R-RETURN-1',
        '県立図書館では、カウンター又はブックポストへ返却してください(所定の場所は協力館のものです)。',
        "At the prefectural library items are returned at the counter or its book post (a designated place is a cooperating library's).",
      );
    }
    return allow({ allowedBy: q.pickup.kind === 'pref' ? ('R-RETURN-1' as const) : ('R-RETURN-2' as const) });
  }
  if (q.pickup.kind === 'pref') {
    return refuse(
      'R-RETURN-1',
      '県立図書館で受け取った資料は、県立図書館のカウンター又はブックポストへ返却してください。',
      'Items picked up at the prefectural library must be returned to its counter or book post.',
    );
  }
  const atPickupLibrary = q.returnAt.no === q.pickup.no;
  const atReopenedUsualLibrary =
    q.usualLibrary !== undefined &&
    q.usualLibrary !== q.pickup.no &&
    q.returnAt.no === q.usualLibrary &&
    q.usualWasClosedAtReservation &&
    q.usualOpenNow;
  if (!atPickupLibrary && !atReopenedUsualLibrary) {
    return refuse(
      'R-RETURN-3',
      `受け取った協力館(No.${q.pickup.no})以外の協力館には返却できません。受け取った協力館又は県立図書館へ返却してください。`,
      `This item can only be returned to the cooperating library where it was picked up (no. ${q.pickup.no}) or to the prefectural library.`,
    );
  }
  if (q.via === 'book-post') {
    return refuse(
      'R-RETURN-3',
      '県立図書館以外のブックポストへは返却できません。協力館のカウンター又は所定の場所へ、開館時間内に返却してください。',
      "Book posts other than the prefectural library's cannot be used; return the item at the cooperating library's counter or designated place during opening hours.",
    );
  }
  return allow({ allowedBy: atPickupLibrary ? ('R-RETURN-2' as const) : ('R-RETURN-3' as const) });
}

/**
 * R-RETURN-5 (**Decision**): the day a return happened, when it is recorded later (a cooperating
 * library reporting yesterday's returns, a book post emptied the next morning): not in the future and
 * not before the loan began. The day, not the day it was recorded, is what R-OVERDUE-2 and the trip
 * back (R-RETURN-4) count from.
 */
export function checkReturnDay(q: { returnedOn: LocalDate; today: LocalDate; lentOn: LocalDate }): Outcome {
  if (diffDays(q.returnedOn, q.today) > 0) {
    return refuse(
      'R-RETURN-5',
      `返却日(${formatDateJa(q.returnedOn)})が未来の日付です。`,
      `The return day (${formatDateEn(q.returnedOn)}) is in the future.`,
    );
  }
  if (diffDays(q.returnedOn, q.lentOn) < 0) {
    return refuse(
      'R-RETURN-5',
      `返却日(${formatDateJa(q.returnedOn)})が貸出日(${formatDateJa(q.lentOn)})より前です。`,
      `The return day (${formatDateEn(q.returnedOn)}) is before the loan began (${formatDateEn(q.lentOn)}).`,
    );
  }
  return allow({});
}
