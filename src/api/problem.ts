// Every error the API sends is an RFC 9457 problem document (application/problem+json): `type`,
// `title`, `status`, `detail`, plus the rule id that refused (`rule`, R-…) or the fields that are
// wrong (`errors[].field`), and always a Japanese and an English message (`ja`, `en`). Handlers throw
// ApiProblem; one error middleware (app.ts) writes it. Nothing else reaches the client: no stack
// traces, no library messages.
import type { z } from 'zod';
import type { Refusal } from '../domain';
import type { CheckResult } from '../ops/readiness';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types, as relative URIs under /problems/ (the API document lists them). */
export type ProblemKind =
  | 'rule-refusal'
  | 'validation'
  | 'malformed-request'
  | 'unauthorized'
  | 'forbidden'
  | 'password-change-required'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'idempotency-key-reused'
  | 'idempotency-in-progress'
  | 'thursday-run-in-progress'
  | 'not-ready'
  | 'internal';

export interface FieldError {
  /** Where: "body.pickup", "query.page", "path.reservationId", "header.Idempotency-Key". */
  field: string;
  code: string;
  ja: string;
  en: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  ja: string;
  en: string;
  rule?: string;
  errors?: FieldError[];
  instance?: string;
  /** /readyz: each dependency checked. */
  checks?: CheckResult[];
}

const TITLES: Record<ProblemKind, string> = {
  'rule-refusal': 'Refused by a rule of the library',
  validation: 'The request is not valid',
  'malformed-request': 'The request could not be read',
  unauthorized: 'Credentials are missing or wrong',
  forbidden: 'Not allowed for this caller',
  'password-change-required': 'The temporary password must be changed first',
  'not-found': 'Not found',
  conflict: 'Conflicts with the current state',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'Unsupported media type',
  'too-many-requests': 'Too many attempts',
  'idempotency-key-reused': 'Idempotency-Key reused with another request',
  'idempotency-in-progress': 'A request with this Idempotency-Key is still being processed',
  'thursday-run-in-progress': 'Thursday processing is already running',
  'not-ready': 'The service is not ready',
  internal: 'Internal error',
};

export class ApiProblem extends Error {
  readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    readonly ja: string,
    readonly en: string,
    readonly extra: {
      rule?: string;
      errors?: FieldError[];
      checks?: CheckResult[];
      headers?: Record<string, string>;
      /** Says only what is going on right now (a run in progress): not kept as the answer to an Idempotency-Key. */
      transient?: boolean;
    } = {},
  ) {
    super(en);
    this.headers = extra.headers ?? {};
  }

  body(instance?: string): ProblemBody {
    return {
      type: `/problems/${this.kind}`,
      title: TITLES[this.kind],
      status: this.status,
      detail: this.en,
      ja: this.ja,
      en: this.en,
      ...(this.extra.rule ? { rule: this.extra.rule } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
      ...(this.extra.checks ? { checks: this.extra.checks } : {}),
      ...(instance ? { instance } : {}),
    };
  }
}

/** A request the library's rules refuse: 409 when the current state refuses it, 422 when the value does. */
export function refused(refusal: Refusal, status: 409 | 422 | 403 = 409): ApiProblem {
  return new ApiProblem(status, 'rule-refusal', refusal.ja, refusal.en, { rule: refusal.rule });
}

/** A reservation for a title the catalogue does not have: the request is invalid (422), named by its field. */
export function unknownTitle(titleId: string): ApiProblem {
  return fieldProblem(422, [{ field: 'body.titleId', code: 'unknown_title', ja: `書誌「${titleId}」は見つかりません`, en: `No title ${titleId}` }]);
}

export function fieldProblem(status: 400 | 422, errors: FieldError[]): ApiProblem {
  const fields = errors.map((e) => e.field).join(', ');
  return new ApiProblem(
    status,
    'validation',
    `入力内容に誤りがあります(${fields})。`,
    `Invalid request: ${errors.map((e) => `${e.field}: ${e.en}`).join('; ')}`,
    { errors },
  );
}

const ISSUE_JA: Record<string, string> = {
  invalid_type: '型が正しくありません',
  too_small: '値が小さすぎるか、短すぎます',
  too_big: '値が大きすぎるか、長すぎます',
  invalid_format: '形式が正しくありません',
  invalid_value: '指定できない値です',
  invalid_union: '指定できない値です',
  unrecognized_keys: '不明な項目があります',
  not_multiple_of: '値が正しくありません',
  custom: '値が正しくありません',
};

/** zod 4 issues → field errors named by their path under `where` ("body", "query", "path"). */
export function fieldErrors(where: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [where, ...issue.path.map(String)].join('.');
    const field = keys.length === 1 ? `${path}.${keys[0]}` : path;
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    const ja = missing ? '必須項目です' : (ISSUE_JA[issue.code] ?? '値が正しくありません');
    const en = missing ? 'Required' : issue.message;
    return { field, code: issue.code, ja: `「${field}」: ${ja}`, en };
  });
}
