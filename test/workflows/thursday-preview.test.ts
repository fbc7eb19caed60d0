// The Thursday preview against the weekly run itself (src/services/thursday-preview.ts): the same
// decision code over a read-only snapshot. R-DISPATCH-4 (a patron with 10 確保済み, two of whose titles
// others wait for: put back, the copies to those others — one held here, one sent the same day),
// R-DISPATCH-2 (a third failure releases), R-COOP-2 (one bag of eight): what the preview said on
// Wednesday is what Thursday's run did — the bags it stored, its counts, every reservation's outcome.
//
// Copies are made 確保済み by the central check-in of a copy someone waits for (it secures it at once).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_THURSDAY_OPTIONS } from '../../src/activities/thursday';
import type { PackedBag } from '../../src/activities/thursday-decisions';
import { jstInstant } from '../../src/domain';
import { ROOT } from '../../src/infra/prisma-cli';
import { previewThursday } from '../../src/services/thursday-preview';
import { existingLoan, LendingHarness } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;

beforeAll(async () => {
  h = await LendingHarness.start(); // the weekly processing, Thursday 10:00
  w = weekShift('2026-12-07T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

test('R-DISPATCH-4, R-DISPATCH-2, R-COOP-2: the preview on Wednesday is what the weekly run does on Thursday', async () => {
  const r = await h.patron('R0001');
  const s1 = await h.patron('S0001');
  const s2 = await h.patron('S0002');
  const o = await h.patron('O0001');
  for (let i = 1; i <= 10; i++) await h.title(`T-R${i}`, `題名 R${i}`, [{ item: `R-${i}`, status: 'ON_LOAN' }]);
  await h.title('T-O', '題名 O', [{ item: 'O-1', status: 'ON_LOAN' }]);

  await h.advanceTo(w.at('2026-12-07T09:00'));
  for (let i = 1; i <= 10; i++) await h.reserve({ reservationId: `Q-R${i}`, patronId: r.id, titleId: `T-R${i}`, pickup: 'coop:30' });
  await h.reserve({ reservationId: 'Q-S1', patronId: s1.id, titleId: 'T-R1', pickup: 'pref' });
  await h.reserve({ reservationId: 'Q-S2', patronId: s2.id, titleId: 'T-R2', pickup: 'coop:19' });
  await h.reserve({ reservationId: 'Q-O', patronId: o.id, titleId: 'T-O', pickup: 'coop:7' });
  await h.advanceTo(w.at('2026-12-07T09:30'));
  for (const [i, item] of [...Array.from({ length: 10 }, (_, i) => `R-${i + 1}`), 'O-1'].entries()) {
    await h.advanceTo(w.at(`2026-12-07T10:${String(10 + i)}`)); // one a minute: secured in this order
    expect((await h.desk.checkIn({ itemNumber: item, at: await h.now() })).ok).toBe(true);
  }
  await h.settle();
  // O0001 is overdue and this reservation has failed twice already: the third failure releases it.
  await existingLoan(h, o.id, 'X-O', 'T-XO', w.day('2026-12-01'));
  await h.db.reservation.update({ where: { id: 'Q-O' }, data: { dispatchFailures: 2 } });
  expect(await h.db.reservation.count({ where: { status: 'SECURED' } })).toBe(11);

  await h.advanceTo(w.at('2026-12-09T12:00'));
  const day = w.day('2026-12-10');
  const preview = await previewThursday(h.db, { at: jstInstant(day, 10, 0), options: DEFAULT_THURSDAY_OPTIONS }, async (_tx, result) => result);
  const outcome = (id: string) => preview.steps.find((s) => s.reservation.id === id);
  expect(preview.counts).toEqual({ processed: 10, dispatched: 9, failed: 1, released: 1, rebalanced: 2, bags: 2 });
  expect(outcome('Q-R1')).toMatchObject({
    kind: 'rebalanced',
    cause: { rule: 'R-DISPATCH-4' },
    copy: { to: 'reservation', reservationId: 'Q-S1', status: 'READY' },
  });
  expect(outcome('Q-R2')).toMatchObject({ kind: 'rebalanced', copy: { to: 'reservation', reservationId: 'Q-S2', status: 'SECURED' } });
  expect(outcome('Q-S2')).toMatchObject({ kind: 'dispatched', bag: `${day}/coop:19/S0002` });
  expect(outcome('Q-O')).toMatchObject({ kind: 'failed', cause: { rule: 'R-DISPATCH-1' }, failures: 3, next: 'RELEASED', copy: { to: 'shelf' } });
  expect(preview.bags.map((b) => [b.bag, b.items.map((i) => i.itemNumber)])).toEqual([
    [`${day}/coop:30/R0001`, ['R-3', 'R-4', 'R-5', 'R-6', 'R-7', 'R-8', 'R-9', 'R-10']],
    [`${day}/coop:19/S0002`, ['R-2']],
  ]);
  expect(await h.db.reservation.count({ where: { status: 'SECURED' } })).toBe(11); // nothing written

  await h.advanceTo(w.at('2026-12-10T10:05')); // the weekly run
  const run = await h.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: new Date(`${day}T00:00:00Z`) } });
  expect(run.packedBags as unknown as PackedBag[]).toEqual(JSON.parse(JSON.stringify(preview.bags)));
  const { processed, dispatched, failed, released, rebalanced, bags } = run;
  expect({ processed, dispatched, failed, released, rebalanced, bags }).toEqual(preview.counts);
  for (const s of preview.steps) {
    const v = await h.view(s.reservation.id);
    const expected = s.kind === 'dispatched' ? 'IN_DELIVERY' : s.kind === 'rebalanced' ? 'WAITING' : s.next;
    expect([s.reservation.id, v.status]).toEqual([s.reservation.id, expected]);
    if (s.kind !== 'dispatched' && s.copy.to === 'reservation') {
      const next = await h.view(s.copy.reservationId);
      expect([s.copy.reservationId, next.itemNumber]).toEqual([s.copy.reservationId, s.reservation.itemNumber]);
    }
  }
  expect((await h.db.item.findUniqueOrThrow({ where: { itemNumber: 'O-1' } })).status).toBe('ON_SHELF'); // R-DISPATCH-2: back to 書架
  expect((await h.view('Q-S1')).status).toBe('READY'); // held here for S0001
});

test('R-COOP-2: a run recorded before its bags were stored gets them from its loans (the migration 20261204110000_thursday_work_lists)', async () => {
  const day = new Date(`${w.day('2026-12-10')}T00:00:00Z`);
  const stored = (await h.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: day } })).packedBags;
  expect(stored).not.toEqual([]);
  await h.db.thursdayRun.update({ where: { processingDate: day }, data: { packedBags: [] } }); // as the column's default left it
  const sql = readFileSync(join(ROOT, 'prisma', 'migrations', '20261204110000_thursday_work_lists', 'migration.sql'), 'utf8');
  await h.db.$executeRawUnsafe(sql.slice(sql.indexOf('UPDATE "thursday_run"')));
  expect((await h.db.thursdayRun.findUniqueOrThrow({ where: { processingDate: day } })).packedBags).toEqual(stored);
});
