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
  type Refused,
} from '../domain';
import type { Db } from '../db/client';
import type { Reservation } from '../generated/prisma/client';
import type { ItemStatus as DbItemStatus, MaterialType as DbMaterialType } from '../generated/prisma/enums';
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
  /**
   * The API's routes: a title that does not exist makes the request invalid (the route answers 422), so
   * it is answered first, before any rule, as the route's own check of the title was (the outcome is then
   * `unknownTitle`). Without it (the simulator, the tests' harness) it is refused by R-ITEM-2 after the
   * patron's checks. Either way the placement's one read of the title decides: no statement of its own.
   */
  unknownTitleIsInvalid?: boolean;
}

/** The request named a title that does not exist (asked for by `unknownTitleIsInvalid`). */
export type UnknownTitle = Refused & { readonly unknownTitle: true };

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

/**
 * The item enums' labels in the database (prisma/schema.prisma's @map), which raw SQL reads where Prisma
 * gives the enum's name; test/db/place-reservation-row.test.ts holds them to the database's enums.
 */
export const MATERIAL_TYPE_LABELS = {
  BOOK: '図書',
  DAISY: 'デイジー',
  MAGAZINE: '雑誌',
  AUDIOVISUAL: '視聴覚',
} as const satisfies Record<DbMaterialType, string>;
export const ITEM_STATUS_LABELS = {
  ON_SHELF: '書架',
  NOT_FOR_LOAN: '禁帯',
  ON_LOAN: '貸出',
  AWAITING_PICKUP: '予受待',
  IN_TRANSIT: '予回送',
  MISSING: '不明',
} as const satisfies Record<DbItemStatus, string>;
const byLabel = <T extends string>(labels: Record<T, string>): Record<string, T> =>
  Object.fromEntries(Object.entries(labels).map(([name, label]) => [label, name])) as Record<string, T>;
const MATERIAL_TYPE_OF_LABEL = byLabel<DbMaterialType>(MATERIAL_TYPE_LABELS);
const ITEM_STATUS_OF_LABEL = byLabel<DbItemStatus>(ITEM_STATUS_LABELS);

/** R-ITEM-2's refusal of a title without a copy (or without a record). */
const NO_COPY = (titleId: string) => ['貸出(予約)できる所蔵がありません。', `No lendable copy of title ${titleId}.`] as const;

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
  titleExists: boolean;
  /** The title's copies (R-ITEM-1…3 decide from them), the enums by their labels; null: none. */
  copies: { materialType: string; status: string }[] | null;
}

export async function placeReservation(
  db: Db,
  temporal: Client,
  taskQueue: string,
  req: PlaceReservationRequest,
): Promise<Outcome<{ reservationId: string; workflowId: string; row: Reservation }> | UnknownTitle> {
  const place = parsePlace(req.pickup);
  if (!place)
    return refuse(
      'R-ITEM-3',
      `受取場所「${req.pickup}」は指定できません。`,
      `Unknown pickup place "${req.pickup}" (use "pref" or "coop:1"…"coop:59").`,
    );

  const decided = await db.$transaction(
    async (tx): Promise<Outcome<{ row: Reservation }> | UnknownTitle> => {
      // The patron's row lock first (R-LIMIT-1 under concurrent requests), then everything the checks
      // count in one statement — after the lock, so that it sees what a request before it committed
      // (READ COMMITTED: each statement its own snapshot). R-SCALE-4: one statement, not five; and NO KEY
      // UPDATE, which serializes the patron's requests as FOR UPDATE did without blocking foreign-key checks.
      // The same statement reads the title and its copies (R-ITEM-1…3): issue 14, the placement's
      // statements are raw SQL, fewer and without Prisma's query interpreter (the service's CPU).
      const [patron] = await tx.$queryRaw<PatronForPlacement[]>`
        SELECT id, email, "serviceStoppedAt", "reservationLimit", "usualLibraryNo" FROM patron WHERE id = ${req.patronId}::uuid FOR NO KEY UPDATE`;
      const [seen] = await tx.$queryRaw<PlacementCounts[]>`
        SELECT
          (SELECT count(*) FROM reservation WHERE id = ${req.reservationId})::int AS "repeated",
          (SELECT count(*) FROM reservation WHERE "patronId" = ${req.patronId}::uuid AND "titleId" = ${req.titleId}
             AND status::text = ANY(${OPEN_RESERVATION_STATUSES}::text[]))::int AS "sameTitle",
          (SELECT count(*) FROM reservation WHERE "patronId" = ${req.patronId}::uuid
             AND status::text = ANY(${COUNTED}::text[]))::int AS "counted",
          (SELECT "isOpen" FROM cooperating_library WHERE no = ${patron?.usualLibraryNo ?? null}::int) AS "usualOpen",
          EXISTS (SELECT FROM title WHERE id = ${req.titleId}) AS "titleExists",
          (SELECT json_agg(json_build_object('materialType', "materialType", 'status', status)) FROM item WHERE "titleId" = ${req.titleId}) AS "copies"`;
      if (!seen!.titleExists && req.unknownTitleIsInvalid) return { ...refuse('R-ITEM-2', ...NO_COPY(req.titleId)), unknownTitle: true as const };
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
      const copies = seen!.copies ?? []; // none without the title (the foreign key)
      if (copies.length === 0) return refuse('R-ITEM-2', ...NO_COPY(req.titleId));
      const requestable = checkRequestable({
        materialType: MATERIAL_JA[MATERIAL_TYPE_OF_LABEL[copies[0]!.materialType]!]!,
        copies: copies.map((i) => ITEM_STATUS_JA[ITEM_STATUS_OF_LABEL[i.status]!]!),
      });
      if (!requestable.ok) return requestable;
      // The spec is silent on a second reservation of the same title by the same patron; a librarian
      // refuses it (one copy per patron, the queue is for others), citing the queue rule.
      if (seen!.sameTitle > 0) return refuse('R-ITEM-3', 'この資料はすでに予約しています。', 'You have already reserved this title.');
      const limit = checkReservationLimit(seen!.counted, patron.reservationLimit); // R-LIMIT-1
      if (!limit.ok) return limit;
      const pickupPlaceCode = place.kind === 'pref' ? 'pref' : `coop:${place.no}`;
      const placedChannel = req.channel ?? 'opac'; // R-STAFF-1
      // R-ITEM-4: if a walk-in takes the shelf copy first, this request waits at the head of the queue.
      const placedWhileOnShelf = requestable.route === 'shelf';
      const usualLibraryWasClosed = seen!.usualOpen === false;
      // The row and its first transition (予約申込) in one statement, the row returned as Prisma reads it:
      // RETURNING * through the adapter gives DateTime columns as UTC Dates, Json parsed, and the status's
      // label, which is its name (reservation_status has no @map). Written as Prisma's create wrote them:
      // the timestamps in UTC (the adapter formats a Date so, and the columns are without time zone),
      // updatedAt from this process's clock (@updatedAt), the other columns the schema's defaults. The
      // outbox of the workflow's start: workflowStartedAt NULL, unconfirmed until marked below (or by the
      // starter). The transition's foreign key is checked at the end of the statement, the row in place.
      const [row] = await tx.$queryRaw<Reservation[]>`
        WITH placed AS (
          INSERT INTO reservation (id, "patronId", "titleId", "pickupPlaceCode", "placedAt", "placedChannel", "placedWhileOnShelf",
            "usualLibraryNo", "usualLibraryWasClosed", "workflowStartedAt", "workflowConfig", "updatedAt")
          VALUES (${req.reservationId}, ${patron.id}::uuid, ${req.titleId}, ${pickupPlaceCode}, ${req.at}::timestamp(3), ${placedChannel},
            ${placedWhileOnShelf}, ${patron.usualLibraryNo}::int, ${usualLibraryWasClosed}, NULL,
            ${req.config ? JSON.stringify(req.config) : null}::jsonb, ${new Date()}::timestamp(3))
          RETURNING *
        ), applied AS (
          INSERT INTO reservation_transition ("reservationId", status, at) SELECT id, 'APPLIED'::reservation_status, "placedAt" FROM placed
        )
        SELECT * FROM placed`;
      return { ok: true as const, row: row! };
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
