// The demo member of staff for `npm start`'s demo data: an account to sign in to the staff console
// with, its password made anew at every start and printed on the terminal next to the API keys made
// for the run — never a fixed password on a service that listens on the network, never in the log.
// A real installation makes its first admin with STAFF_BOOTSTRAP_ADMIN (temporary password, changed at
// the first sign-in) and its staff accounts through the admin API.
import type { Db } from './client';
import { hashPassword, temporaryPassword } from '../services/passwords';

export const DEMO_STAFF = { staffNumber: 'DEMO-STAFF', name: 'デモ 職員', role: 'counter' } as const;

/** Creates the demo account, or gives it a new password (its sessions from before end). */
export async function resetDemoStaff(db: Db, now: Date = new Date()): Promise<{ staffNumber: string; name: string; password: string }> {
  const password = temporaryPassword(16); // letters and digits both: a valid staff password (12–128)
  const passwordHash = await hashPassword(password);
  const account = await db.staffAccount.upsert({
    where: { staffNumber: DEMO_STAFF.staffNumber },
    create: { ...DEMO_STAFF, passwordHash, mustChangePassword: false, passwordChangedAt: now },
    update: { passwordHash, mustChangePassword: false, passwordChangedAt: now, disabledAt: null },
  });
  await db.staffSession.updateMany({ where: { staffAccountId: account.id, revokedAt: null }, data: { revokedAt: now } });
  return { staffNumber: account.staffNumber, name: account.name, password };
}
