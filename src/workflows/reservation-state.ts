// What the reservation workflow keeps, and only that: its status and the facts it needs in order to
// wait (the end of a hold, the Saturday notice, the loan's due date and renewals for the requests'
// validators). Every one of them is *told* — adopted from what an activity returned or a signal
// carried, after the activity committed it to the records. The records (PostgreSQL) own every fact
// staff and patrons see: status, dates, queue position, renewals, mails, dispatch failures, reasons,
// history (src/services/reservation-view.ts reads them). Nothing here is derived a second time.
import {
  DEFAULT_NOTICE_HOUR,
  DEFAULT_OVERDUE_NOTICE_MAX,
  DEFAULT_SUSPEND_MAX_DAYS,
  isFinalStatus,
  parsePlace,
  type Actor,
  type LocalDate,
  type Place,
  type Refusal,
  type ReservationStatus,
} from '../domain';
import type { WorkflowState } from './reservation-messages';
import type { Generation } from './reservation-generation';

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
  /** The hour (JST) of the timed notices: PICKUP_REMINDER, PRE_DUE, OVERDUE (default 09:00, NOTICE_HOUR). */
  noticeHour: number;
  /** At most this many OVERDUE notices, a week apart (default 3, OVERDUE_NOTICE_MAX). */
  overdueNoticeMax: number;
  /** R-SUSPEND-2: a suspension ends at most this many days ahead (default 90, SUSPEND_MAX_DAYS). */
  suspendMaxDays: number;
}

export const DEFAULT_RESERVATION_CONFIG: ReservationConfig = {
  securityDelayMs: 5 * 60_000,
  prefNoticeDelayMs: 0,
  coopNoticeHour: 9,
  noticeHour: DEFAULT_NOTICE_HOUR,
  overdueNoticeMax: DEFAULT_OVERDUE_NOTICE_MAX,
  suspendMaxDays: DEFAULT_SUSPEND_MAX_DAYS,
};

/** A notice an event made owed, for the workflow's main path to send (a signal handler cannot wait for it). */
export interface OwedNotice {
  kind: 'DISPATCH_FAILED';
  occurrence: string;
  cause?: Refusal;
}

/** The loan's facts the validators of renew and return need, as the activities reported them. */
export interface LoanFacts {
  due: LocalDate;
  renewalsUsed: number;
  returnedOn?: LocalDate;
}

export class ReservationState {
  status: ReservationStatus = 'APPLIED';
  /** The pickup place: the placement's, until a change (R-PICKUP-2) names another. */
  place: Place;
  /** R-SUSPEND-1: suspended until this day (it resumes then), as the activity recorded it; null: not suspended. */
  suspendedUntil: LocalDate | null = null;
  /** R-SUSPEND-1: this workflow's version waits in the queue with the suspension's timer (patch `reservation-suspend`). */
  suspendable = false;
  /** R-SUSPEND-3: the not-needed-after day, as the activity recorded it; null: none. */
  notNeededAfter: LocalDate | null = null;
  /** R-SUSPEND-3: this workflow's version waits with the not-needed-after timer (patch `reservation-not-needed-after`). */
  notNeedable = false;
  /** Lending notices sent so far: after a change of pickup place (R-PICKUP-2) the next one is a new notice. */
  lendingNotices = 0;
  readonly config: ReservationConfig;
  /** 配送中: the first day of the pickup window (R-COOP-4), before which a pickup is refused. */
  pickupFrom: LocalDate | null = null;
  /** The end of the hold (貸出可能) or of the pickup window (配送中): the day the release timer waits for. */
  pickupUntil: LocalDate | null = null;
  /** 配送中: the day of the lending notice (R-COOP-4, the Saturday after Thursday). */
  noticeOn: LocalDate | null = null;
  loan: LoanFacts | null = null;
  /** R-RETURN-4: the return counts only once processed centrally. */
  checkedIn = false;
  /** Notices owed by an event (a failed dispatch), sent by the main path (docs/notices.md). */
  readonly noticesOwed: OwedNotice[] = [];
  /** Who cancelled it (CANCELLED_BY_STAFF is sent only for staff, R-CANCEL-2). */
  cancelledBy: Actor | null = null;
  /** R-DISPATCH-1: why the last dispatch failed, for the RELEASED notice after the third (R-DISPATCH-2). */
  lastDispatchCause: Refusal | null = null;

  constructor(
    readonly input: ReservationInput,
    /** Which generation of the workflow this run is: the changes it has, how it runs its activities. */
    readonly generation: Generation,
    /** Told of every change of status (the workflow logs it). */
    private readonly onMove: (from: ReservationStatus, to: ReservationStatus, note?: string) => void = () => undefined,
  ) {
    const place = parsePlace(input.pickup);
    if (!place) throw new Error(`unknown pickup place ${input.pickup}`);
    this.place = place;
    this.config = { ...DEFAULT_RESERVATION_CONFIG, ...input.config };
  }

  get ended(): boolean {
    return isFinalStatus(this.status);
  }

  /** Statuses in which a copy is set aside for this reservation. */
  get holdsCopy(): boolean {
    return this.status === 'SECURED' || this.status === 'READY' || this.status === 'IN_DELIVERY';
  }

  /** Adopts a status the records now have (an activity committed it). */
  moveTo(status: ReservationStatus, note?: string): void {
    if (this.status === status) return;
    const from = this.status;
    this.status = status;
    this.onMove(from, status, note);
  }

  /**
   * R-STATUS-1: a copy was set aside — 確保済み (cooperating library) or 貸出可能 (prefectural), as the
   * allocation recorded it. Signals recorded before the status travelled with them carry none: for
   * those (histories of reservations that were running across the upgrade) the pickup place says it.
   */
  secured(status: 'SECURED' | 'READY' | undefined): void {
    if (this.ended || this.holdsCopy || this.status === 'ON_LOAN') return; // a repeated signal
    this.moveTo(status ?? (this.place.kind === 'pref' ? 'READY' : 'SECURED'));
  }

  lent(loan: LoanFacts): void {
    this.loan = { ...loan };
    this.moveTo('ON_LOAN');
  }

  /** For the query: the status and what the workflow waits for — nothing a person reads (that is the records'). */
  snapshot(): WorkflowState {
    return {
      reservationId: this.input.reservationId,
      status: this.status,
      pickupFrom: this.pickupFrom,
      pickupUntil: this.pickupUntil,
      noticeOn: this.noticeOn,
      loan: this.loan ? { ...this.loan } : null,
      checkedIn: this.checkedIn,
    };
  }
}
