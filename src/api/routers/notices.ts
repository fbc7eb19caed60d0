// Notices (docs/notices.md): in My Library the patron's notice preferences (courtesy notices on/off,
// language; required notices cannot be turned off), whether mail reaches them (R-MAIL-2), and the
// notices of their reservations; for staff the patrons to call because mail does not reach them, the
// notices FAILED or SENDING (may or may not have left), and a resend, recorded as a staff act.
import { z } from 'zod';
import {
  noticeForResend,
  noticePreferences,
  noticesToCheck,
  patronNotices,
  resendNotice,
  setNoticePreferences,
  unreachablePatrons,
} from '../../services/notices';
import { staffActor, recordStaffAct } from '../staff-acts';
import { defineRoute, type RouteDef } from '../route';
import { CardNumber } from '../schemas';
import {
  NoticePreferencesBody,
  NoticePreferencesSchema,
  NoticeSchema,
  NoticeStateQuery,
  StaffNoticeSchema,
  UnreachablePatronSchema,
} from '../notice-schemas';
import { actingFor } from './opac-patron';

const PatronPath = z.strictObject({ cardNumber: CardNumber });
const NoticePath = z.strictObject({
  noticeId: z
    .string()
    .regex(/^\d{1,18}$/)
    .meta({ description: 'Notice id (noticeId of a list)' }),
});
const ACCOUNT_403 = 'Not this caller’s to do, or the temporary password has not been changed yet (R-ACCOUNT-1)';

export const noticeRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}/notice-preferences',
    operationId: 'getMyNoticePreferences',
    summary: 'The patron’s notice preferences, and whether mail reaches them (R-MAIL-2)',
    description: 'Courtesy notices (PRE_DUE, PICKUP_REMINDER) on or off, the language (ja/en); the required notices are always sent.',
    tag: 'OPAC: notices',
    auth: ['opac'],
    params: PatronPath,
    success: { status: 200, description: 'The preferences', schema: NoticePreferencesSchema },
    responses: { 403: ACCOUNT_403, 404: 'No such patron' },
    async handler({ caller, params, ctx }) {
      return { body: noticePreferences(await actingFor(ctx, params.cardNumber, caller)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/opac/patrons/{cardNumber}/notice-preferences',
    operationId: 'setMyNoticePreferences',
    summary: 'Turn courtesy notices on or off, choose the notices’ language',
    description:
      'Required notices (LENDING_NOTICE, OVERDUE, RELEASED, CANCELLED_BY_STAFF, DISPATCH_FAILED, NOT_NEEDED_CANCELLED) cannot be turned off.',
    tag: 'OPAC: notices',
    auth: ['opac'],
    params: PatronPath,
    body: NoticePreferencesBody,
    success: { status: 200, description: 'The preferences now', schema: NoticePreferencesSchema },
    responses: { 403: ACCOUNT_403, 404: 'No such patron', 422: 'Invalid body' },
    async handler({ caller, params, body, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      return { body: await setNoticePreferences(ctx.deps.db, patron.id, body) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}/notices',
    operationId: 'listMyNotices',
    summary: 'The notices of the patron’s reservations, newest first',
    description: 'Kind, moment, state (SENT, SKIPPED with the reason, FAILED with the delivery event…); each reservation’s detail lists its own too.',
    tag: 'OPAC: notices',
    auth: ['opac'],
    params: PatronPath,
    success: { status: 200, description: 'The notices', schema: z.object({ items: z.array(NoticeSchema) }) },
    responses: { 403: ACCOUNT_403, 404: 'No such patron' },
    async handler({ caller, params, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      return { body: { items: await patronNotices(ctx.deps.db, patron.id) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/notices',
    operationId: 'listNoticesToCheck',
    summary: 'Notices FAILED (refused, bounced, dropped, blocked) or SENDING (may or may not have left)',
    tag: 'Staff: notices',
    auth: ['staff'],
    query: NoticeStateQuery,
    success: { status: 200, description: 'The notices, oldest first', schema: z.object({ items: z.array(StaffNoticeSchema) }) },
    async handler({ query, ctx }) {
      const states = (query.state?.split(',') ?? ['FAILED', 'SENDING']) as ('FAILED' | 'SENDING')[];
      return { body: { items: await noticesToCheck(ctx.deps.db, states) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/notices/unreachable-patrons',
    operationId: 'listUnreachablePatrons',
    summary: 'Patrons mail does not reach (R-MAIL-2): to contact by phone',
    description: 'Whose registered address SendGrid reported as bounced, dropped or blocked (and still registered).',
    tag: 'Staff: notices',
    auth: ['staff'],
    success: { status: 200, description: 'The patrons, latest failure first', schema: z.object({ items: z.array(UnreachablePatronSchema) }) },
    async handler({ ctx }) {
      return { body: { items: await unreachablePatrons(ctx.deps.db) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/notices/{noticeId}/resend',
    operationId: 'resendNotice',
    summary: 'Resend a notice that FAILED or may not have left (SENDING); recorded with who did it',
    tag: 'Staff: notices',
    auth: ['staff'],
    params: NoticePath,
    success: { status: 200, description: 'Resent: the notice as it is now', schema: NoticeSchema },
    responses: { 404: 'No such notice', 409: 'The notice is not FAILED or SENDING' },
    async handler({ params, caller, ctx }) {
      const { row, cardNumber } = await noticeForResend(ctx.deps.db, params.noticeId);
      const who = staffActor(caller!);
      const act = { action: 'resend-notice', reservationId: row.reservationId, cardNumber, details: { noticeId: params.noticeId, kind: row.kind } };
      const done = await recordStaffAct(ctx, caller, act, () => resendNotice(ctx.deps, params.noticeId, `${who.id} ${who.name}`));
      return { body: done.notice };
    },
  }),
];
