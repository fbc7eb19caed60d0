// Sends the lending notice exactly once per reservation, through an outbox row keyed by reservation.
//
// PENDING → SENDING (committed before SendGrid is called) → SENT. A retry that finds SENT or SKIPPED
// returns it. A retry that finds SENDING cannot know whether the mail left (the worker may have died
// after SendGrid accepted it): it does not send again — "no mail twice" — and reports UNCERTAIN for
// staff to check. When SendGrid answered with an error, or could not be reached at all, the mail
// certainly did not leave: the row goes back to PENDING and Temporal retries the activity.
import { ApplicationFailure } from '@temporalio/activity';
import { jstDateOf, parsePlace, prefHoldDates, type LocalDate } from '../domain';
import type { Db } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { renderLendingNotice } from '../mail/lending-notice';
import { MailRejected, type Mailer } from '../mail/sendgrid';
import { activityLog } from './activity-log';

export type NoticeState = 'SENT' | 'SKIPPED' | 'UNCERTAIN' | 'FAILED';

export interface NoticeResult {
  state: NoticeState;
  at: string;
  holdFrom: LocalDate;
  holdUntil: LocalDate;
}

export function lendingNoticeActivities(db: Db, mailer: Mailer, opts: { from: string }) {
  return {
    /**
     * `at` is the workflow's moment of sending: the hold counts from its calendar day (R-PREF-2), and
     * it is what the reservation's history shows. The row's `sentAt` is the wall-clock time SendGrid
     * accepted the mail, for audit.
     */
    async sendLendingNotice({
      reservationId,
      at,
    }: {
      reservationId: string;
      at: string;
      /** Sent by workflows of an earlier version; the window is the one Thursday recorded. */
      processingDay?: LocalDate;
    }): Promise<NoticeResult> {
      const moment = new Date(at);
      const key = `lending-notice:${reservationId}`;
      const row = await db.$transaction(async (tx) => {
        const existing = await tx.mailOutbox.findUnique({ where: { key } });
        if (existing) return existing;
        const r = await tx.reservation.findUniqueOrThrow({
          where: { id: reservationId },
          include: { patron: true, title: true, pickupPlace: true },
        });
        const place = parsePlace(r.pickupPlaceCode)!;
        // R-PREF-2: the hold counts the mail day as day 1, so the notice decides it and records it.
        // R-COOP-4: at a cooperating library Thursday processing recorded the window (Sunday…Sunday).
        const hold = place.kind === 'pref' ? prefHoldDates(jstDateOf(moment)) : recordedWindow(r);
        if (place.kind === 'pref') {
          await tx.reservation.update({
            where: { id: reservationId },
            data: { pickupFrom: toDbDate(hold.pickupFrom), pickupUntil: toDbDate(hold.pickupUntil) },
          });
        }
        const { subject, text } = renderLendingNotice({
          cardNumber: r.patron.cardNumber,
          name: r.patron.name,
          pickupPlace: { kind: place.kind, label: r.pickupPlace.label },
          holdFrom: hold.pickupFrom,
          holdUntil: hold.pickupUntil,
          itemNumber: r.itemNumber!,
          title: r.title.title,
          reservedOn: jstDateOf(r.placedAt),
        });
        // R-PREF-3: borrowed before the notice went out → no notice. Without an e-mail address
        // (R-ACCOUNT-1 requires one before reserving; a walk-in patron may have none) there is nobody
        // to send R-MAIL-1's notice to: skipped, and staff see it in the outbox.
        const skip = r.status === 'ON_LOAN' || r.status === 'RETURNED' || r.status === 'CANCELLED' || !r.patron.email;
        return tx.mailOutbox.create({
          data: {
            key,
            reservationId,
            kind: 'LENDING_NOTICE',
            to: r.patron.email ?? '',
            subject,
            body: text,
            state: skip ? 'SKIPPED' : 'PENDING',
            holdFrom: toDbDate(hold.pickupFrom),
            holdUntil: toDbDate(hold.pickupUntil),
            noticeAt: moment,
          },
        });
      });
      const result = (state: NoticeState): NoticeResult => ({
        state,
        at: moment.toISOString(),
        holdFrom: fromDbDate(row.holdFrom),
        holdUntil: fromDbDate(row.holdUntil),
      });
      if (row.state === 'SENT') return result('SENT');
      if (row.state === 'SKIPPED') return result('SKIPPED');
      if (row.state === 'FAILED') return result('FAILED');
      if (row.state === 'SENDING') {
        activityLog().warn('lending notice found half-sent by an earlier attempt; not resent (mail_outbox state SENDING)', {
          reservationId,
          outboxKey: key,
        });
        return result('UNCERTAIN');
      }

      // Claim it: only one attempt may move PENDING → SENDING.
      const claimed = await db.mailOutbox.updateMany({ where: { key, state: 'PENDING' }, data: { state: 'SENDING', attempts: { increment: 1 } } });
      if (claimed.count === 0) return result('UNCERTAIN');
      // Logged without the address or the text: the outbox row has them, the log does not need them.
      const log = activityLog();
      try {
        const { providerId } = await mailer.send({ to: row.to, from: opts.from, subject: row.subject, text: row.body, key });
        await db.mailOutbox.update({ where: { key }, data: { state: 'SENT', sentAt: new Date(), providerId } });
        log.info('lending notice sent', { reservationId, outboxKey: key, providerId });
        return result('SENT');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof MailRejected && err.status >= 400 && err.status < 500 && err.status !== 429) {
          await db.mailOutbox.update({ where: { key }, data: { state: 'FAILED', lastError: `${err.status} ${message}` } });
          log.error('lending notice refused by SendGrid; not retried', { reservationId, outboxKey: key, status: err.status, error: message });
          return result('FAILED');
        }
        if (err instanceof MailRejected || isConnectionRefused(err)) {
          // Certainly not sent: put it back and let Temporal retry.
          await db.mailOutbox.update({ where: { key }, data: { state: 'PENDING', lastError: message } });
          log.warn('lending notice not sent yet; retried', { reservationId, outboxKey: key, error: message });
          throw ApplicationFailure.retryable(`lending notice not sent yet: ${message}`, 'MailNotSent');
        }
        await db.mailOutbox.update({ where: { key }, data: { lastError: message } }); // stays SENDING: uncertain
        log.warn('lending notice may or may not have left; not resent (mail_outbox state SENDING)', {
          reservationId,
          outboxKey: key,
          error: message,
        });
        return result('UNCERTAIN');
      }
    },
  };
}

function recordedWindow(r: { id: string; pickupFrom: Date | null; pickupUntil: Date | null }): { pickupFrom: LocalDate; pickupUntil: LocalDate } {
  if (!r.pickupFrom || !r.pickupUntil) throw new Error(`reservation ${r.id} has no pickup window recorded by Thursday processing`);
  return { pickupFrom: fromDbDate(r.pickupFrom), pickupUntil: fromDbDate(r.pickupUntil) };
}

function isConnectionRefused(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
