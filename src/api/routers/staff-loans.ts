// Staff: loans — the list, renewal by phone or at the counter, a return at a place, and the
// counter's walk-in checkout (R-ITEM-4) and central check-in (R-RETURN-4); each change is recorded as a
// staff act (staff-acts.ts).
import { z } from 'zod';
import { jstDateOf, type LocalDate } from '../../domain';
import { checkIn, counterCheckout } from '../../services/counter';
import { NotFoundError } from '../../services/errors';
import { LIST_COUNT_CAP } from '../../services/list-count';
import { listLoans, loanSummary } from '../../services/reservation-queries';
import { renewLoan, returnLoan } from '../../services/reservation-requests';
import { loanRefs } from '../../services/staff-actions';
import { fieldProblem, refused } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { recordStaffAct } from '../staff-acts';
import { holdSlipView } from './staff-shelf';
import {
  CheckInBody,
  CheckInResult,
  CheckoutBody,
  CheckoutResult,
  LoanFilterQuery,
  LoanId,
  LoanSummary,
  boundedPageOf,
  ReturnBody,
  StaffRenewBody,
} from '../schemas';

const LoanPath = z.strictObject({ loanId: LoanId });

/** An id in the body that names nothing is a wrong field (422), not a missing resource (404). */
async function bodyRef<T>(p: Promise<T>, fields: Record<string, string>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof NotFoundError && fields[err.what]) {
      throw fieldProblem(422, [{ field: `body.${fields[err.what]}`, code: `unknown_${err.what}`, ja: err.ja, en: err.message }]);
    }
    throw err;
  }
}

export const staffLoanRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/staff/loans',
    operationId: 'listLoans',
    summary: 'Loans filtered by state, patron, title and due date',
    description:
      `From the records, earliest due first, paginated. The total is exact up to ${LIST_COUNT_CAP.toLocaleString('en-US')} matches ` +
      '(or to the end of the page asked for); past that it is a lower bound, with totalIsExact false (R-SCALE-2).',
    tag: 'Staff: loans',
    auth: ['staff'],
    query: LoanFilterQuery,
    success: { status: 200, description: 'One page of loans', schema: boundedPageOf(LoanSummary) },
    async handler({ query, ctx }) {
      const state = query.state?.split(',') as ('ACTIVE' | 'RETURNED_IN_TRANSIT' | 'CLOSED' | 'UNDONE')[] | undefined;
      return { body: await listLoans(ctx.deps.db, { ...query, state }, jstDateOf(await ctx.now())) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/loans/{loanId}/renew',
    operationId: 'renewLoan',
    summary: 'Renew a loan for a patron on the phone or at the counter',
    description:
      'R-RENEW-1…4 (e-mail is refused); R-RENEW-5: staff may also renew after the due date, while even the renewed due date has not passed.',
    tag: 'Staff: loans',
    auth: ['staff'],
    params: LoanPath,
    body: StaffRenewBody,
    success: { status: 200, description: 'Renewed', schema: LoanSummary },
    responses: { 404: 'No such loan', 409: 'Refused: R-RENEW-1, R-RENEW-2, R-RENEW-3, R-RENEW-4, R-RENEW-5, R-LOAN-1, R-RETURN-4' },
    async handler({ params, body, caller, ctx }) {
      const now = await ctx.now();
      const act = { action: 'renew', ...(await loanRefs(ctx.deps.db, params.loanId)), details: { loanId: params.loanId, channel: body.channel } };
      await recordStaffAct(ctx, caller, act, async () => {
        const r = await renewLoan(ctx.deps, { loanId: params.loanId, owner: 'any', channel: body.channel, now });
        if (!r.ok) throw refused(r.refusal, 409);
      });
      return { body: await loanSummary(ctx.deps.db, params.loanId, jstDateOf(now)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/loans/{loanId}/return',
    operationId: 'returnLoan',
    summary: 'A copy handed in at a place (the prefectural library or a cooperating library)',
    description:
      'R-RETURN-1…3: where it may be returned (the May-2024 exception included); R-RETURN-5: how (via: counter, designated-place, book-post) ' +
      'and on which day (returnedOn, default today; R-OVERDUE-2 counts from it). At the prefectural library the return is processed at once (返却済); ' +
      'at a cooperating library it stays 貸出中 until checked in centrally (R-RETURN-4).',
    tag: 'Staff: loans',
    auth: ['staff'],
    params: LoanPath,
    body: ReturnBody,
    success: { status: 200, description: 'Recorded', schema: LoanSummary },
    responses: {
      404: 'No such loan',
      409: 'Refused: R-RETURN-1, R-RETURN-3, R-RETURN-5 (before the loan), R-LOAN-1',
      422: 'Invalid body (returnedOn in the future, R-RETURN-5)',
    },
    async handler({ params, body, caller, ctx }) {
      const now = await ctx.now();
      const { place, via, returnedOn } = body;
      // R-RETURN-5: a day in the future is a wrong field, refused before anything is asked or recorded.
      if (returnedOn && returnedOn > jstDateOf(now)) {
        throw fieldProblem(422, [
          { field: 'body.returnedOn', code: 'R-RETURN-5', ja: '返却日に未来の日付は指定できません。', en: 'The return day cannot be in the future.' },
        ]);
      }
      const details = { loanId: params.loanId, place, via: via ?? 'counter', ...(returnedOn ? { returnedOn } : {}) };
      const act = { action: 'return', ...(await loanRefs(ctx.deps.db, params.loanId)), details };
      await recordStaffAct(ctx, caller, act, async () => {
        const r = await returnLoan(ctx.deps, { loanId: params.loanId, place, now, via, returnedOn: returnedOn as LocalDate | undefined });
        if (!r.ok) throw refused(r.refusal, 409);
      });
      return { body: await loanSummary(ctx.deps.db, params.loanId, jstDateOf(now)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/checkouts',
    operationId: 'counterCheckout',
    summary: 'Lend a copy from the shelf at the counter (walk-in)',
    description:
      'R-ITEM-4: the visitor at the counter wins over an online request still in its security delay. R-ITEM-1, R-ITEM-2, R-OVERDUE-1, R-LIMIT-1 apply.',
    tag: 'Staff: counter',
    auth: ['staff'],
    body: CheckoutBody,
    success: { status: 201, description: 'Lent', schema: CheckoutResult },
    responses: {
      409: 'Refused: R-ITEM-1, R-ITEM-2 (not on the shelf), R-OVERDUE-1, R-LIMIT-1',
      422: 'Invalid body (an unknown card or item number)',
    },
    async handler({ body, caller, ctx }) {
      const r = await recordStaffAct(ctx, caller, { action: 'checkout', cardNumber: body.cardNumber, itemNumber: body.itemNumber }, async () => {
        const r = await bodyRef(counterCheckout(ctx.deps.db, ctx.deps.desk, { ...body, at: await ctx.now() }), {
          patron: 'cardNumber',
          item: 'itemNumber',
        });
        if (!r.ok) throw refused(r.refusal, 409);
        return r;
      });
      return { status: 201, body: { loanId: r.loanId, itemNumber: r.itemNumber, due: r.due } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/check-ins',
    operationId: 'checkIn',
    summary: 'Process a return at the prefectural library (central check-in)',
    description:
      'R-RETURN-4: a copy returned at a cooperating library counts as returned (返却済) only now; the copy goes to the next reserver or the shelf (R-CANCEL-3). ' +
      'When someone waits for it, it is secured at the scan and the answer carries the hold slip (予約票: for whom, where to, until when). ' +
      'A 不明 copy checked in has been found (found: true).',
    tag: 'Staff: counter',
    auth: ['staff'],
    body: CheckInBody,
    success: { status: 200, description: 'Processed', schema: CheckInResult },
    responses: { 409: 'Refused: R-RETURN-4 (still in delivery, not collected)', 422: 'Invalid body (an unknown item number)' },
    async handler({ body, caller, ctx }) {
      const r = await recordStaffAct(ctx, caller, { action: 'check-in', itemNumber: body.itemNumber }, async (found) => {
        const r = await bodyRef(checkIn(ctx.deps.db, ctx.deps.desk, { itemNumber: body.itemNumber, at: await ctx.now() }), { item: 'itemNumber' });
        if (!r.ok) throw refused(r.refusal, 409);
        // The reservation whose return this processed (its history shows who checked it in).
        if (r.returned) found({ reservationId: r.returned });
        return r;
      });
      return { body: { returned: r.returned, handedTo: r.handedTo, found: r.found, slip: r.slip ? holdSlipView(r.slip) : null } };
    },
  }),
];
