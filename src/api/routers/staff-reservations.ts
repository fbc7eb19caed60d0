// Staff: reservations — the lists and one reservation's full state from the records, and the
// counter's requests: cancel at any stage (R-CANCEL-2) and pickup.
import { z } from 'zod';
import { isReservationStatus, type ReservationStatus } from '../../domain';
import { listReservations, reservationDetail } from '../../services/reservation-queries';
import { cancelReservation, pickupReservation } from '../../services/reservation-requests';
import { refused } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { PickupBody, pageOf, ReservationDetail, ReservationFilterQuery, ReservationId, ReservationSummary, StaffCancelBody } from '../schemas';

const TAG = 'Staff: reservations';
const ReservationPath = z.strictObject({ reservationId: ReservationId });

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
    summary: 'One reservation’s full state: status, dates, queue position, history',
    description: 'From the records, which own every fact of it (reservation, loan, mail_outbox, reservation_transition), running or ended.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    success: { status: 200, description: 'The reservation', schema: ReservationDetail },
    responses: { 404: 'No such reservation' },
    async handler({ params, ctx }) {
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
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
    success: { status: 200, description: 'Cancelled (取消)', schema: ReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-CANCEL-2' },
    async handler({ params, body, ctx }) {
      const r = await cancelReservation(ctx.deps, { reservationId: params.reservationId, owner: 'any', by: 'staff', channel: body.channel });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/reservations/{reservationId}/pickup',
    operationId: 'pickupReservation',
    summary: 'The patron collects the reserved copy (prefectural counter or cooperating library)',
    description:
      'R-PREF-4: lent at the prefectural counter, due 15 days from checkout (R-OVERDUE-1, R-LIMIT-1 apply). R-COOP-1: collected at the cooperating library within its window; ' +
      'the card must be shown.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: PickupBody,
    success: { status: 200, description: 'Collected: 貸出中, with the due date', schema: ReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-STATUS-1, R-COOP-4, R-COOP-1, R-PREF-4, R-OVERDUE-1, R-LIMIT-1' },
    async handler({ params, body, ctx }) {
      const r = await pickupReservation(ctx.deps, { reservationId: params.reservationId, cardShown: body.cardShown });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
];
