// Staff: the cooperating libraries (closed or open, R-RETURN-3's exception) and Thursday processing
// (its summaries, and a run started by hand — idempotent for the same Thursday); each change is
// recorded as a staff act (staff-acts.ts).
import { z } from 'zod';
import { parseLocalDate } from '../../domain';
import { listLibraries, listThursdayRuns, setLibraryOpen, thursdayRun, triggerThursdayRun } from '../../services/library-admin';
import { ApiProblem, fieldProblem } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { recordStaffAct } from '../staff-acts';
import { Library, LibraryOpenBody, LocalDateText, PageQuery, pageOf, ThursdayRun, TriggerThursdayBody } from '../schemas';

const LibraryPath = z.strictObject({
  no: z.coerce.number().int().min(1).max(9999).meta({ description: '協力館 number (1–59)' }),
});

export const staffLibraryRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/staff/libraries',
    operationId: 'listLibraries',
    summary: 'The 59 cooperating libraries and whether each is open',
    tag: 'Staff: libraries',
    auth: ['staff'],
    success: { status: 200, description: 'The libraries', schema: z.object({ items: z.array(Library) }) },
    async handler({ ctx }) {
      return { body: { items: await listLibraries(ctx.deps.db) } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/staff/libraries/{no}/open',
    operationId: 'setLibraryOpen',
    summary: 'Mark a cooperating library closed (休館等) or open again',
    description: 'R-RETURN-3 exception: a patron whose usual library was closed when reserving may return there once it has reopened.',
    tag: 'Staff: libraries',
    auth: ['staff'],
    params: LibraryPath,
    body: LibraryOpenBody,
    success: { status: 200, description: 'Changed', schema: Library },
    responses: { 404: 'No such cooperating library' },
    async handler({ params, body, caller, ctx }) {
      const act = { action: body.isOpen ? 'library-open' : 'library-closed', details: { libraryNo: params.no } };
      return { body: await recordStaffAct(ctx, caller, act, () => setLibraryOpen(ctx.deps.db, params.no, body.isOpen)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/thursday-runs',
    operationId: 'listThursdayRuns',
    summary: 'Summaries of the Thursday processing runs, newest first',
    tag: 'Staff: Thursday processing',
    auth: ['staff'],
    query: z.strictObject({ ...PageQuery }),
    success: { status: 200, description: 'One page of runs', schema: pageOf(ThursdayRun) },
    async handler({ query, ctx }) {
      return { body: await listThursdayRuns(ctx.deps.db, query) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/thursday-runs/{processingDay}',
    operationId: 'getThursdayRun',
    summary: 'The summary of one Thursday’s processing',
    description: 'Processed, dispatched, failed (R-DISPATCH-1), released (R-DISPATCH-2), rebalanced (R-DISPATCH-4), bags (R-COOP-2).',
    tag: 'Staff: Thursday processing',
    auth: ['staff'],
    params: z.strictObject({ processingDay: LocalDateText }),
    success: { status: 200, description: 'The run', schema: ThursdayRun },
    responses: { 404: 'No processing ran on that day' },
    async handler({ params, ctx }) {
      return { body: await thursdayRun(ctx.deps.db, parseLocalDate(params.processingDay)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/thursday-runs',
    operationId: 'triggerThursdayRun',
    summary: 'Run a Thursday’s processing now, by hand',
    description:
      'The same processing the weekly workflow runs, for the given Thursday at its 10:00 JST moment, which must have come. Idempotent per processing day: ' +
      'a day already processed is not processed again, and its stored summary is returned. One run at a time: while another run ' +
      '(the weekly one, or another by hand) is in progress, 409 `/problems/thursday-run-in-progress`, nothing done; ask again when it has finished.',
    tag: 'Staff: Thursday processing',
    auth: ['staff'],
    body: TriggerThursdayBody,
    success: { status: 200, description: 'Processed (or already processed): the summary', schema: ThursdayRun },
    responses: {
      409: 'Thursday processing is already running (`/problems/thursday-run-in-progress`, with Retry-After): nothing was done',
      422: 'Not a processing day, or its processing moment has not come yet',
    },
    async handler({ body, caller, ctx }) {
      const run = await recordStaffAct(ctx, caller, { action: 'thursday-run', details: { processingDay: body.processingDay } }, async () => {
        const r = await triggerThursdayRun(ctx.deps.db, ctx.deps.runThursdayProcessing, {
          day: parseLocalDate(body.processingDay),
          now: await ctx.now(),
          schedule: ctx.deps.processingSchedule,
        });
        if (!r.ok && 'running' in r)
          throw new ApiProblem(409, 'thursday-run-in-progress', r.ja, r.en, { headers: { 'Retry-After': '30' }, transient: true });
        if (!r.ok) throw fieldProblem(422, [{ field: `body.${r.field}`, code: 'not_processable', ja: r.ja, en: r.en }]);
        return r.run;
      });
      return { body: run };
    },
  }),
];
