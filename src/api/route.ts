// One API operation, declared once: method, path, who may call it, the zod schemas of its path, query
// and body, its responses, and the handler. From the same declaration come the Express route (here)
// and the operation in the OpenAPI document (openapi.ts), so the two cannot drift apart.
//
// Every handler runs the same steps: authenticate → check the role → check the media type and read
// the JSON body → validate path, query and body with zod → (POST with Idempotency-Key) claim the key
// or replay → the handler (ownership, then one service call) → map the result. Anything thrown
// becomes a problem document (toProblem).
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../services/errors';
import { sessionByToken } from '../services/staff-accounts';
import { admits, authenticator, forbidden, passwordChangeFirst, staffCaller, type Access, type Caller } from './auth';
import type { ApiContext } from './deps';
import { checkKey, IDEMPOTENCY_HEADER, type Claim } from './idempotency';
import { actsForPatron, needsPatronToken, patronCaller } from './patron-access';
import { PATRON_TOKEN_HEADER } from './patron-tokens';
import { ApiProblem, fieldErrors, fieldProblem, PROBLEM_CONTENT_TYPE } from './problem';

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HandlerInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  caller: Caller | null;
  idempotencyKey: string | null;
  ctx: ApiContext;
}

export interface RouteDef<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put';
  /** OpenAPI form: /staff/reservations/{reservationId} */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /**
   * 'public', or whom it admits (others get 403): `opac`, `staff` (a staff API key or any member of
   * staff signed in), `staff-member` (signed in, not a key), `admin` (signed in with the admin role).
   * `/opac/patrons/{cardNumber}/…` operations also want that patron's token (patron-access.ts).
   */
  auth: 'public' | readonly Access[];
  /** A member of staff still signed in with a temporary password may call it (the change itself, sign-out); else 403. */
  beforePasswordChange?: true;
  params?: P;
  query?: Q;
  body?: B;
  success: { status: 200 | 201; description: string; schema: z.ZodType; contentType?: 'application/json' | 'text/html' | 'text/plain' };
  /**
   * POST only: false where a stored response would keep a secret at rest (a password in the request,
   * a temporary password in the answer); the Idempotency-Key header is then ignored.
   */
  idempotency?: false;
  /** The other responses this operation sends besides the generic ones (see openapi.ts genericResponses). */
  responses?: Partial<Record<400 | 401 | 403 | 404 | 409 | 422 | 429 | 503, string>>;
  handler(input: HandlerInput<P, Q, B>): Promise<Reply>;
}

/** Declares a route with its handler's input typed from its schemas. */
export function defineRoute<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType>(
  r: RouteDef<P, Q, B>,
): RouteDef {
  return r as unknown as RouteDef;
}

export const takesIdempotencyKey = (route: RouteDef): boolean => route.method === 'post' && route.auth !== 'public' && route.idempotency !== false;

export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** Maps anything thrown by a step or a service to a problem, or undefined for a real (500) error. */
export function toProblem(err: unknown): ApiProblem | undefined {
  if (err instanceof ApiProblem) return err;
  if (err instanceof NotFoundError) return new ApiProblem(404, 'not-found', err.ja, err.message);
  if (err instanceof ConflictError) {
    return new ApiProblem(409, 'conflict', err.ja, err.en, { errors: [{ field: `body.${err.field}`, code: 'conflict', ja: err.ja, en: err.en }] });
  }
  // The router cannot decode a path parameter (a malformed %-escape): the client's fault.
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    return new ApiProblem(400, 'malformed-request', 'URLのパスを読み取れません。', 'The URL path is not properly %-encoded.', {
      errors: [{ field: 'path', code: 'invalid_encoding', ja: 'パスの%エンコードが正しくありません', en: 'Malformed %-encoding' }],
    });
  }
  // body-parser's errors (http-errors): their status is the client's fault, their messages are not shown.
  const e = err as { type?: unknown; status?: unknown; expose?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    if (e.status === 413) return new ApiProblem(413, 'payload-too-large', 'リクエスト本文が大きすぎます。', 'The request body is too large.');
    if (e.status === 415)
      return new ApiProblem(
        415,
        'unsupported-media-type',
        '文字コードまたは圧縮形式に対応していません。',
        'Unsupported charset or content encoding.',
      );
    if (e.type === 'entity.parse.failed') {
      return new ApiProblem(
        400,
        'malformed-request',
        'リクエスト本文がJSONとして読めません。',
        'The request body is not valid JSON (an object is expected).',
        {
          errors: [{ field: 'body', code: 'invalid_json', ja: 'JSONとして読めません', en: 'Not valid JSON' }],
        },
      );
    }
    return new ApiProblem(400, 'malformed-request', 'リクエストを読み取れませんでした。', 'The request could not be read.');
  }
  return undefined;
}

export function sendProblem(res: Response, p: ApiProblem, instance?: string): void {
  res
    .status(p.status)
    .set(p.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(p.body(instance)));
}

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

const JSON_TYPES = ['application/json', 'application/*+json'];

function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string) {
  if (!schema) return { ok: true as const, data: {} };
  const r = schema.safeParse(value ?? {});
  return r.success ? { ok: true as const, data: r.data } : { ok: false as const, errors: fieldErrors(where, r.error) };
}

/** The Express router of one resource: its routes, each behind the same steps. */
export function resourceRouter(routes: readonly RouteDef[], ctx: ApiContext): Router {
  const router = Router();
  const authenticate = authenticator(ctx.deps.keys, {
    staffKeys: ctx.deps.staffKeys,
    staffSession: async (token) => {
      const found = await sessionByToken(ctx.deps.db, token, await ctx.now(), ctx.staffSessions);
      return found ? staffCaller(found.account, found.session.id) : null;
    },
  });
  const json = express.json({ limit: ctx.deps.bodyLimit ?? '16kb', type: JSON_TYPES, strict: true });

  for (const route of routes) {
    const steps: RequestHandler[] = [];
    steps.push(async (req, res, next) => {
      // For the request log and the metrics (app.ts): the operation, never the concrete path.
      res.locals.route = route.path;
      if (typeof req.params.reservationId === 'string') res.locals.reservationId = req.params.reservationId;
      if (route.auth === 'public') return next();
      let caller = await authenticate(req);
      res.locals.caller = caller;
      if (!admits(route.auth, caller)) throw forbidden(caller, route.auth);
      if (caller.mustChangePassword && !route.beforePasswordChange) throw passwordChangeFirst();
      if (actsForPatron(route) && needsPatronToken(caller)) {
        const card = typeof req.params.cardNumber === 'string' ? req.params.cardNumber : undefined;
        caller = await patronCaller(ctx, caller, card, req.get(PATRON_TOKEN_HEADER));
        res.locals.caller = caller;
      }
      next();
    });
    if (route.body) {
      steps.push((req, _res, next) => {
        if (hasBody(req) && !req.is(JSON_TYPES)) {
          throw new ApiProblem(
            415,
            'unsupported-media-type',
            'リクエスト本文は application/json で送ってください。',
            'The request body must be application/json.',
          );
        }
        next();
      });
      steps.push(json);
    }
    steps.push(async (req, res) => {
      const caller = (res.locals.caller as Caller | undefined) ?? null;
      const params = parsePart(route.params, req.params, 'path');
      const query = parsePart(route.query, req.query, 'query');
      const body = parsePart(route.body, req.body, 'body');
      if (!params.ok || !query.ok) throw fieldProblem(400, [...(params.ok ? [] : params.errors), ...(query.ok ? [] : query.errors)]);
      if (!body.ok) throw fieldProblem(422, body.errors);

      const key = takesIdempotencyKey(route) && caller ? (req.get(IDEMPOTENCY_HEADER) ?? null) : null;
      let claim: Claim | null = null;
      if (key !== null) {
        checkKey(key);
        const begun = await ctx.idempotency.begin(ctx.idempotency.recordId(caller!.keyName, key), {
          method: req.method,
          path: req.path,
          body: req.body,
        });
        if ('claim' in begun) claim = begun.claim;
        else {
          const first = begun.replay;
          res.status(first.status).set('Idempotent-Replayed', 'true');
          if (first.status >= 400) res.type(PROBLEM_CONTENT_TYPE);
          res.json(first.body);
          return;
        }
      }

      let reply: Reply;
      try {
        reply = await route.handler({ params: params.data, query: query.data, body: body.data, caller, idempotencyKey: key, ctx } as never);
        if (ctx.deps.checkResponses && (route.success.contentType ?? 'application/json') === 'application/json') {
          const checked = route.success.schema.safeParse(reply.body);
          if (!checked.success) throw new Error(`${route.operationId}: response does not match its schema: ${z.prettifyError(checked.error)}`);
        }
      } catch (err) {
        const problem = toProblem(err);
        if (claim !== null) {
          // A transient problem (e.g. a Thursday run in progress) is forgotten: a retry with the key is tried afresh.
          if (problem && !problem.extra.transient) await ctx.idempotency.complete(claim, { status: problem.status, body: problem.body() });
          else await ctx.idempotency.forget(claim);
        }
        throw err;
      }
      const status = reply.status ?? route.success.status;
      if (claim !== null) await ctx.idempotency.complete(claim, { status, body: reply.body });
      const placed = (reply.body as { reservationId?: unknown } | null)?.reservationId;
      if (typeof placed === 'string') res.locals.reservationId ??= placed;
      res.status(status);
      const contentType = route.success.contentType ?? 'application/json';
      if (contentType === 'application/json') res.set(reply.headers ?? {}).json(reply.body);
      else
        res
          .type(contentType)
          .set(reply.headers ?? {})
          .send(reply.body as string);
    });
    router[route.method](expressPath(route.path), ...steps);
  }
  return router;
}
