// Staff: signing in and out, one's own password, and (admin) the staff accounts. A member of staff signs
// in with staff number and password and gets a session token (st_…) to send as `Authorization: Bearer`;
// a temporary password (set by an admin) must be changed first — until then only the change and
// sign-out are open. Admins create, disable and enable accounts and reset a password to a temporary
// one; disabling or resetting ends the account's sessions. Those admin acts are staff acts (recorded).
import { z } from 'zod';
import {
  changeStaffPassword,
  checkStaffPassword,
  createStaffAccount,
  disableStaffAccount,
  enableStaffAccount,
  endSession,
  listStaffAccounts,
  resetStaffPassword,
  signIn,
  staffAccountView,
} from '../../services/staff-accounts';
import { unauthorized } from '../auth';
import { ApiProblem, fieldProblem } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { recordStaffAct } from '../staff-acts';
import {
  NewStaffAccountBody,
  StaffAccountView,
  StaffAccountWithPassword,
  StaffLoginBody,
  StaffLoginResult,
  StaffLogoutResult,
  StaffNumber,
  StaffPasswordBody,
} from '../staff-schemas';

const TAG = 'Staff: accounts and sign-in';
const AccountPath = z.strictObject({ staffNumber: StaffNumber });

function invalidSignIn(): ApiProblem {
  return unauthorized('職員番号またはパスワードが正しくありません。', 'Wrong staff number or password (or the account is disabled).');
}

function locked(retryAfterSeconds: number): ApiProblem {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new ApiProblem(
    429,
    'too-many-requests',
    `サインインの失敗が続いたため、この職員番号は一時的にロックされています。${minutes}分後にお試しください。`,
    `Too many failed sign-ins for this staff number; try again in ${minutes} minutes.`,
    { headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

const weakPassword = (ja: string, en: string) => fieldProblem(422, [{ field: 'body.newPassword', code: 'weak_password', ja, en }]);

export const staffAccountRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/staff/login',
    operationId: 'staffLogin',
    idempotency: false, // a password in the request, a token in the answer: nothing is stored
    summary: 'Sign in as a member of staff: a session token',
    description:
      'Staff number and password → a session token (st_…) for `Authorization: Bearer`, ending after STAFF_SESSION_IDLE_MINUTES without a request ' +
      '(default 480) or STAFF_SESSION_MAX_HOURS after the sign-in (default 12), at sign-out, or when the account is disabled or its password changed. ' +
      'Rate-limited per staff number as patron logins are: after 5 failures within 15 minutes it is locked for 15 minutes (429, Retry-After). ' +
      'With a temporary password (staff.mustChangePassword) only POST /staff/password and POST /staff/logout are open.',
    tag: TAG,
    auth: 'public',
    body: StaffLoginBody,
    success: { status: 200, description: 'Signed in', schema: StaffLoginResult },
    responses: { 401: 'Wrong staff number or password, or the account is disabled', 429: 'Too many failed sign-ins for this staff number' },
    async handler({ body, ctx }) {
      const r = await signIn(ctx.deps.db, { ...body, now: await ctx.now(), policy: ctx.staffSessions });
      if (r.kind === 'locked') throw locked(r.retryAfterSeconds);
      if (r.kind === 'invalid') throw invalidSignIn();
      return {
        body: {
          token: r.token,
          expiresAt: r.expiresAt.toISOString(),
          idleTimeoutSeconds: Math.round(ctx.staffSessions.idleMs / 1000),
          staff: staffAccountView(r.account),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/logout',
    operationId: 'staffLogout',
    idempotency: false,
    summary: 'Sign out: the session ends',
    tag: TAG,
    auth: ['staff-member'],
    beforePasswordChange: true,
    success: { status: 200, description: 'Signed out; the token is no longer accepted', schema: StaffLogoutResult },
    async handler({ caller, ctx }) {
      await endSession(ctx.deps.db, caller!.sessionId!, await ctx.now());
      return { body: { ended: true as const } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/password',
    operationId: 'changeStaffPassword',
    idempotency: false, // passwords in the request
    summary: 'Change one’s own password (required after a temporary one)',
    description:
      '12–128 printable ASCII characters, letters and digits both, not the current one. The current password is checked as a sign-in is (rate-limited). ' +
      'The other sessions of the account end; this one goes on.',
    tag: TAG,
    auth: ['staff-member'],
    beforePasswordChange: true,
    body: StaffPasswordBody,
    success: { status: 200, description: 'Changed', schema: StaffAccountView },
    responses: { 401: 'The current password is wrong', 422: 'The new password is too weak', 429: 'Too many failed attempts' },
    async handler({ body, caller, ctx }) {
      const r = await changeStaffPassword(ctx.deps.db, {
        staffNumber: caller!.staffNumber!,
        ...body,
        now: await ctx.now(),
        sessionId: caller!.sessionId,
      });
      if (r.kind === 'locked') throw locked(r.retryAfterSeconds);
      if (r.kind === 'invalid') throw unauthorized('現在のパスワードが正しくありません。', 'The current password is wrong.');
      if (r.kind === 'refused') throw weakPassword(r.ja, r.en);
      return { body: staffAccountView(r.account) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/accounts',
    operationId: 'listStaffAccounts',
    summary: 'The staff accounts (admin)',
    tag: TAG,
    auth: ['admin'],
    success: { status: 200, description: 'Every account, by staff number', schema: z.object({ items: z.array(StaffAccountView) }) },
    async handler({ ctx }) {
      return { body: { items: (await listStaffAccounts(ctx.deps.db)).map(staffAccountView) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/accounts',
    operationId: 'createStaffAccount',
    idempotency: false, // a temporary password in the request or the answer
    summary: 'Create a staff account with a temporary password (admin)',
    description: 'The member of staff signs in with the temporary password and must change it first. Recorded as a staff act.',
    tag: TAG,
    auth: ['admin'],
    body: NewStaffAccountBody,
    success: { status: 201, description: 'Created; the temporary password is shown once', schema: StaffAccountWithPassword },
    responses: { 409: 'The staff number is already registered', 422: 'Invalid body, or a temporary password too weak' },
    async handler({ body, caller, ctx }) {
      if (body.temporaryPassword !== undefined) {
        const strong = checkStaffPassword(body.temporaryPassword);
        if (!strong.ok) throw fieldProblem(422, [{ field: 'body.temporaryPassword', code: 'weak_password', ja: strong.ja, en: strong.en }]);
      }
      const act = { action: 'staff-account-create', details: { staffNumber: body.staffNumber, role: body.role } };
      const { account, temporaryPassword } = await recordStaffAct(ctx, caller, act, () => createStaffAccount(ctx.deps.db, body));
      return {
        status: 201,
        body: { account: staffAccountView(account), temporaryPassword },
        headers: { Location: `/staff/accounts/${encodeURIComponent(account.staffNumber)}` },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/accounts/{staffNumber}/disable',
    operationId: 'disableStaffAccount',
    summary: 'Disable a staff account: its sessions end, it cannot sign in (admin)',
    description:
      'Repeating it changes nothing. An admin cannot disable their own account (so that one admin always remains). Recorded as a staff act.',
    tag: TAG,
    auth: ['admin'],
    params: AccountPath,
    success: { status: 200, description: 'Disabled', schema: StaffAccountView },
    responses: { 404: 'No such staff account', 409: 'One’s own account' },
    async handler({ params, caller, ctx }) {
      const act = { action: 'staff-account-disable', details: { staffNumber: params.staffNumber } };
      const account = await recordStaffAct(ctx, caller, act, async () => {
        if (params.staffNumber === caller!.staffNumber) {
          throw new ApiProblem(409, 'conflict', '自分のアカウントは無効にできません。', 'You cannot disable your own account.');
        }
        return disableStaffAccount(ctx.deps.db, params.staffNumber, await ctx.now());
      });
      return { body: staffAccountView(account) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/accounts/{staffNumber}/enable',
    operationId: 'enableStaffAccount',
    summary: 'Enable a disabled staff account again (admin)',
    description: 'It signs in with its password as before (reset it if need be). Recorded as a staff act.',
    tag: TAG,
    auth: ['admin'],
    params: AccountPath,
    success: { status: 200, description: 'Enabled', schema: StaffAccountView },
    responses: { 404: 'No such staff account' },
    async handler({ params, caller, ctx }) {
      const act = { action: 'staff-account-enable', details: { staffNumber: params.staffNumber } };
      return { body: staffAccountView(await recordStaffAct(ctx, caller, act, () => enableStaffAccount(ctx.deps.db, params.staffNumber))) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/accounts/{staffNumber}/reset-password',
    operationId: 'resetStaffPassword',
    idempotency: false, // a temporary password in the answer
    summary: 'Reset a staff account’s password to a temporary one (admin)',
    description:
      'The account’s sessions end and its sign-in lock is cleared; it must change the temporary password at the next sign-in. Recorded as a staff act.',
    tag: TAG,
    auth: ['admin'],
    params: AccountPath,
    success: { status: 200, description: 'Reset; the temporary password is shown once', schema: StaffAccountWithPassword },
    responses: { 404: 'No such staff account' },
    async handler({ params, caller, ctx }) {
      const act = { action: 'staff-password-reset', details: { staffNumber: params.staffNumber } };
      const { account, temporaryPassword } = await recordStaffAct(ctx, caller, act, async () =>
        resetStaffPassword(ctx.deps.db, params.staffNumber, await ctx.now()),
      );
      return { body: { account: staffAccountView(account), temporaryPassword } };
    },
  }),
];
