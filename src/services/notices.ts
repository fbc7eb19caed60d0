// Notices as patrons and staff see them (docs/notices.md): the patron's preferences (courtesy notices
// on/off, language), whether mail reaches them (R-MAIL-2), the notices of their reservations; for
// staff, the patrons to call because mail does not reach them, the notices FAILED or SENDING (may or
// may not have left), and a resend; and SendGrid's Event Webhook marking a delivery failure on the
// notice and on the patron's address. Everything is read from and written to the records.
import { EventWebhook } from '@sendgrid/eventwebhook';
import type { Client } from '@temporalio/client';
import { COURTESY_NOTICES, formatJst, NOTICE_KINDS, noticeKindOfKey, type NoticeLanguage } from '../domain';
import type { Db } from '../db/client';
import type { Patron } from '../generated/prisma/client';
import { noticeResend, noticeResendWorkflowId } from '../workflows/notice-resend';
import { ConflictError, NotFoundError } from './errors';

// ---------------------------------------------------------------------------------------------------
// The patron: preferences and whether mail reaches them

/** SendGrid events that mean the mail did not reach the patron (R-MAIL-2). */
export const UNDELIVERABLE_EVENTS = ['bounce', 'dropped', 'blocked'] as const;
export type UndeliverableEvent = (typeof UNDELIVERABLE_EVENTS)[number];

export interface MailReach {
  address: string | null;
  /** false when SendGrid reported a bounce, drop or block for the address registered now. */
  reachable: boolean;
  problem: { event: string; reason: string | null; since: string; ja: string; en: string } | null;
}

/**
 * R-MAIL-2: what My Library tells a patron whose mail does not arrive — the guide's advice for mobile
 * addresses (携帯メールアドレス): allow mail from the library's domain, or register another address.
 */
export function mailReach(patron: Patron): MailReach {
  const failing = patron.email !== null && patron.mailUndeliverableAddress?.toLowerCase() === patron.email.toLowerCase();
  if (!failing || !patron.mailUndeliverableAt) return { address: patron.email, reachable: patron.email !== null, problem: null };
  return {
    address: patron.email,
    reachable: false,
    problem: {
      event: patron.mailUndeliverableEvent ?? 'bounce',
      reason: patron.mailUndeliverableReason,
      since: formatJst(patron.mailUndeliverableAt),
      ja:
        '登録されたメールアドレスに当館からのメールが届いていません。' +
        '携帯メールアドレスをご利用の場合、携帯電話以外から送信されるメールを拒否する設定になっていると、当館が送信するメール(ドメイン:@plib.pref.aomori.lg.jp)を受信できません。' +
        'ご自分のメール受信設定をご確認いただくか、「利用者情報」から別のメールアドレスを登録してください。',
      en:
        'Mail from the library does not reach the address you registered. ' +
        'Mobile-carrier addresses often refuse mail not sent from a phone, and then cannot receive the library’s mail (domain @plib.pref.aomori.lg.jp): ' +
        'please allow it in your mail settings, or register another address.',
    },
  };
}

export interface NoticePreferences {
  courtesyNotices: boolean;
  language: NoticeLanguage;
  /** The kinds the patron may turn off, and the ones that are always sent. */
  courtesyKinds: string[];
  requiredKinds: string[];
  mail: MailReach;
}

export function noticePreferences(patron: Patron): NoticePreferences {
  return {
    courtesyNotices: patron.courtesyNotices,
    language: patron.noticeLanguage === 'en' ? 'en' : 'ja',
    courtesyKinds: [...COURTESY_NOTICES],
    requiredKinds: NOTICE_KINDS.filter((k) => !COURTESY_NOTICES.includes(k)),
    mail: mailReach(patron),
  };
}

export async function setNoticePreferences(
  db: Db,
  patronId: string,
  change: { courtesyNotices?: boolean | undefined; language?: NoticeLanguage | undefined },
): Promise<NoticePreferences> {
  const patron = await db.patron.update({
    where: { id: patronId },
    data: {
      ...(change.courtesyNotices !== undefined ? { courtesyNotices: change.courtesyNotices } : {}),
      ...(change.language !== undefined ? { noticeLanguage: change.language } : {}),
    },
  });
  return noticePreferences(patron);
}

export interface NoticeRow {
  noticeId: string;
  reservationId: string;
  kind: string;
  occurrence: string | null;
  at: string;
  state: string;
  subject: string;
  language: string;
  skipReason: string | null;
  delivery: { event: string; reason: string | null; at: string | null } | null;
}

function noticeRow(m: {
  id: bigint;
  reservationId: string;
  kind: string;
  occurrence: string | null;
  noticeAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  state: string;
  subject: string;
  language: string;
  skipReason: string | null;
  deliveryEvent: string | null;
  deliveryReason: string | null;
  deliveryEventAt: Date | null;
}): NoticeRow {
  return {
    noticeId: String(m.id),
    reservationId: m.reservationId,
    kind: m.kind,
    occurrence: m.occurrence,
    at: formatJst(m.noticeAt ?? m.sentAt ?? m.createdAt),
    state: m.state,
    subject: m.subject,
    language: m.language,
    skipReason: m.skipReason,
    delivery: m.deliveryEvent
      ? { event: m.deliveryEvent, reason: m.deliveryReason, at: m.deliveryEventAt ? formatJst(m.deliveryEventAt) : null }
      : null,
  };
}

/** My Library: every notice of the patron's reservations, newest first (the text stays in the outbox and the mail). */
export async function patronNotices(db: Db, patronId: string): Promise<NoticeRow[]> {
  const ids = (await db.reservation.findMany({ where: { patronId }, select: { id: true } })).map((r) => r.id);
  const rows = await db.mailOutbox.findMany({ where: { reservationId: { in: ids } }, orderBy: { id: 'desc' } });
  return rows.map(noticeRow);
}

// ---------------------------------------------------------------------------------------------------
// Staff: whom to call, what did not go out, resend

export async function unreachablePatrons(db: Db) {
  const patrons = await db.patron.findMany({ where: { mailUndeliverableAt: { not: null } }, orderBy: { mailUndeliverableAt: 'desc' } });
  return patrons
    .filter((p) => !mailReach(p).reachable)
    .map((p) => ({
      cardNumber: p.cardNumber,
      name: p.name,
      email: p.email,
      event: p.mailUndeliverableEvent,
      reason: p.mailUndeliverableReason,
      since: formatJst(p.mailUndeliverableAt!),
    }));
}

/** Notices that FAILED (SendGrid refused, or the Event Webhook reported a bounce, drop or block) or are SENDING (uncertain). */
export async function noticesToCheck(db: Db, states: readonly ('FAILED' | 'SENDING')[] = ['FAILED', 'SENDING']) {
  const rows = await db.mailOutbox.findMany({ where: { state: { in: [...states] } }, orderBy: { id: 'asc' } });
  const reservations = await db.reservation.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.reservationId))] } },
    select: { id: true, patron: { select: { cardNumber: true, name: true } } },
  });
  const patronOf = new Map(reservations.map((r) => [r.id, r.patron]));
  return rows.map((m) => ({
    ...noticeRow(m),
    cardNumber: patronOf.get(m.reservationId)?.cardNumber ?? null,
    name: patronOf.get(m.reservationId)?.name ?? null,
    to: m.to,
    attempts: m.attempts,
    lastError: m.lastError,
    resends: m.resends,
    resentBy: m.resentBy,
  }));
}

/** The notice staff are about to resend, with what the staff act names. */
export async function noticeForResend(db: Db, noticeId: string) {
  const row = /^\d{1,18}$/.test(noticeId) ? await db.mailOutbox.findUnique({ where: { id: BigInt(noticeId) } }) : null;
  if (!row) throw new NotFoundError('notice', noticeId);
  const r = await db.reservation.findUnique({ where: { id: row.reservationId }, select: { patron: { select: { cardNumber: true } } } });
  return { row, cardNumber: r?.patron.cardNumber ?? null };
}

/**
 * Resends a FAILED or SENDING notice through the worker (which has SendGrid): a notice-resend workflow
 * whose id names the row and the resend count, so a repeated request does not send twice. Waits
 * for its answer (the state the row reached).
 */
export async function resendNotice(
  deps: { db: Db; temporal: Client; taskQueue: string },
  noticeId: string,
  by: string,
): Promise<{ state: string; notice: NoticeRow }> {
  const { row } = await noticeForResend(deps.db, noticeId);
  if (row.state !== 'FAILED' && row.state !== 'SENDING') {
    throw new ConflictError(
      'state',
      `この通知は${row.state}のため、再送できません(再送できるのは FAILED と SENDING のみ)。`,
      `Only a FAILED or SENDING notice can be resent; this one is ${row.state}.`,
    );
  }
  const result = await deps.temporal.workflow.execute(noticeResend, {
    taskQueue: deps.taskQueue,
    workflowId: noticeResendWorkflowId(row.id, row.resends),
    args: [{ key: row.key, resends: row.resends, by }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const after = await deps.db.mailOutbox.findUniqueOrThrow({ where: { id: row.id } });
  return { state: result.state, notice: noticeRow(after) };
}

// ---------------------------------------------------------------------------------------------------
// SendGrid's Event Webhook (signed)

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * Verifies a signed Event Webhook request with SendGrid's own library: the ECDSA signature (base64
 * DER, P-256, SHA-256) of the timestamp header followed by the raw body, with the verification key
 * from the Mail Settings (SENDGRID_WEBHOOK_PUBLIC_KEY: base64 DER or PEM).
 */
export function verifyEventWebhook(
  publicKey: string | undefined,
  rawBody: Buffer,
  signature: string | undefined,
  timestamp: string | undefined,
): boolean {
  if (!publicKey || !signature || !timestamp) return false;
  try {
    const ew = new EventWebhook();
    return ew.verifySignature(ew.convertPublicKeyToECDSA(publicKey), rawBody, signature, timestamp);
  } catch {
    return false; // a malformed signature or key is as good as none
  }
}

interface SendgridEvent {
  event?: unknown;
  email?: unknown;
  reason?: unknown;
  response?: unknown;
  type?: unknown;
  timestamp?: unknown;
  sg_message_id?: unknown;
  outbox_key?: unknown;
}

/**
 * Marks the delivery failures among the events: the notice (found by the outbox key that travelled
 * as a custom argument, else by SendGrid's message id) becomes FAILED with the event and its reason;
 * the patron's address, if it is still theirs, is marked as not reached (R-MAIL-2). Other events
 * (delivered, open, deferred, …) are acknowledged and ignored. Idempotent: SendGrid may post again.
 */
export async function recordDeliveryEvents(db: Db, events: unknown): Promise<{ marked: number; ignored: number }> {
  const list = (Array.isArray(events) ? events : []) as SendgridEvent[];
  let marked = 0;
  for (const e of list) {
    const kind = e.event === 'bounce' && e.type === 'blocked' ? 'blocked' : e.event;
    if (typeof kind !== 'string' || !(UNDELIVERABLE_EVENTS as readonly string[]).includes(kind)) continue;
    const key = typeof e.outbox_key === 'string' && noticeKindOfKey(e.outbox_key) ? e.outbox_key : null;
    const providerId = typeof e.sg_message_id === 'string' ? e.sg_message_id.split('.')[0]! : null;
    const row = key
      ? await db.mailOutbox.findUnique({ where: { key } })
      : providerId
        ? await db.mailOutbox.findFirst({ where: { providerId } })
        : null;
    if (!row) continue;
    const reason = [e.reason, e.response].find((x): x is string => typeof x === 'string') ?? null;
    const at = typeof e.timestamp === 'number' ? new Date(e.timestamp * 1000) : new Date();
    await db.$transaction(async (tx) => {
      await tx.mailOutbox.update({
        where: { id: row.id },
        data: {
          state: 'FAILED',
          deliveryEvent: kind,
          deliveryReason: reason,
          deliveryEventAt: at,
          lastError: `${kind}${reason ? `: ${reason}` : ''}`,
        },
      });
      const r = await tx.reservation.findUnique({ where: { id: row.reservationId }, select: { patronId: true } });
      const patron = r ? await tx.patron.findUnique({ where: { id: r.patronId } }) : null;
      const address = typeof e.email === 'string' ? e.email : row.to;
      if (patron?.email && patron.email.toLowerCase() === address.toLowerCase()) {
        await tx.patron.update({
          where: { id: patron.id },
          data: { mailUndeliverableAddress: patron.email, mailUndeliverableEvent: kind, mailUndeliverableReason: reason, mailUndeliverableAt: at },
        });
      }
    });
    marked++;
  }
  return { marked, ignored: list.length - marked };
}
