// Staff: reservations — the lists and one reservation's full state from the records (with who of the
// staff did what to it), and the counter's requests: cancel at any stage (R-CANCEL-2) and pickup, each
// recorded as a staff act (staff-acts.ts).
import { z } from 'zod';
import {
  checkNotNeededDay,
  checkSuspendUntil,
  formatJst,
  isReservationStatus,
  jstDateOf,
  type LocalDate,
  type ReservationStatus,
} from '../../domain';
import { LIST_COUNT_CAP } from '../../services/list-count';
import { listReservations, reservationDetail } from '../../services/reservation-queries';
import {
  cancelReservation,
  changePickupPlace,
  pickupReservation,
  resumeReservation,
  setNotNeededAfter,
  suspendReservation,
} from '../../services/reservation-requests';
import { reservationRefs, staffActsOf } from '../../services/staff-actions';
import type { Db } from '../../db/client';
import { patronByCard } from '../../services/accounts';
import { placeReservation } from '../../services/place-reservation';
import { refused, unknownTitle } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import {
  CardNumber,
  PickupBody,
  boundedPageOf,
  ReservationFilterQuery,
  ReservationId,
  ReservationSummary,
  StaffCancelBody,
  StaffPickupPlaceBody,
  StaffReservationBody,
  StaffNotNeededAfterBody,
  StaffResumeBody,
  StaffSuspendBody,
} from '../schemas';
import { recordStaffAct } from '../staff-acts';
import { StaffReservationDetail } from '../staff-schemas';
import { reservationIdFor } from './my-library';

const TAG = 'Staff: reservations';
const ReservationPath = z.strictObject({ reservationId: ReservationId });

const PatronPath = z.strictObject({ cardNumber: CardNumber });

/** What staff read of a reservation: its full state, how it was placed (R-STAFF-1), and the staff acts that named it. */
async function staffDetail(db: Db, reservationId: string) {
  const detail = await reservationDetail(db, reservationId); // 404 for an unknown id
  const row = await db.reservation.findUnique({
    where: { id: reservationId },
    select: { placedChannel: true, pickupChangedAt: true, pickupChangedFrom: true },
  });
  return {
    ...detail,
    placedVia: (row?.placedChannel ?? 'opac') as 'opac' | 'phone' | 'counter',
    pickupChanged: row?.pickupChangedAt && row.pickupChangedFrom ? { at: formatJst(row.pickupChangedAt), from: row.pickupChangedFrom } : null,
    staffActs: await staffActsOf(db, reservationId),
  };
}

export const staffReservationRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/staff/patrons/{cardNumber}/reservations',
    operationId: 'placeStaffReservation',
    summary: 'Reserve a title for a patron who phones or comes to the counter (予約申込)',
    description:
      'R-STAFF-1: the OPAC’s rules — R-ITEM-1…3, R-LIMIT-1 (20 reservations), R-ACCOUNT-1 (an e-mail address for the notices) — ' +
      'with the channel and the member of staff recorded (staffActs). The patron need not have logged in to My Library. ' +
      'Then as any reservation: 予約申込 for the security delay, then the queue or a copy (R-STATUS-1).',
    tag: TAG,
    auth: ['staff'],
    params: PatronPath,
    body: StaffReservationBody,
    success: { status: 201, description: 'Placed', schema: StaffReservationDetail },
    responses: {
      404: 'No such patron',
      409: 'Refused by a rule: R-LIMIT-1, R-ITEM-1, R-ITEM-2, R-ITEM-3 (already reserved), R-ACCOUNT-1 (no e-mail address)',
      422: 'Invalid body (an unknown pickup number or title, a channel other than phone or counter)',
    },
    async handler({ params, body, caller, idempotencyKey, ctx }) {
      const { db, temporal, taskQueue, reservationConfig } = ctx.deps;
      const reservationId = reservationIdFor(caller!, params.cardNumber, idempotencyKey);
      const details = { channel: body.channel, titleId: body.titleId, pickup: body.pickup };
      await recordStaffAct(ctx, caller, { action: 'reserve', cardNumber: params.cardNumber, details }, async (found) => {
        const patron = await patronByCard(db, params.cardNumber);
        const outcome = await placeReservation(db, temporal, taskQueue, {
          reservationId,
          patronId: patron.id,
          titleId: body.titleId,
          pickup: body.pickup,
          channel: body.channel, // R-STAFF-1
          at: await ctx.now(),
          ...(reservationConfig ? { config: reservationConfig } : {}),
          unknownTitleIsInvalid: true, // 422, before any rule: from the placement's own read of the title
        });
        if (!outcome.ok) throw 'unknownTitle' in outcome ? unknownTitle(body.titleId) : refused(outcome.refusal, 409);
        found({ reservationId: outcome.reservationId });
      });
      return {
        status: 201,
        body: await staffDetail(db, reservationId),
        headers: { Location: `/staff/reservations/${encodeURIComponent(reservationId)}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/reservations',
    operationId: 'listReservations',
    summary: 'Reservations filtered by status, pickup place, patron, title and date placed',
    description:
      'From the records, newest first, paginated. Dates are JST calendar days, inclusive. ' +
      `The total is exact up to ${LIST_COUNT_CAP.toLocaleString('en-US')} matches ` +
      '(or to the end of the page asked for); past that it is a lower bound, with totalIsExact false (R-SCALE-2).',
    tag: TAG,
    auth: ['staff'],
    query: ReservationFilterQuery,
    success: { status: 200, description: 'One page of reservations', schema: boundedPageOf(ReservationSummary) },
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
    path: '/staff/reservations/{reservationId}/pickup-place',
    operationId: 'changePickupPlace',
    summary: 'Change the pickup place (受取館変更) at the counter or by phone',
    description:
      'R-PICKUP-1: in 予約申込, 確保待ち, 確保済み (before its Thursday processing: the copy has not left) and 貸出可能; not from 配送中 on. ' +
      'R-PICKUP-2: the queue place is kept; 確保済み → pref becomes 貸出可能 with the lending notice at once (R-PREF-1); ' +
      '貸出可能 → a cooperating library becomes 確保済み and goes out at the next Thursday processing.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: StaffPickupPlaceBody,
    success: { status: 200, description: 'Changed: the reservation with its new pickup place', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-PICKUP-1' },
    async handler({ params, body, caller, ctx }) {
      const { reservationId } = params;
      const refs = await reservationRefs(ctx.deps.db, reservationId);
      const from = (await ctx.deps.db.reservation.findUnique({ where: { id: reservationId }, select: { pickupPlaceCode: true } }))?.pickupPlaceCode;
      await recordStaffAct(
        ctx,
        caller,
        { action: 'changePickup', ...refs, details: { channel: body.channel, from: from ?? null, to: body.pickup } },
        async () => {
          const r = await changePickupPlace(ctx.deps, { reservationId, owner: 'any', by: 'staff', pickup: body.pickup });
          if (!r.ok) throw refused(r.refusal, 409);
        },
      );
      return { body: await staffDetail(ctx.deps.db, reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/reservations/{reservationId}/suspend',
    operationId: 'suspendReservation',
    summary: 'Suspend a waiting reservation until a day (保留) at the counter or by phone',
    description:
      'R-SUSPEND-1: only 確保待ち; it keeps its queue place, a copy passes it over, it resumes by itself on `until`. R-SUSPEND-2: `until` after today, at most 90 days ahead.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: StaffSuspendBody,
    success: { status: 200, description: 'Suspended', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-SUSPEND-1', 422: 'Invalid body, or R-SUSPEND-2' },
    async handler({ params, body, caller, ctx }) {
      const { reservationId } = params;
      const act = {
        action: 'suspend',
        ...(await reservationRefs(ctx.deps.db, reservationId)),
        details: { channel: body.channel, until: body.until },
      };
      await recordStaffAct(ctx, caller, act, async () => {
        await reservationDetail(ctx.deps.db, reservationId); // 404 for an unknown id, before the day is looked at
        const days = checkSuspendUntil(body.until as LocalDate, jstDateOf(await ctx.now()), ctx.deps.reservationConfig?.suspendMaxDays);
        if (!days.ok) throw refused(days.refusal, 422);
        const r = await suspendReservation(ctx.deps, { reservationId, owner: 'any', by: 'staff', until: body.until as LocalDate });
        if (!r.ok) throw refused(r.refusal, r.refusal.rule === 'R-SUSPEND-2' ? 422 : 409);
      });
      return { body: await staffDetail(ctx.deps.db, reservationId) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/staff/reservations/{reservationId}/not-needed-after',
    operationId: 'setReservationNotNeededAfter',
    summary: 'Set or clear the day after which a reservation is not needed (不要日), for the patron',
    description:
      'R-SUSPEND-3: while 予約申込 or 確保待ち. `notNeededAfter` today or later, at most a year ahead; null clears it. ' +
      'Still waiting at 00:00 JST of the day after it, the library cancels it with the NOT_NEEDED_CANCELLED notice.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: StaffNotNeededAfterBody,
    success: { status: 200, description: 'Set (or cleared)', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-SUSPEND-3 (not 予約申込/確保待ち)', 422: 'Invalid body, or R-SUSPEND-3 (the day)' },
    async handler({ params, body, caller, ctx }) {
      const { reservationId } = params;
      const day = body.notNeededAfter as LocalDate | null;
      const act = {
        action: 'not-needed-after',
        ...(await reservationRefs(ctx.deps.db, reservationId)),
        details: { channel: body.channel, notNeededAfter: day },
      };
      await recordStaffAct(ctx, caller, act, async () => {
        await reservationDetail(ctx.deps.db, reservationId); // 404 for an unknown id, before the day is looked at
        const days = checkNotNeededDay(day, jstDateOf(await ctx.now()));
        if (!days.ok) throw refused(days.refusal, 422);
        const r = await setNotNeededAfter(ctx.deps, { reservationId, owner: 'any', by: 'staff', day });
        if (!r.ok) throw refused(r.refusal, 409);
      });
      return { body: await staffDetail(ctx.deps.db, reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/reservations/{reservationId}/resume',
    operationId: 'resumeReservation',
    summary: 'End a suspension before its day, for the patron',
    description: 'R-SUSPEND-1: back among those a copy may go to, at its place in the queue.',
    tag: TAG,
    auth: ['staff'],
    params: ReservationPath,
    body: StaffResumeBody,
    success: { status: 200, description: 'Resumed', schema: StaffReservationDetail },
    responses: { 404: 'No such reservation', 409: 'Refused: R-SUSPEND-1 (not suspended)' },
    async handler({ params, body, caller, ctx }) {
      const { reservationId } = params;
      const act = { action: 'resume', ...(await reservationRefs(ctx.deps.db, reservationId)), details: { channel: body.channel } };
      await recordStaffAct(ctx, caller, act, async () => {
        const r = await resumeReservation(ctx.deps, { reservationId, owner: 'any', by: 'staff' });
        if (!r.ok) throw refused(r.refusal, 409);
      });
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
