// The OpenAPI 3.1 document, generated from the route declarations and their zod schemas
// (z.toJSONSchema, JSON Schema 2020-12 = OpenAPI 3.1's dialect). Request schemas are rendered as their
// input (what a client sends: defaults optional, strings before coercion), responses as their output.
import { z } from 'zod';
import { ROLES, type Access } from './auth';
import { IDEMPOTENCY_HEADER } from './idempotency';
import { actsForPatron } from './patron-access';
import { PATRON_TOKEN_HEADER } from './patron-tokens';
import { takesIdempotencyKey, type RouteDef } from './route';
import { Problem } from './schemas';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** The responses every operation of its kind can send, besides its own. */
export function genericResponses(route: RouteDef): Record<number, string> {
  const out: Record<number, string> = {};
  const authed = route.auth !== 'public';
  const idempotent = takesIdempotencyKey(route);
  if (route.params || route.query || route.body || idempotent) {
    out[400] =
      'Malformed request: a path or query parameter is invalid, the body is not JSON, or the Idempotency-Key is malformed (the problem names the field)';
  }
  if (authed) {
    const allowed = route.auth as readonly Access[];
    const sessions = allowed.some((a) => a !== 'opac');
    out[401] = sessions ? 'No API key or staff session, a wrong one, or a session that has ended' : 'No API key, or a wrong one';
    if (actsForPatron(route)) {
      out[401] += `; or (a key not trusted) no valid patron token for this card in ${PATRON_TOKEN_HEADER}: missing, expired, or revoked by a password change (R-ACCOUNT-1)`;
    }
    const forbidden: string[] = [];
    if (ROLES.some((r) => !allowed.includes(r)) || allowed.some((a) => a === 'admin' || a === 'staff-member'))
      forbidden.push(`Not for this caller (allowed: ${allowed.join(', ')})`);
    if (sessions && !route.beforePasswordChange) forbidden.push('a member of staff signed in with a temporary password must change it first');
    if (actsForPatron(route)) forbidden.push('the patron token is for another card (R-ACCOUNT-1)');
    if (forbidden.length) out[403] = forbidden.join('; or ');
  }
  if (route.body) {
    out[413] = 'The body is too large';
    out[415] = 'The body is not application/json';
    out[422] = 'The body does not match the schema (the problem names each field)';
  }
  if (idempotent) {
    out[409] = 'A request with the same Idempotency-Key is still being processed';
    out[422] = `${out[422] ? `${out[422]}; or ` : ''}the Idempotency-Key was used for another request`;
  }
  return out;
}

/** Every status an operation is documented to send. */
export function documentedStatuses(route: RouteDef): number[] {
  const all = new Set<number>([
    route.success.status,
    ...Object.keys(genericResponses(route)).map(Number),
    ...Object.keys(route.responses ?? {}).map(Number),
  ]);
  return [...all].sort((a, b) => a - b);
}

function parameters(route: RouteDef): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  if (takesIdempotencyKey(route)) {
    out.push({
      name: IDEMPOTENCY_HEADER,
      in: 'header',
      required: false,
      description:
        'Makes a retried POST safe: the same key and request return the first result without acting twice (1–255 visible ASCII characters).',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return out;
}

/** Which credentials an operation takes: an API key, a staff session, and for a patron's calls the patron token. */
function security(route: RouteDef): Record<string, string[]>[] {
  if (route.auth === 'public') return [];
  const out: Record<string, string[]>[] = [];
  const allowed = route.auth as readonly Access[];
  if (allowed.includes('opac')) out.push(...(actsForPatron(route) ? [{ apiKey: [], patronToken: [] }, { apiKey: [] }] : [{ apiKey: [] }]));
  if (allowed.includes('staff') && !allowed.includes('opac')) out.push({ apiKey: [] });
  if (allowed.some((a) => a !== 'opac')) out.push({ staffSession: [] });
  return out;
}

export function openApiDocument(routes: readonly RouteDef[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, JsonSchema> = {
      [route.success.status]: {
        description: route.success.description,
        content: { [route.success.contentType ?? 'application/json']: { schema: jsonSchema(route.success.schema, 'output') } },
      },
    };
    const errors = { ...genericResponses(route) } as Record<number, string>;
    for (const [code, text] of Object.entries(route.responses ?? {})) {
      const n = Number(code);
      errors[n] = errors[n] ? `${text}; or: ${errors[n]}` : text!;
    }
    for (const [code, description] of Object.entries(errors)) {
      const headers: JsonSchema = {};
      if (code === '401') headers['WWW-Authenticate'] = { schema: { type: 'string' }, description: 'Bearer realm="online-lending"' };
      if (code === '429') headers['Retry-After'] = { schema: { type: 'integer' }, description: 'Seconds until the card may try again' };
      responses[code] = {
        description,
        ...(Object.keys(headers).length ? { headers } : {}),
        content: { 'application/problem+json': { schema: PROBLEM_REF } },
      };
    }
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security: security(route),
      ...(route.auth !== 'public' ? { 'x-roles': route.auth } : {}),
      ...(parameters(route).length ? { parameters: parameters(route) } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'オンライン貸出サービス API — online lending service of the prefectural library',
      version: '1.0.0',
      description:
        'For the OPAC (My Library, role `opac`, acting for the patron named in the path) and for staff (role `staff`). ' +
        'An OPAC key acts for a patron only with that patron’s token from POST /opac/login, sent as X-Patron-Token on every ' +
        '/opac/patrons/{cardNumber}/… call (401 without a valid one, 403 for another card: R-ACCOUNT-1); a key of role `opac-trusted` ' +
        '(an OPAC that authenticates its patrons itself; none unless configured) needs no token. ' +
        'Staff sign in with their own account (POST /staff/login) and send the session token (st_…) as the bearer; staff API keys ' +
        '(machine callers) still work unless STAFF_KEY_ACCESS=off, and their acts are recorded under the key’s name. `x-roles` says whom an ' +
        'operation admits: opac, staff (a staff key or any member of staff signed in), staff-member (signed in), admin (signed in, admin role). ' +
        'Every error is an RFC 9457 problem document (application/problem+json) naming the rule (R-…, docs/spec.md) or the fields, in Japanese and English. ' +
        'POST requests accept an Idempotency-Key header.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: jsonSchema(Problem, 'output') },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from API_KEYS (role opac, opac-trusted or staff), as Authorization: Bearer <key>',
        },
        staffSession: {
          type: 'http',
          scheme: 'bearer',
          description: 'A staff session token (st_…) from POST /staff/login, as Authorization: Bearer <token>',
        },
        patronToken: {
          type: 'apiKey',
          in: 'header',
          name: PATRON_TOKEN_HEADER,
          description:
            'The patron token (pt_…) from POST /opac/login or the password change, with an OPAC key that is not trusted; for exactly the card in the path',
        },
      },
    },
  };
}
