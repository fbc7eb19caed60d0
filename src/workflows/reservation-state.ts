// The reservation's state and its transitions, as a small class with no Temporal in it: the workflow
// function wires messages to these methods and waits; every date comes from the pure calendar.
import {
  MAX_RENEWALS,
  RESERVATION_STATUS_JA,
  coopDates,
  dueFromCheckout,
  formatJst,
  isFinalStatus,
  jstDateOf,
  parsePlace,
  renewalWindow,
  type LocalDate,
  type Place,
  type Refusal,
  type ReservationStatus,
} from '../domain';
import type { QueuePosition, ReservationView, Transition } from './reservation-messages';

export interface ReservationInput {
  reservationId: string;
  patronId: string;
  titleId: string;
  /** "pref" or "coop:<no>" */
  pickup: string;
  /** ISO instant the request was made. */
  placedAt: string;
  config?: Partial<ReservationConfig>;
}

export interface ReservationConfig {
  /** R-STATUS-1: 予約申込 is held this long before it joins the queue (default 5 minutes). */
  securityDelayMs: number;
  /**
   * R-PREF-1 sends the notice "at once"; this is the latency of that "at once" (default 0). R-PREF-3
   * (no notice when the patron borrowed first) is what happens inside it.
   */
  prefNoticeDelayMs: number;
  /** R-COOP-4: the Saturday notice goes out at this JST time (default 09:00; the guide gives the day only). */
  coopNoticeHour: number;
}

export const DEFAULT_RESERVATION_CONFIG: ReservationConfig = {
  securityDelayMs: 5 * 60_000,
  prefNoticeDelayMs: 0,
  coopNoticeHour: 9,
};

export class ReservationState {
  status: ReservationStatus = 'APPLIED';
  readonly place: Place;
  readonly config: ReservationConfig;
  queuePosition: number | null = null;
  queueVersion = 0;
  itemNumber: string | null = null;
  dates: ReservationView['dates'];
  renewalsUsed = 0;
  dispatchFailures = 0;
  reason: Refusal | null = null;
  checkedIn = false;
  readonly mails: ReservationView['mails'] = [];
  readonly transitions: Transition[] = [];

  constructor(
    readonly input: ReservationInput,
    /** Told of every change of status (the workflow logs it). */
    private readonly onMove: (from: ReservationStatus, to: ReservationStatus, note?: string) => void = () => undefined,
  ) {
    const place = parsePlace(input.pickup);
    if (!place) throw new Error(`unknown pickup place ${input.pickup}`);
    this.place = place;
    this.config = { ...DEFAULT_RESERVATION_CONFIG, ...input.config };
    const placedAt = new Date(input.placedAt);
    this.dates = { placedOn: jstDateOf(placedAt) };
    this.transitions.push({ status: 'APPLIED', at: formatJst(placedAt) });
  }

  get ended(): boolean {
    return isFinalStatus(this.status);
  }

  /** Statuses in which a copy is set aside for this reservation. */
  get holdsCopy(): boolean {
    return this.status === 'SECURED' || this.status === 'READY' || this.status === 'IN_DELIVERY';
  }

  moveTo(status: ReservationStatus, now: Date, note?: string): void {
    if (this.status === status) return;
    const from = this.status;
    this.status = status;
    this.onMove(from, status, note);
    this.transitions.push(note ? { status, at: formatJst(now), note } : { status, at: formatJst(now) });
  }

  /** R-STATUS-1, R-ITEM-3: in the title's queue (確保待ち). */
  waiting(queue: QueuePosition, now: Date): void {
    this.itemNumber = null;
    this.placeInQueue(queue);
    this.moveTo('WAITING', now);
  }

  /** 予約順位: announcements can arrive out of order; the newest version wins. */
  placeInQueue({ position, version }: QueuePosition): void {
    if (version < this.queueVersion) return;
    this.queueVersion = version;
    this.queuePosition = position;
  }

  /** R-STATUS-1: a copy was set aside — 確保済み (cooperating library) or 貸出可能 (prefectural). */
  secured(itemNumber: string, now: Date): void {
    if (this.ended || this.holdsCopy || this.status === 'ON_LOAN') return; // a repeated signal
    this.itemNumber = itemNumber;
    this.queuePosition = null;
    this.moveTo(this.place.kind === 'pref' ? 'READY' : 'SECURED', now);
  }

  /** R-PREF-1, R-PREF-2: the notice went out; the hold runs 7 days counting the mail day (prefHoldDates). */
  prefNoticeSent(pickupFrom: LocalDate, pickupUntil: LocalDate): void {
    this.dates = { ...this.dates, pickupFrom, pickupUntil };
  }

  /** R-COOP-4: Thursday processing lent the copy; every later date follows from that day. */
  dispatched(processingDay: LocalDate, now: Date): void {
    const d = coopDates(processingDay);
    this.dates = {
      ...this.dates,
      processingDay,
      pickupFrom: d.pickupFrom,
      pickupUntil: d.pickupUntil,
      due: d.due,
      renewFrom: d.renewFrom,
      renewUntil: d.due,
    };
    this.moveTo('IN_DELIVERY', now);
  }

  /** R-PREF-4: checkout at the prefectural counter on C → due C+14. Cooperating: due set on Thursday. */
  pickedUp(now: Date, due?: LocalDate): void {
    const dueDate = due ?? this.dates.due ?? dueFromCheckout(jstDateOf(now));
    const window = renewalWindow(dueDate);
    this.dates = { ...this.dates, due: dueDate, renewFrom: window.from, renewUntil: window.until };
    this.moveTo('ON_LOAN', now);
  }

  renewed(newDue: LocalDate): void {
    this.renewalsUsed += 1;
    const window = renewalWindow(newDue);
    this.dates = { ...this.dates, due: newDue, renewFrom: window.from, renewUntil: window.until };
  }

  returnedAt(on: LocalDate): void {
    this.dates = { ...this.dates, returnedOn: on };
  }

  end(status: 'RETURNED' | 'CANCELLED' | 'RELEASED', now: Date, reason?: Refusal): void {
    if (reason) this.reason = reason;
    this.itemNumber = status === 'RETURNED' ? this.itemNumber : null;
    this.queuePosition = null;
    this.moveTo(status, now, reason?.rule);
  }

  view(): ReservationView {
    return {
      reservationId: this.input.reservationId,
      titleId: this.input.titleId,
      patronId: this.input.patronId,
      pickup: this.input.pickup,
      status: this.status,
      statusLabel: RESERVATION_STATUS_JA[this.status],
      queuePosition: this.status === 'WAITING' ? this.queuePosition : null,
      itemNumber: this.itemNumber,
      dates: { ...this.dates },
      renewalsUsed: this.renewalsUsed,
      renewalsLeft: MAX_RENEWALS - this.renewalsUsed,
      dispatchFailures: this.dispatchFailures,
      reason: this.reason,
      mails: [...this.mails],
      transitions: [...this.transitions],
    };
  }
}
