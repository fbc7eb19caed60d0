// Patron accounts through the OPAC (R-ACCOUNT-1): login, the password change a temporary password
// demands, the e-mail address, the usual cooperating library (R-RETURN-3), and the patron's own profile. The login (and the password change, which
// revokes the tokens issued before it) hands the OPAC a patron token for the patron's further calls
// (patron-tokens.ts, patron-access.ts).
import { z } from 'zod';
import { changePassword, checkPassword, patronByCard, patronSummary, registerEmail, setUsualLibrary } from '../../services/accounts';
import { ApiProblem, refused } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import {
  CardNumber,
  ChangedPasswordResult,
  ChangePasswordBody,
  EmailBody,
  LoginBody,
  LoginResult,
  PatronProfile,
  UsualLibraryBody,
} from '../schemas';
import { actingFor } from './opac-patron';

const TAG = 'OPAC: account';
const PatronPath = z.strictObject({ cardNumber: CardNumber });

function invalidLogin(): ApiProblem {
  return new ApiProblem(401, 'unauthorized', '利用者番号またはパスワードが正しくありません。', 'Wrong card number or password.', {
    rule: 'R-ACCOUNT-1',
  });
}

function locked(retryAfterSeconds: number): ApiProblem {
  return new ApiProblem(
    429,
    'too-many-requests',
    `ログインの失敗が続いたため、この利用者番号は一時的にロックされています。${Math.ceil(retryAfterSeconds / 60)}分後にお試しください。`,
    `Too many failed logins for this card number; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
    { headers: { 'Retry-After': String(retryAfterSeconds) }, rule: 'R-ACCOUNT-1' },
  );
}

export const accountRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/opac/login',
    operationId: 'login',
    idempotency: false, // a password in the request or the answer is not stored
    summary: 'Check a patron’s card number and password (My Library login)',
    description:
      'R-ACCOUNT-1. Rate-limited per card number: after 5 failures within 15 minutes the card is locked for 15 minutes (429, Retry-After). ' +
      'A patron with a temporary password gets mustChangePassword: true and can do nothing else until it is changed. ' +
      'The answer carries the patron token (patronToken) the OPAC sends as X-Patron-Token on this patron’s calls.',
    tag: TAG,
    auth: ['opac'],
    body: LoginBody,
    success: { status: 200, description: 'The password is right', schema: LoginResult },
    responses: { 401: 'Wrong card number or password (or wrong API key)', 429: 'Too many failed logins for this card number' },
    async handler({ body, ctx }) {
      const r = await checkPassword(ctx.deps.db, body.cardNumber, body.password, await ctx.now());
      if (r.kind === 'locked') throw locked(r.retryAfterSeconds);
      if (r.kind === 'invalid') throw invalidLogin();
      const issued = ctx.patronTokens.issue(r.patron.cardNumber, r.patron.passwordHash!, await ctx.now());
      return {
        body: {
          cardNumber: r.patron.cardNumber,
          name: r.patron.name,
          mustChangePassword: r.patron.mustChangePassword,
          emailRegistered: r.patron.email !== null,
          patronToken: issued.token,
          patronTokenExpiresAt: issued.expiresAt.toISOString(),
        },
      };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/opac/patrons/{cardNumber}/password',
    operationId: 'changePassword',
    summary: 'Change the password (required after a temporary password)',
    description:
      'R-ACCOUNT-1: 8–20 characters, letters and digits, both. The current password is checked like a login (rate-limited). ' +
      'The patron tokens issued before are revoked; the answer carries a new one.',
    tag: TAG,
    auth: ['opac'],
    params: PatronPath,
    body: ChangePasswordBody,
    success: { status: 200, description: 'Changed, with a new patron token', schema: ChangedPasswordResult },
    responses: {
      401: 'The current password is wrong',
      404: 'No such patron',
      422: 'The new password breaks R-ACCOUNT-1',
      429: 'Too many failed attempts',
    },
    async handler({ params, body, ctx }) {
      const patron = await patronByCard(ctx.deps.db, params.cardNumber);
      const r = await changePassword(ctx.deps.db, { cardNumber: patron.cardNumber, ...body, now: await ctx.now() });
      if (r.kind === 'locked') throw locked(r.retryAfterSeconds);
      if (r.kind === 'invalid') throw invalidLogin();
      if (r.kind === 'refused') throw refused(r.refusal, 422);
      const issued = ctx.patronTokens.issue(r.patron.cardNumber, r.patron.passwordHash!, await ctx.now());
      return {
        body: { ...(await patronSummary(ctx.deps.db, r.patron)), patronToken: issued.token, patronTokenExpiresAt: issued.expiresAt.toISOString() },
      };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/opac/patrons/{cardNumber}/email',
    operationId: 'registerEmail',
    summary: 'Register or change the e-mail address',
    description: 'R-ACCOUNT-1: needed before a reservation can be placed (the lending notice, R-MAIL-1, goes there).',
    tag: TAG,
    auth: ['opac'],
    params: PatronPath,
    body: EmailBody,
    success: { status: 200, description: 'Registered', schema: PatronProfile },
    responses: { 403: 'The temporary password has not been changed yet (R-ACCOUNT-1)', 404: 'No such patron' },
    async handler({ params, body, ctx }) {
      const r = await registerEmail(ctx.deps.db, params.cardNumber, body.email);
      if (!r.ok) throw refused(r.refusal, 403);
      return { body: await patronSummary(ctx.deps.db, r.patron) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}',
    operationId: 'getMyProfile',
    summary: 'The patron’s own profile in My Library',
    tag: TAG,
    auth: ['opac'],
    params: PatronPath,
    success: { status: 200, description: 'The patron', schema: PatronProfile },
    responses: { 403: 'The temporary password has not been changed yet (R-ACCOUNT-1)', 404: 'No such patron' },
    async handler({ caller, params, ctx }) {
      return { body: await patronSummary(ctx.deps.db, await actingFor(ctx, params.cardNumber, caller)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/opac/patrons/{cardNumber}/usual-library',
    operationId: 'setMyUsualLibrary',
    summary: 'Set or clear the patron’s own usual cooperating library',
    description:
      'R-RETURN-3 exception (since May 2024): the library the patron usually uses (A). A reservation records it, and whether it was closed, when ' +
      'it is placed; a change applies to reservations placed later. null: none. Staff can set it too (PUT /staff/patrons/{cardNumber}/usual-library).',
    tag: TAG,
    auth: ['opac'],
    params: PatronPath,
    body: UsualLibraryBody,
    success: { status: 200, description: 'Changed', schema: PatronProfile },
    responses: { 403: 'The temporary password has not been changed yet (R-ACCOUNT-1)', 404: 'No such patron' },
    async handler({ caller, params, body, ctx }) {
      await actingFor(ctx, params.cardNumber, caller);
      return { body: await patronSummary(ctx.deps.db, await setUsualLibrary(ctx.deps.db, params.cardNumber, body.usualLibraryNo)) };
    },
  }),
];
