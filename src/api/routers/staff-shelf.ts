// Staff at the shelf (R-STATUS-1, R-ITEM-4): the pull list (取置作業リスト), the scan that secures a
// copy taken off the shelf, and "not on the shelf". Each change is a staff act (staff-acts.ts).
import type { HoldSlip } from '../../activities/shelf-pulling';
import { RESERVATION_STATUS_JA } from '../../domain';
import { pullList } from '../../services/pull-list';
import type { ApiContext } from '../deps';
import { fieldProblem, refused } from '../problem';
import { defineRoute, type RouteDef } from '../route';
import { NotOnShelfResult, PullList, ScanBody, ScanResult } from '../shelf-schemas';
import { recordStaffAct } from '../staff-acts';

const TAG = 'Staff: shelf';

/** 予約票 as the API shows it: the dates that apply to its place only. */
export function holdSlipView(s: HoldSlip) {
  return {
    reservationId: s.reservationId,
    cardNumber: s.cardNumber,
    name: s.name,
    itemNumber: s.itemNumber,
    title: s.title,
    status: s.status,
    statusLabel: RESERVATION_STATUS_JA[s.status],
    pickup: { code: s.pickupPlaceCode, label: s.pickupPlaceLabel },
    ...(s.dates.kind === 'pref'
      ? { holdUntil: s.dates.holdUntil }
      : { processingDay: s.dates.processingDay, pickupFrom: s.dates.pickupFrom, pickupUntil: s.dates.pickupUntil }),
  };
}

/** An item number that names no copy is a wrong field (422), not a refusal. */
async function knownItem(ctx: ApiContext, itemNumber: string): Promise<void> {
  if (await ctx.deps.db.item.findUnique({ where: { itemNumber }, select: { itemNumber: true } })) return;
  throw fieldProblem(422, [
    { field: 'body.itemNumber', code: 'unknown_item', ja: `資料番号 ${itemNumber} は登録されていません。`, en: `No item ${itemNumber}.` },
  ]);
}

export const staffShelfRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/staff/pull-list',
    operationId: 'pullList',
    summary: 'The pull list (取置作業リスト): copies on the shelf to take off for reservations, oldest first',
    description:
      'R-STATUS-1: after the security delay a request whose title has a copy on the shelf is 確保待ち and the copy is listed here; it stays 書架 ' +
      '(a walk-in may still take it, R-ITEM-4) until it is scanned (POST /staff/pull-list/scans). `pickup` is where it would go if scanned now. ' +
      'Decision (spec §3): an entry older than PULL_ALERT_HOURS (default 24) is `late`.',
    tag: TAG,
    auth: ['staff'],
    success: { status: 200, description: 'The open entries', schema: PullList },
    async handler({ ctx }) {
      const entries = await pullList(ctx.deps.db, await ctx.now(), { alertHours: ctx.deps.pullAlertHours });
      return { body: { entries, late: entries.filter((e) => e.late).length } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/pull-list/scans',
    operationId: 'scanPulledCopy',
    summary: 'Scan a copy taken off the shelf: it is secured for the first reservation waiting for its title',
    description:
      'R-STATUS-1: the copy becomes 予受待 and the reservation 貸出可能 with the notice at once (prefectural library), or 予回送 and 確保済み ' +
      '(cooperating library, sent on the next processing day). Another copy of the same title than the one listed may be scanned. ' +
      'The answer is the hold slip (予約票): for whom, where to, until when.',
    tag: TAG,
    auth: ['staff'],
    body: ScanBody,
    success: { status: 200, description: 'Secured; the hold slip', schema: ScanResult },
    responses: {
      409: 'Refused: R-ITEM-2 (the copy is not 書架: lent, already secured, 不明), R-STATUS-1 (nobody waits for this title)',
      422: 'Invalid body (an unknown item number)',
    },
    async handler({ body, caller, ctx }) {
      await knownItem(ctx, body.itemNumber);
      const slip = await recordStaffAct(ctx, caller, { action: 'pull', itemNumber: body.itemNumber }, async (found) => {
        const r = await ctx.deps.shelf.pullFromShelf({ itemNumber: body.itemNumber, at: await ctx.now() });
        if (!r.ok) throw refused(r.refusal, 409);
        found({ reservationId: r.slip.reservationId });
        return r.slip;
      });
      return { body: { slip: holdSlipView(slip) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/staff/pull-list/not-on-shelf',
    operationId: 'reportNotOnShelf',
    summary: 'A listed copy is not on the shelf: the next copy is listed; not found twice, it is marked 不明',
    description:
      'R-STATUS-1 Decision (spec §3): the copy comes off the list and the next copy on the shelf is listed (this one again, for a second look, ' +
      'only if no other is there); the reservation keeps its place in the queue. The second time the copy is 不明 until a check-in finds it.',
    tag: TAG,
    auth: ['staff'],
    body: ScanBody,
    success: { status: 200, description: 'Taken off the list', schema: NotOnShelfResult },
    responses: { 409: 'Refused: R-STATUS-1 (the copy is not on the pull list)', 422: 'Invalid body (an unknown item number)' },
    async handler({ body, caller, ctx }) {
      await knownItem(ctx, body.itemNumber);
      const r = await recordStaffAct(ctx, caller, { action: 'not-on-shelf', itemNumber: body.itemNumber }, async () => {
        const r = await ctx.deps.shelf.reportNotOnShelf({ itemNumber: body.itemNumber, at: await ctx.now() });
        if (!r.ok) throw refused(r.refusal, 409);
        return r;
      });
      return { body: { itemNumber: body.itemNumber, missing: r.missing } };
    },
  }),
];
