// R-PRIVACY-1: the reading history (貸出履歴) in My Library — off unless the patron turns it on; the
// patron's own choice, so only the patron (through the OPAC, with their token) can turn it on or off.
import { z } from 'zod';
import { readingHistory, setReadingHistory } from '../../services/reading-history';
import { defineRoute, type RouteDef } from '../route';
import { CardNumber, LocalDateText, PageQuery, TitleId, pageOf } from '../schemas';
import { actingFor } from './opac-patron';

const PatronPath = z.strictObject({ cardNumber: CardNumber });
const ACCOUNT_403 = 'Not this caller’s to do, or the temporary password has not been changed yet (R-ACCOUNT-1)';

const ReadingHistorySetting = z
  .object({
    enabled: z.boolean().meta({ description: 'The reading history is kept (R-PRIVACY-1); off unless the patron turned it on' }),
    since: z.string().nullable().meta({ description: 'When it was last turned on (ISO 8601); null while off' }),
  })
  .meta({ description: 'Whether the patron keeps a reading history (貸出履歴)' });

const ReadingHistoryEntry = z.object({
  loanId: z.uuid(),
  titleId: TitleId,
  title: z.string(),
  author: z.string().nullable(),
  lentOn: LocalDateText,
  returnedOn: LocalDateText.nullable(),
});

const ReadingHistoryPage = pageOf(ReadingHistoryEntry)
  .extend(ReadingHistorySetting.shape)
  .meta({ description: 'Returned loans, the latest return first; none while the reading history is off (R-PRIVACY-1)' });

export const readingHistoryRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/opac/patrons/{cardNumber}/reading-history',
    operationId: 'getMyReadingHistory',
    summary: 'The patron’s reading history (貸出履歴): returned loans, if the patron keeps one (R-PRIVACY-1)',
    description:
      'Off unless the patron turned it on: then `enabled` is false and nothing is listed. Kept while on; while off, the link between the ' +
      'patron and an ended loan or reservation is removed after PRIVACY_RETENTION_DAYS (R-PRIVACY-2).',
    tag: 'OPAC: reading history',
    auth: ['opac'],
    params: PatronPath,
    query: z.strictObject({ ...PageQuery }),
    success: { status: 200, description: 'The setting and one page of returned loans', schema: ReadingHistoryPage },
    responses: { 403: ACCOUNT_403, 404: 'No such patron' },
    async handler({ caller, params, query, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      return { body: await readingHistory(ctx.deps.db, patron.id, query) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/opac/patrons/{cardNumber}/reading-history',
    operationId: 'setMyReadingHistory',
    summary: 'Turn the reading history on or off (R-PRIVACY-1)',
    description:
      'On: returned loans are kept and listed from now on, with those still linked to the patron. Off: nothing is listed, and what ended ' +
      'more than PRIVACY_RETENTION_DAYS ago is forgotten at the next housekeeping pass (R-PRIVACY-2).',
    tag: 'OPAC: reading history',
    auth: ['opac'],
    params: PatronPath,
    body: z.strictObject({ enabled: z.boolean().meta({ description: 'true: keep a reading history; false: do not' }) }),
    success: { status: 200, description: 'The setting now', schema: ReadingHistorySetting },
    responses: { 403: ACCOUNT_403, 404: 'No such patron', 422: 'Invalid body (body.enabled)' },
    async handler({ caller, params, body, ctx }) {
      const patron = await actingFor(ctx, params.cardNumber, caller);
      return { body: await setReadingHistory(ctx.deps.db, patron.id, body.enabled, await ctx.now()) };
    },
  }),
];
