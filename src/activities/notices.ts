// The notices after the lending notice (docs/notices.md): the reservation's workflow calls sendNotice
// when a timer fires (PICKUP_REMINDER, PRE_DUE, OVERDUE) or an event happened (DISPATCH_FAILED,
// RELEASED, CANCELLED_BY_STAFF). One mail_outbox row per reservation, kind and occurrence (the key),
// written with the text from the records' facts of that moment; then sent at most once
// (mail-delivery.ts). A retry finds the row and never sends twice.
//
// Whether the notice is still owed is decided here, from the records, in the same transaction that
// writes the row: a pickup, a return or a renewal that committed a moment before the timer fired
// wins (the row is then SKIPPED, with the reason, for staff to see), as does a patron who turned
// courtesy notices off.
import {
  checkRenewal,
  diffDays,
  isCourtesyNotice,
  jstDateOf,
  noticeKey,
  parsePlace,
  pickupMissedReason,
  preDueDay,
  type NoticeKind,
  type Refusal,
} from '../domain';
import type { Db, Tx } from '../db/client';
import { fromDbDate } from '../db/dates';
import { renderNotice, type NoticeBase, type NoticeFacts } from '../mail/notices';
import type { Mailer } from '../mail/sendgrid';
import { noticeLanguageOf } from './lending-notice';
import { deliverOutboxRow, type NoticeState } from './mail-delivery';

export type TimedNoticeKind = Exclude<NoticeKind, 'LENDING_NOTICE'>;

export interface NoticeRequest {
  reservationId: string;
  kind: TimedNoticeKind;
  /** PRE_DUE: the due date; OVERDUE, DISPATCH_FAILED: the number. Omitted for the kinds that happen once. */
  occurrence?: string;
  /** The workflow's moment of the notice (what My Library shows). */
  at: string;
  /** DISPATCH_FAILED, RELEASED after R-DISPATCH-2: why Thursday processing could not lend it (R-DISPATCH-1). */
  cause?: Refusal;
}

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

function load(tx: Tx, reservationId: string) {
  return tx.reservation.findUnique({ where: { id: reservationId }, include: { patron: true, title: true, pickupPlace: true, loan: true } });
}

/** Why a notice is no longer owed (the row is then SKIPPED), or null. */
function notOwed(req: NoticeRequest, r: Loaded): string | null {
  if (!r.patron.email) return 'no e-mail address';
  if (isCourtesyNotice(req.kind) && !r.patron.courtesyNotices) return 'courtesy notices turned off by the patron';
  if (req.kind === 'PICKUP_REMINDER' && r.status !== 'READY' && r.status !== 'IN_DELIVERY') return 'collected or ended';
  if (req.kind === 'PRE_DUE' || req.kind === 'OVERDUE') {
    if (!r.loan || r.loan.state !== 'ACTIVE') return 'returned';
    if (req.kind === 'PRE_DUE' && fromDbDate(r.loan.due) !== req.occurrence) return 'the due date moved (renewed)';
  }
  return null;
}

async function factsOf(tx: Tx, req: NoticeRequest, r: Loaded): Promise<NoticeFacts> {
  const place = parsePlace(r.pickupPlaceCode)!;
  const base: NoticeBase = {
    cardNumber: r.patron.cardNumber,
    name: r.patron.name,
    title: r.title.title,
    itemNumber: r.itemNumber,
    pickupPlace: { kind: place.kind, label: r.pickupPlace.label },
    reservedOn: jstDateOf(r.placedAt),
  };
  const today = jstDateOf(new Date(req.at));
  switch (req.kind) {
    case 'PICKUP_REMINDER':
      return { ...base, kind: req.kind, holdUntil: fromDbDate(r.pickupUntil!) };
    case 'PRE_DUE': {
      // R-RENEW-1/2 as they stand on the day renewal opens (R-RENEW-3), as My Library would answer.
      const due = fromDbDate(r.loan!.due);
      const othersWaiting =
        (await tx.reservation.count({ where: { titleId: r.titleId, status: { in: ['APPLIED', 'WAITING'] }, id: { not: r.id } } })) > 0;
      const renewal = checkRenewal({ due, today: preDueDay(due), renewalsUsed: r.loan!.renewals, othersWaiting, channel: 'opac' });
      return {
        ...base,
        kind: req.kind,
        due,
        renewal: renewal.ok ? { ok: true, newDue: renewal.newDue, renewalsLeft: renewal.renewalsLeft } : renewal,
      };
    }
    case 'OVERDUE': {
      const due = fromDbDate(r.loan!.due);
      return { ...base, kind: req.kind, due, number: Number(req.occurrence ?? 1), daysOverdue: diffDays(today, due) };
    }
    case 'DISPATCH_FAILED':
      return {
        ...base,
        kind: req.kind,
        failures: Number(req.occurrence ?? r.dispatchFailures),
        cause: req.cause ?? null,
        next: r.status === 'WAITING' ? 'WAITING' : 'SECURED',
      };
    case 'RELEASED':
      return { ...base, kind: req.kind, reason: (r.reason as Refusal | null) ?? pickupMissedReason(place), cause: req.cause ?? null };
    case 'CANCELLED_BY_STAFF':
      return { ...base, kind: req.kind, cancelledOn: jstDateOf(r.endedAt ?? new Date(req.at)) };
    case 'NOT_NEEDED_CANCELLED': // R-SUSPEND-3
      return { ...base, kind: req.kind, notNeededAfter: fromDbDate(r.notNeededAfter!), cancelledOn: jstDateOf(r.endedAt ?? new Date(req.at)) };
  }
}

export function noticeActivities(db: Db, mailer: Mailer, opts: { from: string }) {
  return {
    /** Writes the notice's outbox row once (or finds it), then sends it at most once. */
    async sendNotice(req: NoticeRequest): Promise<{ state: NoticeState; key: string }> {
      const key = noticeKey(req.kind, req.reservationId, req.occurrence);
      const row = await db.$transaction(async (tx) => {
        const existing = await tx.mailOutbox.findUnique({ where: { key } });
        if (existing) return existing;
        const r = await load(tx, req.reservationId);
        if (!r) throw new Error(`notice ${req.kind}: no reservation ${req.reservationId}`);
        const language = noticeLanguageOf(r.patron);
        const skipReason = notOwed(req, r);
        const { subject, text } = renderNotice(await factsOf(tx, req, r), language);
        return tx.mailOutbox.create({
          data: {
            key,
            reservationId: req.reservationId,
            kind: req.kind,
            occurrence: req.occurrence ?? null,
            to: r.patron.email ?? '',
            subject,
            body: text,
            language,
            state: skipReason ? 'SKIPPED' : 'PENDING',
            skipReason,
            noticeAt: new Date(req.at),
          },
        });
      });
      return { state: await deliverOutboxRow(db, mailer, opts.from, row), key };
    },

    /**
     * A staff resend of a notice that FAILED or may not have left (SENDING), once per request: the
     * request names the resend count it starts from (`resends`), so a retry of this activity after
     * its commit finds the count past it and only finishes the sending. Who asked is recorded on the
     * row (and, by the API, as a staff act).
     */
    async resendNotice({ key, resends, by }: { key: string; resends: number; by: string }): Promise<{ state: NoticeState | 'PENDING' }> {
      await db.mailOutbox.updateMany({
        where: { key, resends, state: { in: ['FAILED', 'SENDING'] } },
        data: { state: 'PENDING', resends: resends + 1, resentBy: by, deliveryEvent: null, deliveryReason: null, deliveryEventAt: null },
      });
      const row = await db.mailOutbox.findUniqueOrThrow({ where: { key } });
      if (row.resends <= resends) return { state: row.state === 'SENDING' ? 'UNCERTAIN' : row.state }; // nothing to resend
      return { state: await deliverOutboxRow(db, mailer, opts.from, row) };
    },
  };
}
