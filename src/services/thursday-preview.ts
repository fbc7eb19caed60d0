// The Thursday preview (GET /staff/thursday-runs/preview): what the processing of a day would do if it
// ran now — the bags per cooperating library (R-COOP-2) and what would fail and why (R-DISPATCH-1…4).
// It runs the run's own decision code (processThursday, src/activities/thursday-decisions.ts) over a
// ledger that reads the records once, in one read-only REPEATABLE READ transaction (a consistent
// snapshot; PostgreSQL refuses any write in it), and keeps in memory what the run would change: the
// statuses, the title queues (a copy handed on goes to the first waiting reservation, as
// allocation.ts's handOver does; a reservation moved down waits at the head), the patrons' loan
// counts. It takes no lock, so it never holds up the counter, and writes nothing.
import { jstDateOf, parsePlace, type LocalDate } from '../domain';
import type { Db, Tx } from '../db/client';
import { queueOf } from '../activities/allocation';
import { loadClosedDays } from '../activities/closed-days';
import { readPatronLendingFacts, type PatronLendingFacts } from '../activities/patron-facts';
import type { ThursdayOptions } from '../activities/thursday';
import {
  bySecuredOrder,
  processThursday,
  type CopyFate,
  type ThursdayLedger,
  type ThursdayResult,
  type ThursdayRow,
} from '../activities/thursday-decisions';

const ROW = {
  id: true,
  patronId: true,
  titleId: true,
  status: true,
  itemNumber: true,
  pickupPlaceCode: true,
  dispatchFailures: true,
  securedAt: true,
} as const;

/** The records as the run would leave them, kept in memory over one read of them. */
class SnapshotLedger implements ThursdayLedger {
  private readonly rows = new Map<string, ThursdayRow>();
  private readonly queues = new Map<string, string[]>();
  private readonly facts = new Map<string, PatronLendingFacts>();
  private readonly cards = new Map<string, string>();

  private constructor(
    private readonly tx: Tx,
    private readonly run: { at: Date; day: LocalDate; graceDays: number },
  ) {}

  static async open(tx: Tx, run: { at: Date; day: LocalDate; graceDays: number }): Promise<SnapshotLedger> {
    const ledger = new SnapshotLedger(tx, run);
    for (const r of await tx.reservation.findMany({ where: { status: 'SECURED', securedAt: { lte: run.at } }, select: ROW })) {
      ledger.rows.set(r.id, { ...r });
    }
    return ledger;
  }

  async secured(patronId?: string): Promise<ThursdayRow[]> {
    const at = this.run.at.getTime();
    return [...this.rows.values()]
      .filter((r) => r.status === 'SECURED' && r.securedAt !== null && r.securedAt.getTime() <= at && (!patronId || r.patronId === patronId))
      .sort(bySecuredOrder)
      .map((r) => ({ ...r }));
  }

  async lockTitle(): Promise<void> {
    // Nothing to serialize: the preview changes nothing.
  }

  async reread(id: string): Promise<ThursdayRow | null> {
    const r = this.rows.get(id);
    return r ? { ...r } : null;
  }

  async othersWaiting(titleId: string): Promise<boolean> {
    return (await this.queue(titleId)).length > 0;
  }

  async lendingFacts(patronId: string): Promise<PatronLendingFacts> {
    let f = this.facts.get(patronId);
    if (!f) {
      f = await readPatronLendingFacts(this.tx, patronId, this.run.day, this.run.graceDays);
      this.facts.set(patronId, f);
    }
    return { ...f };
  }

  async cardNumber(patronId: string): Promise<string> {
    let card = this.cards.get(patronId);
    if (card === undefined) {
      card = (await this.tx.patron.findUniqueOrThrow({ where: { id: patronId }, select: { cardNumber: true } })).cardNumber;
      this.cards.set(patronId, card);
    }
    return card;
  }

  async putBack(r: ThursdayRow): Promise<CopyFate> {
    const copy = await this.handOver(r.itemNumber!, r.titleId);
    await this.waitAtHead(r);
    return copy;
  }

  async lend(r: ThursdayRow): Promise<void> {
    await this.lendingFacts(r.patronId);
    this.facts.get(r.patronId)!.loansHeld += 1;
    this.row(r.id).status = 'IN_DELIVERY';
  }

  async fail(r: ThursdayRow, { failures, next }: { failures: number; next: 'RELEASED' | 'WAITING' | 'SECURED' }): Promise<CopyFate> {
    const row = this.row(r.id);
    row.dispatchFailures = failures;
    if (next === 'SECURED') return { to: 'kept' };
    if (next === 'RELEASED') row.status = 'RELEASED';
    const copy = await this.handOver(r.itemNumber!, r.titleId);
    if (next === 'WAITING') await this.waitAtHead(r);
    return copy;
  }

  private row(id: string): ThursdayRow {
    const r = this.rows.get(id);
    if (!r) throw new Error(`preview: reservation ${id} was never read`);
    return r;
  }

  /** The title's 確保待ち in queue order (queueOf's), read once; what the run would do to it, kept here. */
  private async queue(titleId: string): Promise<string[]> {
    let q = this.queues.get(titleId);
    if (!q) {
      q = await queueOf(this.tx, titleId, this.run.at); // R-SUSPEND-1: as the run's handOver, the suspended passed over
      const rows = await this.tx.reservation.findMany({ where: { id: { in: q } }, select: ROW });
      for (const r of rows) if (!this.rows.has(r.id)) this.rows.set(r.id, { ...r });
      this.queues.set(titleId, q);
    }
    return q;
  }

  /** As allocation.ts's handOver: the first waiting reservation gets the copy (確保済み, or 貸出可能 at the prefectural library), else 書架. */
  private async handOver(itemNumber: string, titleId: string): Promise<CopyFate> {
    const next = (await this.queue(titleId)).shift();
    if (next === undefined) return { to: 'shelf' };
    const w = this.row(next);
    const status = parsePlace(w.pickupPlaceCode)?.kind === 'pref' ? 'READY' : 'SECURED';
    Object.assign(w, { status, itemNumber, securedAt: this.run.at });
    return { to: 'reservation', reservationId: next, status };
  }

  /** As allocation.ts's enqueue at the head: 確保待ち, first in line, without a copy. */
  private async waitAtHead(r: ThursdayRow): Promise<void> {
    const q = await this.queue(r.titleId);
    Object.assign(this.row(r.id), { status: 'WAITING', itemNumber: null });
    q.splice(0, 0, ...(q.includes(r.id) ? [] : [r.id]));
  }
}

/**
 * What the processing of the moment `at` would do if it ran now, with the run's options. Also hands
 * `read` the same snapshot, for the names, titles and places of what it found.
 */
export async function previewThursday<T>(
  db: Db,
  req: { at: Date; options: ThursdayOptions },
  read: (tx: Tx, result: ThursdayResult) => Promise<T>,
): Promise<T> {
  const day = jstDateOf(req.at);
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const ledger = await SnapshotLedger.open(tx, { at: req.at, day, graceDays: req.options.longOverdueGraceDays });
      const closed = await loadClosedDays(tx, day); // R-CLOSED-3: the run's own dates
      const result = await processThursday(ledger, { processingDay: day, rebalance: req.options.rebalance, closed });
      return read(tx, result);
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
