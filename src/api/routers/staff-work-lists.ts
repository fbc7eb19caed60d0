// Staff work lists (issue 10): the Thursday preview (what the run will pack and what will fail, by the
// run's own decisions), the bag labels and transit slips of a run (R-COOP-2), the hold shelf at the
// prefectural library and today's expired holds (R-PREF-5), and the copies travelling back from
// cooperating libraries (R-RETURN-4). Read only; names appear in these staff answers and nowhere else.
import { z } from 'zod';
import { jstDateOf, parseLocalDate } from '../../domain';
import { DEFAULT_THURSDAY_OPTIONS } from '../../activities/thursday';
import { holdShelf, holdShelfExpired, inTransit, runLabels, runTransitSlips, thursdayPreview } from '../../services/work-lists';
import { ApiProblem, fieldProblem } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import {
  DateQuery,
  HoldShelf,
  HoldShelfExpired,
  InTransit,
  LibraryFilterQuery,
  LocalDateText,
  PreviewQuery,
  ThursdayLabels,
  ThursdayPreview,
  ThursdayTransitSlips,
} from '../schemas';

const RunPath = z.strictObject({ processingDay: LocalDateText });
const TAG_THURSDAY = 'Staff: Thursday processing';
const TAG_SHELVES = 'Staff: work lists';

export const staffWorkListRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/staff/thursday-runs/preview',
    operationId: 'previewThursdayRun',
    summary: 'What a Thursday’s processing will do, before it runs: the bags per cooperating library, and what will fail and why',
    description:
      'Computed by the decisions the run itself makes (R-DISPATCH-1…4, R-COOP-2, R-COOP-4), as if it ran now with the worker’s settings; writes nothing. ' +
      'Per cooperating library: one bag per patron with its items, and the reservations that will not be sent, with the rule and what follows ' +
      '(kept 確保済み, moved down to 確保待ち, released) and where the copy goes.',
    tag: TAG_THURSDAY,
    auth: ['staff'],
    query: PreviewQuery,
    success: { status: 200, description: 'The preview', schema: ThursdayPreview },
    responses: {
      409: 'That day has already been processed: see its labels and transit slips',
      422: 'The date is not a processing day (`query.date`)',
    },
    async handler({ query, ctx }) {
      const r = await thursdayPreview(ctx.deps.db, {
        day: query.date ? parseLocalDate(query.date) : undefined,
        now: await ctx.now(),
        schedule: ctx.deps.processingSchedule,
        options: ctx.deps.thursdayOptions ?? DEFAULT_THURSDAY_OPTIONS,
      });
      if (r.ok) return { body: r.preview };
      if (r.problem === 'already-run') throw new ApiProblem(409, 'conflict', r.ja, r.en);
      throw fieldProblem(422, [{ field: 'query.date', code: 'not_processing_day', ja: r.ja, en: r.en }]);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/thursday-runs/{processingDay}/labels',
    operationId: 'thursdayRunLabels',
    summary: 'The bag labels of a Thursday run (利用者番号, 氏名, 受取館, the items, 受取期間), to print again',
    description: 'R-COOP-2: exactly the bags the run packed, as stored with it; `library` for one cooperating library.',
    tag: TAG_THURSDAY,
    auth: ['staff'],
    params: RunPath,
    query: LibraryFilterQuery,
    success: { status: 200, description: 'The labels', schema: ThursdayLabels },
    responses: { 404: 'No processing ran on that day' },
    async handler({ params, query, ctx }) {
      return { body: await runLabels(ctx.deps.db, parseLocalDate(params.processingDay), query.library) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/thursday-runs/{processingDay}/transit-slips',
    operationId: 'thursdayRunTransitSlips',
    summary: 'The transit slips (搬送リスト) of a Thursday run: per cooperating library, its bags with counts',
    description: 'R-COOP-2: the bags the run packed, as stored with it; no names (the slip travels with the courier). `library` for one.',
    tag: TAG_THURSDAY,
    auth: ['staff'],
    params: RunPath,
    query: LibraryFilterQuery,
    success: { status: 200, description: 'The transit slips', schema: ThursdayTransitSlips },
    responses: { 404: 'No processing ran on that day' },
    async handler({ params, query, ctx }) {
      return { body: await runTransitSlips(ctx.deps.db, parseLocalDate(params.processingDay), query.library) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/hold-shelf',
    operationId: 'holdShelf',
    summary: 'The hold shelf at the prefectural library: reservations 貸出可能, the first set aside first',
    description: 'Item, title, patron (利用者番号, 氏名) and the last day to collect (取置期限, R-PREF-2).',
    tag: TAG_SHELVES,
    auth: ['staff'],
    success: { status: 200, description: 'The hold shelf', schema: HoldShelf },
    async handler({ ctx }) {
      return { body: await holdShelf(ctx.deps.db, jstDateOf(await ctx.now())) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/hold-shelf/expired',
    operationId: 'holdShelfExpired',
    summary: 'Holds that expired uncollected (取置期限切れ), released on the day: the copies to clear from the hold shelf',
    description:
      'R-PREF-5: released as the last day ended (the workflow), and what the release did with each copy: back to 書架 (reshelve), or secured at once ' +
      'for the next reserver — a new hold here, or a cooperating library’s Thursday (docs/spec.md §5 Decision).',
    tag: TAG_SHELVES,
    auth: ['staff'],
    query: DateQuery,
    success: { status: 200, description: 'The expired holds', schema: HoldShelfExpired },
    async handler({ query, ctx }) {
      return { body: await holdShelfExpired(ctx.deps.db, query.date ? parseLocalDate(query.date) : jstDateOf(await ctx.now())) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/staff/in-transit',
    operationId: 'inTransit',
    summary: 'Copies travelling back from cooperating libraries, not yet checked in, by library, with the day each should arrive',
    description:
      'R-RETURN-4: loans returned at a cooperating library (still 貸出中), and copies 予回送 back from a cancelled or uncollected delivery; ' +
      'the arrival day from the §6 calendar (collected Monday, processed Wednesday), oldest first; late once that day has passed.',
    tag: TAG_SHELVES,
    auth: ['staff'],
    success: { status: 200, description: 'The copies in transit', schema: InTransit },
    async handler({ ctx }) {
      return { body: await inTransit(ctx.deps.db, jstDateOf(await ctx.now())) };
    },
  }),
];
