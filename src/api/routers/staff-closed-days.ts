// Staff: closed days (休館日) of the prefectural library and of each cooperating library (R-CLOSED-1…4,
// spec §14): entered and removed as a day or a range, each a staff act (staff-acts.ts); the dates they
// move (R-CLOSED-3) are recomputed with them and the running workflows told (R-CLOSED-4).
import { z } from 'zod';
import { parseLocalDate } from '../../domain';
import { temporalNotifier } from '../../activities/notifier';
import { closeDays, listClosedDays, MAX_CLOSURE_DAYS, reopenDays, type ClosureRequest } from '../../services/closed-days';
import type { ApiContext } from '../deps';
import { fieldProblem } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { recordStaffAct } from '../staff-acts';
import { LibraryNo, LocalDateText } from '../schemas';

const TAG = 'Staff: closed days';

const ClosedLibrary = z.union([z.literal('pref'), LibraryNo]).meta({ description: '"pref" (県立図書館) or a 協力館 number 1–59' });

const ClosureBody = z.strictObject({
  library: ClosedLibrary,
  from: LocalDateText,
  to: LocalDateText.optional().meta({ description: `the last day, included (default: from); at most ${MAX_CLOSURE_DAYS} days` }),
  note: z.string().trim().min(1).max(200).optional().meta({ description: '年末年始休館, 蔵書点検…' }),
});

const MovedDates = z.object({
  reservationId: z.string().nullable(),
  loanId: z.string().nullable(),
  pickupFrom: LocalDateText.optional(),
  pickupUntil: LocalDateText.optional(),
  due: LocalDateText.optional(),
});

export const ClosureResult = z.object({
  library: ClosedLibrary,
  from: LocalDateText,
  to: LocalDateText,
  changedDays: z.int().meta({ description: 'days newly closed (or reopened); 0 when they already were' }),
  moved: z.array(MovedDates).meta({ description: 'R-CLOSED-4: the reservations and loans whose dates moved, with their new dates' }),
});

export const ClosedDayRow = z.object({ library: ClosedLibrary, day: LocalDateText, note: z.string().nullable() });

async function change(ctx: ApiContext, body: z.output<typeof ClosureBody>, how: typeof closeDays) {
  const req: ClosureRequest = {
    library: body.library,
    from: parseLocalDate(body.from),
    to: body.to ? parseLocalDate(body.to) : undefined,
    note: body.note,
  };
  const r = await how(ctx.deps.db, temporalNotifier(ctx.deps.temporal), req, await ctx.now());
  if (!r.ok) throw fieldProblem(422, [{ field: `body.${r.field}`, code: 'invalid_range', ja: r.ja, en: r.en }]);
  const { ok: _ok, ...view } = r;
  return { ...view, moved: view.moved.map(({ at: _at, ...m }) => m) };
}

const actOf = (action: string, body: z.output<typeof ClosureBody>) => ({
  action,
  details: { library: body.library, from: body.from, to: body.to ?? body.from, ...(body.note ? { note: body.note } : {}) },
});

export const staffClosedDayRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/staff/closed-days',
    operationId: 'listClosedDays',
    summary: 'Closed days (休館日) from a day on (default today), by day and place',
    tag: TAG,
    auth: ['staff'],
    query: z.strictObject({ from: LocalDateText.optional(), library: z.union([z.literal('pref'), z.coerce.number().pipe(LibraryNo)]).optional() }),
    success: { status: 200, description: 'The closed days', schema: z.object({ items: z.array(ClosedDayRow) }) },
    async handler({ query, ctx }) {
      const from = query.from ? parseLocalDate(query.from) : undefined;
      return { body: { items: await listClosedDays(ctx.deps.db, { from, library: query.library, now: await ctx.now() }) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/closed-days',
    operationId: 'closeDays',
    summary: 'Close a place for a day or a range (R-CLOSED-1); the dates on them move (R-CLOSED-3, R-CLOSED-4)',
    description:
      'The prefectural library ("pref") or a cooperating library (1–59), from … to (both included). A Thursday on which the prefectural ' +
      'library is closed is processed on its next open day (R-CLOSED-2); a pickup start, the last day of a hold or a due date on a closed ' +
      'day moves to the next open day, for the reservations and loans already there too, their workflows told. Days already closed stay as they are.',
    tag: TAG,
    auth: ['staff'],
    body: ClosureBody,
    success: { status: 200, description: 'Closed: what moved', schema: ClosureResult },
    responses: { 422: 'A range that ends before it starts, or longer than 366 days; a place that is neither "pref" nor 1–59' },
    async handler({ body, caller, ctx }) {
      return { body: await recordStaffAct(ctx, caller, actOf('closed-days', body), () => change(ctx, body, closeDays)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/closed-days/reopen',
    operationId: 'reopenDays',
    summary: 'Open a place again for a day or a range; the dates a closure had moved move back (R-CLOSED-4)',
    tag: TAG,
    auth: ['staff'],
    body: ClosureBody,
    success: { status: 200, description: 'Reopened: what moved', schema: ClosureResult },
    responses: { 422: 'A range that ends before it starts, or longer than 366 days; a place that is neither "pref" nor 1–59' },
    async handler({ body, caller, ctx }) {
      return { body: await recordStaffAct(ctx, caller, actOf('reopen-days', body), () => change(ctx, body, reopenDays)) };
    },
  }),
];
