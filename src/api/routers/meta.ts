// Reachable without a key: liveness and readiness, the metrics, the OpenAPI document and its page.
// (Operators publish the API through a proxy; /metrics and the probes carry no patron data.)
import { z } from 'zod';
import { renderDocsPage } from '../docs-page';
import { ApiProblem } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { Health, Ready } from '../schemas';

export function metaRoutes(document: () => Record<string, unknown>): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'healthz',
      summary: 'Liveness: the process answers (nothing else is checked)',
      tag: 'Service',
      auth: 'public',
      success: { status: 200, description: 'Up', schema: Health },
      async handler() {
        return { body: { status: 'ok' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      summary: 'Readiness: the database and Temporal answer (and the worker polls, where this process runs one)',
      description:
        'Each dependency is checked on every call, with a 3 s limit each. 503 while a dependency fails and from the moment the process begins to stop.',
      tag: 'Service',
      auth: 'public',
      success: { status: 200, description: 'Ready: every check passed', schema: Ready },
      responses: { 503: 'Not ready: a dependency failed (see `checks`) or the process is stopping' },
      async handler({ ctx }) {
        const report = await ctx.readiness.report();
        if (!report.ready) {
          const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
          const why = report.stopping ? ['stopping', ...failed] : failed;
          throw new ApiProblem(
            503,
            'not-ready',
            report.stopping ? '停止処理中です。' : `依存先に接続できません(${failed.join(', ')})。`,
            `Not ready: ${why.join(', ')}.`,
            { checks: report.checks, headers: { 'Retry-After': '5' } },
          );
        }
        return { body: { status: 'ready', checks: report.checks } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics: API requests by route and status, Node process, Temporal SDK runtime',
      tag: 'Service',
      auth: 'public',
      success: { status: 200, description: 'Prometheus text exposition format', schema: z.string(), contentType: 'text/plain' },
      async handler({ ctx }) {
        return { body: await ctx.metrics.render(), headers: { 'Content-Type': ctx.metrics.contentType } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This API as an OpenAPI 3.1 document',
      tag: 'Service',
      auth: 'public',
      success: { status: 200, description: 'The document', schema: z.record(z.string(), z.unknown()) },
      async handler() {
        return { body: document() };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'apiDocumentPage',
      summary: 'This API as a page to read',
      tag: 'Service',
      auth: 'public',
      success: { status: 200, description: 'A self-contained HTML page', schema: z.string(), contentType: 'text/html' },
      async handler() {
        return { body: renderDocsPage(document()) };
      },
    }),
  ];
}
