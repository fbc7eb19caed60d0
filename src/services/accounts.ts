// Patron accounts (R-ACCOUNT-1) and the staff settings of a patron (R-LIMIT-2): staff issue a card
// with a temporary password; the patron logs in through the OPAC, must change the password first
// (8–20 letters and digits, both), and registers an e-mail address before reserving.
import {
  ANONYMOUS_PATRON_ID,
  checkLoanLimitChange,
  checkNewPassword,
  checkServiceStopChange,
  refuse,
  RESERVED_STATUSES,
  type Outcome,
  type Refusal,
} from '../domain';
import type { Db } from '../db/client';
import type { Patron } from '../generated/prisma/client';
import { ConflictError, NotFoundError } from './errors';
import { dummyHash, hashPassword, temporaryPassword, verifyPassword } from './passwords';

/** Failed logins allowed per card number within the window before the card is locked for a while. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_LOCK_MS = 15 * 60_000;

export async function patronByCard(db: Db, cardNumber: string): Promise<Patron> {
  const patron = await db.patron.findUnique({ where: { cardNumber } });
  // R-PRIVACY-2: the anonymous patron holds forgotten records only; no request acts for it or as it.
  if (!patron || patron.id === ANONYMOUS_PATRON_ID) throw new NotFoundError('patron', cardNumber);
  return patron;
}

/** R-ACCOUNT-1: refused while the temporary password has not been changed. */
export function checkPasswordChanged(patron: Pick<Patron, 'mustChangePassword'>): Outcome {
  if (!patron.mustChangePassword) return { ok: true };
  return refuse(
    'R-ACCOUNT-1',
    '仮パスワードでログインしています。先にパスワードを変更してください。',
    'You are logged in with a temporary password: change your password first.',
  );
}

export async function createPatron(
  db: Db,
  req: { cardNumber: string; name: string; email?: string | undefined; usualLibraryNo?: number | undefined; temporaryPassword?: string | undefined },
): Promise<{ patron: Patron; temporaryPassword: string }> {
  const password = req.temporaryPassword ?? temporaryPassword();
  const passwordHash = await hashPassword(password);
  const existing = await db.patron.findUnique({ where: { cardNumber: req.cardNumber } });
  if (existing) throw cardTaken(req.cardNumber);
  try {
    const patron = await db.patron.create({
      data: {
        cardNumber: req.cardNumber,
        name: req.name,
        email: req.email ?? null,
        usualLibraryNo: req.usualLibraryNo ?? null,
        passwordHash,
        mustChangePassword: true,
      },
    });
    return { patron, temporaryPassword: password };
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw cardTaken(req.cardNumber); // created meanwhile
    throw err;
  }
}

function cardTaken(cardNumber: string): ConflictError {
  return new ConflictError('cardNumber', `利用者番号 ${cardNumber} はすでに登録されています。`, `Card number ${cardNumber} is already registered.`);
}

/** Staff issue a new temporary password (a forgotten password): the patron must change it again. */
export async function issueTemporaryPassword(db: Db, cardNumber: string): Promise<{ patron: Patron; temporaryPassword: string }> {
  await patronByCard(db, cardNumber);
  const password = temporaryPassword();
  const patron = await db.patron.update({ where: { cardNumber }, data: { passwordHash: await hashPassword(password), mustChangePassword: true } });
  await clearLoginAttempts(db, cardNumber);
  return { patron, temporaryPassword: password };
}

export type LoginResult = { kind: 'ok'; patron: Patron } | { kind: 'invalid' } | { kind: 'locked'; retryAfterSeconds: number };

/**
 * Counts one login attempt for `key` (a card number, or "staff:<staff number>" for a staff sign-in:
 * one table, names that cannot meet), *before* the password is checked, under the throttle row's lock,
 * so parallel guesses cannot slip past the limit: after LOGIN_MAX_FAILURES attempts within
 * LOGIN_WINDOW_MS without a success the key is locked for LOGIN_LOCK_MS. Returns the seconds left of
 * a lock (then the password must not be checked), or 0.
 */
export async function countLoginAttempt(db: Db, key: string, now: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO login_throttle ("cardNumber", failures, "windowStart") VALUES (${key}, 0, ${now}) ON CONFLICT DO NOTHING`;
    await tx.$queryRaw`SELECT "cardNumber" FROM login_throttle WHERE "cardNumber" = ${key} FOR UPDATE`;
    const t = await tx.loginThrottle.findUniqueOrThrow({ where: { cardNumber: key } });
    if (t.lockedUntil && t.lockedUntil > now) return Math.ceil((t.lockedUntil.getTime() - now.getTime()) / 1000);
    const fresh = now.getTime() - t.windowStart.getTime() >= LOGIN_WINDOW_MS || (t.lockedUntil !== null && t.lockedUntil <= now);
    const failures = (fresh ? 0 : t.failures) + 1;
    await tx.loginThrottle.update({
      where: { cardNumber: key },
      data: {
        failures,
        windowStart: fresh ? now : t.windowStart,
        // The attempt that reaches the limit is still checked; the next one is refused unchecked.
        lockedUntil: failures >= LOGIN_MAX_FAILURES ? new Date(now.getTime() + LOGIN_LOCK_MS) : null,
      },
    });
    return 0;
  });
}

/** A right password (or a new temporary one) clears the count. */
export async function clearLoginAttempts(db: Db, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { cardNumber: key } });
}

/**
 * Checks a card number and password, rate-limited per card number (known or not, so that the answer
 * tells nothing about which cards exist): countLoginAttempt; a success clears the count.
 */
export async function checkPassword(db: Db, cardNumber: string, password: string, now: Date): Promise<LoginResult> {
  const locked = await countLoginAttempt(db, cardNumber, now);
  if (locked > 0) return { kind: 'locked', retryAfterSeconds: locked };
  const patron = await db.patron.findUnique({ where: { cardNumber } });
  const ok = await verifyPassword(password, patron?.passwordHash ?? (await dummyHash()));
  if (!ok || !patron?.passwordHash) return { kind: 'invalid' };
  await clearLoginAttempts(db, cardNumber);
  return { kind: 'ok', patron };
}

/** R-ACCOUNT-1: the patron replaces the (temporary) password; the current one must be given. */
export async function changePassword(
  db: Db,
  req: { cardNumber: string; currentPassword: string; newPassword: string; now: Date },
): Promise<LoginResult | { kind: 'refused'; refusal: Refusal }> {
  const checked = await checkPassword(db, req.cardNumber, req.currentPassword, req.now);
  if (checked.kind !== 'ok') return checked;
  const rule = checkNewPassword({ newPassword: req.newPassword, currentPassword: req.currentPassword });
  if (!rule.ok) return { kind: 'refused', refusal: rule.refusal };
  const patron = await db.patron.update({
    where: { cardNumber: req.cardNumber },
    data: { passwordHash: await hashPassword(req.newPassword), mustChangePassword: false, passwordChangedAt: req.now },
  });
  return { kind: 'ok', patron };
}

/** R-ACCOUNT-1: registering or changing the e-mail address (needed before a reservation, R-MAIL-1). */
export async function registerEmail(db: Db, cardNumber: string, email: string): Promise<Outcome<{ patron: Patron }>> {
  const patron = await patronByCard(db, cardNumber);
  const allowed = checkPasswordChanged(patron);
  if (!allowed.ok) return allowed;
  return { ok: true, patron: await db.patron.update({ where: { cardNumber }, data: { email } }) };
}

/** R-LIMIT-2: staff lower a patron's loan limit on request (e.g. 10 → 5), or restore it (1…10). */
export async function setLoanLimit(db: Db, cardNumber: string, loanLimit: number): Promise<Outcome<{ patron: Patron }>> {
  await patronByCard(db, cardNumber);
  const change = checkLoanLimitChange(loanLimit);
  if (!change.ok) return change;
  return { ok: true, patron: await db.patron.update({ where: { cardNumber }, data: { loanLimit: change.loanLimit } }) };
}

/**
 * A patron's usual cooperating library (1–59), or none. R-RETURN-3's exception reads it when a
 * reservation is placed (the reservation keeps what it was then): a change applies to later ones.
 */
export async function setUsualLibrary(db: Db, cardNumber: string, usualLibraryNo: number | null): Promise<Patron> {
  await patronByCard(db, cardNumber);
  return db.patron.update({ where: { cardNumber }, data: { usualLibraryNo } });
}

/**
 * R-CONDUCT-1: staff stop (`stop: true`) or restore a patron's use of the online service, with a
 * reason; the staff act (staff_action, by the API) records who and the reason. The patron's row is
 * locked so that a stop and a placement at the same moment are one after the other.
 */
export async function setServiceStop(
  db: Db,
  cardNumber: string,
  req: { stop: boolean; reason: string; at: Date },
): Promise<Outcome<{ patron: Patron }>> {
  return db.$transaction(async (tx) => {
    const found = await tx.patron.findUnique({ where: { cardNumber } });
    if (!found) throw new NotFoundError('patron', cardNumber);
    await tx.$queryRaw`SELECT id FROM patron WHERE id = ${found.id}::uuid FOR UPDATE`;
    const patron = await tx.patron.findUniqueOrThrow({ where: { id: found.id } });
    const change = checkServiceStopChange({ stoppedNow: patron.serviceStoppedAt !== null, stop: req.stop, reason: req.reason });
    if (!change.ok) return change;
    const data = req.stop ? { serviceStoppedAt: req.at, serviceStopReason: change.reason } : { serviceStoppedAt: null, serviceStopReason: null };
    return { ok: true as const, patron: await tx.patron.update({ where: { id: patron.id }, data }) };
  });
}

/** What My Library and the counter show of a patron. */
export async function patronSummary(db: Db, patron: Patron) {
  // Counted as R-LIMIT-1 counts them: reservations still waiting or held, loans until checked in (R-RETURN-4).
  const [reservations, loans] = await Promise.all([
    db.reservation.count({ where: { patronId: patron.id, status: { in: [...RESERVED_STATUSES] } } }),
    db.loan.count({ where: { patronId: patron.id, state: { in: ['ACTIVE', 'RETURNED_IN_TRANSIT'] } } }),
  ]);
  return {
    cardNumber: patron.cardNumber,
    name: patron.name,
    email: patron.email,
    mustChangePassword: patron.mustChangePassword,
    loanLimit: patron.loanLimit,
    reservationLimit: patron.reservationLimit,
    usualLibraryNo: patron.usualLibraryNo,
    serviceStop: patron.serviceStoppedAt ? { since: patron.serviceStoppedAt.toISOString(), reason: patron.serviceStopReason ?? '' } : null,
    reservations,
    loans,
  };
}
