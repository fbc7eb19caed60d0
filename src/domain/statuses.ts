/**
 * The words patrons see: reservation statuses (利用状況, spec §3), item statuses (資料の状態, R-ITEM-2)
 * and material types (R-ITEM-1). Codes are stable identifiers for the database and the API; the
 * Japanese labels are exactly the ones My Library shows.
 */

// ---------------------------------------------------------------------------------------------------
// Reservation statuses (spec §3, R-STATUS-1)

export const RESERVATION_STATUSES = [
  'APPLIED',
  'WAITING',
  'SECURED',
  'READY',
  'IN_DELIVERY',
  'ON_LOAN',
  'RETURNED',
  'CANCELLED',
  'RELEASED',
] as const;

export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Labels as in the spec's table and the guide's 利用状況の表示. */
export const RESERVATION_STATUS_JA: Readonly<Record<ReservationStatus, string>> = {
  APPLIED: '予約申込',
  WAITING: '確保待ち',
  SECURED: '確保済み',
  READY: '貸出可能',
  IN_DELIVERY: '配送中',
  ON_LOAN: '貸出中',
  RETURNED: '返却済',
  CANCELLED: '取消',
  RELEASED: '予約解除',
};

export const RESERVATION_STATUS_EN: Readonly<Record<ReservationStatus, string>> = {
  APPLIED: 'applied',
  WAITING: 'waiting for a copy',
  SECURED: 'secured',
  READY: 'ready for pickup',
  IN_DELIVERY: 'in delivery',
  ON_LOAN: 'on loan',
  RETURNED: 'returned',
  CANCELLED: 'cancelled',
  RELEASED: 'released',
};

export function isReservationStatus(text: string): text is ReservationStatus {
  return (RESERVATION_STATUSES as readonly string[]).includes(text);
}

/** Nothing happens to a reservation after these: returned, cancelled (R-CANCEL-*), released by the library. */
const FINAL_STATUSES: ReadonlySet<ReservationStatus> = new Set(['RETURNED', 'CANCELLED', 'RELEASED']);

export function isFinalStatus(status: ReservationStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/**
 * R-LIMIT-1, Decision under R-LIMIT-2: a reservation counts against the 20 while it is still a
 * reservation (予約申込, 確保待ち, 確保済み, 貸出可能) …
 */
const COUNTED_AS_RESERVATION: ReadonlySet<ReservationStatus> = new Set(['APPLIED', 'WAITING', 'SECURED', 'READY']);

/**
 * … and against the 10 loans from 配送中 on: Thursday processing lends the copy, and My Library moves it
 * from 予約した資料 to 借りている資料. A copy returned at a cooperating library stays 貸出中 until its
 * return is processed centrally (R-RETURN-4), so it keeps counting as a loan until then.
 */
const COUNTED_AS_LOAN: ReadonlySet<ReservationStatus> = new Set(['IN_DELIVERY', 'ON_LOAN']);

/** R-LIMIT-1: does a reservation in this status use one of the patron's 20 reservations? */
export function countsAsReservation(status: ReservationStatus): boolean {
  return COUNTED_AS_RESERVATION.has(status);
}

/** R-LIMIT-1: does a reservation in this status use one of the patron's 10 loans? */
export function countsAsLoan(status: ReservationStatus): boolean {
  return COUNTED_AS_LOAN.has(status);
}

/** The statuses that count as reservations (予約した資料 in My Library), for database filters. */
export const RESERVED_STATUSES: readonly ReservationStatus[] = [...COUNTED_AS_RESERVATION];

/** Not yet lent and not ended: a second reservation of the same title by the same patron is refused meanwhile. */
export const OPEN_RESERVATION_STATUSES: readonly ReservationStatus[] = [...COUNTED_AS_RESERVATION, 'IN_DELIVERY'];

/** R-LIMIT-1: how many of the 20 reservations these use. */
export function countReservations(statuses: readonly ReservationStatus[]): number {
  return statuses.filter(countsAsReservation).length;
}

/** R-LIMIT-1: how many of the loans (default 10) these use. */
export function countLoans(statuses: readonly ReservationStatus[]): number {
  return statuses.filter(countsAsLoan).length;
}

// ---------------------------------------------------------------------------------------------------
// Item statuses (R-ITEM-2, R-ITEM-3)

/**
 * 資料の状態 as the OPAC shows it. `貸出〇〇` carries the loan category after 貸出 (貸出一般 …), so it is a
 * family of values rather than one.
 */
export type ItemStatus = '書架' | '禁帯' | '予受待' | '予回送' | '不明' | `貸出${string}`;

export const ON_SHELF: ItemStatus = '書架';
export const NOT_FOR_LOAN: ItemStatus = '禁帯';
export const HELD_FOR_RESERVER: ItemStatus = '予受待';
export const IN_TRANSIT_FOR_RESERVATION: ItemStatus = '予回送';
/**
 * Not found on the shelf when staff came to pull it, twice (R-STATUS-1 Decision, spec §3). Not in
 * the guide's list of statuses: staff see it, and it serves no request until a check-in finds it.
 */
export const MISSING: ItemStatus = '不明';

/** Reads the OPAC's text; undefined for anything that is not one of R-ITEM-2's statuses. */
export function parseItemStatus(text: string): ItemStatus | undefined {
  if (text === '書架' || text === '禁帯' || text === '予受待' || text === '予回送') return text;
  if (/^貸出\S+$/u.test(text)) return text as ItemStatus;
  return undefined;
}

/** R-ITEM-2: 書架 — on the shelf and lendable now (though a walk-in may still take it first, R-ITEM-4). */
export function isOnShelf(status: ItemStatus): boolean {
  return status === ON_SHELF;
}

/** R-ITEM-2: 禁帯 — not for loan, cannot be lent or reserved. */
export function isNotForLoan(status: ItemStatus): boolean {
  return status === NOT_FOR_LOAN;
}

/** R-ITEM-3: 貸出〇〇, 予受待, 予回送 — in use; a request for it becomes a reservation in the queue. */
export function isInUse(status: ItemStatus): boolean {
  return status === HELD_FOR_RESERVER || status === IN_TRANSIT_FOR_RESERVATION || status.startsWith('貸出');
}

// ---------------------------------------------------------------------------------------------------
// Material types (R-ITEM-1)

export const MATERIAL_TYPES = ['図書', 'デイジー', '雑誌', '視聴覚'] as const;

export type MaterialType = (typeof MATERIAL_TYPES)[number];

export function isMaterialType(text: string): text is MaterialType {
  return (MATERIAL_TYPES as readonly string[]).includes(text);
}

/** R-ITEM-1: only books (図書) and DAISY recordings (デイジー) are lent or reserved online. */
export function isLendable(type: MaterialType): boolean {
  return type === '図書' || type === 'デイジー';
}
