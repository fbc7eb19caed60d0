// Issue 14 (fewer statements per placement): the placement writes the reservation and its first
// transition in one raw statement and answers with the row that statement returned. That row must be
// the row as Prisma reads it back, and the records must be what Prisma's create wrote before — the
// timestamps in UTC (the columns are without time zone), even on a session whose TimeZone is not UTC,
// the workflow's config as Json, the status as the enum's name. A stub Temporal client takes the start.
import type { Client } from '@temporalio/client';
import { openDb, type Db } from '../../src/db/client';
import type { Prisma } from '../../src/generated/prisma/client';
import { ItemStatus, MaterialType } from '../../src/generated/prisma/enums';
import { ITEM_STATUS_LABELS, MATERIAL_TYPE_LABELS, placeReservation, type PlaceReservationRequest } from '../../src/services/place-reservation';
import { reservationWorkflowInput } from '../../src/services/workflow-starter';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
/** The same database over connections whose session TimeZone is Japan's, not the server's UTC. */
let tokyo: Db;
beforeAll(async () => {
  t = await createTestDatabase();
  tokyo = openDb(`${t.url}${t.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c TimeZone=Asia/Tokyo')}`);
});
afterAll(async () => {
  await tokyo?.$disconnect();
  await t?.drop();
});

/** The workflows' inputs, as the placement passed them to Temporal. */
const starts: unknown[] = [];
const temporal = {
  workflow: {
    start: async (_type: string, opts: { args: unknown[] }) => {
      starts.push(opts.args[0]);
    },
  },
} as unknown as Client;

async function patron(cardNumber: string, usualLibraryNo: number | null = null) {
  return t.db.patron.create({ data: { cardNumber, name: '行 一', email: `${cardNumber}@example.jp`, usualLibraryNo } });
}

/** What Prisma's create wrote for the same request (the placement's previous path), as Prisma reads it. */
async function asPrismaCreated(
  id: string,
  req: PlaceReservationRequest,
  placedWhileOnShelf: boolean,
  usualLibraryNo: number | null,
  closed: boolean,
) {
  const created = await t.db.reservation.create({
    data: {
      id,
      patronId: req.patronId,
      titleId: req.titleId,
      pickupPlaceCode: req.pickup,
      placedAt: req.at,
      placedChannel: req.channel ?? 'opac',
      placedWhileOnShelf,
      usualLibraryNo,
      usualLibraryWasClosed: closed,
      workflowStartedAt: null,
      ...(req.config ? { workflowConfig: req.config as Prisma.InputJsonObject } : {}),
      transitions: { create: { status: 'APPLIED', at: req.at } },
    },
  });
  const transitions = await t.db.reservationTransition.findMany({ where: { reservationId: id }, select: { status: true, at: true, note: true } });
  return { created, transitions };
}

test.each([
  {
    name: 'on the shelf, through My Library, with a config, on a UTC session',
    db: () => t.db,
    copies: ['ON_SHELF', 'ON_LOAN'] as const,
    channel: undefined,
    config: { securityDelayMs: 1_500, prefNoticeDelayMs: 250, noticeHour: 9 },
    at: new Date('2026-12-07T14:59:59.123Z'), // 23:59:59.123 in Japan: a day apart
    usual: null,
  },
  {
    name: 'all copies lent, by phone, no config, the usual library closed, on a session in Japan time',
    db: () => tokyo,
    copies: ['ON_LOAN'] as const,
    channel: 'phone' as const,
    config: undefined,
    at: new Date('2026-12-31T15:00:00.000Z'), // midnight in Japan, whole seconds
    usual: 7,
  },
])('the row the placement returns is the row Prisma reads back, and what Prisma’s create wrote: $name', async (c) => {
  const n = c.usual === null ? 1 : 2;
  const p = await patron(`ROW-${n}`, c.usual);
  if (c.usual !== null) await t.db.cooperatingLibrary.update({ where: { no: c.usual }, data: { isOpen: false } });
  await t.db.title.create({
    data: {
      id: `T-ROW${n}`,
      title: '行の本',
      items: { create: c.copies.map((status, i) => ({ itemNumber: `ROW${n}-${i}`, materialType: 'BOOK', status })) },
    },
  });
  const req: PlaceReservationRequest = {
    reservationId: `00000000-0000-4000-8000-00000000f00${n}`,
    patronId: p.id,
    titleId: `T-ROW${n}`,
    pickup: c.usual === null ? 'pref' : 'coop:12',
    at: c.at,
    ...(c.channel ? { channel: c.channel } : {}),
    ...(c.config ? { config: c.config } : {}),
  };
  if (c.db() === tokyo) expect(await tokyo.$queryRaw`SHOW TimeZone`).toEqual([{ TimeZone: 'Asia/Tokyo' }]);
  const before = new Date();
  const outcome = await placeReservation(c.db(), temporal, 'unused', req);
  const after = new Date();
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.refusal)}`);
  const { row } = outcome;

  // As Prisma reads it back (the mark after the start aside: the row is the one the transaction wrote).
  const read = await t.db.reservation.findUniqueOrThrow({ where: { id: req.reservationId } });
  expect(read.workflowStartedAt).toBeInstanceOf(Date);
  expect(row).toEqual({ ...read, workflowStartedAt: null });
  expect(row.placedAt.toISOString()).toBe(c.at.toISOString());
  expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
  expect(row.updatedAt.getTime()).toBeLessThanOrEqual(after.getTime());
  expect(starts.at(-1)).toEqual(reservationWorkflowInput(read));

  // As Prisma's create wrote the same request: every column but the id and the moment of writing.
  const reference = await asPrismaCreated(`${req.reservationId}-prisma`, req, c.copies[0] === 'ON_SHELF', c.usual, c.usual !== null);
  const { id: _id, updatedAt: _u, ...placed } = row;
  const { id: _rid, updatedAt: _ru, ...created } = reference.created;
  expect(placed).toEqual(created);
  expect(placed).toMatchObject({ status: 'APPLIED', placedChannel: c.channel ?? 'opac', workflowConfig: c.config ?? null });
  const transitions = await t.db.reservationTransition.findMany({
    where: { reservationId: req.reservationId },
    select: { status: true, at: true, note: true },
  });
  expect(transitions).toEqual(reference.transitions);
  expect(transitions).toEqual([{ status: 'APPLIED', at: c.at, note: null }]);
  // And as the database holds them: the UTC wall-clock time, whatever the session's time zone.
  const [utc] = await t.db.$queryRaw<{ placedAt: string; at: string }[]>`
    SELECT r."placedAt"::text AS "placedAt", x.at::text AS at FROM reservation r JOIN reservation_transition x ON x."reservationId" = r.id WHERE r.id = ${req.reservationId}`;
  const wall = c.at
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '')
    .replace(/\.000$/, '');
  expect(utc).toEqual({ placedAt: wall, at: wall });
});

test('the routes’ unknown title is answered before the patron’s checks; elsewhere it is R-ITEM-2 after them, as before', async () => {
  const p = await t.db.patron.create({ data: { cardNumber: 'ROW-3', name: '行 三' } }); // no e-mail address
  const req = { reservationId: '00000000-0000-4000-8000-00000000f003', patronId: p.id, titleId: 'T-NONE', pickup: 'pref', at: new Date() };
  const invalid = await placeReservation(t.db, temporal, 'unused', { ...req, unknownTitleIsInvalid: true });
  expect(invalid).toMatchObject({ ok: false, unknownTitle: true, refusal: { rule: 'R-ITEM-2' } });
  expect(await placeReservation(t.db, temporal, 'unused', req)).toEqual({ ok: false, refusal: expect.objectContaining({ rule: 'R-ACCOUNT-1' }) });
  await t.db.patron.update({ where: { id: p.id }, data: { email: 'row3@example.jp' } });
  expect(await placeReservation(t.db, temporal, 'unused', req)).toEqual({
    ok: false,
    refusal: { rule: 'R-ITEM-2', ja: '貸出(予約)できる所蔵がありません。', en: 'No lendable copy of title T-NONE.' },
  });
  expect(await t.db.reservation.count({ where: { patronId: p.id } })).toBe(0);
});

test('the item enums’ labels the placement reads are the ones Prisma writes for each value', async () => {
  const statuses = Object.values(ItemStatus);
  const types = Object.values(MaterialType);
  const items = statuses.flatMap((status) => types.map((materialType) => ({ itemNumber: `LBL-${status}-${materialType}`, status, materialType })));
  await t.db.title.create({ data: { id: 'T-LABELS', title: '札の本', items: { create: items } } });
  const read = await t.db.$queryRaw<{ itemNumber: string; materialType: string; status: string }[]>`
    SELECT "itemNumber", "materialType"::text AS "materialType", status::text AS status FROM item WHERE "titleId" = 'T-LABELS'`;
  expect(new Map(read.map((r) => [r.itemNumber, [r.status, r.materialType]]))).toEqual(
    new Map(items.map((i) => [i.itemNumber, [ITEM_STATUS_LABELS[i.status], MATERIAL_TYPE_LABELS[i.materialType]]])),
  );
});
