/** R-CANCEL-1, R-CANCEL-2, R-CANCEL-3: who may cancel a reservation, in which status, and how. */

import type { Actor, Channel } from './channels';
import { allow, refuse, type Outcome } from './refusal';
import { RESERVATION_STATUS_EN, RESERVATION_STATUS_JA, type ReservationStatus } from './statuses';

export interface CancelQuestion {
  readonly status: ReservationStatus;
  /** The patron in My Library, or staff acting at the counter or on a phone call. */
  readonly by: Actor;
  readonly channel?: Channel;
}

/** Statuses in which a copy is set aside or already travelling: only staff may cancel (R-CANCEL-2). */
const STAFF_ONLY_CANCEL: ReadonlySet<ReservationStatus> = new Set(['SECURED', 'READY', 'IN_DELIVERY']);
/** Statuses a patron may cancel in My Library (R-CANCEL-1). */
const PATRON_CANCEL: ReadonlySet<ReservationStatus> = new Set(['APPLIED', 'WAITING']);

/**
 * R-CANCEL-1, R-CANCEL-2: may this reservation be cancelled? On success, `releasesCopy` says whether a
 * copy was set aside for it and must go to the next reserver or back to the shelf (R-CANCEL-3).
 *
 * Order of checks, first refusal wins:
 * 1. e-mail → R-CANCEL-2 (取消の申し込みはメールでは受けない), whoever asks and whatever the status.
 * 2. 貸出中 or a final status (返却済, 取消, 予約解除) → R-CANCEL-2, for patron and staff alike:
 *    R-CANCEL-2 names the last statuses in which anyone may cancel (up to 配送中), so it is the rule
 *    that draws the outer line. Past it there is no reservation left to cancel — a loan is returned.
 * 3. the patron in 確保済み, 貸出可能 or 配送中 → R-CANCEL-1 (My Library cancels only 予約申込 and
 *    確保待ち); the message sends them to the counter or the phone, where staff can do it.
 */
export function checkCancel(q: CancelQuestion): Outcome<{ releasesCopy: boolean }> {
  if (q.channel === 'email') {
    return refuse(
      'R-CANCEL-2',
      'メールでの取消の申し込みは、お受けしていません。Myライブラリ、当館カウンター又は電話でお申し込みください。',
      'Cancellations are not accepted by e-mail. Please use My Library, the library counter or the phone.',
    );
  }
  const label = RESERVATION_STATUS_JA[q.status];
  const labelEn = RESERVATION_STATUS_EN[q.status];
  if (!PATRON_CANCEL.has(q.status) && !STAFF_ONLY_CANCEL.has(q.status)) {
    return q.status === 'ON_LOAN'
      ? refuse(
          'R-CANCEL-2',
          `「${label}」の資料の予約は取り消せません。資料を返却してください。`,
          'This reservation is already a loan and cannot be cancelled; please return the item instead.',
        )
      : refuse(
          'R-CANCEL-2',
          `この予約はすでに「${label}」のため、取り消せません。`,
          `This reservation is already ${labelEn} and cannot be cancelled.`,
        );
  }
  if (q.by === 'patron' && !PATRON_CANCEL.has(q.status)) {
    return refuse(
      'R-CANCEL-1',
      `「${label}」の予約は、ご自身で取り消すことができません。当館カウンターで直接、または電話で取消しを申し込んでください。`,
      `A reservation that is ${labelEn} cannot be cancelled in My Library; please ask at the library counter or by phone.`,
    );
  }
  return allow({ releasesCopy: STAFF_ONLY_CANCEL.has(q.status) });
}
