// Sends the lending notice exactly once per reservation, through an outbox row keyed by reservation
// (the other notices: notices.ts). How a row is sent at most once, and what UNCERTAIN means:
// mail-delivery.ts.
import { jstDateOf, noticeKey, parsePlace, prefHoldDatesWithClosures, type LocalDate, type NoticeLanguage } from '../domain';
import type { Db } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { renderLendingNotice } from '../mail/lending-notice';
import type { Mailer } from '../mail/sendgrid';
import { loadClosedDays } from './closed-days';
import { deliverOutboxRow, type NoticeState } from './mail-delivery';

export type { NoticeState } from './mail-delivery';

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
      occurrence,
    }: {
      reservationId: string;
      at: string;
      /** Sent by workflows of an earlier version; the window is the one Thursday recorded. */
      processingDay?: LocalDate;
      /** R-PICKUP-2: a notice after a change of pickup place (`pickup-<n>`): a row of its own. */
      occurrence?: string;
    }): Promise<NoticeResult> {
      const moment = new Date(at);
      const key = noticeKey('LENDING_NOTICE', reservationId, occurrence);
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
        // R-CLOSED-3: a last day on which the prefectural library is closed moves to its next open day.
        const hold =
          place.kind === 'pref' ? prefHoldDatesWithClosures(jstDateOf(moment), await loadClosedDays(tx, jstDateOf(moment))) : recordedWindow(r);
        if (place.kind === 'pref') {
          await tx.reservation.update({
            where: { id: reservationId },
            data: { pickupFrom: toDbDate(hold.pickupFrom), pickupUntil: toDbDate(hold.pickupUntil) },
          });
        }
        const { subject, text } = renderLendingNotice(
          {
            cardNumber: r.patron.cardNumber,
            name: r.patron.name,
            pickupPlace: { kind: place.kind, label: r.pickupPlace.label },
            holdFrom: hold.pickupFrom,
            holdUntil: hold.pickupUntil,
            itemNumber: r.itemNumber!,
            title: r.title.title,
            reservedOn: jstDateOf(r.placedAt),
          },
          noticeLanguageOf(r.patron),
        );
        // R-PREF-3: borrowed before the notice went out → no notice. Without an e-mail address
        // (R-ACCOUNT-1 requires one before reserving; a walk-in patron may have none) there is nobody
        // to send R-MAIL-1's notice to: skipped, and staff see it in the outbox.
        const borrowed = r.status === 'ON_LOAN' || r.status === 'RETURNED' || r.status === 'CANCELLED';
        const skipReason = borrowed ? 'borrowed or ended before the notice (R-PREF-3)' : !r.patron.email ? 'no e-mail address' : null;
        return tx.mailOutbox.create({
          data: {
            key,
            reservationId,
            kind: 'LENDING_NOTICE',
            ...(occurrence ? { occurrence } : {}),
            to: r.patron.email ?? '',
            subject,
            body: text,
            state: skipReason ? 'SKIPPED' : 'PENDING',
            skipReason,
            language: noticeLanguageOf(r.patron),
            holdFrom: toDbDate(hold.pickupFrom),
            holdUntil: toDbDate(hold.pickupUntil),
            noticeAt: moment,
          },
        });
      });
      const result = (state: NoticeState): NoticeResult => ({
        state,
        at: moment.toISOString(),
        holdFrom: fromDbDate(row.holdFrom!),
        holdUntil: fromDbDate(row.holdUntil!),
      });
      return result(await deliverOutboxRow(db, mailer, opts.from, row));
    },
  };
}

/** The patron's choice of language for notices (docs/notices.md): "ja" unless "en" was chosen. */
export function noticeLanguageOf(patron: { noticeLanguage: string }): NoticeLanguage {
  return patron.noticeLanguage === 'en' ? 'en' : 'ja';
}

function recordedWindow(r: { id: string; pickupFrom: Date | null; pickupUntil: Date | null }): { pickupFrom: LocalDate; pickupUntil: LocalDate } {
  if (!r.pickupFrom || !r.pickupUntil) throw new Error(`reservation ${r.id} has no pickup window recorded by Thursday processing`);
  return { pickupFrom: fromDbDate(r.pickupFrom), pickupUntil: fromDbDate(r.pickupUntil) };
}
