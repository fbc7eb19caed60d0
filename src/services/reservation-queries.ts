// What the OPAC's My Library and the staff screens read: reservations and loans from the records,
// which own every fact of them (one reservation's full state: reservation-view.ts).
import {
  alreadyReturned,
  checkCancel,
  checkRenewal,
  endOfJstDay,
  formatJst,
  isOverdue,
  MAX_RENEWALS,
  notOnLoan,
  parseLocalDate,
  renewalWindow,
  RESERVATION_STATUS_JA,
  RESERVED_STATUSES,
  startOfJstDay,
  type LocalDate,
  type Refusal,
  type ReservationStatus,
} from '../domain';
import type { Db } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import type { Prisma, Reservation } from '../generated/prisma/client';
import { NotFoundError } from './errors';
import { queuePositions, reservationView, type ReservationView } from './reservation-view';
import { ITEM_STATUS_JA } from './place-reservation';
import { boundedTotal, countLimit } from './list-count';

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  /** How many match: exact when `totalIsExact`, else a lower bound (more match; R-SCALE-2). */
  total: number;
  totalIsExact: boolean;
}

const reservationInclude = { title: true, pickupPlace: true, patron: { select: { cardNumber: true } } } as const;
type ReservationRow = Prisma.ReservationGetPayload<{ include: typeof reservationInclude }>;

export interface ReservationSummary {
  reservationId: string;
  cardNumber: string;
  titleId: string;
  title: string;
  pickup: { code: string; label: string };
  status: ReservationStatus;
  statusLabel: string;
  queuePosition: number | null;
  itemNumber: string | null;
  placedAt: string;
  pickupFrom: LocalDate | null;
  pickupUntil: LocalDate | null;
  dispatchFailures: number;
  /** R-CANCEL-1: may the patron cancel it in My Library? */
  patronMayCancel: boolean;
  endReason: string | null;
}

function summarize(r: ReservationRow, positions: Map<string, number>): ReservationSummary {
  return {
    reservationId: r.id,
    cardNumber: r.patron.cardNumber,
    titleId: r.titleId,
    title: r.title.title,
    pickup: { code: r.pickupPlaceCode, label: r.pickupPlace.label },
    status: r.status,
    statusLabel: RESERVATION_STATUS_JA[r.status],
    queuePosition: r.status === 'WAITING' ? (positions.get(r.id) ?? null) : null,
    itemNumber: r.itemNumber,
    placedAt: formatJst(r.placedAt),
    pickupFrom: r.pickupFrom ? fromDbDate(r.pickupFrom) : null,
    pickupUntil: r.pickupUntil ? fromDbDate(r.pickupUntil) : null,
    dispatchFailures: r.dispatchFailures,
    patronMayCancel: checkCancel({ status: r.status, by: 'patron', channel: 'opac' }).ok,
    endReason: r.endReason,
  };
}

/** 予約した資料 in My Library: the patron's reservations not yet lent, oldest first. */
export async function patronReservations(db: Db, patronId: string): Promise<ReservationSummary[]> {
  const rows = await db.reservation.findMany({
    where: { patronId, status: { in: [...RESERVED_STATUSES] } },
    include: reservationInclude,
    orderBy: [{ placedAt: 'asc' }, { id: 'asc' }],
  });
  const positions = await queuePositions(db, rows);
  return rows.map((r) => summarize(r, positions));
}

export interface ReservationFilter {
  status?: ReservationStatus[] | undefined;
  pickup?: string | undefined;
  cardNumber?: string | undefined;
  title?: string | undefined;
  /** The copy set aside for it (資料番号). */
  itemNumber?: string | undefined;
  /** JST calendar days, inclusive (YYYY-MM-DD). */
  placedFrom?: string | undefined;
  placedUntil?: string | undefined;
  page: number;
  pageSize: number;
}

/** Staff: every reservation matching the filter, newest first, one page; its total bounded (R-SCALE-2). */
export async function listReservations(db: Db, f: ReservationFilter): Promise<Page<ReservationSummary>> {
  const where: Prisma.ReservationWhereInput = {
    ...(f.status?.length ? { status: { in: f.status } } : {}),
    ...(f.pickup ? { pickupPlaceCode: f.pickup } : {}),
    ...(f.cardNumber ? { patron: { cardNumber: f.cardNumber } } : {}),
    ...(f.title ? { OR: [{ titleId: f.title }, { title: { title: { contains: f.title, mode: 'insensitive' } } }] } : {}),
    ...(f.itemNumber ? { itemNumber: f.itemNumber } : {}),
    ...(f.placedFrom || f.placedUntil
      ? {
          placedAt: {
            ...(f.placedFrom ? { gte: startOfJstDay(parseLocalDate(f.placedFrom)) } : {}),
            ...(f.placedUntil ? { lt: endOfJstDay(parseLocalDate(f.placedUntil)) } : {}),
          },
        }
      : {}),
  };
  // The count in the page's order: a count with `take` is ordered (by id unless told), and in the page's
  // order it reads through the index the page reads through (R-SCALE-2) instead of the primary key's.
  const orderBy: Prisma.ReservationOrderByWithRelationInput[] = [{ placedAt: 'desc' }, { id: 'asc' }];
  const limit = countLimit(f);
  const [counted, rows] = await Promise.all([
    db.reservation.count({ where, orderBy, take: limit + 1 }),
    db.reservation.findMany({
      where,
      include: reservationInclude,
      orderBy,
      skip: (f.page - 1) * f.pageSize,
      take: f.pageSize,
    }),
  ]);
  const positions = await queuePositions(db, rows);
  return { items: rows.map((r) => summarize(r, positions)), page: f.page, pageSize: f.pageSize, ...boundedTotal(counted, limit) };
}

// ---------------------------------------------------------------------------------------------------
// Loans (借りている資料)

const loanInclude = {
  item: { include: { title: true } },
  reservation: { select: { status: true, pickupPlaceCode: true } },
  patron: { select: { cardNumber: true } },
} as const;
type LoanRow = Prisma.LoanGetPayload<{ include: typeof loanInclude }>;

export interface LoanSummary {
  loanId: string;
  cardNumber: string;
  itemNumber: string;
  /** 資料の状態 (R-ITEM-2) of the copy now. */
  itemStatus: string;
  titleId: string;
  title: string;
  reservationId: string | null;
  /** 配送中 until collected at the cooperating library, then 貸出中 (also while travelling back, R-RETURN-4). */
  status: 'IN_DELIVERY' | 'ON_LOAN' | 'RETURNED';
  statusLabel: string;
  state: string;
  lentOn: LocalDate;
  due: LocalDate;
  overdue: boolean;
  renewalsUsed: number;
  renewalsLeft: number;
  /** R-RENEW-3: the first and last day a renewal is accepted. */
  renewFrom: LocalDate;
  renewUntil: LocalDate;
  /** Why a renewal asked today would be refused (rule id and message), or null when it would be granted. */
  renewalBlockedBy: Refusal | null;
  returnedOn: LocalDate | null;
  returnedAt: PlaceRef | null;
  /** R-RETURN-5: how it was handed in (counter, designated-place, book-post); null before it was recorded so. */
  returnedVia: string | null;
  bag: string | null;
}

const ACTIVE_LOAN_STATES = ['ACTIVE', 'RETURNED_IN_TRANSIT'] as const;

/** R-RENEW-1…4 as the renewal request would answer today (reservation.ts and loans.ts ask the same). */
function renewalBlock(l: LoanRow, today: LocalDate, othersWaiting: boolean): Refusal | null {
  // Through a reservation the workflow answers: R-LOAN-1 for anything not 貸出中; a copy handed in at
  // a cooperating library (still 貸出中, travelling back) cites R-RETURN-4, as walk-in loans do
  // (reservation.ts, loans.ts, reservation-requests.ts).
  if (l.reservation && l.reservation.status !== 'ON_LOAN') return notOnLoan(l.reservation.status);
  if (l.state !== 'ACTIVE') return alreadyReturned();
  const outcome = checkRenewal({ due: fromDbDate(l.due), today, renewalsUsed: l.renewals, othersWaiting, channel: 'opac' });
  return outcome.ok ? null : outcome.refusal;
}

async function summarizeLoans(db: Db, rows: LoanRow[], today: LocalDate): Promise<LoanSummary[]> {
  const titles = [...new Set(rows.map((l) => l.item.titleId))];
  const waiting = titles.length
    ? await db.reservation.findMany({
        where: { titleId: { in: titles }, status: { in: ['APPLIED', 'WAITING'] } },
        select: { id: true, titleId: true },
      })
    : [];
  const codes = [...new Set(rows.flatMap((l) => (l.returnedAt ? [l.returnedAt] : [])))];
  const labels = new Map(
    codes.length ? (await db.pickupPlace.findMany({ where: { code: { in: codes } } })).map((p): [string, string] => [p.code, p.label]) : [],
  );
  return rows.map((l) => {
    const due = fromDbDate(l.due);
    const window = renewalWindow(due);
    const othersWaiting = waiting.some((w) => w.titleId === l.item.titleId && w.id !== l.reservationId);
    const status = l.state === 'CLOSED' || l.state === 'UNDONE' ? 'RETURNED' : l.reservation?.status === 'IN_DELIVERY' ? 'IN_DELIVERY' : 'ON_LOAN';
    const returnedOn = l.returnedOn ? fromDbDate(l.returnedOn) : null;
    return {
      loanId: l.id,
      cardNumber: l.patron.cardNumber,
      itemNumber: l.itemNumber,
      itemStatus: itemStatusLabel(l.item),
      titleId: l.item.titleId,
      title: l.item.title.title,
      reservationId: l.reservationId,
      status,
      statusLabel: status === 'ON_LOAN' ? `貸出${l.item.loanCategory ?? '一般'}` : RESERVATION_STATUS_JA[status],
      state: l.state,
      lentOn: fromDbDate(l.lentOn),
      due,
      overdue:
        status !== 'RETURNED' &&
        isOverdue({ due, today, ...(returnedOn && l.state === 'RETURNED_IN_TRANSIT' ? { returnedAtCoopOn: returnedOn } : {}) }),
      renewalsUsed: l.renewals,
      renewalsLeft: Math.max(0, MAX_RENEWALS - l.renewals),
      renewFrom: window.from,
      renewUntil: window.until,
      renewalBlockedBy: renewalBlock(l, today, othersWaiting),
      returnedOn,
      returnedAt: l.returnedAt ? { code: l.returnedAt, label: labels.get(l.returnedAt) ?? l.returnedAt } : null,
      returnedVia: l.returnedVia,
      bag: l.bag,
    };
  });
}

/** 資料の状態 as the OPAC shows it (R-ITEM-2): 貸出 carries its loan category (貸出一般 …). */
export function itemStatusLabel(item: { status: string; loanCategory: string | null }): string {
  if (item.status === 'ON_LOAN' && item.loanCategory) return `貸出${item.loanCategory}`;
  return ITEM_STATUS_JA[item.status] ?? item.status;
}

/** 借りている資料 in My Library: what the patron holds, 配送中 included (R-LIMIT-1 Decision). */
export async function patronLoans(db: Db, patronId: string, today: LocalDate): Promise<LoanSummary[]> {
  const rows = await db.loan.findMany({
    where: { patronId, state: { in: [...ACTIVE_LOAN_STATES] } },
    include: loanInclude,
    orderBy: [{ due: 'asc' }, { id: 'asc' }],
  });
  return summarizeLoans(db, rows, today);
}

export async function loanSummary(db: Db, loanId: string, today: LocalDate): Promise<LoanSummary> {
  const row = await db.loan.findUnique({ where: { id: loanId }, include: loanInclude });
  if (!row) throw new NotFoundError('loan', loanId);
  return (await summarizeLoans(db, [row], today))[0]!;
}

export interface LoanFilter {
  state?: ('ACTIVE' | 'RETURNED_IN_TRANSIT' | 'CLOSED' | 'UNDONE')[] | undefined;
  cardNumber?: string | undefined;
  title?: string | undefined;
  /** The copy lent (資料番号). */
  itemNumber?: string | undefined;
  /** Calendar days, inclusive (YYYY-MM-DD). */
  dueFrom?: string | undefined;
  dueUntil?: string | undefined;
  page: number;
  pageSize: number;
}

/** Staff: loans matching the filter, earliest due first, one page; its total bounded (R-SCALE-2). */
export async function listLoans(db: Db, f: LoanFilter, today: LocalDate): Promise<Page<LoanSummary>> {
  const where: Prisma.LoanWhereInput = {
    ...(f.state?.length ? { state: { in: f.state } } : {}),
    ...(f.cardNumber ? { patron: { cardNumber: f.cardNumber } } : {}),
    ...(f.title ? { item: { OR: [{ titleId: f.title }, { title: { title: { contains: f.title, mode: 'insensitive' } } }] } } : {}),
    ...(f.itemNumber ? { itemNumber: f.itemNumber } : {}),
    ...(f.dueFrom || f.dueUntil
      ? {
          due: {
            ...(f.dueFrom ? { gte: toDbDate(parseLocalDate(f.dueFrom)) } : {}),
            ...(f.dueUntil ? { lte: toDbDate(parseLocalDate(f.dueUntil)) } : {}),
          },
        }
      : {}),
  };
  const orderBy: Prisma.LoanOrderByWithRelationInput[] = [{ due: 'asc' }, { id: 'asc' }]; // the count too (see listReservations)
  const limit = countLimit(f);
  const [counted, rows] = await Promise.all([
    db.loan.count({ where, orderBy, take: limit + 1 }),
    db.loan.findMany({ where, include: loanInclude, orderBy, skip: (f.page - 1) * f.pageSize, take: f.pageSize }),
  ]);
  return { items: await summarizeLoans(db, rows, today), page: f.page, pageSize: f.pageSize, ...boundedTotal(counted, limit) };
}

// ---------------------------------------------------------------------------------------------------
// One reservation's full state

export interface ReservationDetail extends Omit<ReservationView, 'pickup'> {
  cardNumber: string;
  title: string;
  pickup: PlaceRef;
}

/** A place as responses give it: its code ("pref", "coop:<no>") and its name. */
export interface PlaceRef {
  code: string;
  label: string;
}

/** One reservation with the names staff and the patron read it by; every fact from the records (reservation-view.ts). */
export async function reservationDetail(db: Db, reservationId: string): Promise<ReservationDetail> {
  const row = await db.reservation.findUnique({ where: { id: reservationId }, include: reservationInclude });
  if (!row) throw new NotFoundError('reservation', reservationId);
  return {
    ...(await reservationView(db, reservationId)),
    cardNumber: row.patron.cardNumber,
    title: row.title.title,
    pickup: { code: row.pickupPlaceCode, label: row.pickupPlace.label },
  };
}

// ---------------------------------------------------------------------------------------------------
// Catalogue and places

/** R-ITEM-2, R-ITEM-3: a title's copies with their 資料の状態, and how many wait in its queue. */
export async function titleAvailability(db: Db, titleId: string) {
  const title = await db.title.findUnique({ where: { id: titleId }, include: { items: { orderBy: { itemNumber: 'asc' } } } });
  if (!title) throw new NotFoundError('title', titleId);
  const waiting = await db.reservation.count({ where: { titleId, status: 'WAITING' } });
  return {
    titleId: title.id,
    title: title.title,
    author: title.author,
    copies: title.items.map((i) => ({ itemNumber: i.itemNumber, materialType: i.materialType, status: itemStatusLabel(i) })),
    waiting,
  };
}

/** 受取場所: the prefectural library and the 59 cooperating libraries, with whether each is open. */
export async function pickupPlaces(db: Db) {
  const places = await db.pickupPlace.findMany({ include: { cooperatingLibrary: true } });
  return places
    .map((p) => ({
      code: p.code,
      label: p.label,
      libraryNo: p.cooperatingLibraryNo,
      region: p.cooperatingLibrary?.region ?? null,
      isOpen: p.cooperatingLibrary?.isOpen ?? true,
    }))
    .sort((a, b) => (a.libraryNo ?? 0) - (b.libraryNo ?? 0));
}

/** What the OPAC is told right after placing a reservation: its status, and how long the queue is. */
/** The answer to a placement, from the row as the placement's transaction left it (not read again). */
export async function placedReservation(db: Db, r: Pick<Reservation, 'id' | 'status' | 'titleId'>) {
  const positions = await queuePositions(db, [r]);
  const waitingAhead = await db.reservation.count({ where: { titleId: r.titleId, status: 'WAITING', id: { not: r.id } } });
  return {
    reservationId: r.id,
    status: r.status,
    statusLabel: RESERVATION_STATUS_JA[r.status],
    queuePosition: positions.get(r.id) ?? null,
    waitingAhead: r.status === 'WAITING' ? (positions.get(r.id) ?? 1) - 1 : waitingAhead,
  };
}
