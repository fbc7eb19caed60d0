// R-PRIVACY-2: ended loans and reservations lose their patron after PRIVACY_RETENTION_DAYS (default 30),
// unless the patron keeps a reading history (R-PRIVACY-1). Run by the API process's housekeeping (at
// start and every hour, src/services/housekeeping.ts), in batches, each in one transaction:
//
// - the reservation and its loan go to the anonymous patron (ANONYMOUS_PATRON_ID): title, pickup place,
//   status, dates, renewals and the status history stay, so every count staff need stays too; the usual
//   library (a place the patron named) and the loan's bag code (which names the card) go;
// - the reservation's notices keep kind, state and moments, and lose the address and the text (which
//   names the patron and the title);
// - a walk-in loan (no reservation) returned before then likewise;
// - staff acts before then that named a card together with a copy or a reservation lose the card;
// - Thursday runs before then lose their bag lists (each bag names a patron and the copies in it; the
//   labels and transit slips were needed that week) and keep their counts.
//
// Idempotent: a record forgotten is not selected again, and a retried batch finds nothing left to do.
// Only the records: the workflows' own histories age out with the Temporal namespace's retention, which
// the operator sets to the same period (README, "Privacy").
import { ANONYMOUS_PATRON_ID, forgetEndedBefore, jstDateOf } from '../domain';
import type { Db } from '../db/client';

export interface Forgotten {
  reservations: number;
  walkInLoans: number;
  staffActs: number;
  thursdayRuns: number;
}

const BATCH = 500;

export async function forgetEndedRecords(db: Db, opts: { now: Date; retentionDays: number }): Promise<Forgotten> {
  const before = forgetEndedBefore(opts.now, opts.retentionDays);
  const done: Forgotten = { reservations: 0, walkInLoans: 0, staffActs: 0, thursdayRuns: 0 };

  for (;;) {
    const n = await db.$transaction(async (tx) => {
      // The patron's row is read FOR SHARE: a patron turning the reading history on meanwhile waits for
      // this batch, and a batch after that sees it on.
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT r.id FROM reservation r JOIN patron p ON p.id = r."patronId"
        WHERE r."endedAt" < ${before} AND r."patronId" <> ${ANONYMOUS_PATRON_ID}::uuid AND NOT p."readingHistory"
        ORDER BY r."endedAt" LIMIT ${BATCH}
        FOR UPDATE OF r SKIP LOCKED FOR SHARE OF p SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      await tx.mailOutbox.updateMany({ where: { reservationId: { in: ids } }, data: { to: '', body: '' } });
      await tx.loan.updateMany({ where: { reservationId: { in: ids } }, data: { patronId: ANONYMOUS_PATRON_ID, bag: null } });
      await tx.reservation.updateMany({
        where: { id: { in: ids } },
        data: { patronId: ANONYMOUS_PATRON_ID, usualLibraryNo: null, usualLibraryWasClosed: false },
      });
      return ids.length;
    });
    done.reservations += n;
    if (n < BATCH) break;
  }

  for (;;) {
    const n = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT l.id FROM loan l JOIN patron p ON p.id = l."patronId"
        WHERE l."reservationId" IS NULL AND l.state = 'CLOSED' AND l."checkedInAt" < ${before}
          AND l."patronId" <> ${ANONYMOUS_PATRON_ID}::uuid AND NOT p."readingHistory"
        ORDER BY l."checkedInAt" LIMIT ${BATCH}
        FOR UPDATE OF l SKIP LOCKED FOR SHARE OF p SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const { count } = await tx.loan.updateMany({
        where: { id: { in: rows.map((r) => r.id) } },
        data: { patronId: ANONYMOUS_PATRON_ID, bag: null },
      });
      return count;
    });
    done.walkInLoans += n;
    if (n < BATCH) break;
  }

  // A staff act is the library's own audit (who did what), kept; after the period it no longer says for
  // whom a copy or a reservation was handled, unless that patron keeps a reading history.
  done.staffActs = await db.$executeRaw`
    UPDATE staff_action s SET "cardNumber" = NULL
    WHERE s.at < ${before} AND s."cardNumber" IS NOT NULL AND (s."reservationId" IS NOT NULL OR s."itemNumber" IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM patron p WHERE p."cardNumber" = s."cardNumber" AND p."readingHistory")`;

  done.thursdayRuns = await db.$executeRaw`
    UPDATE thursday_run SET "packedBags" = '[]'::jsonb
    WHERE "processingDate" < ${jstDateOf(before)}::date AND "packedBags" <> '[]'::jsonb`;
  return done;
}
