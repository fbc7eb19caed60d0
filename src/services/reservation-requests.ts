// A patron's or staff member's request about one reservation or loan — cancel, pickup, renew, return —
// sent to the reservation's workflow as an Update; its validator refuses with the rule id. A
// reservation that has ended has no workflow left to ask (it completed), so it is answered from the
// records with the rule the workflow would have cited. Loans made at the counter (walk-in, R-ITEM-4)
// have no workflow at all; their renewal and return are done here, with the same rules.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  checkCancel,
  checkNotNeededStatus,
  checkPickupChange,
  checkResume,
  checkReturnDay,
  checkReturnPlace,
  checkSuspendStatus,
  isFinalStatus,
  jstDateOf,
  notOnLoan,
  nothingToCollect,
  parsePlace,
  PREF,
  type Actor,
  type Channel,
  type LocalDate,
  type Outcome,
  type Refused,
  type Refusal,
  type ReservationStatus,
  type ReturnVia,
} from '../domain';
import type { Db } from '../db/client';
import { fromDbDate } from '../db/dates';
import { request } from '../infra/update-outcome';
import {
  cancelUpdate,
  changePickupUpdate,
  pickupUpdate,
  renewUpdate,
  reservationWorkflowId,
  resumeUpdate,
  setNotNeededAfterUpdate,
  returnUpdate,
  suspendUpdate,
  type ReturnRequest,
  type WorkflowState,
} from '../workflows/reservation-messages';
import type { circulation } from '../activities/circulation';
import { renewUnderTitleLock } from '../activities/loans';
import { NotFoundError } from './errors';

export interface RequestDeps {
  db: Db;
  temporal: Client;
}

/** Who may see and act on a reservation or loan: staff on any, the OPAC on its own patron's only. */
export type Owner = { patronId: string } | 'any';

async function reservationOf(db: Db, reservationId: string, owner: Owner) {
  const r = await db.reservation.findUnique({ where: { id: reservationId } });
  // Another patron's reservation is answered as unknown: its existence is none of this patron's business.
  if (!r || (owner !== 'any' && r.patronId !== owner.patronId)) throw new NotFoundError('reservation', reservationId);
  return r;
}

/**
 * Runs the Update unless the reservation has ended; if it ends between the look and the Update
 * (WorkflowNotFoundError: the workflow completed), answers from the records after all.
 */
async function update(
  deps: RequestDeps,
  reservationId: string,
  owner: Owner,
  send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<WorkflowState>,
  ended: (status: ReservationStatus) => Refusal,
): Promise<Outcome<{ state: WorkflowState }>> {
  const r = await reservationOf(deps.db, reservationId, owner);
  if (isFinalStatus(r.status)) return { ok: false, refusal: ended(r.status) };
  try {
    const outcome = await request(send(deps.temporal.workflow.getHandle(reservationWorkflowId(reservationId))));
    return outcome.ok ? { ok: true, state: outcome.value } : outcome;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const now = await deps.db.reservation.findUniqueOrThrow({ where: { id: reservationId } });
    return { ok: false, refusal: ended(now.status) };
  }
}

/** R-CANCEL-1 … R-CANCEL-3. */
export function cancelReservation(deps: RequestDeps, req: { reservationId: string; owner: Owner; by: Actor; channel: Channel }) {
  return update(
    deps,
    req.reservationId,
    req.owner,
    (h) => h.executeUpdate(cancelUpdate, { args: [{ by: req.by, channel: req.channel }] }),
    (status) => {
      const c = checkCancel({ status, by: req.by, channel: req.channel });
      return c.ok ? nothingToCollect(status) : c.refusal;
    },
  );
}

/** R-SUSPEND-3 (不要日): sets (or with null clears) the day after which a 予約申込/確保待ち reservation is not needed. */
export function setNotNeededAfter(deps: RequestDeps, req: { reservationId: string; owner: Owner; by: Actor; day: LocalDate | null }) {
  return update(
    deps,
    req.reservationId,
    req.owner,
    (h) => h.executeUpdate(setNotNeededAfterUpdate, { args: [{ day: req.day, by: req.by }] }),
    (status) => (checkNotNeededStatus(status) as Refused).refusal,
  );
}

/** R-PICKUP-1, R-PICKUP-2 (受取館変更): the patron while 予約申込 / 確保待ち; staff also while 確保済み or 貸出可能. */
export function changePickupPlace(deps: RequestDeps, req: { reservationId: string; owner: Owner; by: Actor; pickup: string }) {
  const to = parsePlace(req.pickup)!; // the API's schema and the scenario's checked it
  return update(
    deps,
    req.reservationId,
    req.owner,
    (h) => h.executeUpdate(changePickupUpdate, { args: [{ pickup: req.pickup, by: req.by }] }),
    (status) => {
      const c = checkPickupChange({ status, by: req.by, from: to.kind === 'pref' ? { kind: 'coop', no: 1 } : PREF, to });
      return c.ok ? nothingToCollect(status) : c.refusal;
    },
  );
}

/** R-SUSPEND-1, R-SUSPEND-2 (保留): a 確保待ち reservation is passed over until `until`, keeping its queue place. */
export function suspendReservation(deps: RequestDeps, req: { reservationId: string; owner: Owner; by: Actor; until: LocalDate }) {
  return update(
    deps,
    req.reservationId,
    req.owner,
    (h) => h.executeUpdate(suspendUpdate, { args: [{ until: req.until, by: req.by }] }),
    (status) => (checkSuspendStatus(status) as Refused).refusal,
  );
}

/** R-SUSPEND-1: the suspension ends before its day, at the patron's word. */
export function resumeReservation(deps: RequestDeps, req: { reservationId: string; owner: Owner; by: Actor }) {
  return update(
    deps,
    req.reservationId,
    req.owner,
    (h) => h.executeUpdate(resumeUpdate, { args: [{ by: req.by }] }),
    (status) => (checkResume({ status, suspendedUntil: null }) as Refused).refusal,
  );
}

/** R-PREF-4, R-COOP-1: the copy is handed over at the counter (the card must be shown). */
export function pickupReservation(deps: RequestDeps, req: { reservationId: string; cardShown: boolean }) {
  return update(deps, req.reservationId, 'any', (h) => h.executeUpdate(pickupUpdate, { args: [{ cardShown: req.cardShown }] }), nothingToCollect);
}

async function loanOf(db: Db, loanId: string, owner: Owner) {
  const loan = await db.loan.findUnique({ where: { id: loanId }, include: { item: true } });
  if (!loan || (owner !== 'any' && loan.patronId !== owner.patronId)) throw new NotFoundError('loan', loanId);
  return loan;
}

/** R-RENEW-1 … R-RENEW-4, for a loan through a reservation (its workflow) or a walk-in loan. */
export async function renewLoan(deps: RequestDeps, req: { loanId: string; owner: Owner; channel: Channel; now: Date }): Promise<Outcome> {
  const loan = await loanOf(deps.db, req.loanId, req.owner);
  if (loan.reservationId) {
    const out = await update(deps, loan.reservationId, 'any', (h) => h.executeUpdate(renewUpdate, { args: [{ channel: req.channel }] }), notOnLoan);
    return out.ok ? { ok: true } : out;
  }
  // A walk-in loan: the same checks and record as the workflow's renewLoan activity.
  const outcome = await deps.db.$transaction((tx) =>
    renewUnderTitleLock(tx, { loanId: loan.id, titleId: loan.item.titleId, channel: req.channel, today: jstDateOf(req.now) }),
  );
  return outcome.ok ? { ok: true } : outcome;
}

/**
 * R-RETURN-1 … R-RETURN-4: the copy is handed in at `place`. Through a reservation, its workflow
 * decides (the May-2024 exception included); a walk-in loan is the prefectural library's, so only
 * its counter or book post takes it (R-RETURN-1), and the return is processed there at once.
 */
export async function returnLoan(
  deps: RequestDeps & { desk: ReturnType<typeof circulation> },
  req: { loanId: string; place: string; now: Date; via?: ReturnVia | undefined; returnedOn?: LocalDate | undefined },
): Promise<Outcome> {
  const loan = await loanOf(deps.db, req.loanId, 'any');
  // R-RETURN-5: how and on which day it was handed in (defaults: the counter, today).
  const how: ReturnRequest = { place: req.place, ...(req.via ? { via: req.via } : {}), ...(req.returnedOn ? { returnedOn: req.returnedOn } : {}) };
  if (loan.reservationId) {
    const out = await update(deps, loan.reservationId, 'any', (h) => h.executeUpdate(returnUpdate, { args: [how] }), notOnLoan);
    return out.ok ? { ok: true } : out;
  }
  if (loan.state !== 'ACTIVE') return { ok: true }; // returned already: nothing more to record
  const returnedOn = req.returnedOn ?? jstDateOf(req.now);
  const day = checkReturnDay({ returnedOn, today: jstDateOf(req.now), lentOn: fromDbDate(loan.lentOn) });
  if (!day.ok) return day;
  const via = req.via ?? 'counter';
  const allowed = checkReturnPlace({ pickup: PREF, returnAt: parsePlace(req.place)!, usualWasClosedAtReservation: false, usualOpenNow: false, via });
  if (!allowed.ok) return allowed;
  const checkedIn = await deps.desk.checkIn({ itemNumber: loan.itemNumber, at: req.now, handedIn: { via, returnedOn } });
  return checkedIn.ok ? { ok: true } : checkedIn;
}
