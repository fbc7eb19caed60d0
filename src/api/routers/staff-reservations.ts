// Staff: reservations — the lists and one reservation's full state from the records (with who of the
// staff did what to it), and the counter's requests: cancel at any stage (R-CANCEL-2) and pickup, each
// recorded as a staff act (staff-acts.ts).
import { z } from 'zod';
import { isReservationStatus, type ReservationStatus } from '../../domain';
import { listReservations, reservationDetail } from '../../services/reservation-queries';
import { cancelReservation, pickupReservation } from '../../services/reservation-requests';
import { reservationRefs, staffActsOf } from '../../services/staff-actions';
import type { Db } from '../../db/client';
import { refused } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { PickupBody, pageOf, ReservationFilterQuery, ReservationId, ReservationSummary, StaffCancelBody } from '../schemas';
import { recordStaffAct } from '../staff-acts';
import { StaffReservationDetail } from '../staff-schemas';

const TAG = 'Staff: reservations';
const ReservationPath = z.strictObject({ reservationId: ReservationId });

/** What staff read of a reservation: its full state, and the staff acts that named it. */
async function staffDetail(db: Db, reservationId: string) {
  return { ...(await reservationDetail(db, reservationId)), staffActs: await staffActsOf(db, reservationId) };
}

export const staffReservationRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/staff/reservations',
    operationId: 'listReservations',
    summary: 'Reservations filtered by status, pickup place, patron, title and date placed',
    description: 'From the records, newest first, paginated. Dates are JST calendar days, inclusive.',
    tag: TAG,
    auth: ['staff'],
    query: ReservationFilterQuery,
    success: { status: 200, description: 'One page of reservations', schema: pageOf(ReservationSummary) },
    async handler({ query, ctx }) {
      const status = query.status?.split(',').filter(isReservationStatus) as ReservationStatus[] | undefined;
      const pickup = query.pickup;
      return { body: await listReservations(ctx.deps.db, { ...query, status, pickup }) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/reservations/{reservationId}',
    operationId: 'getReservation',
    summary: 'One reservation’s full state: status, dates, queue position, history, and who of the staff did what',
    description:
      'From the records, which own every fact of it (reservation, loan, mail_outbox, reservation_transition), running or ended; ' +
      '`staffActs` (staff_action) names the member of staff — or the staff API key — behind each staff act on it.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    success: { status: 200, description: 'The reservation', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation' },
    async handler({ params, ctx }) {
      return { body: await staffDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/reservations/{reservationId}/cancel',
    operationId: 'cancelReservation',
    summary: 'Cancel a reservation at the counter or by phone, at any stage up to 配送中',
    description: 'R-CANCEL-2 (not by e-mail; not once 貸出中 or ended), R-CANCEL-3 (the copy goes to the next reserver or the shelf).',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: StaffCancelBody,
    success: { status: 200, description: 'Cancelled (取消)', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-CANCEL-2' },
    async handler({ params, body, caller, ctx }) {
      const { reservationId } = params;
      await recordStaffAct(
        ctx,
        caller,
        { action: 'cancel', ...(await reservationRefs(ctx.deps.db, reservationId)), details: { channel: body.channel } },
        async () => {
          const r = await cancelReservation(ctx.deps, { reservationId, owner: 'any', by: 'staff', channel: body.channel });
          if (!r.ok) throw refused(r.refusal, 409);
        },
      );
      return { body: await staffDetail(ctx.deps.db, reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/reservations/{reservationId}/pickup',
    operationId: 'pickupReservation',
    summary: 'The patron collects the reserved copy (prefectural counter or cooperating library)',
    description:
      'R-PREF-4: lent at the prefectural counter, due 15 days from checkout (R-OVERDUE-1, R-LIMIT-1 apply). R-COOP-1: collected at the cooperating library within its window; ' +
      'the card must be shown, and every pickup says whether it was (`cardShown`, required: without it, 422 naming `body.cardShown`).',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: PickupBody,
    success: { status: 200, description: 'Collected: 貸出中, with the due date', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-STATUS-1, R-COOP-4, R-COOP-1, R-PREF-4, R-OVERDUE-1, R-LIMIT-1' },
    async handler({ params, body, caller, ctx }) {
      const { reservationId } = params;
      await recordStaffAct(
        ctx,
        caller,
        { action: 'pickup', ...(await reservationRefs(ctx.deps.db, reservationId)), details: { cardShown: body.cardShown } },
        async () => {
          const r = await pickupReservation(ctx.deps, { reservationId, cardShown: body.cardShown });
          if (!r.ok) throw refused(r.refusal, 409);
        },
      );
      return { body: await staffDetail(ctx.deps.db, reservationId) };
    },
  }),
];
