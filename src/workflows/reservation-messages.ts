// The messages a reservation workflow understands. Defined apart from the workflow so that the API,
// the activities and the simulator import names and payload types without importing workflow code.
//
// Why Updates and why Signals:
// - A patron's or staff member's *request* (cancel, pickup, renew, return) needs an answer: accepted
//   with the new dates, or refused with the rule that refused it. Those are Updates; their validators
//   refuse before anything is written to history, so a refused request leaves the state as it was.
// - The library's own *events* (a copy was secured for this reservation, Thursday processing decided,
//   the returned copy was checked in centrally) need no answer to anyone. Those are Signals, sent by
//   the activities that made the event happen, after their database transaction committed.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, Channel, LocalDate, Refusal, ReservationStatus, ReturnVia } from '../domain';

export const reservationWorkflowId = (reservationId: string): string => `reservation-${reservationId}`;
/** R-SCALE-5: the workflow type every reservation is started as now (src/workflows/reservation-generation.ts). */
export const RESERVATION_WORKFLOW_TYPE = 'reservationV2';
/** Every reservation workflow type that may still run: the first generation's and today's. */
export const RESERVATION_WORKFLOW_TYPES = ['reservation', RESERVATION_WORKFLOW_TYPE] as const;
/** The reservation a workflow id belongs to, or undefined for other workflows (Thursday processing). */
export const reservationIdOfWorkflow = (workflowId: string): string | undefined =>
  workflowId.startsWith('reservation-') ? workflowId.slice('reservation-'.length) : undefined;

// ---- signals (library events) ----
// Each carries the facts the activity that sent it recorded, for the workflow to adopt as they are.
// Fields added later are optional: signals already in the histories of running reservations lack them.

/** A copy was set aside for this reservation (R-STATUS-1): SECURED (cooperating) or READY (prefectural). */
export interface CopySecured {
  itemNumber: string;
  at: string;
  status?: 'SECURED' | 'READY';
}
export const copySecuredSignal = defineSignal<[CopySecured]>('copySecured');

/** What Thursday processing decided for this reservation (R-DISPATCH-1…4), as it recorded it. */
export type ThursdayOutcome =
  | {
      kind: 'dispatched';
      processingDay: LocalDate;
      due: LocalDate;
      /** R-COOP-4: the pickup window and the day of the lending notice (coopDates of the processing day). */
      pickupFrom?: LocalDate;
      pickupUntil?: LocalDate;
      noticeOn?: LocalDate;
    }
  | {
      kind: 'failed';
      failures: number;
      reason: Refusal;
      next: 'SECURED' | 'WAITING' | 'RELEASED';
      /** R-DISPATCH-1: why it could not be lent (over the loan limit, an overdue loan), for the notice. */
      cause?: Refusal;
    }
  | { kind: 'rebalanced' };
export const thursdayOutcomeSignal = defineSignal<[ThursdayOutcome]>('thursdayOutcome');

/** The copy's return was processed at the prefectural library (R-RETURN-4). */
export const checkedInSignal = defineSignal<[{ at: string }]>('checkedIn');

// ---- updates (requests that need an answer) ----

export interface CancelRequest {
  by: Actor;
  channel?: Channel;
}
export const cancelUpdate = defineUpdate<WorkflowState, [CancelRequest]>('cancel');

/**
 * R-COOP-1, R-PREF-4: the copy is handed over only to a patron who shows the prefectural library's
 * card. Staff record whether it was shown, on every pickup; a request without it is taken as not shown
 * (behind the patch `pickup-card-required`: histories recorded before took it as shown).
 */
export interface PickupRequest {
  cardShown: boolean;
}
export const pickupUpdate = defineUpdate<WorkflowState, [PickupRequest]>('pickup');

export interface RenewRequest {
  channel: Channel;
}
export const renewUpdate = defineUpdate<WorkflowState, [RenewRequest]>('renew');

export interface ReturnRequest {
  /** "pref" or "coop:<no>" */
  place: string;
  /** R-RETURN-5: how it was handed in (default the counter); a book post only at the prefectural library (R-RETURN-3). */
  via?: ReturnVia;
  /** R-RETURN-5: the day it was handed in (default today): not in the future, not before the loan. R-OVERDUE-2 counts from it. */
  returnedOn?: LocalDate;
}
export const returnUpdate = defineUpdate<WorkflowState, [ReturnRequest]>('returnAt');

/**
 * R-PICKUP-1, R-PICKUP-2 (受取館変更, issue 13): the patron while 予約申込 / 確保待ち, staff also while
 * 確保済み (before its Thursday run) and 貸出可能. Answered with the state after the change.
 */
export interface ChangePickupRequest {
  /** "pref" or "coop:<no>" */
  pickup: string;
  by: Actor;
}
export const changePickupUpdate = defineUpdate<WorkflowState, [ChangePickupRequest]>('changePickup');

/** R-SUSPEND-1, R-SUSPEND-2 (保留): a 確保待ち reservation is passed over until `until` (the day it resumes). */
export interface SuspendRequest {
  until: LocalDate;
  by: Actor;
}
export const suspendUpdate = defineUpdate<WorkflowState, [SuspendRequest]>('suspend');
/** R-SUSPEND-1: the patron (or staff for them) ends the suspension before its day. */
export const resumeUpdate = defineUpdate<WorkflowState, [{ by: Actor }]>('resume');
/** R-SUSPEND-3 (不要日): the day after which a 予約申込/確保待ち reservation is not needed (null clears it). */
export interface NotNeededAfterRequest {
  day: LocalDate | null;
  by: Actor;
}
export const setNotNeededAfterUpdate = defineUpdate<WorkflowState, [NotNeededAfterRequest]>('setNotNeededAfter');

// ---- query ----

/**
 * What the workflow itself holds: its status and what it waits for. What a patron or a member of staff
 * reads about a reservation comes from the records (src/services/reservation-view.ts), which own it.
 */
export interface WorkflowState {
  reservationId: string;
  status: ReservationStatus;
  pickupFrom: LocalDate | null;
  pickupUntil: LocalDate | null;
  noticeOn: LocalDate | null;
  loan: { due: LocalDate; renewalsUsed: number; returnedOn?: LocalDate } | null;
  checkedIn: boolean;
}
export const viewQuery = defineQuery<WorkflowState>('view');

/**
 * R-CLOSED-4: a closure entered or removed later moved this reservation's dates, as the records now
 * have them (only those it has: a hold's end, a delivery's window and due date, a loan's due date).
 */
export interface DatesChanged {
  at: string;
  pickupFrom?: LocalDate;
  pickupUntil?: LocalDate;
  due?: LocalDate;
}
export const datesChangedSignal = defineSignal<[DatesChanged]>('datesChanged');
