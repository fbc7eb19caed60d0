// Hands one mail_outbox row to SendGrid, at most once (R-MAIL-1, docs/notices.md): every notice kind
// goes through here, and so does a staff resend.
//
// PENDING → SENDING (committed before SendGrid is called) → SENT. Only one attempt may move a row from
// PENDING to SENDING. A row found SENDING cannot tell whether the mail left (the worker may have died
// after SendGrid accepted it): it is not sent again — "no mail twice" — and is UNCERTAIN for staff,
// who may resend it. When SendGrid answered with an error, or could not be reached at all, the mail
// certainly did not leave: the row goes back to PENDING and Temporal retries the activity (a 4xx other
// than 429 is final: FAILED).
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/client';
import type { MailOutbox } from '../generated/prisma/client';
import { MailRejected, type Mailer } from '../mail/sendgrid';
import { activityLog } from './activity-log';

export type NoticeState = 'SENT' | 'SKIPPED' | 'UNCERTAIN' | 'FAILED';

/** What a row's state means to the workflow that wrote it, without sending anything. */
export function settledState(row: Pick<MailOutbox, 'state'>): NoticeState | 'PENDING' {
  if (row.state === 'SENDING') return 'UNCERTAIN';
  return row.state;
}

/**
 * Sends the row if it is PENDING and this attempt claims it. Logged by key and kind only: the address
 * and the text are in the outbox row, never in the log (which patron reads which book is theirs).
 */
export async function deliverOutboxRow(db: Db, mailer: Mailer, from: string, row: MailOutbox): Promise<NoticeState> {
  const { key, kind, reservationId } = row;
  const log = activityLog();
  const state = settledState(row);
  if (state !== 'PENDING') {
    if (state === 'UNCERTAIN') {
      log.warn('notice found half-sent by an earlier attempt; not resent (mail_outbox state SENDING)', { reservationId, outboxKey: key, kind });
    }
    return state;
  }
  const claimed = await db.mailOutbox.updateMany({ where: { key, state: 'PENDING' }, data: { state: 'SENDING', attempts: { increment: 1 } } });
  if (claimed.count === 0) return 'UNCERTAIN';
  try {
    const { providerId } = await mailer.send({ to: row.to, from, subject: row.subject, text: row.body, key });
    await db.mailOutbox.update({ where: { key }, data: { state: 'SENT', sentAt: new Date(), providerId } });
    log.info('notice sent', { reservationId, outboxKey: key, kind, providerId });
    return 'SENT';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof MailRejected && err.status >= 400 && err.status < 500 && err.status !== 429) {
      await db.mailOutbox.update({ where: { key }, data: { state: 'FAILED', lastError: `${err.status} ${message}` } });
      log.error('notice refused by SendGrid; not retried', { reservationId, outboxKey: key, kind, status: err.status, error: message });
      return 'FAILED';
    }
    if (err instanceof MailRejected || isConnectionRefused(err)) {
      // Certainly not sent: put it back and let Temporal retry.
      await db.mailOutbox.update({ where: { key }, data: { state: 'PENDING', lastError: message } });
      log.warn('notice not sent yet; retried', { reservationId, outboxKey: key, kind, error: message });
      throw ApplicationFailure.retryable(`${kind === 'LENDING_NOTICE' ? 'lending notice' : 'notice'} not sent yet: ${message}`, 'MailNotSent');
    }
    await db.mailOutbox.update({ where: { key }, data: { lastError: message } }); // stays SENDING: uncertain
    log.warn('notice may or may not have left; not resent (mail_outbox state SENDING)', { reservationId, outboxKey: key, kind, error: message });
    return 'UNCERTAIN';
  }
}

function isConnectionRefused(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
