// Who is calling. Callers present an API key as `Authorization: Bearer <key>`; each key is configured
// by environment (API_KEYS, src/config.ts) with a name and a role:
// - `opac`: the public catalogue's My Library, acting for the patron named in the path;
// - `staff`: counter and back-office staff.
// Keys are compared as SHA-256 digests in constant time. Health and the API document need no key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiProblem } from './problem';

export const ROLES = ['opac', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  /** Names the caller in logs and scopes its Idempotency-Keys, e.g. "opac-main", "counter-1". */
  name: string;
  role: Role;
  secret: string;
}

export interface Caller {
  keyName: string;
  role: Role;
}

/** API keys must be long enough not to be guessed. */
export const MIN_KEY_LENGTH = 24;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Parses API_KEYS: `name:role:secret` entries separated by commas, e.g.
 * `opac-main:opac:3f9…,counter-1:staff:a71…`. Throws with a message naming what is wrong.
 */
export function parseApiKeys(text: string): ApiKey[] {
  const keys = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [name, role, ...rest] = entry.split(':');
      const secret = rest.join(':');
      if (!name || !role || !secret) throw new Error(`API_KEYS entry ${i + 1} is not name:role:secret`);
      if (!(ROLES as readonly string[]).includes(role))
        throw new Error(`API_KEYS entry ${i + 1} (${name}): role must be opac or staff, got "${role}"`);
      if (secret.length < MIN_KEY_LENGTH)
        throw new Error(`API_KEYS entry ${i + 1} (${name}): the key must have at least ${MIN_KEY_LENGTH} characters`);
      return { name, role: role as Role, secret };
    });
  if (keys.length === 0) throw new Error('API_KEYS lists no key');
  const names = new Set(keys.map((k) => k.name));
  if (names.size !== keys.length) throw new Error('API_KEYS: key names must be unique');
  return keys;
}

export function authenticator(keys: readonly ApiKey[]) {
  const known = keys.map((k) => ({ ...k, digest: digest(k.secret) }));
  return (req: Request): Caller => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const presented = match ? digest(match[1]!) : undefined;
    // Compare with every key, so the time taken does not tell which one nearly matched.
    let found: (typeof known)[number] | undefined;
    for (const k of known) if (presented && timingSafeEqual(presented, k.digest)) found ??= k;
    if (!found) {
      throw new ApiProblem(
        401,
        'unauthorized',
        header ? 'APIキーが正しくありません。' : 'APIキーが必要です(Authorization: Bearer)。',
        header ? 'The API key is not valid.' : 'An API key is required (Authorization: Bearer <key>).',
        { headers: { 'WWW-Authenticate': 'Bearer realm="online-lending"' } },
      );
    }
    return { keyName: found.name, role: found.role };
  };
}

export function forbidden(role: Role, allowed: readonly Role[]): ApiProblem {
  const who = allowed.join(' / ');
  return new ApiProblem(
    403,
    'forbidden',
    `この操作は${who === 'staff' ? '職員' : who}のみ行えます。`,
    `This operation is for ${who} only, not for ${role}.`,
  );
}
