// The OPAC acts for the patron named in the path, and for nobody else: every /opac/patrons/{cardNumber}
// operation looks the patron up (404 if unknown) and, except the password change itself, refuses
// while the temporary password has not been changed (R-ACCOUNT-1, 403).
import { ANONYMOUS_PATRON_ID } from '../../domain';
import type { Patron } from '../../generated/prisma/client';
import { checkPasswordChanged, patronByCard } from '../../services/accounts';
import type { Caller } from '../auth';
import type { ApiContext } from '../deps';
import { refused } from '../problem';

export async function actingFor(ctx: ApiContext, cardNumber: string, caller?: Caller | null): Promise<Patron> {
  // The row the patron token's check read in this request, if it did (src/api/patron-access.ts); else read now.
  const read = caller?.patron?.cardNumber === cardNumber && caller.patron.id !== ANONYMOUS_PATRON_ID ? caller.patron : undefined;
  const patron = read ?? (await patronByCard(ctx.deps.db, cardNumber));
  const allowed = checkPasswordChanged(patron);
  if (!allowed.ok) throw refused(allowed.refusal, 403);
  return patron;
}
