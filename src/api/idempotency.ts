// Idempotency-Key on POST (the IETF httpapi draft's semantics): the first request with a key is
// processed and its response stored in Postgres (idempotency_record); a repeat by the same caller with
// the same key and the same request gets the stored response again (header Idempotent-Replayed: true)
// without acting twice. The same key with another request → 422; while the first is still being
// processed → 409. A first attempt that failed with a server error is forgotten, so it can be retried;
// one that never finished because its process was killed mid-request is taken over as soon as that
// process is known dead — its liveness lock is free (src/api/process-liveness.ts) — and in any case
// after ABANDONED_AFTER (an owner alive but hung, or one whose death cannot be seen), so the key does
// not answer 409 for ever. Records are kept IDEMPOTENCY_RETENTION_HOURS (default 24) and
// then purged (src/services/housekeeping.ts): a repeat after that is a new request — placing a
// reservation stays idempotent even then, its id being derived from the key.
import { createHash } from 'node:crypto';
import type { Db } from '../db/client';
import { LIVENESS_LOCK_CLASS, type OwnerLiveness } from './process-liveness';
import { ApiProblem } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** No request takes this long (API_SHUTDOWN_GRACE_MS cuts them at a stop): one still unfinished was abandoned. */
export const ABANDONED_AFTER = '2 minutes';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function checkKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new ApiProblem(
      400,
      'validation',
      'Idempotency-Key は1〜255文字の半角英数記号で指定してください。',
      'Idempotency-Key must be 1–255 visible ASCII characters.',
      {
        errors: [
          {
            field: `header.${IDEMPOTENCY_HEADER}`,
            code: 'invalid_format',
            ja: 'Idempotency-Key の形式が正しくありません',
            en: 'Invalid Idempotency-Key',
          },
        ],
      },
    );
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * This request's hold on a key: the record's id and its creation time, as the database wrote it (text,
 * so that it compares exactly). A request taken over (its process taken for dead) has lost its hold:
 * what it stores or forgets later must not touch the new holder's record.
 */
export interface Claim {
  id: string;
  createdAt: string;
}

export class IdempotencyStore {
  /**
   * `liveness`: this process's (src/api/process-liveness.ts); its id goes into each claim. Without it
   * (tests, tools) claims name no owner and only ABANDONED_AFTER frees them.
   */
  constructor(
    private readonly db: Db,
    private readonly liveness?: OwnerLiveness,
  ) {}

  recordId(keyName: string, key: string): string {
    return `${keyName}:${key}`;
  }

  /**
   * Claims the key for this request, or returns the stored response of the first one. Throws 409 while
   * the first is still being processed and 422 when the key was used for another request.
   */
  async begin(id: string, req: { method: string; path: string; body: unknown }): Promise<{ claim: Claim } | { replay: StoredResponse }> {
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${canonical(req.body ?? null)}`)
      .digest('hex');
    const owner = this.liveness?.ownerId ?? null;
    const inserted = await this.db.$queryRaw<{ createdAt: string }[]>`
      INSERT INTO idempotency_record (id, method, path, "requestHash", "ownerInstance")
      VALUES (${id}, ${req.method}, ${req.path}, ${requestHash}, ${owner}::int)
      ON CONFLICT (id) DO NOTHING RETURNING "createdAt"::text AS "createdAt"`;
    if (inserted.length === 1) return { claim: { id, createdAt: inserted[0]!.createdAt } };
    const first = await this.db.idempotencyRecord.findUnique({ where: { id } });
    if (!first) return this.begin(id, req); // forgotten meanwhile (the first failed): claim it now
    if (first.requestHash !== requestHash) {
      throw new ApiProblem(
        422,
        'idempotency-key-reused',
        'この Idempotency-Key は別の内容の要求にすでに使われています。',
        'This Idempotency-Key was already used for a different request.',
      );
    }
    if (first.status === null) {
      // Abandoned: its owner's liveness lock can be taken (the owner's connection is gone: the process
      // died), or it is older than ABANDONED_AFTER. The lock is tried transaction-level, so it is
      // released again when this statement ends; a live owner's session lock makes the try fail.
      // createdAt is written by the database's clock (the column default), so compared with it.
      const abandoned = await this.db.$executeRaw`
        DELETE FROM idempotency_record WHERE id = ${id} AND status IS NULL AND (
          "createdAt" < LOCALTIMESTAMP - ${ABANDONED_AFTER}::interval
          OR ("ownerInstance" IS NOT NULL AND pg_try_advisory_xact_lock(${LIVENESS_LOCK_CLASS}::int, "ownerInstance")))`;
      if (abandoned === 1) return this.begin(id, req);
      throw new ApiProblem(
        409,
        'idempotency-in-progress',
        '同じ Idempotency-Key の要求を処理中です。しばらくしてから再送してください。',
        'A request with this Idempotency-Key is still being processed; retry later.',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    return { replay: { status: first.status, body: first.body } };
  }

  /** Stores the response, if the claim still holds (else another request took the key over: it stores its own). */
  async complete(claim: Claim, res: StoredResponse): Promise<void> {
    await this.db.$executeRaw`
      UPDATE idempotency_record SET status = ${res.status}, body = ${JSON.stringify(res.body)}::jsonb, "completedAt" = LOCALTIMESTAMP
      WHERE id = ${claim.id} AND status IS NULL AND "createdAt" = ${claim.createdAt}::timestamp`;
  }

  /** Gives the key up after a server error, so it can be retried — if the claim still holds. */
  async forget(claim: Claim): Promise<void> {
    await this.db
      .$executeRaw`DELETE FROM idempotency_record WHERE id = ${claim.id} AND status IS NULL AND "createdAt" = ${claim.createdAt}::timestamp`;
  }
}
