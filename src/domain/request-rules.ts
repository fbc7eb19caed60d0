/**
 * R-ITEM-1, R-ITEM-2, R-ITEM-3, R-LIMIT-1: may a patron request a title, and does it queue?
 * Each check returns `{ ok: true, … }` or `{ ok: false, refusal }` (refusal.ts).
 */

import { assertCount } from './input-checks';
import { allow, refuse, type Outcome } from './refusal';
import { isInUse, isLendable, isNotForLoan, isOnShelf, type ItemStatus, type MaterialType } from './statuses';

/** R-LIMIT-1: reservation limit. */
export const DEFAULT_RESERVATION_LIMIT = 20;

export interface RequestQuestion {
  readonly materialType: MaterialType;
  /** 資料の状態 of every copy of the title. */
  readonly copies: readonly ItemStatus[];
}

/**
 * R-ITEM-1, R-ITEM-2, R-ITEM-3: can this title be requested, and how?
 * - `route: 'shelf'` — a copy is 書架; it can be secured at once, though a walk-in may still take it
 *   first (R-ITEM-4: the request then falls back to the head of the queue).
 * - `route: 'queue'` — every lendable copy is in use (貸出〇〇, 予受待, 予回送): it becomes a reservation
 *   in the title's queue (R-ITEM-3).
 * Order: the material type first (a magazine is refused whatever its copies show), then the copies.
 */
export function checkRequestable(q: RequestQuestion): Outcome<{ route: 'shelf' | 'queue' }> {
  if (!isLendable(q.materialType)) {
    return refuse(
      'R-ITEM-1',
      '貸出・予約できる資料は、図書資料とデイジー資料です。雑誌及び視聴覚資料は対象外です。',
      'Only books and DAISY recordings can be lent or reserved; magazines and audio-visual material cannot.',
    );
  }
  if (q.copies.some(isOnShelf)) return allow({ route: 'shelf' as const });
  if (q.copies.some(isInUse)) return allow({ route: 'queue' as const });
  // Only 禁帯 copies, or none at all: nothing that could ever be lent.
  const allNotForLoan = q.copies.length > 0 && q.copies.every(isNotForLoan);
  return refuse(
    'R-ITEM-2',
    allNotForLoan ? '「禁帯」の資料は貸出(予約)できません。' : '貸出(予約)できる所蔵がありません。',
    allNotForLoan ? 'This item is not for loan (禁帯) and cannot be lent or reserved.' : 'There is no lendable copy of this title.',
  );
}

/**
 * R-LIMIT-1: may the patron place one more reservation? `activeReservations` counts those in 予約申込,
 * 確保待ち, 確保済み and 貸出可能 (`countReservations`); from 配送中 on they count as loans.
 */
export function checkReservationLimit(activeReservations: number, limit = DEFAULT_RESERVATION_LIMIT): Outcome {
  assertCount('activeReservations', activeReservations);
  assertCount('limit', limit);
  if (activeReservations < limit) return allow({});
  return refuse(
    'R-LIMIT-1',
    `予約できる資料の上限数(${limit}冊)に達しているため、これ以上予約できません。`,
    `You already have the maximum of ${limit} reservations.`,
  );
}
