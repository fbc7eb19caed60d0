/**
 * R-LIMIT-1, R-LIMIT-2, R-OVERDUE-1, R-DISPATCH-1 … R-DISPATCH-3, R-CONDUCT-1, R-PREF-5, R-COOP-3: whether a copy
 * may be lent (at the counter or by Thursday processing), and what happens when it could not be
 * dispatched or was never collected. Each check returns `{ ok: true, … }` or `{ ok: false, refusal }`.
 */

import { serviceStoppedRefusal } from './conduct-rules';
import { assertCount } from './input-checks';
import type { Place } from './places';
import { allow, refusal, refuse, type Outcome, type Refusal } from './refusal';

/** R-LIMIT-1: default loan limit (a patron's own limit may be lower, R-LIMIT-2). */
export const DEFAULT_LOAN_LIMIT = 10;

/** Where a copy is about to be lent: at the counter, or by Thursday processing (dispatch, 発送). */
export type LendingAt = 'counter' | 'dispatch';

export interface LendableQuestion {
  /** Loans the patron holds now, 配送中 included (`countLoans`). */
  readonly loansHeld: number;
  /**
   * The patron's loan limit: 10, or lower on request (R-LIMIT-2). A lowered limit is for
   * cooperating-library pickups: it applies at 'dispatch' only; at the counter the limit is 10.
   */
  readonly loanLimit: number;
  /** From `hasLongOverdueLoan` — so R-OVERDUE-2's in-transit returns are already excused. */
  readonly hasLongOverdue: boolean;
  /** Default 'counter'. At 'dispatch' both refusals cite R-DISPATCH-1, the rule for failed dispatches. */
  readonly at?: LendingAt;
  /** R-CONDUCT-1: staff stopped the patron's use of the online service (refuses dispatch only). */
  readonly serviceStopped?: boolean;
}

/**
 * R-OVERDUE-1, R-LIMIT-1, R-DISPATCH-1: may one more copy be lent to this patron? For several copies
 * in one Thursday run, ask once per copy with `loansHeld` counting those already lent.
 * Order: the overdue loan first — it blocks even a patron far below the limit, and returning it is
 * what the patron has to do in either case.
 * At Thursday processing the refusal cites R-DISPATCH-1, because a refusal there is a failed dispatch
 * that counts toward R-DISPATCH-2/3; at the counter it cites R-OVERDUE-1 or R-LIMIT-1.
 */
export function checkLendable(q: LendableQuestion): Outcome {
  assertCount('loansHeld', q.loansHeld);
  assertCount('loanLimit', q.loanLimit);
  const atDispatch = q.at === 'dispatch';
  // R-CONDUCT-1 first: while the service is stopped nothing is sent, whatever else the patron does.
  if (atDispatch && q.serviceStopped) return { ok: false, refusal: serviceStoppedRefusal(true) };
  if (q.hasLongOverdue) {
    return atDispatch
      ? refuse(
          'R-DISPATCH-1',
          '長期間延滞している図書があるため、発送できませんでした。延滞している図書を返却してください。',
          'Not dispatched: you have a long-overdue loan. Please return it first.',
        )
      : refuse(
          'R-OVERDUE-1',
          '延滞の資料があるため、新たな貸出はお受けできません。延滞している資料を返却してください。',
          'You have an overdue loan, so nothing new can be lent. Please return it first.',
        );
  }
  // R-LIMIT-2: 「協力館での受取の場合、貸出冊数上限を減らすことが出来ます」 — the lowered limit caps what
  // Thursday sends (all loans held counting, as R-LIMIT-1 counts them); the counter keeps the 10.
  const limit = atDispatch ? q.loanLimit : DEFAULT_LOAN_LIMIT;
  if (q.loansHeld < limit) return allow({});
  return atDispatch
    ? refuse(
        'R-DISPATCH-1',
        `貸出上限数(${limit}冊)を超えるため、発送できませんでした。`,
        `Not dispatched: it would exceed your loan limit of ${limit}.`,
      )
    : refuse(
        'R-LIMIT-1',
        `貸出できる資料の上限数(${limit}冊)に達しているため、これ以上借りることはできません。`,
        `You already hold your maximum of ${limit} loans.`,
      );
}

/**
 * R-LIMIT-2: staff may lower a patron's loan limit on request (10 → 5), never raise it above 10; it
 * applies to cooperating-library dispatch (checkLendable).
 * **Decision**: the lowest limit is 1 — a limit of 0 would make every dispatch fail and, after three,
 * release the reservations (R-DISPATCH-2), which no patron asks for.
 */
export function checkLoanLimitChange(newLimit: number): Outcome<{ loanLimit: number }> {
  if (Number.isInteger(newLimit) && newLimit >= 1 && newLimit <= DEFAULT_LOAN_LIMIT) {
    return allow({ loanLimit: newLimit });
  }
  return refuse(
    'R-LIMIT-2',
    `貸出冊数の上限は1冊から${DEFAULT_LOAN_LIMIT}冊の範囲で変更できます。`,
    `The loan limit can only be set between 1 and ${DEFAULT_LOAN_LIMIT}.`,
  );
}

/** R-DISPATCH-2: the third failed dispatch releases the reservation. */
export const MAX_DISPATCH_FAILURES = 3;

export interface FailedDispatchQuestion {
  /** Failed dispatches of this reservation so far, the one just now included (1, 2, 3 …). */
  readonly failures: number;
  /** Other patrons are waiting for the title. */
  readonly othersWaiting: boolean;
}

export type FailedDispatchDecision =
  /** R-DISPATCH-2: released (予約解除). */
  | { readonly next: 'RELEASED'; readonly reason: Refusal }
  /** R-DISPATCH-3: back to 確保待ち one place down (`moveDownOne`); the copy goes to the next reserver. */
  | { readonly next: 'WAITING'; readonly reason: Refusal }
  /** Nobody else wants the title: it stays 確保済み and is tried again next Thursday. */
  | { readonly next: 'SECURED'; readonly reason: Refusal };

/**
 * R-DISPATCH-2, R-DISPATCH-3: what becomes of a reservation that Thursday processing could not
 * dispatch (checkLendable refused it). `reason` is what My Library shows.
 * Order: the third failure releases the reservation even when others are waiting — the guide counts
 * failures per reservation, and moving it down again would only postpone the same end; before that,
 * other reservers mean one place down; otherwise it keeps its copy for next week.
 */
export function afterFailedDispatch(q: FailedDispatchQuestion): FailedDispatchDecision {
  if (!Number.isInteger(q.failures) || q.failures < 1) {
    throw new RangeError(`failures must count this failure (≥ 1), got ${q.failures}`);
  }
  if (q.failures >= MAX_DISPATCH_FAILURES) {
    return {
      next: 'RELEASED',
      reason: refusal(
        'R-DISPATCH-2',
        `協力館へ${MAX_DISPATCH_FAILURES}回発送できなかったため、予約を解除しました。`,
        `The item could not be dispatched ${MAX_DISPATCH_FAILURES} times, so the reservation was released.`,
      ),
    };
  }
  if (q.othersWaiting) {
    return {
      next: 'WAITING',
      reason: refusal(
        'R-DISPATCH-3',
        '発送できなかったため、予約順位を1つ繰り下げました。',
        'The item could not be dispatched, so the reservation moved down one place in the queue.',
      ),
    };
  }
  return {
    next: 'SECURED',
    reason: refusal(
      'R-DISPATCH-2',
      `発送できませんでした(${q.failures}回目)。${MAX_DISPATCH_FAILURES}回発送できなかった場合は予約を解除します。`,
      `The item could not be dispatched (failure ${q.failures}); after ${MAX_DISPATCH_FAILURES} failures the reservation is released.`,
    ),
  };
}

/**
 * R-DISPATCH-4: why Thursday processing put a 確保済み reservation back to 確保待ち (the patron holds
 * `threshold` or more 確保済み and others wait for this title) — in the guide's words.
 */
export function rebalancedReason(threshold: number): Refusal {
  return refusal(
    'R-DISPATCH-4',
    `「確保済み」の冊数が${threshold}冊以上になり、他の利用者の予約が入っているため、「確保待ち」に状態を戻し、他の利用者への提供を優先しました。`,
    `${threshold} or more items were secured for you and others are waiting for this title, so it went back to waiting and the others are served first.`,
  );
}

/**
 * R-PREF-5, R-COOP-3: the reason shown when a copy was not collected within its hold window and the
 * reservation is released (予約解除). At a cooperating library this also undoes Thursday's loan.
 */
export function pickupMissedReason(pickup: Place): Refusal {
  return refusal(
    pickup.kind === 'pref' ? 'R-PREF-5' : 'R-COOP-3',
    '取置期間中に受け取りに来られなかったため、資料を回収し、予約を解除しました。',
    'The item was not collected within the hold period, so it was taken back and the reservation was released.',
  );
}
