// Who is calling. `Authorization: Bearer <credential>` carries one of:
// - an API key, configured by environment (API_KEYS, src/config.ts) with a name and a role — machine
//   callers:
//   - `opac`: the public catalogue's My Library, acting for the patron named in the path, and only with
//     that patron's token (X-Patron-Token, from POST /opac/login: patron-tokens.ts, patron-access.ts);
//   - `opac-trusted`: an OPAC that authenticates patrons itself — acts for any patron it names, without
//     a patron token (off unless a key is given this role);
//   - `staff`: a machine caller on the staff operations, recorded in the staff acts by the key's name
//     (STAFF_KEY_ACCESS=off refuses them);
// - a staff session token `st_…` (POST /staff/login): a member of staff in person, role `counter` or
//   `admin` (src/services/staff-accounts.ts).
// Keys are compared as SHA-256 digests in constant time. Health and the API document need no credential.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiProblem } from './problem';
import type { Patron } from '../generated/prisma/client';

/** What a caller is to the routes: the OPAC, or staff (an API key or a signed-in member of staff). */
export const ROLES = ['opac', 'staff'] as const;
export type Role = (typeof ROLES)[number];
/** What an API_KEYS entry may name as its role. */
export const KEY_ROLES = ['opac', 'opac-trusted', 'staff'] as const;
export type StaffRole = 'counter' | 'admin';

/**
 * Whom a route admits: a role (`opac`, `staff` — a staff key or any signed-in member of staff),
 * `staff-member` (a member of staff signed in, not a key), or `admin` (one signed in with the admin role).
 */
export type Access = Role | 'staff-member' | 'admin';

export interface ApiKey {
  /** Names the caller in logs and scopes its Idempotency-Keys, e.g. "opac-main", "counter-1". */
  name: string;
  role: Role;
  secret: string;
  /** An OPAC key with role opac-trusted: acts for any patron without a patron token. */
  trusted?: true;
}

export interface Caller {
  /** 'key': an API key alone; 'staff': a member of staff's session; 'patron': the OPAC key with a valid patron token. */
  kind: 'key' | 'staff' | 'patron';
  /** The key's name; for a staff session "staff:<staff number>" (no key name has a colon): logs, Idempotency-Key scope. */
  keyName: string;
  role: Role;
  /** An OPAC key with role opac-trusted. */
  trusted?: boolean;
  staffNumber?: string;
  /** The member of staff's name. */
  name?: string;
  staffRole?: StaffRole;
  /** The staff session (for sign-out and the password change). */
  sessionId?: string;
  /** kind 'patron': the patron's row as the token's check read it (this request's; actingFor uses it). */
  patron?: Patron;
  /** A member of staff still signed in with a temporary password: only the change and sign-out are open. */
  mustChangePassword?: boolean;
  /** kind 'patron': the card the patron token is for. */
  cardNumber?: string;
}

/** API keys must be long enough not to be guessed. */
export const MIN_KEY_LENGTH = 24;
/** Credentials of other kinds begin so; no API key may. */
export const RESERVED_PREFIXES = ['st_', 'pt_'];

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
    .map((entry, i): ApiKey => {
      const [name, role, ...rest] = entry.split(':');
      const secret = rest.join(':');
      if (!name || !role || !secret) throw new Error(`API_KEYS entry ${i + 1} is not name:role:secret`);
      if (!(KEY_ROLES as readonly string[]).includes(role))
        throw new Error(
          `API_KEYS entry ${i + 1} (${name}): role must be opac or staff (or opac-trusted, an OPAC that authenticates patrons itself), got "${role}"`,
        );
      if (secret.length < MIN_KEY_LENGTH)
        throw new Error(`API_KEYS entry ${i + 1} (${name}): the key must have at least ${MIN_KEY_LENGTH} characters`);
      if (RESERVED_PREFIXES.some((p) => secret.startsWith(p)))
        throw new Error(
          `API_KEYS entry ${i + 1} (${name}): a key must not begin with ${RESERVED_PREFIXES.join(' or ')} (staff sessions, patron tokens)`,
        );
      return role === 'opac-trusted' ? { name, role: 'opac', secret, trusted: true } : { name, role: role as Role, secret };
    });
  if (keys.length === 0) throw new Error('API_KEYS lists no key');
  const names = new Set(keys.map((k) => k.name));
  if (names.size !== keys.length) throw new Error('API_KEYS: key names must be unique');
  return keys;
}

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer realm="online-lending"' };

export function unauthorized(ja: string, en: string, extra: { rule?: string } = {}): ApiProblem {
  return new ApiProblem(401, 'unauthorized', ja, en, { headers: WWW_AUTHENTICATE, ...extra });
}

export interface AuthOptions {
  /** STAFF_KEY_ACCESS: false refuses the staff API keys (staff then sign in). Default true. */
  staffKeys?: boolean;
  /** The caller a staff session token names, or null when it names none that still runs. */
  staffSession(token: string): Promise<Caller | null>;
}

export function authenticator(keys: readonly ApiKey[], opts: AuthOptions) {
  const known = keys.map((k) => ({ ...k, digest: digest(k.secret) }));
  return async (req: Request): Promise<Caller> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const presented = match?.[1];
    if (presented?.startsWith('st_')) {
      const caller = await opts.staffSession(presented);
      if (caller) return caller;
      throw unauthorized(
        '職員のセッションが無効か、期限切れです。もう一度サインインしてください(POST /staff/login)。',
        'The staff session is not valid, has expired or was ended: sign in again (POST /staff/login).',
      );
    }
    const d = presented ? digest(presented) : undefined;
    // Compare with every key, so the time taken does not tell which one nearly matched.
    let found: (typeof known)[number] | undefined;
    for (const k of known) if (d && timingSafeEqual(d, k.digest)) found ??= k;
    if (found && found.role === 'staff' && opts.staffKeys === false) {
      throw unauthorized(
        '職員用APIキーは無効にされています(STAFF_KEY_ACCESS=off)。職員アカウントでサインインしてください。',
        'Staff API keys are switched off (STAFF_KEY_ACCESS=off): sign in with a staff account (POST /staff/login).',
      );
    }
    if (!found) {
      throw unauthorized(
        header ? 'APIキーが正しくありません。' : 'APIキーまたは職員のセッションが必要です(Authorization: Bearer)。',
        header ? 'The API key is not valid.' : 'An API key or a staff session is required (Authorization: Bearer <key or st_… token>).',
      );
    }
    return { kind: 'key', keyName: found.name, role: found.role, ...(found.trusted ? { trusted: true } : {}) };
  };
}

/** The caller a running staff session makes. */
export function staffCaller(account: { staffNumber: string; name: string; role: StaffRole; mustChangePassword: boolean }, sessionId: string): Caller {
  return {
    kind: 'staff',
    keyName: `staff:${account.staffNumber}`,
    role: 'staff',
    staffNumber: account.staffNumber,
    name: account.name,
    staffRole: account.role,
    sessionId,
    mustChangePassword: account.mustChangePassword,
  };
}

/** Does `auth` admit the caller? */
export function admits(auth: readonly Access[], caller: Caller): boolean {
  return auth.some(
    (a) =>
      (a === 'opac' && caller.role === 'opac') ||
      (a === 'staff' && caller.role === 'staff') ||
      (a === 'staff-member' && caller.kind === 'staff') ||
      (a === 'admin' && caller.kind === 'staff' && caller.staffRole === 'admin'),
  );
}

const WHO_JA: Record<Access, string> = { opac: 'OPAC', staff: '職員', 'staff-member': 'サインインした職員', admin: '管理者(admin)の職員' };
const WHO_EN: Record<Access, string> = {
  opac: 'the OPAC',
  staff: 'staff',
  'staff-member': 'a member of staff signed in (not an API key)',
  admin: 'a member of staff signed in with the admin role',
};

export function forbidden(caller: Caller, allowed: readonly Access[]): ApiProblem {
  const what = caller.kind === 'staff' ? `staff member (${caller.staffRole})` : caller.role;
  return new ApiProblem(
    403,
    'forbidden',
    `この操作は${allowed.map((a) => WHO_JA[a]).join('・')}のみ行えます。`,
    `This operation is for ${allowed.map((a) => WHO_EN[a]).join(' or ')} only, not for ${what}.`,
  );
}

/** A member of staff signed in with a temporary password may only change it (or sign out). */
export function passwordChangeFirst(): ApiProblem {
  return new ApiProblem(
    403,
    'password-change-required',
    '仮パスワードでサインインしています。先にパスワードを変更してください(POST /staff/password)。',
    'You are signed in with a temporary password: change it first (POST /staff/password).',
  );
}
