// One scenario event, done the way the library does it: a reservation through the shared service
// (placeReservation), a patron's or staff member's request as the workflow's Update, the counter and
// the central check-in through circulation, and staff settings as the database rows staff change.
// Each returns what it got, for the timeline; nothing here decides a rule itself.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { LendingEnvironment } from '../infra/lending-environment';
import { refusalOf } from '../infra/update-outcome';
import { setServiceStop } from '../services/accounts';
import { closeDays, reopenDays } from '../services/closed-days';
import { placeReservation } from '../services/place-reservation';
import {
  cancelUpdate,
  changePickupUpdate,
  pickupUpdate,
  renewUpdate,
  resumeUpdate,
  setNotNeededAfterUpdate,
  returnUpdate,
  suspendUpdate,
  type WorkflowState,
} from '../workflows/reservation-messages';
import type { EventOf, ReservationEvent, ScenarioEvent } from './scenario';
import { jstMinute, refusalFields, type OtherEventRecord, type RequestRecord, type TimelineRecorder } from './timeline';

/** A request that got no answer in this much real time is reported as a failure of the run. */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface EventContext {
  e: LendingEnvironment;
  timeline: TimelineRecorder;
  /** Scenario patron id → database uuid. */
  patronIds: Map<string, string>;
}

export async function applyEvent(ctx: EventContext, ev: ScenarioEvent): Promise<void> {
  switch (ev.do) {
    case 'reserve':
      return reserve(ctx, ev);
    case 'cancel':
    case 'pickup':
    case 'renew':
    case 'returnAt':
    case 'changePickup':
    case 'suspend':
    case 'resume':
    case 'notNeededAfter':
      return ctx.timeline.request(ev.reservation, await request(ctx, ev));
    default:
      return ctx.timeline.other(await other(ctx, ev));
  }
}

async function reserve(ctx: EventContext, ev: EventOf<'reserve'>): Promise<void> {
  const outcome = await placeReservation(ctx.e.db, ctx.e.client, ctx.e.taskQueue, {
    reservationId: ev.reservation,
    patronId: ctx.patronIds.get(ev.patron)!,
    titleId: ev.title,
    pickup: ev.pickup,
    at: new Date(ev.at),
    ...(ev.by === 'staff' ? { channel: ev.channel ?? 'phone' } : {}), // R-STAFF-1
  });
  ctx.timeline.reserve(ev, outcome);
}

async function request(ctx: EventContext, ev: Exclude<ReservationEvent, EventOf<'reserve'>>): Promise<RequestRecord> {
  const at = jstMinute(ev.at);
  if (!ctx.timeline.isPlaced(ev.reservation)) {
    return { at, do: ev.do, result: 'skipped', message: `reservation ${ev.reservation} was never placed: its "reserve" was refused` };
  }
  const handle = ctx.e.handle(ev.reservation);
  const update = (): Promise<WorkflowState> => {
    switch (ev.do) {
      case 'cancel':
        return handle.executeUpdate(cancelUpdate, { args: [{ by: ev.by, ...(ev.channel ? { channel: ev.channel } : {}) }] });
      case 'pickup':
        return handle.executeUpdate(pickupUpdate, { args: [{ cardShown: ev.cardShown ?? true }] });
      case 'renew':
        return handle.executeUpdate(renewUpdate, { args: [{ channel: ev.channel }] });
      case 'returnAt':
        return handle.executeUpdate(returnUpdate, {
          args: [{ place: ev.place, ...(ev.via ? { via: ev.via } : {}), ...(ev.returnedOn ? { returnedOn: ev.returnedOn } : {}) }],
        });
      case 'changePickup': // R-PICKUP-1, R-PICKUP-2
        return handle.executeUpdate(changePickupUpdate, { args: [{ pickup: ev.pickup, by: ev.by }] });
      case 'suspend': // R-SUSPEND-1, R-SUSPEND-2 (the workflow's own check of the day)
        return handle.executeUpdate(suspendUpdate, { args: [{ until: ev.until, by: ev.by }] });
      case 'resume':
        return handle.executeUpdate(resumeUpdate, { args: [{ by: ev.by }] });
      case 'notNeededAfter': // R-SUSPEND-3 (不要日; the workflow's own check of the day)
        return handle.executeUpdate(setNotNeededAfterUpdate, { args: [{ day: ev.day, by: ev.by }] });
    }
  };
  try {
    await withinRealTime(update(), `${ev.do} of reservation ${ev.reservation}`);
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal) return { at, do: ev.do, result: 'rejected', ...refusalFields(refusal) };
    // The workflow completes as soon as the reservation ends, and a completed workflow takes no
    // Updates: there is no rule to cite, only the status it ended in.
    if (err instanceof WorkflowNotFoundError) {
      const ended = await ctx.e.view(ev.reservation).then(
        (v) => v.status,
        () => 'ended',
      );
      return {
        at,
        do: ev.do,
        result: 'rejected',
        rule: null,
        message: `reservation ${ev.reservation} has ended (${ended}) and takes no more requests`,
      };
    }
    throw err;
  }
  // What the request led to once everything it set off has landed (a return at the prefectural
  // library is 返却済 a moment after the Update answered 貸出中, when the workflow's loop sees it).
  await ctx.e.settle();
  const v = await ctx.e.view(ev.reservation);
  return {
    at,
    do: ev.do,
    result: 'accepted',
    status: v.status,
    ...(v.dates.due && (ev.do === 'renew' || ev.do === 'pickup') ? { due: v.dates.due } : {}),
  };
}

async function other(ctx: EventContext, ev: Exclude<ScenarioEvent, ReservationEvent>): Promise<OtherEventRecord> {
  const at = jstMinute(ev.at);
  const { db } = ctx.e;
  switch (ev.do) {
    case 'checkout': {
      const r = await ctx.e.desk.counterCheckout({ itemNumber: ev.item, patronId: ctx.patronIds.get(ev.patron)!, at: new Date(ev.at) });
      const base = { at, do: ev.do, item: ev.item, patron: ev.patron };
      return r.ok ? { ...base, result: 'accepted', due: r.due } : { ...base, result: 'rejected', ...refusalFields(r.refusal) };
    }
    case 'checkIn': {
      const r = await ctx.e.desk.checkIn({ itemNumber: ev.item, at: new Date(ev.at) });
      const base = { at, do: ev.do, item: ev.item };
      return r.ok
        ? { ...base, result: 'accepted', returned: r.returned, handedTo: r.handedTo }
        : { ...base, result: 'rejected', ...refusalFields(r.refusal) };
    }
    case 'pull': {
      const r = await ctx.e.shelf.pullFromShelf({ itemNumber: ev.item, at: new Date(ev.at) });
      const base = { at, do: ev.do, item: ev.item };
      return r.ok
        ? { ...base, result: 'accepted', securedFor: r.slip.reservationId, status: r.slip.status }
        : { ...base, result: 'rejected', ...refusalFields(r.refusal) };
    }
    case 'notOnShelf': {
      const r = await ctx.e.shelf.reportNotOnShelf({ itemNumber: ev.item, at: new Date(ev.at) });
      const base = { at, do: ev.do, item: ev.item };
      return r.ok ? { ...base, result: 'accepted', missing: r.missing } : { ...base, result: 'rejected', ...refusalFields(r.refusal) };
    }
    case 'libraryClosed':
    case 'libraryOpened':
      await db.cooperatingLibrary.update({ where: { no: ev.library }, data: { isOpen: ev.do === 'libraryOpened' } });
      return { at, do: ev.do, library: ev.library, result: 'accepted' };
    case 'closedDays':
    case 'reopenDays': {
      // R-CLOSED-1, R-CLOSED-4: as the staff API does it; the dates it moved are in the timeline.
      const change = ev.do === 'closedDays' ? closeDays : reopenDays;
      const r = await change(db, ctx.e.notifier, { library: ev.library, from: ev.from, to: ev.to }, new Date(ev.at));
      const base = { at, do: ev.do, library: ev.library, from: ev.from, to: ev.to };
      if (!r.ok) return { ...base, result: 'rejected', rule: 'R-CLOSED-1', message: r.en, messageJa: r.ja };
      const moved = r.moved.map(({ at: _at, reservationId, loanId: _loan, ...dates }) => ({ reservation: reservationId, ...dates }));
      return { ...base, result: 'accepted', changedDays: r.changedDays, moved };
    }
    case 'setLoanLimit':
      // The scenario's parser already held the new limit to R-LIMIT-2 (checkLoanLimitChange).
      await db.patron.update({ where: { id: ctx.patronIds.get(ev.patron)! }, data: { loanLimit: ev.limit } });
      return { at, do: ev.do, patron: ev.patron, limit: ev.limit, result: 'accepted' };
    case 'stopService':
    case 'restoreService': {
      // R-CONDUCT-1: the staff act's own service (the scenario's patron id is the card number).
      const r = await setServiceStop(db, ev.patron, { stop: ev.do === 'stopService', reason: ev.reason, at: new Date(ev.at) });
      const base = { at, do: ev.do, patron: ev.patron };
      return r.ok ? { ...base, result: 'accepted' } : { ...base, result: 'rejected', ...refusalFields(r.refusal) };
    }
    case 'setUsualLibrary':
      await db.patron.update({ where: { id: ctx.patronIds.get(ev.patron)! }, data: { usualLibraryNo: ev.library } });
      return { at, do: ev.do, patron: ev.patron, library: ev.library, result: 'accepted' };
  }
}

/** Time skipping is locked while we wait, so a request stuck on a failing activity would wait for ever. */
async function withinRealTime<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s of real time (see the problems logged on stderr)`)),
      REQUEST_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
