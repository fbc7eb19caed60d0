// The real Express app over real HTTP on a loopback port, wired to a LendingHarness (time-skipping
// Temporal server, a worker with the real workflows and activities, a fresh migrated database). One
// per test file. Every response is checked against the OpenAPI document as it arrives: its status must
// be one the operation documents, an error must be a problem document with Japanese and English
// messages, and nothing may carry a stack trace. Violations are collected and asserted per file.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes, createApp } from '../../src/api/app';
import type { ApiKey } from '../../src/api/auth';
import { documentedStatuses } from '../../src/api/openapi';
import type { RouteDef } from '../../src/api/route';
import type { Logger } from '../../src/ops/logger';
import { ServiceMetrics } from '../../src/ops/metrics';
import { databaseCheck, Readiness, temporalCheck } from '../../src/ops/readiness';
import { thursdayByHand } from '../../src/services/thursday-by-hand';
import type { ThursdayInput } from '../../src/workflows/thursday-processing';
import { LendingHarness } from './lending-harness';

export const API_KEYS: ApiKey[] = [
  { name: 'opac-test', role: 'opac', secret: 'opac-key-0123456789abcdef0123' },
  { name: 'staff-test', role: 'staff', secret: 'staff-key-0123456789abcdef012' },
];
export const KEY = { opac: API_KEYS[0]!.secret, staff: API_KEYS[1]!.secret };

export interface CallOptions {
  /** Which key to send (default: none). */
  as?: 'opac' | 'staff' | undefined;
  params?: Record<string, string | number>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  rawBody?: string | Buffer;
  contentType?: string | null;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export class ApiHarness {
  readonly observed = new Map<string, Set<number>>();
  readonly violations: string[] = [];
  readonly serverErrors: unknown[] = [];
  private readonly routes: RouteDef[] = apiRoutes().flat();

  private constructor(
    readonly h: LendingHarness,
    private readonly server: Server,
    readonly baseUrl: string,
    /** The app's /readyz and /metrics, as `npm start` hands them in. */
    readonly readiness: Readiness,
    readonly metrics: ServiceMetrics,
  ) {}

  static async start(opts: { thursday?: boolean | ThursdayInput; logger?: Logger } = {}): Promise<ApiHarness> {
    const h = await LendingHarness.start(opts);
    const errors: unknown[] = [];
    const readiness = new Readiness({ database: databaseCheck(h.db), temporal: temporalCheck(h.client) });
    const metrics = new ServiceMetrics();
    const app = createApp({
      db: h.db,
      temporal: h.client,
      taskQueue: h.taskQueue,
      desk: h.desk,
      runThursdayProcessing: thursdayByHand(h.db, h.client),
      keys: API_KEYS,
      clock: () => h.now(),
      checkResponses: true,
      log: (message, err) => errors.push({ message, err }),
      readiness,
      metrics,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const a = new ApiHarness(h, server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, readiness, metrics);
    (a as { serverErrors: unknown[] }).serverErrors = errors;
    return a;
  }

  route(method: string, template: string): RouteDef | undefined {
    return this.routes.find((r) => r.method === method.toLowerCase() && r.path === template);
  }

  url(template: string, opts: Pick<CallOptions, 'params' | 'query'> = {}): string {
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(opts.params?.[name] ?? `{${name}}`)));
    const qs = new URLSearchParams(Object.entries(opts.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Calls an operation by its documented method and path template, and checks the response against the document. */
  async call(method: string, template: string, opts: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.as) headers.authorization = `Bearer ${KEY[opts.as]}`;
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
    const res = await fetch(this.url(template, opts), { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    const out = { status: res.status, headers: res.headers, text, body: parsed };
    this.check(method, template, out);
    return out;
  }

  private check(method: string, template: string, res: ApiResponse): void {
    const route = this.route(method, template);
    const where = `${method.toUpperCase()} ${template} → ${res.status}`;
    if (!route) return void this.violations.push(`${where}: not a documented operation`);
    const key = `${route.method} ${route.path}`;
    if (!this.observed.has(key)) this.observed.set(key, new Set());
    this.observed.get(key)!.add(res.status);
    if (!documentedStatuses(route).includes(res.status)) this.violations.push(`${where}: status not documented (${res.text.slice(0, 200)})`);
    if (/\n\s+at |node_modules|\.ts:\d+/.test(res.text)) this.violations.push(`${where}: looks like a stack trace`);
    if (res.status >= 400) {
      const type = res.headers.get('content-type') ?? '';
      const b = res.body as { type?: unknown; status?: unknown; ja?: unknown; en?: unknown };
      if (!type.startsWith('application/problem+json')) this.violations.push(`${where}: content-type ${type}`);
      if (typeof b?.type !== 'string' || b.status !== res.status || typeof b.ja !== 'string' || typeof b.en !== 'string') {
        this.violations.push(`${where}: not a problem document: ${res.text.slice(0, 200)}`);
      }
    }
  }

  /** Shorthand for the common case: the caller's role, path params, body. */
  post(template: string, as: 'opac' | 'staff', params: Record<string, string | number>, body?: unknown, extra: Partial<CallOptions> = {}) {
    return this.call('POST', template, { as, params, body: body ?? {}, ...extra });
  }

  get(template: string, as: 'opac' | 'staff' | undefined, params: Record<string, string | number> = {}, query?: Record<string, string | number>) {
    return this.call('GET', template, { as, params, ...(query ? { query } : {}) });
  }

  put(template: string, as: 'opac' | 'staff', params: Record<string, string | number>, body: unknown) {
    return this.call('PUT', template, { as, params, body });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
    await this.h.stop();
  }
}
