// The staff API of closed days (R-CLOSED-1…4, spec §14): a day or a range entered and removed, each a
// staff act; bad input a 422 naming the field, the closures unchanged; the dates it moves shown to
// staff in the answer and to the patron in My Library.
import { ApiHarness } from '../support/api-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

let a: ApiHarness;
let w: WeekShift;
const CLOSE = '/staff/closed-days';
const REOPEN = '/staff/closed-days/reopen';

beforeAll(async () => {
  a = await ApiHarness.start();
  w = weekShift('2026-12-01T09:00', await a.h.now());
}, 120_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

test('R-CLOSED-1: bad input is a 422 naming the field or the range, and nothing is closed', async () => {
  const bad: [unknown, string][] = [
    [{ library: 60, from: w.day('2026-12-20') }, 'body.library'],
    [{ library: 'coop:30', from: w.day('2026-12-20') }, 'body.library'],
    [{ library: 'pref', from: '2026-02-30' }, 'body.from'],
    [{ library: 'pref', from: w.day('2026-12-20'), to: w.day('2026-12-19') }, 'body.to'],
    [{ library: 'pref', from: w.day('2026-12-20'), to: w.day('2028-12-20') }, 'body.to'],
    [{ library: 'pref', from: w.day('2026-12-20'), note: '' }, 'body.note'],
  ];
  for (const [body, field] of bad) {
    for (const path of [CLOSE, REOPEN]) {
      const res = await a.post(path, 'staff', {}, body);
      expect([path, field, res.status]).toEqual([path, field, 422]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  }
  expect(await a.h.db.closedDay.count()).toBe(0);
  expect(await a.h.db.staffAction.count({ where: { action: 'closed-days', outcome: 'refused', problem: 'validation' } })).toBe(2); // the range checks, after the schema
});

test('R-CLOSED-1, R-CLOSED-4, R-PREF-2: closed and reopened through the API, each a staff act; the patron sees the moved hold in My Library', async () => {
  await a.patron('D0001', { email: 'd0001@example.jp' });
  await a.h.title('T-D1', '休館日の本', [{ item: 'D1-1' }]);
  await a.h.advanceTo(w.at('2026-12-01T09:00'));
  const placed = await a.post('/opac/patrons/{cardNumber}/reservations', 'trusted', { cardNumber: 'D0001' }, { titleId: 'T-D1', pickup: 'pref' });
  expect(placed.status).toBe(201);
  const id = placed.body.reservationId as string;
  await a.h.advanceTo(w.at('2026-12-01T09:10'));
  const mine = () => a.get('/opac/patrons/{cardNumber}/reservations/{reservationId}', 'trusted', { cardNumber: 'D0001', reservationId: id });
  expect((await mine()).body).toMatchObject({ status: 'READY', dates: { pickupUntil: w.day('2026-12-07') } });

  const closed = await a.post(CLOSE, 'counter', {}, { library: 'pref', from: w.day('2026-12-07'), to: w.day('2026-12-08'), note: '蔵書点検' });
  expect(closed.status).toBe(200);
  expect(closed.body).toEqual({
    library: 'pref',
    from: w.day('2026-12-07'),
    to: w.day('2026-12-08'),
    changedDays: 2,
    moved: [{ reservationId: id, loanId: null, pickupFrom: w.day('2026-12-01'), pickupUntil: w.day('2026-12-09') }],
  });
  await a.h.settle();
  expect((await mine()).body).toMatchObject({ status: 'READY', dates: { pickupUntil: w.day('2026-12-09') } });
  const again = await a.post(CLOSE, 'staff', {}, { library: 'pref', from: w.day('2026-12-07') });
  expect(again.body).toMatchObject({ changedDays: 0, moved: [] }); // already closed: nothing changes

  const list = await a.get(CLOSE, 'staff', {}, { from: w.day('2026-12-01') });
  expect(list.body.items).toEqual([
    { library: 'pref', day: w.day('2026-12-07'), note: '蔵書点検' },
    { library: 'pref', day: w.day('2026-12-08'), note: '蔵書点検' },
  ]);
  expect((await a.get(CLOSE, 'staff', {}, { from: w.day('2026-12-01'), library: 30 })).body.items).toEqual([]);

  const reopened = await a.post(REOPEN, 'staff', {}, { library: 'pref', from: w.day('2026-12-08') }); // only the second day
  expect(reopened.body).toMatchObject({ changedDays: 1, moved: [{ reservationId: id, pickupUntil: w.day('2026-12-08') }] });
  await a.post(REOPEN, 'staff', {}, { library: 'pref', from: w.day('2026-12-07') });
  await a.h.settle();
  expect((await mine()).body).toMatchObject({ status: 'READY', dates: { pickupUntil: w.day('2026-12-07') } });
  expect(await a.h.db.closedDay.count()).toBe(0);

  const acts = await a.h.db.staffAction.findMany({
    where: { action: { in: ['closed-days', 'reopen-days'] }, outcome: 'done' },
    orderBy: { id: 'asc' },
  });
  expect(acts.map((x) => [x.action, x.actorKind, (x.details as { from: string }).from])).toEqual([
    ['closed-days', 'staff', w.day('2026-12-07')],
    ['closed-days', 'key', w.day('2026-12-07')],
    ['reopen-days', 'key', w.day('2026-12-08')],
    ['reopen-days', 'key', w.day('2026-12-07')],
  ]);
});
