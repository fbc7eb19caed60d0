// Staff: patrons — issue a card with a temporary password (R-ACCOUNT-1), issue a new temporary
// password, look a patron up, lower or restore the loan limit (R-LIMIT-2), set the usual cooperating
// library (R-RETURN-3), stop or restore the online service (R-CONDUCT-1); each change is recorded as a
// staff act (staff-acts.ts; never the password).
import { z } from 'zod';
import {
  createPatron,
  issueTemporaryPassword,
  patronByCard,
  patronSummary,
  setLoanLimit,
  setServiceStop,
  setUsualLibrary,
} from '../../services/accounts';
import { refused } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { recordStaffAct } from '../staff-acts';
import { CardNumber, LoanLimitBody, NewPatronBody, NewPatronResult, PatronProfile, ServiceStopBody, UsualLibraryBody } from '../schemas';

const TAG = 'Staff: patrons';
const PatronPath = z.strictObject({ cardNumber: CardNumber });

export const staffPatronRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/staff/patrons',
    operationId: 'createPatron',
    idempotency: false, // a password in the request or the answer is not stored
    summary: 'Register a patron with a temporary password',
    description: 'R-ACCOUNT-1: the patron logs in with the temporary password once and must change it before anything else.',
    tag: TAG,
    auth: ['staff'],
    body: NewPatronBody,
    success: { status: 201, description: 'Registered; the temporary password is shown once', schema: NewPatronResult },
    responses: { 409: 'The card number is already registered' },
    async handler({ body, caller, ctx }) {
      const { patron, temporaryPassword } = await recordStaffAct(ctx, caller, { action: 'patron-create', cardNumber: body.cardNumber }, () =>
        createPatron(ctx.deps.db, body),
      );
      return {
        status: 201,
        body: { patron: await patronSummary(ctx.deps.db, patron), temporaryPassword },
        headers: { Location: `/staff/patrons/${encodeURIComponent(patron.cardNumber)}` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/patrons/{cardNumber}',
    operationId: 'getPatron',
    summary: 'A patron, with loan limit and what counts against the limits',
    tag: TAG,
    auth: ['staff'],
    params: PatronPath,
    success: { status: 200, description: 'The patron', schema: PatronProfile },
    responses: { 404: 'No such patron' },
    async handler({ params, ctx }) {
      return { body: await patronSummary(ctx.deps.db, await patronByCard(ctx.deps.db, params.cardNumber)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/patrons/{cardNumber}/temporary-password',
    operationId: 'issueTemporaryPassword',
    idempotency: false, // a password in the request or the answer is not stored
    summary: 'Issue a new temporary password (a forgotten password)',
    description: 'R-ACCOUNT-1: the patron must change it at the next login. Clears the login lock of the card.',
    tag: TAG,
    auth: ['staff'],
    params: PatronPath,
    success: { status: 200, description: 'Issued; shown once', schema: NewPatronResult },
    responses: { 404: 'No such patron' },
    async handler({ params, caller, ctx }) {
      const { patron, temporaryPassword } = await recordStaffAct(
        ctx,
        caller,
        { action: 'patron-temporary-password', cardNumber: params.cardNumber },
        () => issueTemporaryPassword(ctx.deps.db, params.cardNumber),
      );
      return { body: { patron: await patronSummary(ctx.deps.db, patron), temporaryPassword } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/staff/patrons/{cardNumber}/loan-limit',
    operationId: 'setLoanLimit',
    summary: 'Lower a patron’s loan limit on request, or restore it',
    description:
      'R-LIMIT-2: 1–10 (10 is the default, R-LIMIT-1). A lowered limit applies to cooperating-library dispatch only; the counter keeps 10.',
    tag: TAG,
    auth: ['staff'],
    params: PatronPath,
    body: LoanLimitBody,
    success: { status: 200, description: 'Changed', schema: PatronProfile },
    responses: { 404: 'No such patron', 422: 'Refused: R-LIMIT-2 (outside 1–10)' },
    async handler({ params, body, caller, ctx }) {
      const act = { action: 'loan-limit', cardNumber: params.cardNumber, details: { loanLimit: body.loanLimit } };
      const patron = await recordStaffAct(ctx, caller, act, async () => {
        const r = await setLoanLimit(ctx.deps.db, params.cardNumber, body.loanLimit);
        if (!r.ok) throw refused(r.refusal, 422);
        return r.patron;
      });
      return { body: await patronSummary(ctx.deps.db, patron) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/staff/patrons/{cardNumber}/usual-library',
    operationId: 'setUsualLibrary',
    summary: 'Set or clear a patron’s usual cooperating library',
    description:
      'R-RETURN-3 exception: a reservation records the usual library (A) when it is placed, and whether it was closed then; a change applies to ' +
      'reservations placed later. null: none.',
    tag: TAG,
    auth: ['staff'],
    params: PatronPath,
    body: UsualLibraryBody,
    success: { status: 200, description: 'Changed', schema: PatronProfile },
    responses: { 404: 'No such patron' },
    async handler({ params, body, caller, ctx }) {
      const act = { action: 'usual-library', cardNumber: params.cardNumber, details: { usualLibraryNo: body.usualLibraryNo } };
      const patron = await recordStaffAct(ctx, caller, act, () => setUsualLibrary(ctx.deps.db, params.cardNumber, body.usualLibraryNo));
      return { body: await patronSummary(ctx.deps.db, patron) };
    },
  }),
  ...(['stop', 'restore'] as const).map((which) =>
    defineRoute({
      method: 'post',
      path: `/staff/patrons/{cardNumber}/service-${which}`,
      operationId: which === 'stop' ? 'stopService' : 'restoreService',
      summary:
        which === 'stop' ? 'Stop a patron’s use of the online service, with a reason' : 'Restore a patron’s use of the online service, with a reason',
      description:
        'R-CONDUCT-1: while stopped, a new reservation is refused and Thursday processing sends nothing for the patron (a failed dispatch citing ' +
        'R-CONDUCT-1); loans and what is already held are unaffected. Recorded as a staff act with the reason.',
      tag: TAG,
      auth: ['staff'],
      params: PatronPath,
      body: ServiceStopBody,
      success: { status: 200, description: which === 'stop' ? 'Stopped' : 'Restored', schema: PatronProfile },
      responses: { 404: 'No such patron', 409: `Refused: R-CONDUCT-1 (${which === 'stop' ? 'already stopped' : 'not stopped'})` },
      async handler({ params, body, caller, ctx }) {
        const act = { action: `service-${which}`, cardNumber: params.cardNumber, details: { reason: body.reason } };
        const patron = await recordStaffAct(ctx, caller, act, async () => {
          const r = await setServiceStop(ctx.deps.db, params.cardNumber, { stop: which === 'stop', reason: body.reason, at: await ctx.now() });
          if (!r.ok) throw refused(r.refusal, 409);
          return r.patron;
        });
        return { body: await patronSummary(ctx.deps.db, patron) };
      },
    }),
  ),
];
