/**
 * Refusals that follow from where a reservation stands rather than from a rule's arithmetic: asking
 * to collect what is not waiting, to renew or return what is not on loan, or what was already handed
 * back. Written once here so the workflow, the activities and the API (which answers for ended
 * reservations from the database) give the same words.
 */
import type { Refusal } from './refusal';
import { refusal } from './refusal';
import { RESERVATION_STATUS_JA, type ReservationStatus } from './statuses';

/** R-LOAN-1: renew or return asked of a reservation that is not 貸出中. */
export function notOnLoan(status: ReservationStatus): Refusal {
  return refusal(
    'R-LOAN-1',
    `この予約は「${RESERVATION_STATUS_JA[status]}」のため、貸出中の手続きはできません。`,
    `This reservation is ${status}, not on loan.`,
  );
}

/** R-RETURN-4: handed back at a cooperating library and travelling — still 貸出中 until processed centrally. */
export function alreadyReturned(): Refusal {
  return refusal(
    'R-RETURN-4',
    'この資料は返却済みです(県立図書館で返却処理されるまで「貸出中」と表示されます)。延長・返却の手続きはできません。',
    'This item has already been returned; it shows as on loan until its return is processed at the prefectural library. It cannot be renewed or returned again.',
  );
}

/** R-STATUS-1: pickup asked of a reservation that has no copy waiting (neither 貸出可能 nor 配送中). */
export function nothingToCollect(status: ReservationStatus): Refusal {
  return refusal(
    'R-STATUS-1',
    `この予約は「${RESERVATION_STATUS_JA[status]}」のため、受け取れません。`,
    `This reservation is ${status}; there is nothing to collect.`,
  );
}
