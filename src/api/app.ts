// The HTTP API for the OPAC and for staff: Express 5 + zod 4. createApp only wires — one router per
// resource (src/api/routers), the problem-document error handling, the OpenAPI document — and opens
// or listens on nothing; src/api/server.ts starts it for `npm start`.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { consoleRouter } from '../console';
import type { ApiDeps } from './deps';
import { apiContext } from './deps';
import { openApiDocument } from './openapi';
import { ApiProblem } from './problem';
import { observeRequests } from './request-log';
import { resourceRouter, sendProblem, toProblem, type RouteDef } from './route';
import { sendgridWebhookRouter } from './sendgrid-webhook';
import { accountRoutes } from './routers/accounts';
import { catalogueRoutes } from './routers/catalogue';
import { metaRoutes } from './routers/meta';
import { myLibraryRoutes } from './routers/my-library';
import { noticeRoutes } from './routers/notices';
import { readingHistoryRoutes } from './routers/reading-history';
import { staffAccountRoutes } from './routers/staff-accounts';
import { staffClosedDayRoutes } from './routers/staff-closed-days';
import { staffLibraryRoutes } from './routers/staff-library';
import { staffLoanRoutes } from './routers/staff-loans';
import { staffPatronRoutes } from './routers/staff-patrons';
import { staffReservationRoutes } from './routers/staff-reservations';
import { staffShelfRoutes } from './routers/staff-shelf';
import { staffWorkListRoutes } from './routers/staff-work-lists';

export type { ApiDeps } from './deps';

/** Every operation, grouped as the routers are (one per resource). */
export function apiRoutes(document: () => Record<string, unknown> = () => openApiDocument(apiRoutes().flat())): RouteDef[][] {
  return [
    metaRoutes(document),
    accountRoutes,
    myLibraryRoutes,
    catalogueRoutes,
    staffReservationRoutes,
    staffLoanRoutes,
    staffPatronRoutes,
    staffWorkListRoutes, // before staffLibraryRoutes: /staff/thursday-runs/preview is not a {processingDay}
    staffLibraryRoutes,
    staffClosedDayRoutes,
    staffShelfRoutes,
    staffAccountRoutes,
    noticeRoutes,
    readingHistoryRoutes,
  ];
}

export function createApp(deps: ApiDeps): Express {
  const ctx = apiContext(deps);
  let doc: Record<string, unknown> | undefined;
  const groups = apiRoutes(() => (doc ??= openApiDocument(groups.flat())));
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(observeRequests(ctx.metrics, deps.logger));
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(sendgridWebhookRouter(ctx)); // its own raw body: the signature covers the bytes (docs/notices.md)
  for (const routes of groups) app.use(resourceRouter(routes, ctx));
  // The staff console (src/console): pages that call the routes above over HTTP, as any client does.
  // Mounted as a plain handler: its pages are not operations of the API (nor of its document).
  const report = deps.log ?? ((m: string, e: unknown) => (deps.logger ? deps.logger.error({ err: e }, m) : console.error(m, e)));
  const staffConsole = consoleRouter({ report });
  app.use('/console', (req, res, next) => staffConsole(req, res, next));

  app.use((req: Request) => {
    throw new ApiProblem(404, 'not-found', `「${req.method} ${req.path}」はありません。`, `No such endpoint: ${req.method} ${req.path}.`);
  });
  // Express 5 hands rejected promises and thrown errors of every step here.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(err);
    if (problem) return sendProblem(res, problem);
    const report =
      deps.log ??
      ((m: string, e: unknown) => (deps.logger ? deps.logger.error({ err: e, requestId: res.locals.requestId }, m) : console.error(m, e)));
    report(`${req.method} ${(res.locals.route as string | undefined) ?? 'unmatched route'} failed`, err);
    if (res.headersSent) return res.end();
    sendProblem(
      res,
      new ApiProblem(
        500,
        'internal',
        '処理中にエラーが発生しました。時間をおいて再度お試しください。',
        'An internal error occurred; please try again later.',
      ),
    );
  });
  return app;
}
