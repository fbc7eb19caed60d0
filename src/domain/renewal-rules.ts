/** R-RENEW-1 … R-RENEW-5: may a loan be renewed today? Returns `{ ok: true, … }` or the refusal. */

import { renewalWindow, renewedDue } from './calendar';
import type { Channel } from './channels';
import { assertCount } from './input-checks';
import { diffDays, formatDateEn, formatDateJa, type LocalDate } from './local-date';
import { allow, refuse, type Outcome } from './refusal';

/** R-RENEW-2: at most two renewals. */
export const MAX_RENEWALS = 2;

export interface RenewalQuestion {
  readonly due: LocalDate;
  readonly today: LocalDate;
  /** Renewals already granted on this loan. */
  readonly renewalsUsed: number;
  /** Another patron has reserved the title. */
  readonly othersWaiting: boolean;
  readonly channel: Channel;
}

/**
 * R-RENEW-1 … R-RENEW-4: may this loan be renewed today? On success: the new due date (one week after
 * the current one) and how many renewals remain.
 *
 * Order of checks, first refusal wins:
 * 1. R-RENEW-4 e-mail — a request by e-mail is not a request; nothing else is looked at.
 * 2. R-RENEW-2 already renewed twice — final, whatever the date or the queue.
 * 3. R-RENEW-1 others waiting — as long as it holds, no date will do, so the patron is not sent back
 *    "from Thursday" only to be refused then.
 * 4. R-RENEW-3 the window, due-3 … due — the timing comes last: before the window the message gives the
 *    day it opens, and that day is then the only thing standing between the patron and the renewal.
 * The window opens for every channel alike: the guide takes renewals "from 3 days before the due date"
 * by My Library, phone or counter. It closes with the due date only for the patron's own renewal (My
 * Library: 「返却期限日を過ぎた場合、ご自身での延長はできません」, R-RENEW-3). R-RENEW-5 (**Decision**):
 * staff (phone or counter) may still renew after the due date — nobody waiting and within the two
 * renewals, as always — while the renewed due date (one week after the current one, R-RENEW-2) has not
 * passed too: a renewal that leaves the loan overdue changes nothing for the patron.
 */
export function checkRenewal(q: RenewalQuestion): Outcome<{ newDue: LocalDate; renewalsLeft: number }> {
  assertCount('renewalsUsed', q.renewalsUsed);
  if (q.channel === 'email') {
    return refuse(
      'R-RENEW-4',
      'メールによる延長の申し込みはできません。Myライブラリ、電話又は当館のカウンターでお申し込みください。',
      'Renewals are not accepted by e-mail. Please renew in My Library, by phone or at the library counter.',
    );
  }
  if (q.renewalsUsed >= MAX_RENEWALS) {
    return refuse(
      'R-RENEW-2',
      `貸出期間の延長は${MAX_RENEWALS}回までです。この資料はすでに${MAX_RENEWALS}回延長されています。`,
      `A loan can be renewed at most ${MAX_RENEWALS} times, and this one already has been.`,
    );
  }
  if (q.othersWaiting) {
    return refuse(
      'R-RENEW-1',
      '他の利用者からの予約が入っているため、延長できません。',
      'Another patron has reserved this title, so the loan cannot be renewed.',
    );
  }
  const window = renewalWindow(q.due);
  if (diffDays(q.today, window.from) < 0) {
    return refuse(
      'R-RENEW-3',
      `延長は返却期限日の3日前(${formatDateJa(window.from)})から受け付けます。`,
      `Renewals open 3 days before the due date, on ${formatDateEn(window.from)}.`,
    );
  }
  const newDue = renewedDue(q.due);
  if (diffDays(q.today, window.until) > 0 && !byStaff(q.channel)) {
    return refuse(
      'R-RENEW-3',
      `返却期限日(${formatDateJa(q.due)})を過ぎたため、ご自身での延長はできません。電話又は当館のカウンターへご連絡ください。`,
      `The due date (${formatDateEn(q.due)}) has passed, so you can no longer renew it yourself. Please call or ask at the library counter.`,
    );
  }
  if (diffDays(q.today, newDue) > 0) {
    return refuse(
      'R-RENEW-5',
      `延長後の返却期限日(${formatDateJa(newDue)})も過ぎているため、延長できません。資料を返却してください。`,
      `Even the renewed due date (${formatDateEn(newDue)}) has passed, so the loan cannot be renewed. Please return the item.`,
    );
  }
  return allow({ newDue, renewalsLeft: MAX_RENEWALS - q.renewalsUsed - 1 });
}

/** R-RENEW-5: a renewal by phone or at the counter is staff's (My Library is the patron's own). */
function byStaff(channel: Channel): boolean {
  return channel === 'phone' || channel === 'counter';
}
