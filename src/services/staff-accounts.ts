// Staff accounts (職員アカウント) and their sessions. Each member of staff signs in with a staff number
// and a password of their own (scrypt, as patrons' passwords are: passwords.ts); an admin creates the
// account with a temporary password, which must be changed at the first sign-in, and can disable or
// enable an account and reset its password to a temporary one. A sign-in is a session: an opaque random
// token (`st_…`) that only its holder knows — the database keeps its SHA-256 — ending when idle too long,
// at its absolute expiry, at sign-out, or when the account is disabled or its password changed or reset.
// Sign-ins and password changes are rate-limited like the patrons' logins (login_throttle, per staff
// number, known or not).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import type { StaffAccount, StaffSession } from '../generated/prisma/client';
import { clearLoginAttempts, countLoginAttempt } from './accounts';
import { ConflictError, NotFoundError } from './errors';
import { dummyHash, hashPassword, temporaryPassword, verifyPassword } from './passwords';

export const STAFF_ROLES = ['counter', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** How long a staff session lasts: `idleMs` without a request, `maxMs` after the sign-in at most. */
export interface StaffSessionPolicy {
  idleMs: number;
  maxMs: number;
}
/** STAFF_SESSION_IDLE_MINUTES (480) and STAFF_SESSION_MAX_HOURS (12): a working day, not a night. */
export const DEFAULT_STAFF_SESSION_POLICY: StaffSessionPolicy = { idleMs: 8 * 3_600_000, maxMs: 12 * 3_600_000 };

/** What tells a staff session token from an API key in `Authorization: Bearer …`. */
export const STAFF_TOKEN_PREFIX = 'st_';
/** lastSeenAt is written at most this often (a write per request would be a write per request). */
const TOUCH_EVERY_MS = 60_000;

export const STAFF_PASSWORD_MIN_LENGTH = 12;
export const STAFF_PASSWORD_MAX_LENGTH = 128;
/** Generated temporary passwords: longer than a patron's, the same readable alphabet. */
const STAFF_TEMPORARY_LENGTH = 16;

const throttleKey = (staffNumber: string): string => `staff:${staffNumber}`;
export const hashSessionToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Decision (docs/spec.md §13): a staff password has 12–128 characters, letters and digits both (any
 * other printable characters allowed), and differs from the current one. Longer than a patron's
 * (R-ACCOUNT-1, 8–20): a staff account can act for every patron.
 */
export function checkStaffPassword(newPassword: string, currentPassword?: string): { ok: true } | { ok: false; ja: string; en: string } {
  const p = newPassword;
  if (p.length < STAFF_PASSWORD_MIN_LENGTH || p.length > STAFF_PASSWORD_MAX_LENGTH) {
    return {
      ok: false,
      ja: `職員のパスワードは${STAFF_PASSWORD_MIN_LENGTH}文字以上${STAFF_PASSWORD_MAX_LENGTH}文字以内で設定してください。`,
      en: `A staff password must be ${STAFF_PASSWORD_MIN_LENGTH} to ${STAFF_PASSWORD_MAX_LENGTH} characters long.`,
    };
  }
  if (!/^[\x21-\x7e]+$/.test(p)) {
    return {
      ok: false,
      ja: 'パスワードには半角の英数字・記号のみ使用できます(空白は使えません)。',
      en: 'Use printable ASCII characters only, no spaces.',
    };
  }
  if (!/[A-Za-z]/.test(p) || !/[0-9]/.test(p)) {
    return { ok: false, ja: 'パスワードは英字と数字を混在させてください。', en: 'The password must contain both letters and digits.' };
  }
  if (currentPassword !== undefined && p === currentPassword) {
    return {
      ok: false,
      ja: '新しいパスワードは現在のパスワードと異なるものにしてください。',
      en: 'The new password must differ from the current one.',
    };
  }
  return { ok: true };
}

/** What the API shows of an account: never its hash. */
export function staffAccountView(a: StaffAccount) {
  return {
    staffNumber: a.staffNumber,
    name: a.name,
    role: a.role,
    mustChangePassword: a.mustChangePassword,
    disabled: a.disabledAt !== null,
    createdAt: a.createdAt.toISOString(),
  };
}

export async function staffAccountByNumber(db: Db, staffNumber: string): Promise<StaffAccount> {
  const a = await db.staffAccount.findUnique({ where: { staffNumber } });
  if (!a) throw new NotFoundError('staff account', staffNumber);
  return a;
}

export async function listStaffAccounts(db: Db): Promise<StaffAccount[]> {
  return db.staffAccount.findMany({ orderBy: { staffNumber: 'asc' } });
}

function numberTaken(staffNumber: string): ConflictError {
  return new ConflictError('staffNumber', `職員番号 ${staffNumber} はすでに登録されています。`, `Staff number ${staffNumber} is already registered.`);
}

/** An admin creates an account with a temporary password (given, or made here), to be changed at the first sign-in. */
export async function createStaffAccount(
  db: Db,
  req: { staffNumber: string; name: string; role: StaffRole; temporaryPassword?: string | undefined },
): Promise<{ account: StaffAccount; temporaryPassword: string }> {
  const password = req.temporaryPassword ?? temporaryPassword(STAFF_TEMPORARY_LENGTH);
  if (await db.staffAccount.findUnique({ where: { staffNumber: req.staffNumber } })) throw numberTaken(req.staffNumber);
  try {
    const account = await db.staffAccount.create({
      data: { staffNumber: req.staffNumber, name: req.name, role: req.role, passwordHash: await hashPassword(password), mustChangePassword: true },
    });
    return { account, temporaryPassword: password };
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw numberTaken(req.staffNumber); // created meanwhile
    throw err;
  }
}

async function revokeSessions(db: Db, staffAccountId: string, now: Date, except?: string): Promise<void> {
  await db.staffSession.updateMany({
    where: { staffAccountId, revokedAt: null, ...(except ? { id: { not: except } } : {}) },
    data: { revokedAt: now },
  });
}

/** Disabling an account ends all its sessions at once; no sign-in until it is enabled again. Repeating it changes nothing. */
export async function disableStaffAccount(db: Db, staffNumber: string, now: Date): Promise<StaffAccount> {
  const a = await staffAccountByNumber(db, staffNumber);
  return db.$transaction(async (tx) => {
    const account = a.disabledAt ? a : await tx.staffAccount.update({ where: { id: a.id }, data: { disabledAt: now } });
    await tx.staffSession.updateMany({ where: { staffAccountId: a.id, revokedAt: null }, data: { revokedAt: now } });
    return account;
  });
}

export async function enableStaffAccount(db: Db, staffNumber: string): Promise<StaffAccount> {
  const a = await staffAccountByNumber(db, staffNumber);
  return a.disabledAt ? db.staffAccount.update({ where: { id: a.id }, data: { disabledAt: null } }) : a;
}

/** An admin resets a forgotten password to a temporary one: the sessions end, the sign-in lock is cleared. */
export async function resetStaffPassword(db: Db, staffNumber: string, now: Date): Promise<{ account: StaffAccount; temporaryPassword: string }> {
  const a = await staffAccountByNumber(db, staffNumber);
  const password = temporaryPassword(STAFF_TEMPORARY_LENGTH);
  const account = await db.staffAccount.update({
    where: { id: a.id },
    data: { passwordHash: await hashPassword(password), mustChangePassword: true },
  });
  await revokeSessions(db, a.id, now);
  await clearLoginAttempts(db, throttleKey(staffNumber));
  return { account, temporaryPassword: password };
}

export type StaffPasswordCheck = { kind: 'ok'; account: StaffAccount } | { kind: 'invalid' } | { kind: 'locked'; retryAfterSeconds: number };

/** The password of an enabled account, rate-limited per staff number (known or not); a disabled account's is never right. */
async function checkStaffCredentials(db: Db, staffNumber: string, password: string, now: Date): Promise<StaffPasswordCheck> {
  const locked = await countLoginAttempt(db, throttleKey(staffNumber), now);
  if (locked > 0) return { kind: 'locked', retryAfterSeconds: locked };
  const a = await db.staffAccount.findUnique({ where: { staffNumber } });
  const ok = await verifyPassword(password, a?.passwordHash ?? (await dummyHash()));
  if (!ok || !a || a.disabledAt) return { kind: 'invalid' };
  await clearLoginAttempts(db, throttleKey(staffNumber));
  return { kind: 'ok', account: a };
}

export interface StaffSignIn {
  kind: 'ok';
  account: StaffAccount;
  /** Shown once, to the one who signed in; only its hash is kept. */
  token: string;
  expiresAt: Date;
}

export async function signIn(
  db: Db,
  req: { staffNumber: string; password: string; now: Date; policy: StaffSessionPolicy },
): Promise<StaffSignIn | Exclude<StaffPasswordCheck, { kind: 'ok' }>> {
  const checked = await checkStaffCredentials(db, req.staffNumber, req.password, req.now);
  if (checked.kind !== 'ok') return checked;
  const token = `${STAFF_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(req.now.getTime() + req.policy.maxMs);
  await db.staffSession.create({
    data: { tokenHash: hashSessionToken(token), staffAccountId: checked.account.id, createdAt: req.now, lastSeenAt: req.now, expiresAt },
  });
  return { kind: 'ok', account: checked.account, token, expiresAt };
}

/**
 * The session a token names, if it still runs: not signed out or revoked, its account enabled, not idle
 * for policy.idleMs, not older than policy.maxMs nor past the expiry it was given. Marks it seen.
 */
export async function sessionByToken(
  db: Db,
  token: string,
  now: Date,
  policy: StaffSessionPolicy,
): Promise<{ session: StaffSession; account: StaffAccount } | null> {
  const s = await db.staffSession.findUnique({ where: { tokenHash: hashSessionToken(token) }, include: { staffAccount: true } });
  if (!s || s.revokedAt || s.staffAccount.disabledAt) return null;
  const t = now.getTime();
  if (t >= s.expiresAt.getTime() || t - s.createdAt.getTime() >= policy.maxMs || t - s.lastSeenAt.getTime() >= policy.idleMs) return null;
  if (t - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
    await db.staffSession.updateMany({ where: { id: s.id, revokedAt: null }, data: { lastSeenAt: now } });
  const { staffAccount, ...session } = s;
  return { session, account: staffAccount };
}

export async function endSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await db.staffSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

/**
 * A member of staff changes their own password (the temporary one at the first sign-in, or any time):
 * the current one is checked as a sign-in is (rate-limited); the other sessions of the account end,
 * the one asking goes on.
 */
export async function changeStaffPassword(
  db: Db,
  req: { staffNumber: string; currentPassword: string; newPassword: string; now: Date; sessionId?: string | undefined },
): Promise<StaffPasswordCheck | { kind: 'refused'; ja: string; en: string }> {
  const checked = await checkStaffCredentials(db, req.staffNumber, req.currentPassword, req.now);
  if (checked.kind !== 'ok') return checked;
  const rule = checkStaffPassword(req.newPassword, req.currentPassword);
  if (!rule.ok) return { kind: 'refused', ja: rule.ja, en: rule.en };
  const account = await db.staffAccount.update({
    where: { id: checked.account.id },
    data: { passwordHash: await hashPassword(req.newPassword), mustChangePassword: false, passwordChangedAt: req.now },
  });
  await revokeSessions(db, account.id, req.now, req.sessionId);
  return { kind: 'ok', account };
}

/** STAFF_BOOTSTRAP_ADMIN (src/config.ts): the first admin, created once if the staff number is not taken. */
export interface BootstrapAdmin {
  staffNumber: string;
  name: string;
  temporaryPassword: string;
}

/** Creates the first admin unless an account with that number exists (then nothing is changed, never a reset). */
export async function bootstrapAdmin(db: Db, admin: BootstrapAdmin): Promise<'created' | 'exists'> {
  if (await db.staffAccount.findUnique({ where: { staffNumber: admin.staffNumber } })) return 'exists';
  try {
    await createStaffAccount(db, { ...admin, role: 'admin' });
    return 'created';
  } catch (err) {
    if (err instanceof ConflictError) return 'exists'; // another API process made it meanwhile
    throw err;
  }
}
