/**
 * R-CONDUCT-1: the library may refuse the online service to a patron who repeatedly returns to the
 * wrong place, without the bag, through the wrong book post, late, or who breaks into its systems
 * (「悪質な場合は、利用をお断りする場合があります」).
 *
 * **Decision**: staff stop a patron's use of the online service, and restore it, each with a reason
 * (recorded as their act). While stopped, a new reservation is refused and Thursday processing sends
 * nothing to a cooperating library for the patron (a failed dispatch, R-DISPATCH-1…3, citing
 * R-CONDUCT-1); what the patron already holds is unaffected (renewals, returns, a copy already held).
 */
import { allow, refusal, refuse, type Outcome, type Refusal } from './refusal';

/** The longest reason staff may give (a sentence or two, not a file). */
export const MAX_CONDUCT_REASON_LENGTH = 500;

/** R-CONDUCT-1: what a stopped patron is told when a reservation or a dispatch is refused. */
export function serviceStoppedRefusal(atDispatch = false): Refusal {
  return atDispatch
    ? refusal(
        'R-CONDUCT-1',
        'オンライン貸出サービスのご利用をお断りしているため、協力館へ発送できませんでした。県立図書館一般室カウンターへお問い合わせください。',
        'Not dispatched: the online lending service is suspended for you. Please contact the prefectural library counter.',
      )
    : refusal(
        'R-CONDUCT-1',
        'オンライン貸出サービスのご利用をお断りしているため、予約できません。県立図書館一般室カウンターへお問い合わせください。',
        'The online lending service is suspended for you, so you cannot place a reservation. Please contact the prefectural library counter.',
      );
}

/**
 * R-CONDUCT-1: may staff stop (or restore) the service now? Stopping a patron already stopped, or
 * restoring one who is not, is refused rather than recorded twice; the reason must say something.
 */
export function checkServiceStopChange(q: { stoppedNow: boolean; stop: boolean; reason: string }): Outcome<{ reason: string }> {
  const reason = q.reason.trim();
  if (reason.length === 0 || reason.length > MAX_CONDUCT_REASON_LENGTH) {
    return refuse(
      'R-CONDUCT-1',
      `理由を1文字から${MAX_CONDUCT_REASON_LENGTH}文字で記入してください。`,
      `Give a reason of 1 to ${MAX_CONDUCT_REASON_LENGTH} characters.`,
    );
  }
  if (q.stop && q.stoppedNow) {
    return refuse(
      'R-CONDUCT-1',
      'この利用者のオンライン貸出サービスの利用は、すでに停止しています。',
      'The service is already suspended for this patron.',
    );
  }
  if (!q.stop && !q.stoppedNow) {
    return refuse('R-CONDUCT-1', 'この利用者のオンライン貸出サービスの利用は停止していません。', 'The service is not suspended for this patron.');
  }
  return allow({ reason });
}
