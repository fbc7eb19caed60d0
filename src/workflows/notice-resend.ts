// A staff resend of one notice (docs/notices.md): the API starts this workflow, the worker — which
// has SendGrid — sends the outbox row again, with Temporal's retries. Its id names the row and the
// resend count, so a repeated request starts no second resend.
import { proxyActivities } from '@temporalio/workflow';
import type { ReservationActivities } from '../activities';

const act = proxyActivities<Pick<ReservationActivities, 'resendNotice'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 20 },
});

export interface NoticeResendInput {
  /** The outbox key of the notice. */
  key: string;
  /** Its resend count when staff asked (the resend is the next one). */
  resends: number;
  /** Who asked: staff number and name, or the API key's name. */
  by: string;
}

export const noticeResendWorkflowId = (outboxId: bigint | string, resends: number): string => `notice-resend-${outboxId}-${resends + 1}`;

export async function noticeResend(input: NoticeResendInput): Promise<{ state: string }> {
  return act.resendNotice(input);
}
