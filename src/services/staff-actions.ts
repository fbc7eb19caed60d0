// Who did what (docs/spec.md §13, the staff-acts Decision): the staff_action records. The API writes one
// row per staff act, 'pending' before it delegates, then 'done' or 'refused' (src/api/staff-acts.ts);
// a process that dies in between leaves an honest 'pending'. Read back as a reservation's staff acts.
import { formatJst } from '../domain';
import type { Db } from '../db/client';
import type { Prisma } from '../generated/prisma/client';

export interface StaffActor {
  /** "staff": a signed-in member of staff; "key": a staff API key (a machine caller, recorded by its name). */
  kind: 'staff' | 'key';
  /** The staff number, or the API key's name. */
  id: string;
  name: string;
}

export interface StaffActRefs {
  reservationId?: string | null | undefined;
  itemNumber?: string | null | undefined;
  cardNumber?: string | null | undefined;
}

export interface StaffActRecord extends StaffActRefs {
  action: string;
  /** What else the act named (a channel, a place, a day, a limit); never a password or a token. */
  details?: Record<string, unknown> | undefined;
}

const refs = (r: StaffActRefs) => ({
  ...(r.reservationId !== undefined ? { reservationId: r.reservationId } : {}),
  ...(r.itemNumber !== undefined ? { itemNumber: r.itemNumber } : {}),
  ...(r.cardNumber !== undefined ? { cardNumber: r.cardNumber } : {}),
});

/** Writes the act as 'pending'; returns its id. */
export async function beginStaffAction(db: Db, actor: StaffActor, act: StaffActRecord, at: Date): Promise<bigint> {
  const row = await db.staffAction.create({
    data: {
      at,
      actorKind: actor.kind,
      actor: actor.id,
      actorName: actor.name,
      action: act.action,
      ...refs(act),
      ...(act.details ? { details: act.details as Prisma.InputJsonValue } : {}),
    },
    select: { id: true },
  });
  return row.id;
}

/** Marks the act done or refused (with the refusing rule and the problem type), adding what became known meanwhile. */
export async function finishStaffAction(
  db: Db,
  id: bigint,
  outcome: { outcome: 'done' } | { outcome: 'refused'; rule?: string | undefined; problem: string },
  found: StaffActRefs,
  at: Date,
): Promise<void> {
  await db.staffAction.update({
    where: { id },
    data: {
      outcome: outcome.outcome,
      finishedAt: at,
      ...(outcome.outcome === 'refused' ? { rule: outcome.rule ?? null, problem: outcome.problem } : {}),
      ...refs(found),
    },
  });
}

export interface StaffActView {
  at: string;
  action: string;
  by: { kind: 'staff'; staffNumber: string; name: string } | { kind: 'key'; keyName: string; name: string };
  outcome: 'pending' | 'done' | 'refused';
  rule?: string;
}

/** The staff acts that named a reservation, oldest first: who, what, and how it ended. */
export async function staffActsOf(db: Db, reservationId: string): Promise<StaffActView[]> {
  const rows = await db.staffAction.findMany({ where: { reservationId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => ({
    at: formatJst(r.at),
    action: r.action,
    by: r.actorKind === 'staff' ? { kind: 'staff', staffNumber: r.actor, name: r.actorName } : { kind: 'key', keyName: r.actor, name: r.actorName },
    outcome: r.outcome,
    ...(r.rule ? { rule: r.rule } : {}),
  }));
}

/** What a staff act on a reservation names besides it: its patron's card and its copy (none for an unknown id). */
export async function reservationRefs(db: Db, reservationId: string): Promise<StaffActRefs> {
  const r = await db.reservation.findUnique({ where: { id: reservationId }, select: { itemNumber: true, patron: { select: { cardNumber: true } } } });
  return r ? { reservationId, itemNumber: r.itemNumber, cardNumber: r.patron.cardNumber } : { reservationId };
}

/** What a staff act on a loan names: its reservation (if it came from one), its copy, its patron's card. */
export async function loanRefs(db: Db, loanId: string): Promise<StaffActRefs> {
  const l = await db.loan.findUnique({
    where: { id: loanId },
    select: { reservationId: true, itemNumber: true, patron: { select: { cardNumber: true } } },
  });
  return l ? { reservationId: l.reservationId, itemNumber: l.itemNumber, cardNumber: l.patron.cardNumber } : {};
}
