// The worker's own small HTTP server (SERVICE_ROLE=worker has no API): /healthz, /readyz and /metrics,
// the same answers the API gives for them (src/api/routers/meta.ts), for compose's health check and
// for Prometheus. Nothing else is served.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenGracefully } from './graceful-close';
import { OPS_ROUTES, UNMATCHED_ROUTE, type ServiceMetrics } from './metrics';
import type { Readiness } from './readiness';

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(opts: { host: string; port: number; readiness: Readiness; metrics: ServiceMetrics }): Promise<OpsServer> {
  const send = (res: ServerResponse, status: number, type: string, body: string): void => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown): void =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    const started = process.hrtime.bigint();
    let status = 200;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      status = 405;
      json(res, status, { status, title: 'Method not allowed', detail: 'Only GET is served here.' });
    } else if (path === '/healthz') {
      json(res, status, { status: 'ok' });
    } else if (path === '/readyz') {
      const report = await opts.readiness.report();
      status = report.ready ? 200 : 503;
      json(
        res,
        status,
        report.ready ? { status: 'ready', checks: report.checks } : { status: 'not-ready', stopping: report.stopping, checks: report.checks },
      );
    } else if (path === '/metrics') {
      send(res, status, opts.metrics.contentType, await opts.metrics.render());
    } else {
      status = 404;
      json(res, status, { status, title: 'Not found', detail: 'This is the worker: /healthz, /readyz and /metrics only.' });
    }
    const known = path !== undefined && OPS_ROUTES.has(path) ? path : UNMATCHED_ROUTE;
    opts.metrics.observeRequest(req.method ?? 'GET', known, status, Number(process.hrtime.bigint() - started) / 1e9);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { status: 500, title: 'Internal error' });
      else res.end();
    });
  });
  const listening = await listenGracefully(server, opts.port, opts.host);
  return { url: listening.url, close: async () => void (await listening.close(5_000)) };
}
