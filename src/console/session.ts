// The console's session, kept in the browser and bound to the staff session token:
//
// - `console_session`: the staff session token (st_…, from POST /staff/login), HttpOnly, SameSite=Strict,
//   Path=/console, Secure when the request came over https. The console sends it to the API as
//   `Authorization: Bearer`; the API decides whether it still runs (idle, expiry, sign-out, disabled).
// - `console_who`: who signed in (staff number, name, role, whether the password must be changed),
//   sealed (AES-256-GCM) with a key derived from the token, so it can be neither read nor forged
//   without the token; it only saves asking the API on every page for the header.
// - `console_flash`: the outcome of the last form (POST → 303 → GET shows it once), sealed the same way:
//   a hold slip or a temporary password is never kept on the server, never in a URL.
// - CSRF: every form carries HMAC-SHA256(token, "console-csrf"), checked on every POST (a page of
//   another site cannot read it), besides SameSite=Strict and the Origin check (index.ts). The sign-in
//   form, before any token, has a double-submit value instead (`console_pre` cookie = hidden field).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const COOKIE = { session: 'console_session', who: 'console_who', flash: 'console_flash', pre: 'console_pre' } as const;
export const CONSOLE_PATH = '/console';

export interface Who {
  staffNumber: string;
  name: string;
  role: 'counter' | 'admin';
  mustChangePassword: boolean;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      /* a malformed value is no value */
    }
  }
  return out;
}

/** Whether the browser reached us over https (directly, or through a proxy that says so). */
export const overHttps = (req: Request): boolean => req.secure || req.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

export function setCookie(req: Request, res: Response, name: string, value: string, opts: { maxAgeSeconds?: number } = {}): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${CONSOLE_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  if (overHttps(req)) parts.push('Secure');
  res.append('Set-Cookie', parts.join('; '));
}

export const clearCookie = (req: Request, res: Response, name: string): void => setCookie(req, res, name, '', { maxAgeSeconds: 0 });

const key = (token: string, purpose: string): Buffer => Buffer.from(hkdfSync('sha256', token, 'lending-console', purpose, 32));

/** AES-256-GCM with a key derived from the session token and the purpose: base64url(iv ‖ ciphertext ‖ tag). */
export function seal(token: string, purpose: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(token, purpose), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function unseal<T>(token: string, purpose: string, sealed: string | undefined): T | undefined {
  if (!sealed) return undefined;
  try {
    const all = Buffer.from(sealed, 'base64url');
    if (all.length < 12 + 16) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key(token, purpose), all.subarray(0, 12));
    decipher.setAuthTag(all.subarray(all.length - 16));
    const text = Buffer.concat([decipher.update(all.subarray(12, all.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The synchronizer token of a session's forms. */
export const csrfToken = (token: string): string => createHmac('sha256', token).update('console-csrf').digest('base64url');

export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const randomToken = (): string => randomBytes(24).toString('base64url');
