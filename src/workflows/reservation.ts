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
  checkNotNeeded,
  checkPickupChange,
  checkResume,
  checkSuspend,
  checkRenewal,
  checkReturnPlace,
  coopDates,
  endOfJstDay,
  jstDateOf,
  jstInstant,
  nextLoanNotice,
  notNeededDeadline,
  notOnLoan,
  nothingToCollect,
  parsePlace,
  pickupMissedReason,
  pickupReminderAt,
  type Actor,
  type LocalDate,
  type Refusal,
} from '../domain';
import {
  cancelUpdate,
  changePickupUpdate,
  checkedInSignal,
  copySecuredSignal,
  datesChangedSignal,
  pickupUpdate,
  renewUpdate,
  resumeUpdate,
  returnUpdate,
  setNotNeededAfterUpdate,
  suspendUpdate,
  thursdayOutcomeSignal,
  viewQuery,
  type CancelRequest,
  type ChangePickupRequest,
  type NotNeededAfterRequest,
  type PickupRequest,
  type RenewRequest,
  type ReturnRequest,
  type SuspendRequest,
  type ThursdayOutcome,
  type WorkflowState,
} from './reservation-messages';
import type { ReservationActivities } from '../activities';
import { adoptMovedDates, waitForMovableDeadline } from './closed-days';
import { OneAtATime } from './one-at-a-time';
import { ACTIVITY_OPTIONS, FIRST_GENERATION, SECOND_GENERATION, type Generation } from './reservation-generation';
import { ReservationState, type ReservationInput } from './reservation-state';

const act = proxyActivities<ReservationActivities>(ACTIVITY_OPTIONS);

/** A refusal travels to the caller as a non-retryable failure whose type is the rule id. */
function refused(r: Refusal): never {
  throw ApplicationFailure.create({ type: r.rule, message: r.en, details: [r], nonRetryable: true });
}

const now = (): Date => new Date(); // deterministic inside a workflow: the time of the current task

/**
 * The notices after the lending notice (docs/notices.md), each behind its own patch so that workflows
 * already running replay their recorded histories unchanged and take up the notices from the next
 * step they reach after the upgrade.
 */
export const NOTICE_PATCHES = {
  /** PICKUP_REMINDER: a timer before the end of the hold (R-PREF-2, R-COOP-4). */
  pickupReminder: 'notices-pickup-reminder',
  /** PRE_DUE and OVERDUE: the loan's timers (R-RENEW-3, R-OVERDUE-1). */
  loan: 'notices-loan',
  /** DISPATCH_FAILED: owed when Thursday processing reports a failure (R-DISPATCH-1…3). */
  dispatchFailed: 'notices-dispatch-failed',
  /** RELEASED, CANCELLED_BY_STAFF: when the reservation ends so (R-PREF-5, R-COOP-3, R-DISPATCH-2, R-CANCEL-2). */
  ending: 'notices-ending',
} as const;

/** R-PREF-4 / R-COOP-1: a pickup without `cardShown` is refused (before the patch: taken as shown). Never rename it. */
export const PICKUP_CARD_PATCH = 'pickup-card-required';

/** R-RETURN-5: a return says how (`via`) and on which day (`returnedOn`) it came (before the patch: neither). Never rename it. */
export const RETURN_HOW_WHEN_PATCH = 'return-how-and-when';

/** The first generation: reservations placed before R-SCALE-5, each change behind its patch (reservation-generation.ts). */
export async function reservation(input: ReservationInput): Promise<WorkflowState> {
  return reserve(input, FIRST_GENERATION);
}

/** R-SCALE-5: every reservation placed now — the same flow, every change in, the records' activities local. */
export async function reservationV2(input: ReservationInput): Promise<WorkflowState> {
  return reserve(input, SECOND_GENERATION);
}

async function reserve(input: ReservationInput, generation: Generation): Promise<WorkflowState> {
  // Each change of status is a line in the structured log (with workflowId, hence reservationId; the
  // SDK leaves it out while replaying, so a line is written once per change).
  const r = new ReservationState(input, generation, (from, to, note) =>
    log.info('reservation status changed', { from, to, ...(note ? { rule: note } : {}) }),
  );
  const { reservationId } = input;

  const turns = new OneAtATime();
  const oneAtATime = <T>(check: () => void, work: () => Promise<T>) => turns.run(check, work);

  // ---- handlers ----
  setHandler(viewQuery, () => r.snapshot());

  setHandler(copySecuredSignal, ({ status }) => r.secured(status));
  setHandler(thursdayOutcomeSignal, (o) => {
    const wasSecured = r.status === 'SECURED';
    adoptThursdayOutcome(r, o);
    if (!wasSecured || o.kind !== 'failed') return;
    r.lastDispatchCause = o.cause ?? null;
    // R-DISPATCH-1…3: told at once; after the third the RELEASED notice says it (R-DISPATCH-2).
    if (o.next !== 'RELEASED' && r.generation.has(NOTICE_PATCHES.dispatchFailed)) {
      r.noticesOwed.push({ kind: 'DISPATCH_FAILED', occurrence: String(o.failures), ...(o.cause ? { cause: o.cause } : {}) });
    }
  });
  setHandler(datesChangedSignal, (c) => adoptMovedDates(r, c)); // R-CLOSED-4
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
          if ((ended?.status ?? 'CANCELLED') === 'CANCELLED') r.cancelledBy = req.by;
          r.moveTo(ended?.status ?? 'CANCELLED');
          return r.snapshot();
        },
      ),
    { validator: cancelAllowed },
  );

  // R-PREF-4 / R-COOP-1: a pickup without `cardShown` is one without the card. The validator does not
  // run on replay; the handler's check does, so histories recorded before the patch keep their default.
  const pickupAllowed = (req: Partial<PickupRequest> | undefined, shownIfMissing: boolean) =>
    rejectIfRefused(checkPickup(r, req?.cardShown ?? shownIfMissing));
  setHandler(
    pickupUpdate,
    (req) =>
      oneAtATime(
        () => pickupAllowed(req, !r.generation.has(PICKUP_CARD_PATCH)),
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
    { validator: (req) => pickupAllowed(req, false) },
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
    // decides it (R-RETURN-5's day needs the loan's first day: the activity too). Here only what the
    // reservation alone can refuse.
    const quick = checkReturnPlace({
      pickup: r.place,
      returnAt: place,
      usualWasClosedAtReservation: false,
      usualOpenNow: false,
      via: req.via ?? 'counter',
    });
    if (!quick.ok && (place.kind === 'pref' || r.place.kind === 'pref')) refused(quick.refusal);
  };
  // R-RETURN-5: how and when the copy came. Histories recorded before the patch sent neither, and replay
  // their returns as they were (place only).
  const howAndWhen = (req: ReturnRequest) =>
    r.generation.has(RETURN_HOW_WHEN_PATCH) ? { via: req.via ?? 'counter', ...(req.returnedOn ? { returnedOn: req.returnedOn } : {}) } : {};
  setHandler(
    returnUpdate,
    (req) =>
      oneAtATime(
        () => returnAllowed(req),
        async () => {
          const res = await act.recordReturn({ reservationId, place: req.place, at: now().toISOString(), ...howAndWhen(req) });
          if (!res.ok) refused(res.refusal);
          if (r.loan) r.loan = { ...r.loan, returnedOn: res.returnedOn ?? jstDateOf(now()) };
          if (res.processed) r.checkedIn = true; // returned at the prefectural library: processed at once
          return r.snapshot();
        },
      ),
    { validator: returnAllowed },
  );

  // ---- issue 13: the pickup place changes (R-PICKUP-1, R-PICKUP-2) ----
  // A new Update (no patch: histories recorded before it hold none, and the main path below is as it was —
  // a change 確保済み → 貸出可能 or back only moves the status the loop already waits on).
  const changeAllowed = (req: ChangePickupRequest) => {
    const to = parsePlace(req.pickup);
    if (!to) refused({ rule: 'R-PICKUP-1', ja: `受取館「${req.pickup}」は指定できません。`, en: `Unknown pickup place "${req.pickup}".` });
    rejectIfRefused(checkPickupChange({ status: r.status, by: req.by, from: r.place, to }));
  };
  setHandler(
    changePickupUpdate,
    (req) =>
      oneAtATime(
        () => changeAllowed(req),
        async () => {
          const res = await act.changePickupPlace({ reservationId, pickup: req.pickup, by: req.by, at: now().toISOString() });
          if (!res.ok) refused(res.refusal);
          r.place = parsePlace(res.pickup)!;
          if (res.status === 'SECURED') r.pickupUntil = null; // off the hold shelf: Thursday gives the new window
          r.moveTo(res.status, res.status === 'READY' || res.status === 'SECURED' ? 'R-PICKUP-2' : undefined);
          return r.snapshot();
        },
      ),
    { validator: changeAllowed },
  );

  // ---- issue 13: suspending (保留, R-SUSPEND-1, R-SUSPEND-2) — new Updates; the wait they change is behind SUSPEND_PATCH ----
  const suspendAllowed = (req: SuspendRequest) => {
    if (!r.suspendable && r.status === 'WAITING') refused(notYetSuspendable());
    rejectIfRefused(checkSuspend({ status: r.status, by: req.by, until: req.until, today: jstDateOf(now()), maxDays: r.config.suspendMaxDays }));
  };
  setHandler(
    suspendUpdate,
    (req) =>
      oneAtATime(
        () => suspendAllowed(req),
        async () => {
          const res = await act.suspendReservation({ reservationId, until: req.until, at: now().toISOString() });
          if (!res.ok) refused(res.refusal);
          r.suspendedUntil = req.until;
          return r.snapshot();
        },
      ),
    { validator: suspendAllowed },
  );
  const resumeAllowed = (_req?: { by: Actor }) => rejectIfRefused(checkResume({ status: r.status, suspendedUntil: r.suspendedUntil }));
  setHandler(
    resumeUpdate,
    (req) =>
      oneAtATime(
        () => resumeAllowed(req),
        async () => {
          await act.resumeReservation({ reservationId, at: now().toISOString() });
          r.suspendedUntil = null;
          return r.snapshot();
        },
      ),
    { validator: resumeAllowed },
  );

  // ---- issue 13: the not-needed-after day (不要日, R-SUSPEND-3) — a new Update; the wait it changes is behind NOT_NEEDED_PATCH ----
  r.notNeedable = r.generation.has(NOT_NEEDED_PATCH);
  const notNeededAllowed = (req: NotNeededAfterRequest) => {
    if (!r.notNeedable) {
      refused({
        rule: 'R-SUSPEND-3',
        ja: 'この予約には不要日を設定できません。',
        en: 'This reservation was placed before not-needed-after days existed.',
      });
    }
    rejectIfRefused(checkNotNeeded({ status: r.status, day: req.day, today: jstDateOf(now()) }));
  };
  setHandler(
    setNotNeededAfterUpdate,
    (req) =>
      oneAtATime(
        () => notNeededAllowed(req),
        async () => {
          const res = await act.setNotNeededAfter({ reservationId, day: req.day });
          if (!res.ok) refused(res.refusal);
          r.notNeededAfter = req.day;
          return r.snapshot();
        },
      ),
    { validator: notNeededAllowed },
  );

  // ---- 予約申込: the security delay (R-STATUS-1); the patron may still cancel (R-CANCEL-1) ----
  await condition(() => r.ended, r.config.securityDelayMs);

  while (!r.ended && r.status !== 'ON_LOAN') {
    // ---- 確保待ち: ask for a copy; on the shelf it is secured at once, else wait in the queue ----
    if (r.status === 'APPLIED') {
      const alloc = await r.generation.secureOrQueue({ reservationId, at: now().toISOString() });
      if (alloc.kind === 'secured') r.secured(alloc.status);
      // A copy may already have reached us by signal (handed over the moment we were queued).
      else if (r.status === 'APPLIED') r.moveTo('WAITING');
    }
    await waitForCopy(r, reservationId, turns);

    if (r.status === 'READY') await holdAtPrefecturalLibrary(r, reservationId, turns);
    else if (r.status === 'SECURED') {
      // ---- 確保済み: Thursday processing decides (dispatched, failed, rebalanced) ----
      // A failure that leaves it 確保済み wakes it only to send DISPATCH_FAILED (nothing owed in
      // histories from before that notice: the wait is then the one it always was).
      do {
        await condition(() => r.status !== 'SECURED' || r.noticesOwed.length > 0);
        await sendOwedNotices(r, reservationId);
      } while (r.status === 'SECURED');
    }
    if (r.status === 'IN_DELIVERY') await deliverToCooperatingLibrary(r, reservationId, turns);
  }

  // ---- 貸出中: renewals come as updates; the loan ends when the return is processed centrally ----
  if (r.status === 'ON_LOAN') {
    if (r.generation.has(NOTICE_PATCHES.loan)) await remindDuringLoan(r, reservationId);
    await condition(() => r.checkedIn);
    r.moveTo('RETURNED');
  }

  // ---- ended by the library or by staff: the patron is told (R-PREF-5, R-COOP-3, R-DISPATCH-2, R-CANCEL-2) ----
  const ending = r.status === 'RELEASED' ? 'RELEASED' : r.status === 'CANCELLED' && r.cancelledBy === 'staff' ? 'CANCELLED_BY_STAFF' : null;
  if (ending && r.generation.has(NOTICE_PATCHES.ending)) {
    await act.sendNotice({
      reservationId,
      kind: ending,
      at: now().toISOString(),
      ...(ending === 'RELEASED' && r.lastDispatchCause ? { cause: r.lastDispatchCause } : {}),
    });
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
  if (r.config.prefNoticeDelayMs > 0 || r.generation.waitsZeroDelay) await condition(() => r.status !== 'READY', r.config.prefNoticeDelayMs);
  if (r.status === 'READY') {
    const mail = await act.sendLendingNotice({ reservationId, at: now().toISOString(), ...lendingNoticeRound(r) });
    r.pickupUntil = mail.holdUntil; // the notice's day starts the hold: the activity recorded both
  } // else R-PREF-3: borrowed (or cancelled) before the notice went out — no mail
  if (r.status !== 'READY' || !r.pickupUntil) return;
  if (r.generation.has(NOTICE_PATCHES.pickupReminder)) {
    await remindBeforeHoldEnds(r, reservationId, 'READY', r.pickupUntil);
    if (r.status !== 'READY') return; // collected (or cancelled by staff) before the reminder
  }
  const collected = await waitForMovableDeadline(
    r,
    () => r.status !== 'READY',
    () => endOfJstDay(r.pickupUntil!),
  ); // R-CLOSED-4: it may move
  if (!collected) await releaseUncollected(r, reservationId, turns, 'READY');
}

/** 配送中: Friday transport, Saturday notice, Sunday…Sunday window (R-COOP-3, R-COOP-4), as Thursday recorded them. */
async function deliverToCooperatingLibrary(r: ReservationState, reservationId: string, turns: OneAtATime): Promise<void> {
  const { noticeOn } = r;
  await condition(() => r.status !== 'IN_DELIVERY', msUntil(jstInstant(noticeOn!, r.config.coopNoticeHour, 0)));
  if (r.status !== 'IN_DELIVERY') return; // cancelled by staff (R-CANCEL-2)
  await act.sendLendingNotice({ reservationId, at: now().toISOString(), ...lendingNoticeRound(r) });
  if (r.generation.has(NOTICE_PATCHES.pickupReminder)) {
    await remindBeforeHoldEnds(r, reservationId, 'IN_DELIVERY', r.pickupUntil!);
    if (r.status !== 'IN_DELIVERY') return; // collected (or cancelled by staff) before the reminder
  }
  const collected = await waitForMovableDeadline(
    r,
    () => r.status !== 'IN_DELIVERY',
    () => endOfJstDay(r.pickupUntil!),
  ); // R-CLOSED-4: it may move
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

/**
 * PICKUP_REMINDER (R-PREF-2 day 6 of 7; R-COOP-4 the Saturday before the closing Sunday): a timer; a
 * pickup or an end before it cancels it. A reminder whose moment has already passed is not sent late.
 */
async function remindBeforeHoldEnds(
  r: ReservationState,
  reservationId: string,
  holding: 'READY' | 'IN_DELIVERY',
  pickupUntil: LocalDate,
): Promise<void> {
  const at = pickupReminderAt(pickupUntil, r.config.noticeHour);
  if (at.getTime() <= Date.now()) return;
  const changed = await waitForMovableDeadline(
    r,
    () => r.status !== holding,
    () => pickupReminderAt(r.pickupUntil ?? pickupUntil, r.config.noticeHour),
  );
  if (!changed) await act.sendNotice({ reservationId, kind: 'PICKUP_REMINDER', at: now().toISOString() });
}

/**
 * 貸出中: PRE_DUE on the day renewal opens (R-RENEW-3), then OVERDUE from the day after the due date,
 * every 7 days, at most `overdueNoticeMax` (R-OVERDUE-1) — each a timer from the calendar
 * (nextLoanNotice). A renewal (a new due date) or a return (at a cooperating library it still travels,
 * R-RETURN-4) wakes the wait and the next notice is chosen again: a renewal moves them, a return
 * cancels them. Ends when nothing more is owed or the return is processed.
 */
async function remindDuringLoan(r: ReservationState, reservationId: string): Promise<void> {
  let preDueSentFor: LocalDate | null = null;
  let overdueSent = 0;
  const timing = { hour: r.config.noticeHour, overdueMax: r.config.overdueNoticeMax };
  while (!r.checkedIn && r.loan) {
    const loan = r.loan;
    const next = nextLoanNotice(
      { due: loan.due, ...(loan.returnedOn ? { returnedOn: loan.returnedOn } : {}), preDueSentFor, overdueSent },
      now(),
      timing,
    );
    if (!next) return;
    const changed = await condition(() => r.checkedIn || r.loan !== loan, msUntil(next.at));
    if (changed) continue;
    await act.sendNotice({ reservationId, kind: next.kind, occurrence: next.occurrence, at: now().toISOString() });
    if (next.kind === 'PRE_DUE') preDueSentFor = loan.due;
    else overdueSent = next.number;
  }
}

/** Sends the notices an event made owed (DISPATCH_FAILED), in order. */
async function sendOwedNotices(r: ReservationState, reservationId: string): Promise<void> {
  for (let owed = r.noticesOwed.shift(); owed; owed = r.noticesOwed.shift()) {
    await act.sendNotice({
      reservationId,
      kind: owed.kind,
      occurrence: owed.occurrence,
      at: now().toISOString(),
      ...(owed.cause ? { cause: owed.cause } : {}),
    });
  }
}

/** R-SUSPEND-1: the wait in the queue now has the suspension's timer. Never rename it. */
export const SUSPEND_PATCH = 'reservation-suspend';

/** R-SUSPEND-3: the wait in the queue also has the not-needed-after timer (set at the workflow's start). Never rename it. */
export const NOT_NEEDED_PATCH = 'reservation-not-needed-after';

/**
 * 確保待ち: waits until a copy is secured or the reservation ends. R-SUSPEND-1 (behind SUSPEND_PATCH):
 * while suspended, also until the day it resumes, when it resumes by itself (the activity records it
 * and lists a shelf copy for it); a suspend or resume Update wakes the wait. R-SUSPEND-3: with a
 * not-needed-after day (only ever set behind NOT_NEEDED_PATCH), also until 00:00 JST after it.
 */
async function waitForCopy(r: ReservationState, reservationId: string, turns: OneAtATime): Promise<void> {
  if (!r.generation.has(SUSPEND_PATCH)) return condition(() => r.ended || r.holdsCopy);
  r.suspendable = true;
  while (!r.ended && !r.holdsCopy) {
    const until = r.suspendedUntil;
    const notNeeded = r.notNeededAfter;
    const changed = () => r.ended || r.holdsCopy || r.suspendedUntil !== until || r.notNeededAfter !== notNeeded;
    const resumeAt = until === null ? null : jstInstant(until, 0, 0);
    const endAt = notNeeded === null ? null : notNeededDeadline(notNeeded);
    const next = endAt && (!resumeAt || endAt.getTime() <= resumeAt.getTime()) ? endAt : resumeAt;
    if (next === null) {
      await condition(changed);
      continue;
    }
    if (await condition(changed, msUntil(next))) continue;
    if (next === endAt) await cancelNotNeeded(r, reservationId, turns, notNeeded!);
    else {
      await act.resumeReservation({ reservationId, at: now().toISOString() });
      if (r.suspendedUntil === until) r.suspendedUntil = null;
    }
  }
  r.suspendedUntil = null; // a copy came (secureFor cleared the record's) or it ended
}

/**
 * R-SUSPEND-3: the not-needed-after day has passed → 取消 by the library with NOT_NEEDED_CANCELLED. After a
 * request in progress; a copy the records secured first wins (the day no longer applies: the signal comes).
 */
async function cancelNotNeeded(r: ReservationState, reservationId: string, turns: OneAtATime, day: LocalDate): Promise<void> {
  let cancelled = false;
  await turns.run(
    () => undefined,
    async () => {
      if (r.ended || r.holdsCopy || r.notNeededAfter !== day) return; // an Update in progress moved or cleared the day
      const res = await act.cancelNotNeeded({ reservationId, at: now().toISOString() });
      cancelled = res.cancelled;
      if (cancelled) r.moveTo('CANCELLED', 'R-SUSPEND-3');
      else r.notNeededAfter = null;
    },
  );
  if (cancelled) await act.sendNotice({ reservationId, kind: 'NOT_NEEDED_CANCELLED', at: now().toISOString() });
}

/** R-SUSPEND-1: a workflow that began waiting before suspending existed waits without its timer: not for it. */
function notYetSuspendable(): Refusal {
  return {
    rule: 'R-SUSPEND-1',
    ja: 'この予約は保留できません。',
    en: 'This reservation was placed before suspending existed and cannot be suspended.',
  };
}

/**
 * R-PICKUP-2: the first lending notice is the one it always was; after a change of pickup place, the
 * next is a new one (its own outbox row, `pickup-<n>`). Counted as it is asked for.
 */
function lendingNoticeRound(r: ReservationState): { occurrence?: string } {
  const round = r.lendingNotices++;
  return round > 0 ? { occurrence: `pickup-${round}` } : {};
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
