// What Thursday processing (spec §6, §7) decides for each 確保済み reservation, written once for the run
// and for its preview (GET /staff/thursday-runs/preview). The decision itself is pure (decideDispatch:
// R-DISPATCH-1…3, R-COOP-2, R-COOP-4); the order in which the run takes the reservations, R-DISPATCH-4's
// rebalancing and what each outcome does to the queue are `processThursday`, which reads and changes the
// records only through a ThursdayLedger:
//
// - the run's ledger (thursday.ts) is the records themselves, in the run's transaction, under the
//   title and patron locks, with the signals each change owes;
// - the preview's ledger (src/services/thursday-preview.ts) reads the same records once, without a
//   lock, in a read-only transaction, and keeps what the run would change in memory — so the preview
//   writes nothing and answers what the run, started then, would do.
import {
  afterFailedDispatch,
  checkLendable,
  coopDatesWithClosures,
  NO_CLOSED_DAYS,
  parsePlace,
  rebalance,
  rebalancedReason,
  REBALANCE_THRESHOLD,
  type ClosedDays,
  type CoopDates,
  type LocalDate,
  type Refusal,
} from '../domain';
import type { PatronLendingFacts } from './patron-facts';

/** A reservation as Thursday processing reads it. */
export interface ThursdayRow {
  id: string;
  patronId: string;
  titleId: string;
  status: string;
  itemNumber: string | null;
  pickupPlaceCode: string;
  dispatchFailures: number;
  securedAt: Date | null;
}

/** What became of the copy of a reservation that was not dispatched. */
export type CopyFate =
  /** R-DISPATCH-2 (failures left, nobody else waits): it stays set aside for next week. */
  | { to: 'kept' }
  /** Nobody waits for the title: back to 書架. */
  | { to: 'shelf' }
  /** R-DISPATCH-3, R-DISPATCH-4, R-CANCEL-3: the first waiting reservation gets it (確保済み or 貸出可能). */
  | { to: 'reservation'; reservationId: string; status: 'SECURED' | 'READY' };

export type DispatchDecision =
  /** Lent and sent (配送中) in the patron's bag for that library (R-COOP-2), with the dates of §6. */
  | { kind: 'dispatch'; bag: string; dates: CoopDates }
  /** R-DISPATCH-1 refused it (`cause`); R-DISPATCH-2/3 say what follows (`next`, `reason`). */
  | { kind: 'fail'; cause: Refusal; failures: number; next: 'RELEASED' | 'WAITING' | 'SECURED'; reason: Refusal };

/** R-COOP-2: one dedicated bag (専用袋) per patron, cooperating library and processing day, e.g. "2026-12-03/coop:30/A0001". */
export function bagCode(processingDay: LocalDate, pickupPlaceCode: string, cardNumber: string): string {
  return `${processingDay}/${pickupPlaceCode}/${cardNumber}`;
}

/**
 * R-DISPATCH-1…3, R-COOP-2, R-COOP-4: what Thursday processing gives one 確保済み reservation, from what
 * the records say when the run reaches it (`facts` count the loans this run has already made).
 */
export function decideDispatch(q: {
  processingDay: LocalDate;
  pickupPlaceCode: string;
  cardNumber: string;
  facts: PatronLendingFacts;
  dispatchFailures: number;
  othersWaiting: boolean;
  /** R-CLOSED-3: the closures known; the window and the due date move past the library's closed days. */
  closed?: ClosedDays;
}): DispatchDecision {
  const lendable = checkLendable({ ...q.facts, at: 'dispatch' });
  if (lendable.ok) {
    const place = parsePlace(q.pickupPlaceCode);
    const libraryNo = place?.kind === 'coop' ? place.no : 0;
    const dates = coopDatesWithClosures(q.processingDay, libraryNo, q.closed ?? NO_CLOSED_DAYS);
    return { kind: 'dispatch', bag: bagCode(q.processingDay, q.pickupPlaceCode, q.cardNumber), dates };
  }
  const failures = q.dispatchFailures + 1;
  const decision = afterFailedDispatch({ failures, othersWaiting: q.othersWaiting });
  return { kind: 'fail', cause: lendable.refusal, failures, next: decision.next, reason: decision.reason };
}

/**
 * The order Thursday processing takes 確保済み reservations in: the copies secured first go first, ties
 * by id (compared here, not by the database's collation, so the run and the preview agree).
 */
export function bySecuredOrder(a: ThursdayRow, b: ThursdayRow): number {
  const t = (a.securedAt?.getTime() ?? 0) - (b.securedAt?.getTime() ?? 0);
  if (t !== 0) return t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Everything Thursday processing reads and changes, for one processing moment. */
export interface ThursdayLedger {
  /** Every reservation 確保済み at the processing moment (of one patron, if given), in bySecuredOrder. */
  secured(patronId?: string): Promise<ThursdayRow[]>;
  /** Serializes with every other event of the title (the run); nothing for the preview. */
  lockTitle(titleId: string): Promise<void>;
  /** The reservation as it is now (another event may have changed it since it was listed). */
  reread(reservationId: string): Promise<ThursdayRow | null>;
  othersWaiting(titleId: string): Promise<boolean>;
  lendingFacts(patronId: string): Promise<PatronLendingFacts>;
  cardNumber(patronId: string): Promise<string>;
  /** R-DISPATCH-4: the copy goes to the next reserver (or the shelf); the reservation waits at the head of the queue. */
  putBack(r: ThursdayRow): Promise<CopyFate>;
  /** Lent and sent: 配送中, with the loan in `decision.bag`. */
  lend(r: ThursdayRow, decision: Extract<DispatchDecision, { kind: 'dispatch' }>): Promise<void>;
  /** Not dispatched: the failure counted, and R-DISPATCH-2/3 carried out. */
  fail(r: ThursdayRow, decision: Extract<DispatchDecision, { kind: 'fail' }>): Promise<CopyFate>;
}

/**
 * TEST-ONLY seams, never set by the service: awaited at the named point of a run, inside its
 * transaction and holding the processing lock, so that a test can commit another event exactly there
 * (test/workflows/thursday-processing.test.ts). Nothing else may depend on them.
 */
export interface ThursdayHooks {
  /** The run has read these 確保済み reservations (one, or one patron's for R-DISPATCH-4) and is about to lock their titles. */
  beforeTitleLock?(step: 'rebalance' | 'dispatch', reservationIds: readonly string[]): Promise<void>;
}

/** One reservation's outcome, in the order the run decided them. */
export type ThursdayStep =
  | { kind: 'rebalanced'; reservation: ThursdayRow; cause: Refusal; copy: CopyFate }
  | { kind: 'dispatched'; reservation: ThursdayRow; bag: string; dates: CoopDates }
  | {
      kind: 'failed';
      reservation: ThursdayRow;
      cause: Refusal;
      failures: number;
      next: 'RELEASED' | 'WAITING' | 'SECURED';
      reason: Refusal;
      copy: CopyFate;
    };

/** R-COOP-2: one dedicated bag as packed — what the labels and the transit slip are printed from (no names: those are read when printing). */
export interface PackedBag {
  bag: string;
  /** The cooperating library, "coop:<no>". */
  place: string;
  patronId: string;
  pickupFrom: LocalDate;
  pickupUntil: LocalDate;
  items: { reservationId: string; itemNumber: string; titleId: string }[];
}

export interface ThursdayResult {
  steps: ThursdayStep[];
  /** The bags, in the order their first copy was packed; their copies likewise. */
  bags: PackedBag[];
  counts: { processed: number; dispatched: number; failed: number; released: number; rebalanced: number; bags: number };
}

/** Changed since it was listed: another event committed for it before the run locked its title. */
const changedSince = (listed: ThursdayRow, now: ThursdayRow | null): boolean =>
  !now || now.status !== 'SECURED' || now.itemNumber !== listed.itemNumber || now.securedAt?.getTime() !== listed.securedAt?.getTime();

/**
 * One Thursday run over `ledger`: R-DISPATCH-4 first (when `rebalance`), then every reservation
 * 確保済み at the moment, in the order the copies were secured. Copies handed on by a failure during the
 * run are taken in the same run (they are here today).
 */
export async function processThursday(
  ledger: ThursdayLedger,
  run: { processingDay: LocalDate; rebalance: boolean; hooks?: ThursdayHooks; closed?: ClosedDays },
): Promise<ThursdayResult> {
  const steps: ThursdayStep[] = [];
  const hooks = run.hooks ?? {};

  // R-DISPATCH-4: a patron with 10 or more 確保済み whose titles others wait for goes back to 確保待ち
  // for those titles, one place down, and the copy serves the next reserver. Decided per patron under
  // the locks of all their titles, from what is there then.
  if (run.rebalance) {
    const listed = await ledger.secured();
    const byPatron = new Map<string, ThursdayRow[]>();
    // R-SCALE-1 Decision: grouped in one pass (appending, not copying each patron's list per reservation).
    for (const r of listed) {
      const theirs = byPatron.get(r.patronId);
      if (theirs) theirs.push(r);
      else byPatron.set(r.patronId, [r]);
    }
    for (const [patronId, theirs] of byPatron) {
      if (theirs.length < REBALANCE_THRESHOLD) continue;
      await hooks.beforeTitleLock?.(
        'rebalance',
        theirs.map((r) => r.id),
      );
      const locked = new Set<string>();
      let mine = theirs;
      for (;;) {
        const titles = [...new Set(mine.map((r) => r.titleId))].filter((t) => !locked.has(t)).sort();
        if (titles.length === 0) break;
        for (const t of titles) {
          await ledger.lockTitle(t);
          locked.add(t);
        }
        mine = await ledger.secured(patronId);
      }
      const secured = [];
      for (const r of mine) secured.push({ reservationId: r.id, othersWaiting: await ledger.othersWaiting(r.titleId) });
      const back = new Set(rebalance(secured, REBALANCE_THRESHOLD));
      for (const r of mine.filter((m) => back.has(m.id))) {
        steps.push({ kind: 'rebalanced', reservation: r, cause: rebalancedReason(REBALANCE_THRESHOLD), copy: await ledger.putBack(r) });
      }
    }
  }

  const seen = new Set<string>();
  for (;;) {
    const batch = (await ledger.secured()).filter((r) => !seen.has(r.id));
    if (batch.length === 0) break;
    for (const listed of batch) {
      await hooks.beforeTitleLock?.('dispatch', [listed.id]);
      await ledger.lockTitle(listed.titleId);
      // Read again under the title's lock: a cancel (R-CANCEL-3) or any other event that committed
      // since the list was read has decided for it. Still 確保済み by then with another copy or
      // moment, it comes back in the next batch as it is now.
      const r = await ledger.reread(listed.id);
      if (!r || changedSince(listed, r)) continue;
      seen.add(r.id);
      const facts = await ledger.lendingFacts(r.patronId);
      const decision = decideDispatch({
        processingDay: run.processingDay,
        pickupPlaceCode: r.pickupPlaceCode,
        cardNumber: await ledger.cardNumber(r.patronId),
        facts,
        dispatchFailures: r.dispatchFailures,
        // R-SCALE-1 Decision: asked only when it can matter — a lendable reservation is dispatched whoever waits.
        othersWaiting: checkLendable({ ...facts, at: 'dispatch' }).ok ? false : await ledger.othersWaiting(r.titleId),
        ...(run.closed ? { closed: run.closed } : {}),
      });
      if (decision.kind === 'dispatch') {
        await ledger.lend(r, decision);
        steps.push({ kind: 'dispatched', reservation: r, bag: decision.bag, dates: decision.dates });
      } else {
        const copy = await ledger.fail(r, decision);
        const { cause, failures, next, reason } = decision;
        steps.push({ kind: 'failed', reservation: r, cause, failures, next, reason, copy });
      }
    }
  }
  return { steps, ...packed(steps) };
}

function packed(steps: readonly ThursdayStep[]): Pick<ThursdayResult, 'bags' | 'counts'> {
  const bags = new Map<string, PackedBag>();
  for (const s of steps) {
    if (s.kind !== 'dispatched') continue;
    const r = s.reservation;
    let bag = bags.get(s.bag);
    if (!bag) {
      bag = {
        bag: s.bag,
        place: r.pickupPlaceCode,
        patronId: r.patronId,
        pickupFrom: s.dates.pickupFrom,
        pickupUntil: s.dates.pickupUntil,
        items: [],
      };
      bags.set(s.bag, bag);
    }
    bag.items.push({ reservationId: r.id, itemNumber: r.itemNumber!, titleId: r.titleId });
  }
  const failed = steps.filter((s) => s.kind === 'failed');
  const dispatched = steps.filter((s) => s.kind === 'dispatched').length;
  return {
    bags: [...bags.values()],
    counts: {
      processed: dispatched + failed.length,
      dispatched,
      failed: failed.length,
      released: failed.filter((s) => s.next === 'RELEASED').length,
      rebalanced: steps.filter((s) => s.kind === 'rebalanced').length,
      bags: bags.size,
    },
  };
}
