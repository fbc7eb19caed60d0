// Placing a reservation: the one entry point the OPAC API and the simulator share. The checks that
// need the database (limits, the title's copies, the patron's e-mail) run in one transaction with the
// patron's row locked, so that concurrent requests cannot pass R-LIMIT-1 together; the workflow is
// started after the commit with an id derived from the reservation id, so a repeated request finds
// the same workflow instead of starting a second. The row is the outbox of that start
// (src/services/workflow-starter.ts): written unconfirmed (workflowStartedAt null) with the workflow's
// config, marked once the start is known; should this process die in between, the starter starts it.
import type { Client } from '@temporalio/client';
import {
  checkRequestable,
  checkReservationLimit,
  countsAsReservation,
  parsePlace,
  refuse,
  serviceStoppedRefusal,
  OPEN_RESERVATION_STATUSES,
  RESERVATION_STATUSES,
  type ItemStatus,
  type MaterialType,
  type Outcome,
} from '../domain';
import type { Db } from '../db/client';
import type { Prisma, Reservation } from '../generated/prisma/client';
import { reservationWorkflowId } from '../workflows/reservation-messages';
import type { ReservationConfig } from '../workflows/reservation-state';
import { markWorkflowStarted, startReservationWorkflow } from './workflow-starter';

export interface PlaceReservationRequest {
  reservationId: string;
  patronId: string;
  titleId: string;
  /** "pref" or "coop:<no>" */
  pickup: string;
  at: Date;
  /**
   * How the request reached the library: My Library (the default), or staff for a patron who phoned or came
   * to the counter (R-STAFF-1: the same rules; who of the staff is the staff act's record).
   */
  channel?: PlacementChannel;
  /** Passed to the workflow; stored with the row, so that a start after a crash passes it too. */
  config?: Partial<ReservationConfig>;
}

/** R-STAFF-1: the channels a reservation is placed through (staff: a phone call or the counter; never e-mail). */
export type PlacementChannel = 'opac' | 'phone' | 'counter';

export const MATERIAL_JA: Record<string, MaterialType> = { BOOK: '図書', DAISY: 'デイジー', MAGAZINE: '雑誌', AUDIOVISUAL: '視聴覚' };
export const ITEM_STATUS_JA: Record<string, ItemStatus> = {
  ON_SHELF: '書架',
  NOT_FOR_LOAN: '禁帯',
  ON_LOAN: '貸出一般',
  AWAITING_PICKUP: '予受待',
  IN_TRANSIT: '予回送',
  MISSING: '不明',
};

/** R-LIMIT-1 counts these (the patron's 20). */
const COUNTED = RESERVATION_STATUSES.filter(countsAsReservation);

interface PatronForPlacement {
  id: string;
  email: string | null;
  serviceStoppedAt: Date | null;
  reservationLimit: number;
  usualLibraryNo: number | null;
}

interface PlacementCounts {
  repeated: number;
  sameTitle: number;
  counted: number;
  /** The patron's usual library's isOpen; null without one. */
  usualOpen: boolean | null;
}

export async function placeReservation(
  db: Db,
  temporal: Client,
  taskQueue: string,
  req: PlaceReservationRequest,
): Promise<Outcome<{ reservationId: string; workflowId: string; row: Reservation }>> {
  const place = parsePlace(req.pickup);
  if (!place)
    return refuse(
      'R-ITEM-3',
      `受取場所「${req.pickup}」は指定できません。`,
      `Unknown pickup place "${req.pickup}" (use "pref" or "coop:1"…"coop:59").`,
    );

  const decided = await db.$transaction(
    async (tx) => {
      // The patron's row lock first (R-LIMIT-1 under concurrent requests), then everything the checks
      // count in one statement — after the lock, so that it sees what a request before it committed
      // (READ COMMITTED: each statement its own snapshot). R-SCALE-4: one statement, not five; and NO KEY
      // UPDATE, which serializes the patron's requests as FOR UPDATE did without blocking foreign-key checks.
      const [patron] = await tx.$queryRaw<PatronForPlacement[]>`
        SELECT id, email, "serviceStoppedAt", "reservationLimit", "usualLibraryNo" FROM patron WHERE id = ${req.patronId}::uuid FOR NO KEY UPDATE`;
      const [seen] = await tx.$queryRaw<PlacementCounts[]>`
        SELECT
          (SELECT count(*) FROM reservation WHERE id = ${req.reservationId})::int AS "repeated",
          (SELECT count(*) FROM reservation WHERE "patronId" = ${req.patronId}::uuid AND "titleId" = ${req.titleId}
             AND status::text = ANY(${OPEN_RESERVATION_STATUSES}::text[]))::int AS "sameTitle",
          (SELECT count(*) FROM reservation WHERE "patronId" = ${req.patronId}::uuid
             AND status::text = ANY(${COUNTED}::text[]))::int AS "counted",
          (SELECT "isOpen" FROM cooperating_library WHERE no = ${patron?.usualLibraryNo ?? null}::int) AS "usualOpen"`;
      if (seen!.repeated > 0) return { ok: true as const, row: await tx.reservation.findUniqueOrThrow({ where: { id: req.reservationId } }) };
      if (!patron) return refuse('R-ACCOUNT-1', '利用者が登録されていません。', `No patron ${req.patronId}.`);
      if (patron.serviceStoppedAt) return { ok: false as const, refusal: serviceStoppedRefusal() }; // R-CONDUCT-1
      if (!patron.email) {
        return refuse(
          'R-ACCOUNT-1',
          '予約するには、Myライブラリの「利用者情報」からメールアドレスを登録してください。',
          'Register an e-mail address in My Library before placing a reservation.',
        );
      }
      const title = await tx.title.findUnique({ where: { id: req.titleId }, include: { items: true } });
      if (!title || title.items.length === 0)
        return refuse('R-ITEM-2', '貸出(予約)できる所蔵がありません。', `No lendable copy of title ${req.titleId}.`);
      const requestable = checkRequestable({
        materialType: MATERIAL_JA[title.items[0]!.materialType]!,
        copies: title.items.map((i) => ITEM_STATUS_JA[i.status]!),
      });
      if (!requestable.ok) return requestable;
      // The spec is silent on a second reservation of the same title by the same patron; a librarian
      // refuses it (one copy per patron, the queue is for others), citing the queue rule.
      if (seen!.sameTitle > 0) return refuse('R-ITEM-3', 'この資料はすでに予約しています。', 'You have already reserved this title.');
      const limit = checkReservationLimit(seen!.counted, patron.reservationLimit); // R-LIMIT-1
      if (!limit.ok) return limit;
      const row = await tx.reservation.create({
        data: {
          id: req.reservationId,
          patronId: patron.id,
          titleId: title.id,
          pickupPlaceCode: place.kind === 'pref' ? 'pref' : `coop:${place.no}`,
          placedAt: req.at,
          placedChannel: req.channel ?? 'opac', // R-STAFF-1
          // R-ITEM-4: if a walk-in takes the shelf copy first, this request waits at the head of the queue.
          placedWhileOnShelf: requestable.route === 'shelf',
          usualLibraryNo: patron.usualLibraryNo,
          usualLibraryWasClosed: seen!.usualOpen === false,
          // The outbox of the workflow's start: unconfirmed until marked below (or by the starter).
          workflowStartedAt: null,
          ...(req.config ? { workflowConfig: req.config as Prisma.InputJsonObject } : {}),
          transitions: { create: { status: 'APPLIED', at: req.at } },
        },
      });
      return { ok: true as const, row };
      // Concurrent requests of one patron queue on the row lock (and for a pooled connection): waiting
      // their turn is the point, so they wait longer than Prisma's defaults (2 s / 5 s) before failing.
    },
    { maxWait: 20_000, timeout: 20_000 },
  );
  if (!decided.ok) return decided;

  const workflowId = reservationWorkflowId(req.reservationId);
  const { row } = decided;
  // Unconfirmed: this request just committed it, or it repeats one that died before the start (started
  // now, not at the starter's next pass). A workflow that has ended is never started again
  // (REJECT_DUPLICATE). Confirmed: a repeat, nothing to start.
  if (row.workflowStartedAt === null) {
    await startReservationWorkflow(temporal, taskQueue, row);
    await markWorkflowStarted(db, row.id);
  }
  return { ok: true as const, reservationId: row.id, workflowId, row };
}
