/**
 * R-PICKUP-1, R-PICKUP-2 (受取館変更, spec §15): who may change a reservation's pickup place, in which
 * status, and what the change does to it.
 */

import type { Actor } from './channels';
import { samePlace, type Place } from './places';
import { allow, refuse, type Outcome } from './refusal';
import { RESERVATION_STATUS_EN, RESERVATION_STATUS_JA, type ReservationStatus } from './statuses';

export interface PickupChangeQuestion {
  readonly status: ReservationStatus;
  readonly by: Actor;
  readonly from: Place;
  readonly to: Place;
}

/** R-PICKUP-1: the patron in My Library, as for cancelling (R-CANCEL-1). */
const PATRON_CHANGE: ReadonlySet<ReservationStatus> = new Set(['APPLIED', 'WAITING']);
/** R-PICKUP-1: staff also while the copy is here: 確保済み before its Thursday run, or on the hold shelf (貸出可能). */
const STAFF_CHANGE: ReadonlySet<ReservationStatus> = new Set(['APPLIED', 'WAITING', 'SECURED', 'READY']);

/**
 * What a change does (R-PICKUP-2): `becomes` is the status afterwards — the same, except that a copy
 * 確保済み for a cooperating library becomes 貸出可能 when the prefectural library is chosen (it is
 * here: the lending notice goes at once, R-PREF-1), and a copy 貸出可能 becomes 確保済み when a
 * cooperating library is chosen (it goes out at the next Thursday processing).
 */
export type PickupChange = { becomes: ReservationStatus };

/**
 * R-PICKUP-1. Order of checks, first refusal wins: the same place (nothing to change); a status in which
 * nobody may change it (the copy has left: 配送中, or later, or ended); the patron past 確保待ち (staff can).
 */
export function checkPickupChange(q: PickupChangeQuestion): Outcome<PickupChange> {
  if (samePlace(q.from, q.to)) {
    return refuse('R-PICKUP-1', 'すでにその受取館が指定されています。', 'That is already the pickup place of this reservation.');
  }
  const label = RESERVATION_STATUS_JA[q.status];
  const labelEn = RESERVATION_STATUS_EN[q.status];
  if (!STAFF_CHANGE.has(q.status)) {
    return refuse(
      'R-PICKUP-1',
      `「${label}」の予約は、受取館を変更できません。`,
      `The pickup place of a reservation that is ${labelEn} cannot be changed any more.`,
    );
  }
  if (q.by === 'patron' && !PATRON_CHANGE.has(q.status)) {
    return refuse(
      'R-PICKUP-1',
      `「${label}」の予約の受取館は、ご自身で変更することができません。当館カウンターで直接、または電話でお申し込みください。`,
      `The pickup place of a reservation that is ${labelEn} cannot be changed in My Library; please ask at the library counter or by phone.`,
    );
  }
  if (q.status === 'SECURED' && q.to.kind === 'pref') return allow({ becomes: 'READY' as const });
  if (q.status === 'READY' && q.to.kind === 'coop') return allow({ becomes: 'SECURED' as const });
  return allow({ becomes: q.status });
}
