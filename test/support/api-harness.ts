// The real Express app over real HTTP on a loopback port, wired to a LendingHarness (time-skipping
// Temporal server, a worker with the real workflows and activities, a fresh migrated database). One
// per test file. Every response is checked against the OpenAPI document as it arrives: its status must
// be one the operation documents, an error must be a problem document with Japanese and English
// messages, and nothing may carry a stack trace. Violations are collected and asserted per file.
//
// Callers (`as`): 'opac' — the OPAC key, with the patron token the harness holds for the card in the
// path (from that patron's last login or password change through it: a.patron() or a.loginPatron()
// log in); 'trusted' — an opac-trusted key (no patron token: for tests about something else, and
// sample inputs naming nobody); 'staff' — the staff API key (a machine caller); 'counter' and 'admin'
// — a member of staff signed in (accounts made and signed in on first use). Patron tokens and staff
// sessions last 400 days here unless a test gives the limits (tests skip weeks of the library's clock).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes, createApp } from '../../src/api/app';
import type { ApiKey } from '../../src/api/auth';
import { documentedStatuses } from '../../src/api/openapi';
import type { RouteDef } from '../../src/api/route';
import type { Logger } from '../../src/ops/logger';
import { ServiceMetrics } from '../../src/ops/metrics';
import { databaseCheck, Readiness, temporalCheck } from '../../src/ops/readiness';
import { hashPassword } from '../../src/services/passwords';
import { createStaffAccount, type StaffSessionPolicy } from '../../src/services/staff-accounts';
import { thursdayByHand } from '../../src/services/thursday-by-hand';
import type { ThursdayInput } from '../../src/workflows/thursday-processing';
import { LendingHarness } from './lending-harness';

export const API_KEYS: ApiKey[] = [
  { name: 'opac-test', role: 'opac', secret: 'opac-key-0123456789abcdef0123' },
  { name: 'staff-test', role: 'staff', secret: 'staff-key-0123456789abcdef012' },
  { name: 'opac-trusted-test', role: 'opac', trusted: true, secret: 'opac-trusted-key-0123456789abcdef' },
];
export const KEY = { opac: API_KEYS[0]!.secret, staff: API_KEYS[1]!.secret, trusted: API_KEYS[2]!.secret };
/** The password of the patrons a.patron() makes, and of the harness's staff accounts. */
export const PATRON_PASSWORD = 'harness2026';
export const STAFF_PASSWORD = 'harness-staff-2026';
export const HARNESS_STAFF = {
  admin: { staffNumber: 'T-ADMIN', name: '管理 花子', role: 'admin' },
  counter: { staffNumber: 'T-COUNTER', name: '窓口 太郎', role: 'counter' },
} as const;
const LONG = 400 * 24 * 3_600_000;

export type As = 'opac' | 'staff' | 'trusted' | 'admin' | 'counter';

export interface CallOptions {
  /** Who calls (default: nobody, no credential). */
  as?: As | undefined;
  /** With as 'opac': this patron token instead of the one held for the card in the path; null: none. */
  patronToken?: string | null;
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
  /** The patron token held per card (the last login or password change through the OPAC key). */
  readonly patronTokens = new Map<string, string>();
  private readonly staffTokens = new Map<'admin' | 'counter', Promise<string>>();
  private readonly staffAccounts = new Map<'admin' | 'counter', Promise<unknown>>();
  private patronHash?: Promise<string>;

  private constructor(
    readonly h: LendingHarness,
    private readonly server: Server,
    readonly baseUrl: string,
    /** The app's /readyz and /metrics, as `npm start` hands them in. */
    readonly readiness: Readiness,
    readonly metrics: ServiceMetrics,
  ) {}

  static async start(
    opts: {
      thursday?: boolean | ThursdayInput;
      logger?: Logger;
      /** Patron token lifetime (default here: 400 days). */
      patronTokenTtlMs?: number;
      /** Staff session limits (default here: 400 days both). */
      staffSessions?: Partial<StaffSessionPolicy>;
      /** STAFF_KEY_ACCESS (default on). */
      staffKeys?: boolean;
      /** Who pulls listed copies off the shelf (default: at once; 'manual': the test scans, R-STATUS-1). */
      pulling?: 'manual' | { afterMinutes: number };
    } = {},
  ): Promise<ApiHarness> {
    const h = await LendingHarness.start(opts);
    const errors: unknown[] = [];
    const readiness = new Readiness({ database: databaseCheck(h.db), temporal: temporalCheck(h.client) });
    const metrics = new ServiceMetrics();
    const app = createApp({
      db: h.db,
      temporal: h.client,
      taskQueue: h.taskQueue,
      desk: h.desk,
      shelf: h.shelf,
      runThursdayProcessing: thursdayByHand(h.db, h.client),
      keys: API_KEYS,
      patronTokens: { ttlMs: opts.patronTokenTtlMs ?? LONG },
      staffSessions: { idleMs: LONG, maxMs: LONG, ...opts.staffSessions },
      ...(opts.staffKeys !== undefined ? { staffKeys: opts.staffKeys } : {}),
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
    const headers: Record<string, string> = {};
    if (opts.as === 'admin' || opts.as === 'counter') headers.authorization = `Bearer ${await this.staffToken(opts.as)}`;
    else if (opts.as) headers.authorization = `Bearer ${KEY[opts.as]}`;
    const card = opts.params?.cardNumber;
    if (opts.as === 'opac' && template.startsWith('/opac/patrons/{cardNumber}')) {
      const token = opts.patronToken === undefined ? this.patronTokens.get(String(card)) : opts.patronToken;
      if (token) headers['x-patron-token'] = token;
    }
    Object.assign(headers, opts.headers ?? {});
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
    let res = await fetch(this.url(template, opts), { method, headers, ...(body !== undefined ? { body } : {}) });
    if (res.status === 401 && (opts.as === 'admin' || opts.as === 'counter') && !opts.headers?.authorization) {
      // The harness's own session has ended (a test skipped the clock past its limits): signed in again.
      this.staffTokens.delete(opts.as);
      headers.authorization = `Bearer ${await this.staffToken(opts.as)}`;
      res = await fetch(this.url(template, opts), { method, headers, ...(body !== undefined ? { body } : {}) });
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    const out = { status: res.status, headers: res.headers, text, body: parsed };
    this.check(method, template, out);
    // The patron token the OPAC would keep: from the login, or from the password change (which revokes the older ones).
    const token = (parsed as { patronToken?: unknown } | null)?.patronToken;
    if (res.status === 200 && opts.as === 'opac' && typeof token === 'string') {
      if (template === '/opac/login') this.patronTokens.set(String((parsed as { cardNumber: string }).cardNumber), token);
      if (template === '/opac/patrons/{cardNumber}/password') this.patronTokens.set(String(card), token);
    }
    return out;
  }

  /** Logs a patron in through the OPAC key; the harness keeps the token for that card. */
  loginPatron(cardNumber: string, password: string = PATRON_PASSWORD): Promise<ApiResponse> {
    return this.call('POST', '/opac/login', { as: 'opac', body: { cardNumber, password } });
  }

  /** A patron as LendingHarness.patron makes one, with the password PATRON_PASSWORD, logged in through the OPAC. */
  async patron(card: string, opts: Parameters<LendingHarness['patron']>[1] = {}) {
    const p = await this.h.patron(card, opts);
    this.patronHash ??= hashPassword(PATRON_PASSWORD);
    const withPassword = await this.h.db.patron.update({ where: { id: p.id }, data: { passwordHash: await this.patronHash } });
    const login = await this.loginPatron(card);
    if (login.status !== 200) throw new Error(`logging ${card} in: ${login.status} ${login.text}`);
    return withPassword;
  }

  /** The session token of the harness's admin or counter account (made, with its password changed, and signed in on first use). */
  staffToken(role: 'admin' | 'counter'): Promise<string> {
    let token = this.staffTokens.get(role);
    if (!token) {
      token = (async () => {
        const s = HARNESS_STAFF[role];
        let made = this.staffAccounts.get(role);
        if (!made) {
          made = (async () => {
            const { account } = await createStaffAccount(this.h.db, { ...s, temporaryPassword: STAFF_PASSWORD });
            await this.h.db.staffAccount.update({ where: { id: account.id }, data: { mustChangePassword: false } });
          })();
          this.staffAccounts.set(role, made);
        }
        await made;
        const r = await this.call('POST', '/staff/login', { body: { staffNumber: s.staffNumber, password: STAFF_PASSWORD } });
        if (r.status !== 200) throw new Error(`signing ${s.staffNumber} in: ${r.status} ${r.text}`);
        return r.body.token as string;
      })();
      this.staffTokens.set(role, token);
    }
    return token;
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
  post(template: string, as: As, params: Record<string, string | number>, body?: unknown, extra: Partial<CallOptions> = {}) {
    return this.call('POST', template, { as, params, body: body ?? {}, ...extra });
  }

  get(template: string, as: As | undefined, params: Record<string, string | number> = {}, query?: Record<string, string | number>) {
    return this.call('GET', template, { as, params, ...(query ? { query } : {}) });
  }

  put(template: string, as: As, params: Record<string, string | number>, body: unknown, extra: Partial<CallOptions> = {}) {
    return this.call('PUT', template, { as, params, body, ...extra });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
    await this.h.stop();
  }
}
