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
  RESERVATION_STATUSES,
  type ItemStatus,
  type MaterialType,
  type Outcome,
} from '../domain';
import type { Db } from '../db/client';
import type { Prisma } from '../generated/prisma/client';
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

export async function placeReservation(
  db: Db,
  temporal: Client,
  taskQueue: string,
  req: PlaceReservationRequest,
): Promise<Outcome<{ reservationId: string; workflowId: string }>> {
  const place = parsePlace(req.pickup);
  if (!place)
    return refuse(
      'R-ITEM-3',
      `受取場所「${req.pickup}」は指定できません。`,
      `Unknown pickup place "${req.pickup}" (use "pref" or "coop:1"…"coop:59").`,
    );

  const decided = await db.$transaction(
    async (tx) => {
      const existing = await tx.reservation.findUnique({ where: { id: req.reservationId } });
      if (existing) return { ok: true as const, row: existing }; // a repeated request
      await tx.$queryRaw`SELECT id FROM patron WHERE id = ${req.patronId}::uuid FOR UPDATE`;
      const patron = await tx.patron.findUnique({ where: { id: req.patronId } });
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
      const twice = await tx.reservation.count({
        where: { patronId: patron.id, titleId: title.id, status: { in: ['APPLIED', 'WAITING', 'SECURED', 'READY', 'IN_DELIVERY'] } },
      });
      if (twice > 0) return refuse('R-ITEM-3', 'この資料はすでに予約しています。', 'You have already reserved this title.');
      const active = await tx.reservation.count({
        where: { patronId: patron.id, status: { in: RESERVATION_STATUSES.filter(countsAsReservation) } },
      });
      const limit = checkReservationLimit(active, patron.reservationLimit); // R-LIMIT-1
      if (!limit.ok) return limit;
      const usual = patron.usualLibraryNo ? await tx.cooperatingLibrary.findUnique({ where: { no: patron.usualLibraryNo } }) : null;
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
          usualLibraryWasClosed: usual ? !usual.isOpen : false,
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
  return { ok: true as const, reservationId: row.id, workflowId };
}
