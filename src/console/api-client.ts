// The console is a client of the HTTP API, like the OPAC: every read and every act goes through the
// API's own routes — its validation, its authorization, its staff-act records, its Idempotency-Keys —
// over a loopback HTTP request to the very server that received the console's request, with the staff
// member's session token as `Authorization: Bearer`. No page reads the database or calls a service.
import type { Request } from 'express';

export interface ApiProblemBody {
  type: string;
  status: number;
  ja: string;
  en: string;
  rule?: string;
  errors?: { field: string; code: string; ja: string; en: string }[];
}

export type ApiAnswer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; problem: ApiProblemBody };

/** The session is not valid any more (signed out elsewhere, expired, the account disabled): sign in again. */
export class SignedOut extends Error {}
/** A temporary password must be changed before anything else (R-ACCOUNT-1's staff counterpart). */
export class PasswordChangeRequired extends Error {}

/** A path with its parameters %-encoded: api`/staff/reservations/${id}`. */
export function apiPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => (out += encodeURIComponent(String(v)) + strings[i + 1]!));
  return out;
}

/** The address the request came in on: the API that serves the console listens there. */
export function sameServer(req: Request): string {
  const host = req.socket.localAddress ?? '127.0.0.1';
  const port = req.socket.localPort;
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

export class ConsoleApi {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
    private readonly requestId: string | undefined,
  ) {}

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<ApiAnswer<T>> {
    return this.call<T>('GET', path, { query });
  }

  post<T>(path: string, body: unknown = {}, idempotencyKey?: string): Promise<ApiAnswer<T>> {
    return this.call<T>('POST', path, { body, idempotencyKey });
  }

  put<T>(path: string, body: unknown): Promise<ApiAnswer<T>> {
    return this.call<T>('PUT', path, { body });
  }

  async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown; idempotencyKey?: string | undefined } = {},
  ): Promise<ApiAnswer<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.requestId) headers['x-request-id'] = this.requestId;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let body: string | undefined;
    if (opts.body !== undefined && method !== 'GET') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const q = qs.toString();
    const res = await fetch(`${this.base}${path}${q ? `?${q}` : ''}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (res.ok) return { ok: true, status: res.status, body: parsed as T };
    const problem = (parsed ?? {}) as ApiProblemBody;
    if (res.status === 401 && this.token) throw new SignedOut(problem.en ?? 'signed out');
    if (res.status === 403 && problem.type === '/problems/password-change-required') throw new PasswordChangeRequired(problem.en);
    return {
      ok: false,
      status: res.status,
      problem: {
        type: problem.type ?? '/problems/internal',
        status: res.status,
        ja: problem.ja ?? 'APIから予期しない応答がありました。',
        en: problem.en ?? `Unexpected answer from the API (${res.status}).`,
        ...(problem.rule ? { rule: problem.rule } : {}),
        ...(problem.errors ? { errors: problem.errors } : {}),
      },
    };
  }
}

/** The answer's body, or an error for the console's error page (a read the page cannot do without). */
export function must<T>(a: ApiAnswer<T>): T {
  if (a.ok) return a.body;
  throw new ApiReadFailed(a.problem);
}

export class ApiReadFailed extends Error {
  constructor(readonly problem: ApiProblemBody) {
    super(problem.en);
  }
}
