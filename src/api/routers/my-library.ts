// My Library through the OPAC: 予約した資料 (place, list, look at, cancel) and 借りている資料 (list,
// renew), always for the patron named in the path and only on that patron's own reservations and
// loans (another patron's id is answered 404).
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { checkNotNeededDay, checkSuspendUntil, jstDateOf, type LocalDate } from '../../domain';
import { NotFoundError } from '../../services/errors';
import { placeReservation } from '../../services/place-reservation';
import { loanSummary, patronLoans, patronReservations, placedReservation, reservationDetail } from '../../services/reservation-queries';
import {
  cancelReservation,
  changePickupPlace,
  renewLoan,
  resumeReservation,
  setNotNeededAfter,
  suspendReservation,
} from '../../services/reservation-requests';
import type { Caller } from '../auth';
import { refused, unknownTitle } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import {
  CardNumber,
  LoanId,
  LoanSummary,
  NewReservationBody,
  OpacPickupPlaceBody,
  OpacRenewBody,
  OpacNotNeededAfterBody,
  OpacSuspendBody,
  PlacedReservation,
  ReservationDetail,
  ReservationId,
  ReservationSummary,
} from '../schemas';
import { actingFor } from './opac-patron';

const PatronPath = z.strictObject({ cardNumber: CardNumber });
const ReservationPath = z.strictObject({ cardNumber: CardNumber, reservationId: ReservationId });
const LoanPath = z.strictObject({ cardNumber: CardNumber, loanId: LoanId });
const ACCOUNT_403 = 'Not this caller’s to do, or the temporary password has not been changed yet (R-ACCOUNT-1)';

/**
 * A repeated POST with the same Idempotency-Key must name the same reservation even if the first
 * attempt died before its answer was stored, so the id is derived from the key.
 */
export function reservationIdFor(caller: Caller, cardNumber: string, key: string | null): string {
  if (key === null) return randomUUID();
  const h = createHash('sha256').update(`${caller.keyName}\n${cardNumber}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const myLibraryRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/opac/patrons/{cardNumber}/reservations',
    operationId: 'placeReservation',
    summary: 'Reserve a title (予約申込)',
    description:
      'R-ITEM-1…3, R-LIMIT-1 (20 reservations, also under concurrent requests), R-ACCOUNT-1 (an e-mail address must be registered). ' +
      'The reservation is 予約申込 for a short security delay, then joins the queue or gets a copy (R-STATUS-1).',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: PatronPath,
    body: NewReservationBody,
    success: { status: 201, description: 'Placed', schema: PlacedReservation },
    responses: {
      403: ACCOUNT_403,
      404: 'No such patron',
      409: 'Refused by a rule: R-LIMIT-1, R-ITEM-1, R-ITEM-2, R-ITEM-3 (already reserved), R-ACCOUNT-1 (no e-mail address), R-CONDUCT-1 (service stopped)',
      422: 'Invalid body (e.g. an unknown pickup number, an unknown title)',
    },
    async handler({ params, body, caller, idempotencyKey, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const { db, temporal, taskQueue, reservationConfig } = ctx.deps;
      const reservationId = reservationIdFor(caller!, patron.cardNumber, idempotencyKey);
      const outcome = await placeReservation(db, temporal, taskQueue, {
        reservationId,
        patronId: patron.id,
        titleId: body.titleId,
        pickup: body.pickup,
        at: await ctx.now(),
        ...(reservationConfig ? { config: reservationConfig } : {}),
        unknownTitleIsInvalid: true, // 422, before any rule: from the placement's own read of the title
      });
      if (!outcome.ok) throw 'unknownTitle' in outcome ? unknownTitle(body.titleId) : refused(outcome.refusal, 409);
      return {
        status: 201,
        body: await placedReservation(db, outcome.row),
        headers: { Location: `/opac/patrons/${encodeURIComponent(patron.cardNumber)}/reservations/${encodeURIComponent(outcome.reservationId)}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}/reservations',
    operationId: 'listMyReservations',
    summary: '予約した資料: the patron’s reservations not yet lent',
    description: 'Status label, queue position (予約順位) and pickup dates; 配送中 and later are listed under loans.',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: PatronPath,
    success: { status: 200, description: 'The reservations, oldest first', schema: z.object({ items: z.array(ReservationSummary) }) },
    responses: { 403: ACCOUNT_403, 404: 'No such patron' },
    async handler({ caller, params, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      return { body: { items: await patronReservations(ctx.deps.db, patron.id) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}/reservations/{reservationId}',
    operationId: 'getMyReservation',
    summary: 'One of the patron’s reservations, with its dates and history',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: ReservationPath,
    success: { status: 200, description: 'The reservation', schema: ReservationDetail },
    responses: { 403: ACCOUNT_403, 404: 'No such patron, or no such reservation of this patron' },
    async handler({ caller, params, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const detail = await reservationDetail(ctx.deps.db, params.reservationId);
      if (detail.patronId !== patron.id) throw new NotFoundError('reservation', params.reservationId);
      return { body: detail };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/opac/patrons/{cardNumber}/reservations/{reservationId}/cancel',
    operationId: 'cancelMyReservation',
    summary: 'Cancel a reservation in My Library',
    description: 'R-CANCEL-1: only in 予約申込 or 確保待ち; from 確保済み on only staff can cancel (R-CANCEL-2).',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: ReservationPath,
    success: { status: 200, description: 'Cancelled (取消)', schema: ReservationDetail },
    responses: { 403: ACCOUNT_403, 404: 'No such patron, or no such reservation of this patron', 409: 'Refused: R-CANCEL-1, R-CANCEL-2' },
    async handler({ caller, params, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const r = await cancelReservation(ctx.deps, {
        reservationId: params.reservationId,
        owner: { patronId: patron.id },
        by: 'patron',
        channel: 'opac',
      });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/opac/patrons/{cardNumber}/reservations/{reservationId}/pickup-place',
    operationId: 'changeMyPickupPlace',
    summary: 'Change the pickup place in My Library (受取館変更)',
    description:
      'R-PICKUP-1: only in 予約申込 or 確保待ち (from 確保済み on, staff can while the copy is here); R-PICKUP-2: the reservation keeps its place in the queue.',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: ReservationPath,
    body: OpacPickupPlaceBody,
    success: { status: 200, description: 'Changed: the reservation with its new pickup place', schema: ReservationDetail },
    responses: { 403: ACCOUNT_403, 404: 'No such patron, or no such reservation of this patron', 409: 'Refused: R-PICKUP-1' },
    async handler({ caller, params, body, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const r = await changePickupPlace(ctx.deps, {
        reservationId: params.reservationId,
        owner: { patronId: patron.id },
        by: 'patron',
        pickup: body.pickup,
      });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/opac/patrons/{cardNumber}/reservations/{reservationId}/suspend',
    operationId: 'suspendMyReservation',
    summary: 'Suspend a waiting reservation until a day (保留)',
    description:
      'R-SUSPEND-1: only 確保待ち; it keeps its place in the queue (予約順位) but a copy passes it over, and it resumes by itself on `until`. ' +
      'R-SUSPEND-2: `until` after today, at most 90 days ahead (SUSPEND_MAX_DAYS; else 422). Suspending again moves the day.',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: ReservationPath,
    body: OpacSuspendBody,
    success: { status: 200, description: 'Suspended: the reservation with `suspendedUntil`', schema: ReservationDetail },
    responses: {
      403: ACCOUNT_403,
      404: 'No such patron, or no such reservation of this patron',
      409: 'Refused: R-SUSPEND-1',
      422: 'Invalid body, or R-SUSPEND-2',
    },
    async handler({ caller, params, body, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const own = await ctx.deps.db.reservation.findUnique({ where: { id: params.reservationId }, select: { patronId: true } });
      if (own?.patronId !== patron.id) throw new NotFoundError('reservation', params.reservationId); // before the day is looked at
      const days = checkSuspendUntil(body.until as LocalDate, jstDateOf(await ctx.now()), ctx.deps.reservationConfig?.suspendMaxDays);
      if (!days.ok) throw refused(days.refusal, 422);
      const r = await suspendReservation(ctx.deps, {
        reservationId: params.reservationId,
        owner: { patronId: patron.id },
        by: 'patron',
        until: body.until as LocalDate,
      });
      if (!r.ok) throw refused(r.refusal, r.refusal.rule === 'R-SUSPEND-2' ? 422 : 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/opac/patrons/{cardNumber}/reservations/{reservationId}/not-needed-after',
    operationId: 'setMyReservationNotNeededAfter',
    summary: 'Set or clear the day after which a reservation is not needed (不要日)',
    description:
      'R-SUSPEND-3: while 予約申込 or 確保待ち (suspended or not). `notNeededAfter` today or later, at most a year ahead (else 422); null clears it. ' +
      'Still 予約申込/確保待ち at 00:00 JST of the day after it, the library cancels it (取消) with the NOT_NEEDED_CANCELLED notice; a copy secured first wins.',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: ReservationPath,
    body: OpacNotNeededAfterBody,
    success: { status: 200, description: 'Set: the reservation with `notNeededAfter` (absent when cleared)', schema: ReservationDetail },
    responses: {
      403: ACCOUNT_403,
      404: 'No such patron, or no such reservation of this patron',
      409: 'Refused: R-SUSPEND-3 (not 予約申込/確保待ち)',
      422: 'Invalid body, or R-SUSPEND-3 (the day)',
    },
    async handler({ caller, params, body, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const own = await ctx.deps.db.reservation.findUnique({ where: { id: params.reservationId }, select: { patronId: true } });
      if (own?.patronId !== patron.id) throw new NotFoundError('reservation', params.reservationId); // before the day is looked at
      const day = body.notNeededAfter as LocalDate | null;
      const days = checkNotNeededDay(day, jstDateOf(await ctx.now()));
      if (!days.ok) throw refused(days.refusal, 422);
      const r = await setNotNeededAfter(ctx.deps, { reservationId: params.reservationId, owner: { patronId: patron.id }, by: 'patron', day });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/opac/patrons/{cardNumber}/reservations/{reservationId}/resume',
    operationId: 'resumeMyReservation',
    summary: 'End a suspension before its day',
    description: 'R-SUSPEND-1: back among those a copy may go to, at its place in the queue; a copy on the shelf is listed for it.',
    tag: 'OPAC: reservations',
    auth: ['opac'],
    params: ReservationPath,
    success: { status: 200, description: 'Resumed', schema: ReservationDetail },
    responses: { 403: ACCOUNT_403, 404: 'No such patron, or no such reservation of this patron', 409: 'Refused: R-SUSPEND-1 (not suspended)' },
    async handler({ caller, params, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const r = await resumeReservation(ctx.deps, { reservationId: params.reservationId, owner: { patronId: patron.id }, by: 'patron' });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await reservationDetail(ctx.deps.db, params.reservationId) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}/loans',
    operationId: 'listMyLoans',
    summary: '借りている資料: the patron’s loans (配送中 included)',
    description: 'Due date, renewals left, the earliest renewal date (R-RENEW-3) and, when a renewal would be refused today, the rule and why.',
    tag: 'OPAC: loans',
    auth: ['opac'],
    params: PatronPath,
    success: { status: 200, description: 'The loans, earliest due first', schema: z.object({ items: z.array(LoanSummary) }) },
    responses: { 403: ACCOUNT_403, 404: 'No such patron' },
    async handler({ caller, params, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      return { body: { items: await patronLoans(ctx.deps.db, patron.id, jstDateOf(await ctx.now())) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/opac/patrons/{cardNumber}/loans/{loanId}/renew',
    operationId: 'renewMyLoan',
    summary: 'Renew a loan in My Library',
    description:
      'R-RENEW-1…4: not while others have reserved the title, at most twice, from due-3 through the due date; a request by e-mail is refused.',
    tag: 'OPAC: loans',
    auth: ['opac'],
    params: LoanPath,
    body: OpacRenewBody,
    success: { status: 200, description: 'Renewed: the loan with its new due date', schema: LoanSummary },
    responses: {
      403: ACCOUNT_403,
      404: 'No such patron, or no such loan of this patron',
      409: 'Refused: R-RENEW-1, R-RENEW-2, R-RENEW-3, R-RENEW-4, R-LOAN-1, R-RETURN-4',
    },
    async handler({ caller, params, body, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      const now = await ctx.now();
      const r = await renewLoan(ctx.deps, { loanId: params.loanId, owner: { patronId: patron.id }, channel: body.channel, now });
      if (!r.ok) throw refused(r.refusal, 409);
      return { body: await loanSummary(ctx.deps.db, params.loanId, jstDateOf(now)) };
    },
  }),
];
