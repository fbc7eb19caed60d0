// Reachable without a key: health, the OpenAPI document and its human-readable page.
import { z } from 'zod';
import { renderDocsPage } from '../docs-page';
import { defineRoute, type RouteDef } from '../route';
import { Health } from '../schemas';

export function metaRoutes(document: () => Record<string, unknown>): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: the API answers',
      tag: 'Service',
      auth: 'public',
      success: { status: 200, description: 'Up', schema: Health },
      async handler() {
        return { body: { status: 'ok' } };
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
