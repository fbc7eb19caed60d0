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
import type { Actor, Channel, LocalDate, Refusal, ReservationStatus } from '../domain';

export const reservationWorkflowId = (reservationId: string): string => `reservation-${reservationId}`;
/** The reservation a workflow id belongs to, or undefined for other workflows (Thursday processing). */
export const reservationIdOfWorkflow = (workflowId: string): string | undefined =>
  workflowId.startsWith('reservation-') ? workflowId.slice('reservation-'.length) : undefined;

// ---- signals (library events) ----

/** A copy was set aside for this reservation (R-STATUS-1): SECURED (cooperating) or READY (prefectural). */
export interface CopySecured {
  itemNumber: string;
  at: string;
}
export const copySecuredSignal = defineSignal<[CopySecured]>('copySecured');

/** The reservation's place in the title's queue changed (予約順位); `version` orders announcements. */
export interface QueuePosition {
  position: number;
  version: number;
}
export const queuePositionSignal = defineSignal<[QueuePosition]>('queuePosition');

/** What Thursday processing decided for this reservation (R-DISPATCH-1…4). */
export type ThursdayOutcome =
  | { kind: 'dispatched'; processingDay: LocalDate; due: LocalDate }
  | { kind: 'failed'; failures: number; reason: Refusal; next: 'SECURED' | 'WAITING' | 'RELEASED'; queue?: QueuePosition }
  | { kind: 'rebalanced'; queue: QueuePosition };
export const thursdayOutcomeSignal = defineSignal<[ThursdayOutcome]>('thursdayOutcome');

/** The copy's return was processed at the prefectural library (R-RETURN-4). */
export const checkedInSignal = defineSignal<[{ at: string }]>('checkedIn');

// ---- updates (requests that need an answer) ----

export interface CancelRequest {
  by: Actor;
  channel?: Channel;
}
export const cancelUpdate = defineUpdate<ReservationView, [CancelRequest]>('cancel');

/**
 * R-COOP-1, R-PREF-4: the copy is handed over only to a patron who shows the prefectural library's
 * card. Staff record whether it was shown; omitted means shown (the counter would not ask otherwise).
 */
export interface PickupRequest {
  cardShown?: boolean;
}
export const pickupUpdate = defineUpdate<ReservationView, [PickupRequest]>('pickup');

export interface RenewRequest {
  channel: Channel;
}
export const renewUpdate = defineUpdate<ReservationView, [RenewRequest]>('renew');

export interface ReturnRequest {
  /** "pref" or "coop:<no>" */
  place: string;
}
export const returnUpdate = defineUpdate<ReservationView, [ReturnRequest]>('returnAt');

// ---- query ----

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
  };
  renewalsUsed: number;
  renewalsLeft: number;
  dispatchFailures: number;
  /** Why the reservation ended or is held back, if it is (rule id and message). */
  reason: Refusal | null;
  mails: { kind: 'LENDING_NOTICE'; at: string; state: 'SENT' | 'SKIPPED' | 'UNCERTAIN' | 'FAILED' }[];
  transitions: Transition[];
}
export const viewQuery = defineQuery<ReservationView>('view');
