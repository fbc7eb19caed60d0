// One reservation, from the OPAC request to the return (spec §3–§9). The function below reads like
// the library's own flow: handlers first, then 予約申込 → 確保待ち → 確保済み/貸出可能 → 配送中 →
// 貸出中 → 返却済, each wait a `condition(…, deadline)` whose deadline comes from the pure calendar.
//
// Copy allocation and the title's queue live in the database (activities in one transaction per
// event, `SELECT … FOR UPDATE` on the title), not in this workflow: see src/activities/allocation.ts.
import { ApplicationFailure, allHandlersFinished, condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  alreadyReturned,
  checkCancel,
  checkRenewal,
  checkReturnPlace,
  coopDates,
  endOfJstDay,
  jstDateOf,
  jstInstant,
  notOnLoan,
  nothingToCollect,
  parsePlace,
  pickupMissedReason,
  type Refusal,
} from '../domain';
import type { ReservationActivities } from '../activities';
import {
  cancelUpdate,
  checkedInSignal,
  copySecuredSignal,
  pickupUpdate,
  queuePositionSignal,
  renewUpdate,
  returnUpdate,
  thursdayOutcomeSignal,
  viewQuery,
  type CancelRequest,
  type PickupRequest,
  type RenewRequest,
  type ReservationView,
  type ReturnRequest,
} from './reservation-messages';
import { OneAtATime } from './one-at-a-time';
import { ReservationState, type ReservationInput } from './reservation-state';

const act = proxyActivities<ReservationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A refusal travels to the caller as a non-retryable failure whose type is the rule id. */
function refused(r: Refusal): never {
  throw ApplicationFailure.create({ type: r.rule, message: r.en, details: [r], nonRetryable: true });
}

const now = (): Date => new Date(); // deterministic inside a workflow: the time of the current task

export async function reservation(input: ReservationInput): Promise<ReservationView> {
  // Each change of status is a line in the structured log (with workflowId, hence reservationId; the
  // SDK leaves it out while replaying, so a line is written once per change).
  const r = new ReservationState(input, (from, to, note) => log.info('reservation status changed', { from, to, ...(note ? { rule: note } : {}) }));
  const { reservationId } = input;

  const turns = new OneAtATime();
  const oneAtATime = <T>(check: () => void, work: () => Promise<T>) => turns.run(check, work);

  // ---- handlers ----
  setHandler(viewQuery, () => r.view());

  setHandler(copySecuredSignal, ({ itemNumber }) => r.secured(itemNumber, now()));
  setHandler(queuePositionSignal, (q) => r.placeInQueue(q));
  setHandler(thursdayOutcomeSignal, (o) => {
    if (r.status !== 'SECURED') return; // a repeated signal after a retried Thursday run
    if (o.kind === 'dispatched') return r.dispatched(o.processingDay, now());
    if (o.kind === 'rebalanced') return r.waiting(o.queue, now()); // R-DISPATCH-4
    r.dispatchFailures = o.failures;
    r.reason = o.reason; // shown in My Library while it stays 確保済み too
    if (o.next === 'RELEASED') return r.end('RELEASED', now(), o.reason); // R-DISPATCH-2
    if (o.next === 'WAITING' && o.queue) r.waiting(o.queue, now()); // R-DISPATCH-3
  });
  setHandler(checkedInSignal, () => {
    r.checkedIn = true; // R-RETURN-4: the return counts only once processed centrally
  });

  const cancelAllowed = (req: CancelRequest) => rejectIfRefused(checkCancel({ status: r.status, by: req.by, channel: req.channel }));
  setHandler(
    cancelUpdate,
    (req) =>
      oneAtATime(
        () => cancelAllowed(req),
        async () => {
          await act.withdraw({ reservationId, by: req.by, at: now().toISOString() }); // R-CANCEL-3 inside
          r.end('CANCELLED', now());
          return r.view();
        },
      ),
    { validator: cancelAllowed },
  );

  const pickupAllowed = (req?: PickupRequest) => rejectIfRefused(checkPickup(r, req?.cardShown ?? true));
  setHandler(
    pickupUpdate,
    (req) =>
      oneAtATime(
        () => pickupAllowed(req),
        async () => {
          if (r.place.kind === 'pref') {
            // R-PREF-4: lent at the counter; R-OVERDUE-1 and R-LIMIT-1 apply as at any checkout.
            const lent = await act.lendReservedCopy({ reservationId, at: now().toISOString() });
            if (!lent.ok) refused(lent.refusal);
            r.pickedUp(now(), lent.due);
          } else {
            await act.confirmCoopPickup({ reservationId, at: now().toISOString() }); // R-COOP-1
            r.pickedUp(now());
          }
          return r.view();
        },
      ),
    { validator: pickupAllowed },
  );

  const renewAllowed = (req: RenewRequest) => {
    if (r.status !== 'ON_LOAN' || !r.dates.due) refused(notOnLoan(r.status));
    if (r.dates.returnedOn) refused(alreadyReturned()); // handed back at a cooperating library, travelling (R-RETURN-4)
    // checkRenewal's order is e-mail, count, others waiting, window. The first two need nothing from
    // the database, so they are refused here, before anything is written to history; the rest must
    // wait for R-RENEW-1's answer from the activity, or the patron could be told "come back on the
    // 19th" only to be refused then for another reason.
    const early = checkRenewal({ due: r.dates.due, today: r.dates.due, renewalsUsed: r.renewalsUsed, othersWaiting: false, channel: req.channel });
    if (!early.ok && (early.refusal.rule === 'R-RENEW-4' || early.refusal.rule === 'R-RENEW-2')) refused(early.refusal);
  };
  setHandler(
    renewUpdate,
    (req) =>
      oneAtATime(
        () => renewAllowed(req),
        async () => {
          // R-RENEW-1 needs the title's queue, which lives in the database: the activity checks
          // every rule again under the title's lock and renews, or refuses.
          const res = await act.renewLoan({ reservationId, channel: req.channel, today: jstDateOf(now()) });
          if (!res.ok) refused(res.refusal);
          r.renewed(res.newDue);
          return r.view();
        },
      ),
    { validator: renewAllowed },
  );

  const returnAllowed = (req: ReturnRequest) => {
    if (r.status !== 'ON_LOAN') refused(notOnLoan(r.status));
    if (r.dates.returnedOn) refused(alreadyReturned());
    const place = parsePlace(req.place);
    if (!place) refused({ rule: 'R-RETURN-3', ja: `返却場所「${req.place}」は不明です。`, en: `Unknown return place "${req.place}".` });
    // The May-2024 exception needs the patron's usual library and whether it is open: the activity
    // decides it. Here only what the reservation alone can refuse.
    const quick = checkReturnPlace({ pickup: r.place, returnAt: place, usualWasClosedAtReservation: false, usualOpenNow: false });
    if (!quick.ok && (place.kind === 'pref' || r.place.kind === 'pref')) refused(quick.refusal);
  };
  setHandler(
    returnUpdate,
    (req) =>
      oneAtATime(
        () => returnAllowed(req),
        async () => {
          const res = await act.recordReturn({ reservationId, place: req.place, at: now().toISOString() });
          if (!res.ok) refused(res.refusal);
          r.returnedAt(jstDateOf(now()));
          if (res.processed) r.checkedIn = true; // returned at the prefectural library: processed at once
          return r.view();
        },
      ),
    { validator: returnAllowed },
  );

  // ---- 予約申込: the security delay (R-STATUS-1); the patron may still cancel (R-CANCEL-1) ----
  await condition(() => r.ended, r.config.securityDelayMs);

  while (!r.ended && r.status !== 'ON_LOAN') {
    // ---- 確保待ち: ask for a copy; on the shelf it is secured at once, else wait in the queue ----
    if (r.status === 'APPLIED') {
      const alloc = await act.secureOrQueue({ reservationId, at: now().toISOString() });
      if (alloc.kind === 'secured') r.secured(alloc.itemNumber, now());
      // A copy may already have reached us by signal (handed over the moment we were queued).
      else if (r.status === 'APPLIED') r.waiting(alloc, now());
    }
    await condition(() => r.ended || r.holdsCopy);

    if (r.status === 'READY') await holdAtPrefecturalLibrary(r, reservationId, turns);
    else if (r.status === 'SECURED') {
      // ---- 確保済み: Thursday processing decides (dispatched, failed, rebalanced) ----
      await condition(() => r.status !== 'SECURED');
    }
    if (r.status === 'IN_DELIVERY') await deliverToCooperatingLibrary(r, reservationId, turns);
  }

  // ---- 貸出中: renewals come as updates; the loan ends when the return is processed centrally ----
  if (r.status === 'ON_LOAN') {
    await condition(() => r.checkedIn);
    r.end('RETURNED', now());
  }

  await condition(allHandlersFinished);
  return r.view();
}

/** 貸出可能 at the prefectural library: notice at once (R-PREF-1), 7-day hold (R-PREF-2), release (R-PREF-5). */
async function holdAtPrefecturalLibrary(r: ReservationState, reservationId: string, turns: OneAtATime): Promise<void> {
  await condition(() => r.status !== 'READY', r.config.prefNoticeDelayMs);
  if (r.status === 'READY') {
    const mail = await act.sendLendingNotice({ reservationId, at: now().toISOString() });
    r.mails.push({ kind: 'LENDING_NOTICE', at: mail.at, state: mail.state });
    r.prefNoticeSent(mail.holdFrom, mail.holdUntil);
  } // else R-PREF-3: borrowed (or cancelled) before the notice went out — no mail
  if (r.status !== 'READY' || !r.dates.pickupUntil) return;
  const collected = await condition(() => r.status !== 'READY', msUntil(endOfJstDay(r.dates.pickupUntil)));
  if (!collected) await releaseUncollected(r, reservationId, turns, 'READY');
}

/** 配送中: Friday transport, Saturday notice, Sunday…Sunday window (R-COOP-3, R-COOP-4). */
async function deliverToCooperatingLibrary(r: ReservationState, reservationId: string, turns: OneAtATime): Promise<void> {
  const dates = coopDates(r.dates.processingDay!);
  await condition(() => r.status !== 'IN_DELIVERY', msUntil(jstInstant(dates.mail, r.config.coopNoticeHour, 0)));
  if (r.status !== 'IN_DELIVERY') return; // cancelled by staff (R-CANCEL-2)
  const mail = await act.sendLendingNotice({ reservationId, at: now().toISOString(), processingDay: dates.processing });
  r.mails.push({ kind: 'LENDING_NOTICE', at: mail.at, state: mail.state });
  const collected = await condition(() => r.status !== 'IN_DELIVERY', msUntil(endOfJstDay(dates.pickupUntil)));
  if (!collected) await releaseUncollected(r, reservationId, turns, 'IN_DELIVERY');
}

/**
 * R-PREF-5, R-COOP-3: the hold has ended uncollected → 予約解除, the copy taken back (at a
 * cooperating library Thursday's loan is undone). Waits for a request in progress, which may yet be
 * the pickup that saves it.
 */
async function releaseUncollected(r: ReservationState, reservationId: string, turns: OneAtATime, holding: 'READY' | 'IN_DELIVERY'): Promise<void> {
  await turns.run(
    () => undefined,
    async () => {
      if (r.status !== holding) return;
      const reason = pickupMissedReason(r.place);
      await act.releaseUncollected({ reservationId, at: now().toISOString(), rule: reason.rule });
      r.end('RELEASED', now(), reason);
    },
  );
}

function msUntil(deadline: Date): number {
  return Math.max(0, deadline.getTime() - Date.now());
}

function rejectIfRefused(outcome: { ok: true } | { ok: false; refusal: Refusal }): void {
  if (!outcome.ok) refused(outcome.refusal);
}

/** R-PREF-2 / R-COOP-1 / R-COOP-3: a copy can be collected only while it waits within its window. */
function checkPickup(r: ReservationState, cardShown: boolean): { ok: true } | { ok: false; refusal: Refusal } {
  const today = jstDateOf(now());
  if (!cardShown && (r.status === 'READY' || r.status === 'IN_DELIVERY')) {
    return {
      ok: false,
      refusal: {
        rule: r.place.kind === 'pref' ? 'R-PREF-4' : 'R-COOP-1',
        ja: '県立図書館の利用者カードを提示しないと、図書を受け取ることができません。',
        en: "The item is handed over only on showing the prefectural library's card.",
      },
    };
  }
  if (r.status === 'READY') return { ok: true };
  if (r.status === 'IN_DELIVERY' && r.dates.pickupFrom && r.dates.pickupUntil) {
    if (today < r.dates.pickupFrom) {
      return {
        ok: false,
        refusal: { rule: 'R-COOP-4', ja: `受取開始日は${r.dates.pickupFrom}です。`, en: `Pickup starts on ${r.dates.pickupFrom}.` },
      };
    }
    return { ok: true };
  }
  return { ok: false, refusal: nothingToCollect(r.status) };
}
