// One reservation, from the OPAC request to the return (spec §3–§9). The function below reads like
// the library's own flow: handlers first, then 予約申込 → 確保待ち → 確保済み/貸出可能 → 配送中 →
// 貸出中 → 返却済, each wait a `condition(…, deadline)` whose deadline comes from the pure calendar.
//
// Copy allocation and the title's queue live in the database (activities in one transaction per
// event, `SELECT … FOR UPDATE` on the title), not in this workflow: see src/activities/allocation.ts.
// The records own every fact (status, dates, queue, renewals, mails, reasons, history): the workflow
// adopts what each activity returns or each signal carries, and keeps only what it needs to wait.
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
  renewUpdate,
  returnUpdate,
  thursdayOutcomeSignal,
  viewQuery,
  type CancelRequest,
  type PickupRequest,
  type RenewRequest,
  type ReturnRequest,
  type ThursdayOutcome,
  type WorkflowState,
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

export async function reservation(input: ReservationInput): Promise<WorkflowState> {
  // Each change of status is a line in the structured log (with workflowId, hence reservationId; the
  // SDK leaves it out while replaying, so a line is written once per change).
  const r = new ReservationState(input, (from, to, note) => log.info('reservation status changed', { from, to, ...(note ? { rule: note } : {}) }));
  const { reservationId } = input;

  const turns = new OneAtATime();
  const oneAtATime = <T>(check: () => void, work: () => Promise<T>) => turns.run(check, work);

  // ---- handlers ----
  setHandler(viewQuery, () => r.snapshot());

  setHandler(copySecuredSignal, ({ status }) => r.secured(status));
  setHandler(thursdayOutcomeSignal, (o) => adoptThursdayOutcome(r, o));
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
          const ended = await act.withdraw({ reservationId, by: req.by, at: now().toISOString() }); // R-CANCEL-3 inside
          r.moveTo(ended?.status ?? 'CANCELLED');
          return r.snapshot();
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
            r.lent({ due: lent.due, renewalsUsed: lent.renewalsUsed ?? 0 });
          } else {
            const loan = await act.confirmCoopPickup({ reservationId, at: now().toISOString() }); // R-COOP-1
            r.lent(loan ?? r.loan!);
          }
          return r.snapshot();
        },
      ),
    { validator: pickupAllowed },
  );

  const renewAllowed = (req: RenewRequest) => {
    if (r.status !== 'ON_LOAN' || !r.loan) refused(notOnLoan(r.status));
    if (r.loan.returnedOn) refused(alreadyReturned()); // handed back at a cooperating library, travelling (R-RETURN-4)
    // checkRenewal's order is e-mail, count, others waiting, window. The first two need nothing from
    // the database, so they are refused here, before anything is written to history; the rest must
    // wait for R-RENEW-1's answer from the activity, or the patron could be told "come back on the
    // 19th" only to be refused then for another reason.
    const { due, renewalsUsed } = r.loan;
    const early = checkRenewal({ due, today: due, renewalsUsed, othersWaiting: false, channel: req.channel });
    if (!early.ok && (early.refusal.rule === 'R-RENEW-4' || early.refusal.rule === 'R-RENEW-2')) refused(early.refusal);
  };
  setHandler(
    renewUpdate,
    (req) =>
      oneAtATime(
        () => renewAllowed(req),
        async () => {
          // R-RENEW-1 needs the title's queue, which lives in the database: the activity checks
          // every rule again under the title's lock and renews, or refuses. It is told how many
          // renewals this request starts from, so a retry after its commit finds the renewal done.
          const loan = r.loan!;
          const res = await act.renewLoan({ reservationId, channel: req.channel, today: jstDateOf(now()), renewalsUsed: loan.renewalsUsed });
          if (!res.ok) refused(res.refusal);
          r.loan = { ...loan, due: res.newDue, renewalsUsed: res.renewalsUsed ?? loan.renewalsUsed + 1 };
          return r.snapshot();
        },
      ),
    { validator: renewAllowed },
  );

  const returnAllowed = (req: ReturnRequest) => {
    if (r.status !== 'ON_LOAN') refused(notOnLoan(r.status));
    if (r.loan?.returnedOn) refused(alreadyReturned());
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
          if (r.loan) r.loan = { ...r.loan, returnedOn: res.returnedOn ?? jstDateOf(now()) };
          if (res.processed) r.checkedIn = true; // returned at the prefectural library: processed at once
          return r.snapshot();
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
      if (alloc.kind === 'secured') r.secured(alloc.status);
      // A copy may already have reached us by signal (handed over the moment we were queued).
      else if (r.status === 'APPLIED') r.moveTo('WAITING');
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
    r.moveTo('RETURNED');
  }

  await condition(allHandlersFinished);
  return r.snapshot();
}

/**
 * R-DISPATCH-1…4, R-COOP-4: what Thursday processing recorded. Outcomes recorded before the dates
 * travelled with the signal (histories of reservations running across that upgrade) take them from
 * the calendar, as Thursday processing itself did.
 */
function adoptThursdayOutcome(r: ReservationState, o: ThursdayOutcome): void {
  if (r.status !== 'SECURED') return; // a repeated signal after a retried Thursday run
  if (o.kind === 'dispatched') {
    const d = o.pickupFrom && o.pickupUntil && o.noticeOn ? undefined : coopDates(o.processingDay);
    r.pickupFrom = o.pickupFrom ?? d!.pickupFrom;
    r.pickupUntil = o.pickupUntil ?? d!.pickupUntil;
    r.noticeOn = o.noticeOn ?? d!.mail;
    r.loan = { due: o.due, renewalsUsed: 0 };
    return r.moveTo('IN_DELIVERY');
  }
  if (o.kind === 'rebalanced') return r.moveTo('WAITING'); // R-DISPATCH-4
  if (o.next === 'RELEASED') return r.moveTo('RELEASED', o.reason.rule); // R-DISPATCH-2
  if (o.next === 'WAITING') r.moveTo('WAITING'); // R-DISPATCH-3
}

/** 貸出可能 at the prefectural library: notice at once (R-PREF-1), 7-day hold (R-PREF-2), release (R-PREF-5). */
async function holdAtPrefecturalLibrary(r: ReservationState, reservationId: string, turns: OneAtATime): Promise<void> {
  await condition(() => r.status !== 'READY', r.config.prefNoticeDelayMs);
  if (r.status === 'READY') {
    const mail = await act.sendLendingNotice({ reservationId, at: now().toISOString() });
    r.pickupUntil = mail.holdUntil; // the notice's day starts the hold: the activity recorded both
  } // else R-PREF-3: borrowed (or cancelled) before the notice went out — no mail
  if (r.status !== 'READY' || !r.pickupUntil) return;
  const collected = await condition(() => r.status !== 'READY', msUntil(endOfJstDay(r.pickupUntil)));
  if (!collected) await releaseUncollected(r, reservationId, turns, 'READY');
}

/** 配送中: Friday transport, Saturday notice, Sunday…Sunday window (R-COOP-3, R-COOP-4), as Thursday recorded them. */
async function deliverToCooperatingLibrary(r: ReservationState, reservationId: string, turns: OneAtATime): Promise<void> {
  const { noticeOn, pickupUntil } = r;
  await condition(() => r.status !== 'IN_DELIVERY', msUntil(jstInstant(noticeOn!, r.config.coopNoticeHour, 0)));
  if (r.status !== 'IN_DELIVERY') return; // cancelled by staff (R-CANCEL-2)
  await act.sendLendingNotice({ reservationId, at: now().toISOString() });
  const collected = await condition(() => r.status !== 'IN_DELIVERY', msUntil(endOfJstDay(pickupUntil!)));
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
      const { rule } = pickupMissedReason(r.place);
      const ended = await act.releaseUncollected({ reservationId, at: now().toISOString(), rule });
      r.moveTo(ended?.status ?? 'RELEASED', rule);
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
  if (r.status === 'IN_DELIVERY' && r.pickupFrom && r.pickupUntil) {
    if (today < r.pickupFrom) {
      return { ok: false, refusal: { rule: 'R-COOP-4', ja: `受取開始日は${r.pickupFrom}です。`, en: `Pickup starts on ${r.pickupFrom}.` } };
    }
    return { ok: true };
  }
  return { ok: false, refusal: nothingToCollect(r.status) };
}
