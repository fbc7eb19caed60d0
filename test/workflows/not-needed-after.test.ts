// R-SUSPEND-3 (不要日) at the workflow: every activity it adds is idempotent under retry after its commit (the
// first attempt of each commits and then fails, as a worker killed before reporting back would), and the
// notice goes out in English to a patron who chose it.
import { setNotNeededAfterUpdate } from '../../src/workflows/reservation-messages';
import { existingLoan, LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let h: LendingHarness;
let w: WeekShift;
beforeAll(async () => {
  h = await LendingHarness.start({ dieAfterCommit: ['setNotNeededAfter', 'cancelNotNeeded', 'sendNotice'] });
  w = weekShift('2026-11-30T09:00', await h.now());
}, 120_000);
afterAll(async () => h?.stop());

test('R-SUSPEND-3: set, then cancelled at 00:00 JST after the day — each activity retried after its commit — once, with one NOT_NEEDED_CANCELLED in English', async () => {
  const owner = await h.patron('NW001');
  const p = await h.patron('NW002', { name: 'Jane Doe' });
  await h.db.patron.update({ where: { id: p.id }, data: { noticeLanguage: 'en' } });
  await existingLoan(h, owner.id, 'NW1-1', 'T-NW1', w.day('2026-12-20'));
  await h.advanceTo(w.at('2026-11-30T09:00'));
  await h.reserve({ reservationId: 'NW1', patronId: p.id, titleId: 'T-NW1', pickup: 'pref' });
  await h.advanceTo(w.at('2026-11-30T09:10'));
  const set = await request(h.handle('NW1').executeUpdate(setNotNeededAfterUpdate, { args: [{ day: w.day('2026-12-02'), by: 'patron' }] }));
  expect(set.ok).toBe(true); // not refused by its own retry
  expect((await h.view('NW1')).dates.notNeededAfter).toBe(w.day('2026-12-02'));

  await h.advanceTo(w.at('2026-12-03T01:00'));
  await h.settle();
  const v = await h.view('NW1');
  expect(v.status).toBe('CANCELLED');
  expect(v.transitions.map((t) => t.status)).toEqual(['APPLIED', 'WAITING', 'CANCELLED']);
  expect((await h.e.workflowState('NW1')).status).toBe('CANCELLED');
  const mails = await h.db.mailOutbox.findMany({ where: { reservationId: 'NW1' } });
  expect(mails.map((m) => [m.kind, m.language, m.state])).toEqual([['NOT_NEEDED_CANCELLED', 'en', 'SENT']]);
  expect(mails[0]!.subject).toBe('[Aomori Prefectural Library] Your reservation was cancelled: no longer needed (online lending)');
  expect(mails[0]!.body).toContain('Dear Jane Doe,');
  expect(mails[0]!.body).toContain('so your reservation was cancelled on');
});
