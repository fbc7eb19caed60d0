// One reservation as patrons and staff read it — from the records, which own every fact of it: the
// reservation row (status, item, pickup window, dispatch failures, the reason as its activity recorded
// it), its loan (due date, renewals, return), the mail outbox (the notices) and reservation_transition
// (its history). The workflow keeps only what it needs to wait and is never asked for a view, so there
// is one answer, whether the reservation is running or ended.
import {
  formatJst,
  jstDateOf,
  MAX_RENEWALS,
  renewalWindow,
  RESERVATION_STATUS_JA,
  type LocalDate,
  type Refusal,
  type ReservationStatus,
} from '../domain';
import type { Db, Tx } from '../db/client';
import { fromDbDate } from '../db/dates';
import { NotFoundError } from './errors';

export interface Transition {
  status: ReservationStatus;
  at: string;
  note?: string;
}

export interface ReservationView {
  reservationId: string;
  titleId: string;
  patronId: string;
  pickup: string;
  status: ReservationStatus;
  statusLabel: string;
  queuePosition: number | null;
  itemNumber: string | null;
  dates: {
    placedOn: LocalDate;
    pickupFrom?: LocalDate;
    pickupUntil?: LocalDate;
    processingDay?: LocalDate;
    due?: LocalDate;
    renewFrom?: LocalDate;
    renewUntil?: LocalDate;
    returnedOn?: LocalDate;
    /** R-SUSPEND-1 (保留): while suspended, the day it resumes. */
    suspendedUntil?: LocalDate;
    /** R-SUSPEND-3 (不要日): the day after which it is not needed (cancelled then if still waiting). */
    notNeededAfter?: LocalDate;
  };
  renewalsUsed: number;
  renewalsLeft: number;
  dispatchFailures: number;
  /** Why the reservation ended or is held back, if it is (rule id and message). */
  reason: Refusal | null;
  /** The notices, as the outbox has them (state PENDING, SENDING — may or may not have left —, SENT, SKIPPED, FAILED). */
  mails: { kind: string; at: string; state: string }[];
  transitions: Transition[];
}

/** 予約順位 of the given waiting reservations, computed as the queue orders them (allocation.ts queueOf). */
export async function queuePositions(db: Db | Tx, rows: { id: string; titleId: string; status: string }[]): Promise<Map<string, number>> {
  const titles = [...new Set(rows.filter((r) => r.status === 'WAITING').map((r) => r.titleId))];
  if (titles.length === 0) return new Map();
  const ranked = await db.$queryRaw<{ id: string; position: bigint }[]>`
    SELECT id, row_number() OVER (PARTITION BY "titleId" ORDER BY "queueSeq" ASC, "placedAt" ASC) AS position
    FROM reservation WHERE status = 'WAITING' AND "titleId" = ANY(${titles})`;
  return new Map(ranked.map((r) => [r.id, Number(r.position)]));
}

export async function reservationView(db: Db, reservationId: string): Promise<ReservationView> {
  const r = await db.reservation.findUnique({
    where: { id: reservationId },
    include: { loan: true, transitions: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
  });
  if (!r) throw new NotFoundError('reservation', reservationId);
  const mails = await db.mailOutbox.findMany({ where: { reservationId }, orderBy: { id: 'asc' } });
  const positions = await queuePositions(db, [r]);
  const due = r.loan ? fromDbDate(r.loan.due) : undefined;
  const window = due ? renewalWindow(due) : undefined; // R-RENEW-3
  const renewalsUsed = r.loan?.renewals ?? 0;
  return {
    reservationId: r.id,
    titleId: r.titleId,
    patronId: r.patronId,
    pickup: r.pickupPlaceCode,
    status: r.status,
    statusLabel: RESERVATION_STATUS_JA[r.status],
    queuePosition: positions.get(r.id) ?? null,
    itemNumber: r.itemNumber,
    dates: {
      placedOn: jstDateOf(r.placedAt),
      ...(r.pickupFrom ? { pickupFrom: fromDbDate(r.pickupFrom) } : {}),
      ...(r.pickupUntil ? { pickupUntil: fromDbDate(r.pickupUntil) } : {}),
      // A loan with a bag went out on Thursday (R-COOP-2): its day of lending is the processing day.
      ...(r.loan?.bag ? { processingDay: fromDbDate(r.loan.lentOn) } : {}),
      ...(due && window ? { due, renewFrom: window.from, renewUntil: window.until } : {}),
      ...(r.loan?.returnedOn ? { returnedOn: fromDbDate(r.loan.returnedOn) } : {}),
      ...(r.suspendedUntil && r.status === 'WAITING' ? { suspendedUntil: fromDbDate(r.suspendedUntil) } : {}),
      ...(r.notNeededAfter ? { notNeededAfter: fromDbDate(r.notNeededAfter) } : {}),
    },
    renewalsUsed,
    renewalsLeft: MAX_RENEWALS - renewalsUsed,
    dispatchFailures: r.dispatchFailures,
    reason: (r.reason as Refusal | null) ?? null,
    mails: mails.map((m) => ({ kind: m.kind, at: formatJst(m.noticeAt ?? m.sentAt ?? m.createdAt), state: m.state })),
    transitions: r.transitions.map((t) => ({ status: t.status, at: formatJst(t.at), ...(t.note ? { note: t.note } : {}) })),
  };
}
