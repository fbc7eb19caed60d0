// One observation per HTTP request, when its response ends (or the client goes away first): a count
// and a latency in the metrics, and a line in the request log.
//
// The log line names the operation (its path template), the status, the time taken, the API key's name
// and the reservation concerned — never the concrete path or query, which carry card numbers: which
// patron reserved which book is the patron's secret (図書館の自由に関する宣言, 利用者の秘密を守る), and
// the reservation id alone links to it only through the database.
//
// X-Request-Id: taken from the caller when it is a sensible token (an OPAC can correlate its own logs),
// else made here; echoed on the response and written on the log line.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../ops/logger';
import { OPS_ROUTES, UNMATCHED_ROUTE, type ServiceMetrics } from '../ops/metrics';
import { reservationWorkflowId } from '../workflows/reservation-messages';
import type { Caller } from './auth';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Status recorded when the client closed the connection before the response was complete (as nginx does). */
export const CLIENT_CLOSED = 499;

export function observeRequests(metrics: ServiceMetrics, logger: Logger | undefined): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.get('x-request-id');
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    let observed = false;
    const observe = (): void => {
      if (observed) return;
      observed = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (res.locals.route as string | undefined) ?? UNMATCHED_ROUTE;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      metrics.observeRequest(req.method, route, status, seconds);
      if (!logger) return;
      const reservationId = res.locals.reservationId as string | undefined;
      const line = {
        requestId,
        method: req.method,
        route,
        status,
        ms: Math.round(seconds * 1000),
        caller: (res.locals.caller as Caller | undefined)?.keyName,
        ...(reservationId ? { reservationId, workflowId: reservationWorkflowId(reservationId) } : {}),
      };
      if (status >= 500) logger.error(line, 'request failed');
      else if (OPS_ROUTES.has(route))
        logger.debug(line, 'request'); // probes and scrapes: every few seconds
      else logger.info(line, 'request');
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}
