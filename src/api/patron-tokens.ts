// Patron tokens: what `POST /opac/login` hands the OPAC for the patron who just logged in, and what the
// OPAC sends with its key (`X-Patron-Token`) on that patron's calls, so that an OPAC key alone cannot act
// for any card it names (README "HTTP API", docs/spec.md §11 Decision). A token is signed, not stored:
//
//   pt_<payload>.<signature>   payload = base64url(JSON { v: 1, c: card number, iat, exp (ms), pw })
//                              signature = base64url(HMAC-SHA256(PATRON_TOKEN_SECRET, "pt1." + payload))
//
// It expires (PATRON_TOKEN_MINUTES, default 30) and is revoked by any change of the patron's password:
// `pw` is an HMAC of the password hash it was issued under (a staff-issued temporary password changes it
// too), and a token issued before patron.passwordChangedAt is refused. Nothing here reads the database:
// the check against the patron is patron-access.ts's.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const PATRON_TOKEN_HEADER = 'X-Patron-Token';
export const PATRON_TOKEN_PREFIX = 'pt_';
export const DEFAULT_PATRON_TOKEN_TTL_MS = 30 * 60_000;
/** PATRON_TOKEN_SECRET must be at least this long (it is an HMAC key). */
export const MIN_PATRON_TOKEN_SECRET_LENGTH = 32;

export interface PatronTokenClaims {
  cardNumber: string;
  issuedAt: Date;
  expiresAt: Date;
  /** The password-hash tag it was issued under. */
  pw: string;
}

export type PatronTokenCheck = { ok: true; claims: PatronTokenClaims } | { ok: false; why: 'malformed' | 'expired' };

export class PatronTokens {
  constructor(
    private readonly secret: string,
    readonly ttlMs: number = DEFAULT_PATRON_TOKEN_TTL_MS,
  ) {}

  private mac(text: string): Buffer {
    return createHmac('sha256', this.secret).update(text, 'utf8').digest();
  }

  /** Binds a token to the password it was issued under: another password, another tag. */
  passwordTag(passwordHash: string): string {
    return this.mac(`pw\n${passwordHash}`).subarray(0, 12).toString('base64url');
  }

  issue(cardNumber: string, passwordHash: string, now: Date): { token: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const payload = Buffer.from(
      JSON.stringify({ v: 1, c: cardNumber, iat: now.getTime(), exp: expiresAt.getTime(), pw: this.passwordTag(passwordHash) }),
      'utf8',
    ).toString('base64url');
    return { token: `${PATRON_TOKEN_PREFIX}${payload}.${this.mac(`pt1.${payload}`).toString('base64url')}`, expiresAt };
  }

  /** Signature and expiry only; whether the patron's password has changed since is the caller's to check (revoked()). */
  verify(token: string, now: Date): PatronTokenCheck {
    const m = /^pt_([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return { ok: false, why: 'malformed' };
    const given = Buffer.from(m[2]!, 'base64url');
    const expected = this.mac(`pt1.${m[1]}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'malformed' };
    let p: { v?: unknown; c?: unknown; iat?: unknown; exp?: unknown; pw?: unknown };
    try {
      p = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as typeof p;
    } catch {
      return { ok: false, why: 'malformed' };
    }
    if (p.v !== 1 || typeof p.c !== 'string' || typeof p.iat !== 'number' || typeof p.exp !== 'number' || typeof p.pw !== 'string') {
      return { ok: false, why: 'malformed' };
    }
    if (now.getTime() >= p.exp) return { ok: false, why: 'expired' };
    return { ok: true, claims: { cardNumber: p.c, issuedAt: new Date(p.iat), expiresAt: new Date(p.exp), pw: p.pw } };
  }

  /** Revoked by a password change: another password hash than it was issued under, or issued before the last change. */
  revoked(claims: PatronTokenClaims, patron: { passwordHash: string | null; passwordChangedAt: Date | null }): boolean {
    if (!patron.passwordHash) return true;
    const tag = Buffer.from(this.passwordTag(patron.passwordHash));
    const given = Buffer.from(claims.pw);
    if (tag.length !== given.length || !timingSafeEqual(tag, given)) return true;
    return patron.passwordChangedAt !== null && claims.issuedAt.getTime() < patron.passwordChangedAt.getTime();
  }
}
