// Staff work lists at the prefectural library (issue 10): the hold shelf (貸出可能, R-PREF-2), the holds
// that expired uncollected that day (R-PREF-5) with what the release did with each copy (spec §5
// Decision: back to 書架, or at once to the next reserver — held here, or waiting for Thursday), and the
// copies travelling back from cooperating libraries (R-RETURN-4: returned there; 予回送 from a cancelled
// or uncollected delivery, R-CANCEL-3, R-COOP-3), by library, with the day each should arrive, late
// once it has passed.
//
// Copies are made 確保済み / 貸出可能 by the central check-in of a copy someone waits for (at once).
import { pickupUpdate, returnUpdate } from '../../src/workflows/reservation-messages';
import { ApiHarness } from '../support/api-harness';
import { request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

const SHELF = '/staff/hold-shelf';
const EXPIRED = '/staff/hold-shelf/expired';
const TRANSIT = '/staff/in-transit';

let a: ApiHarness;
let w: WeekShift;

beforeAll(async () => {
  a = await ApiHarness.start(); // the weekly processing runs Thursday 10:00
  w = weekShift('2026-12-07T09:00', await a.h.now());
  const h = a.h;
  const p: Record<string, string> = {};
  for (const [card, name] of [
    ['H0001', '県立 一郎'],
    ['H0002', '県立 二郎'],
    ['H0003', '協力 三郎'],
    ['H0004', '県立 四郎'],
    ['H0005', '県立 五郎'],
    ['C0001', '返却 一子'],
    ['C0002', '未受取 二子'],
    ['C0003', '取消 三子'],
  ] as const)
    p[card] = (await h.patron(card, { name })).id;
  for (const t of ['H1', 'H2', 'H3', 'R1', 'U1', 'K1']) await h.title(`T-${t}`, `題名 ${t}`, [{ item: `${t}-1`, status: 'ON_LOAN' }]);

  await h.advanceTo(w.at('2026-12-07T09:00'));
  const reserve = (id: string, card: string, titleId: string, pickup: string) =>
    h.reserve({ reservationId: id, patronId: p[card]!, titleId, pickup });
  await reserve('V-H1', 'H0001', 'T-H1', 'pref'); // nobody after: the copy goes back to the shelf
  await reserve('V-H2', 'H0002', 'T-H2', 'pref');
  await reserve('V-H3', 'H0003', 'T-H2', 'coop:19'); // next for T-H2, at a cooperating library
  await reserve('V-H4', 'H0004', 'T-H3', 'pref');
  await reserve('V-H5', 'H0005', 'T-H3', 'pref'); // next for T-H3, here
  await reserve('V-R1', 'C0001', 'T-R1', 'coop:30'); // collected, then returned at the library
  await reserve('V-U1', 'C0002', 'T-U1', 'coop:30'); // never collected (R-COOP-3)
  await reserve('V-K1', 'C0003', 'T-K1', 'coop:19'); // cancelled by staff while 配送中
  await h.advanceTo(w.at('2026-12-07T09:30'));
  for (const [i, item] of ['H1-1', 'H2-1', 'H3-1', 'R1-1', 'U1-1', 'K1-1'].entries()) {
    await h.advanceTo(w.at(`2026-12-07T10:0${i}`));
    expect((await h.desk.checkIn({ itemNumber: item, at: await h.now() })).ok).toBe(true);
  }
  await h.settle();
}, 180_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]);
});

test('R-PREF-2: the hold shelf — 貸出可能 at the prefectural library, the first set aside first, with the last day to collect', async () => {
  await a.h.advanceTo(w.at('2026-12-07T11:00'));
  const res = await a.get(SHELF, 'staff');
  expect(res.status).toBe(200);
  expect(res.body.headings).toMatchObject({ itemNumber: '資料番号', title: '書名', cardNumber: '利用者番号', name: '氏名', pickupUntil: '取置期限' });
  expect(res.body.items).toEqual(
    [
      ['V-H1', 'H1-1', 'H0001', '県立 一郎'],
      ['V-H2', 'H2-1', 'H0002', '県立 二郎'],
      ['V-H4', 'H3-1', 'H0004', '県立 四郎'],
    ].map(([reservationId, itemNumber, cardNumber, name]) =>
      expect.objectContaining({
        reservationId,
        itemNumber,
        cardNumber,
        name,
        pickup: { code: 'pref', label: '青森県立図書館' },
        pickupFrom: w.day('2026-12-07'),
        pickupUntil: w.day('2026-12-13'), // the notice day is day 1 of 7
        daysLeft: 6,
      }),
    ),
  );
  expect((await a.get(SHELF, 'opac')).status).toBe(403);
});

test('R-CANCEL-2: a staff cancel while 配送中 sends the copy back 予回送; in transit until checked in (R-RETURN-4 calendar)', async () => {
  await a.h.advanceTo(w.at('2026-12-10T10:05')); // Thursday processing: V-R1, V-U1, V-K1 are 配送中
  for (const id of ['V-R1', 'V-U1', 'V-K1']) expect((await a.h.view(id)).status).toBe('IN_DELIVERY');
  await a.h.advanceTo(w.at('2026-12-11T09:00'));
  const cancelled = await a.post('/staff/reservations/{reservationId}/cancel', 'staff', { reservationId: 'V-K1' }, { channel: 'counter' });
  expect(cancelled.status).toBe(200);

  const res = await a.get(TRANSIT, 'staff');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ today: w.day('2026-12-11'), count: 1, lateCount: 0 });
  expect(res.body.libraries).toEqual([
    {
      libraryNo: 19,
      library: { code: 'coop:19', label: '弘前市立弘前図書館' },
      items: [
        expect.objectContaining({
          kind: 'cancelled',
          kindLabel: '予回送(取消)',
          itemNumber: 'K1-1',
          cardNumber: 'C0003',
          reservationId: 'V-K1',
          handedInOn: w.day('2026-12-11'),
          collectionOn: w.day('2026-12-14'), // the next Monday's collection
          expectedOn: w.day('2026-12-16'), // and Wednesday at the prefectural library
          late: false,
        }),
      ],
      count: 1,
      lateCount: 0,
    },
  ]);
});

test('R-PREF-5: today’s expired holds — released as their last day ended — and what became of each copy: 書架, or the next reserver (here, or a cooperating library)', async () => {
  await a.h.advanceTo(w.at('2026-12-13T11:00'));
  const picked = await request(a.h.handle('V-R1').executeUpdate(pickupUpdate, { args: [{ cardShown: true }] })); // collected at library 30 (R-COOP-1)
  expect(picked.ok).toBe(true);
  expect((await a.get(EXPIRED, 'staff', {}, { date: w.day('2026-12-13') })).body.items).toEqual([]); // the last day: not yet

  await a.h.advanceTo(w.at('2026-12-14T09:00'));
  for (const id of ['V-H1', 'V-H2', 'V-H4']) expect((await a.h.view(id)).status).toBe('RELEASED');
  const res = await a.get(EXPIRED, 'staff'); // today
  expect(res.status).toBe(200);
  expect(res.body.date).toBe(w.day('2026-12-14'));
  expect(res.body.headings).toMatchObject({ itemNumber: '資料番号', cardNumber: '利用者番号', name: '氏名', action: '処理' });
  const released = expect.stringMatching(new RegExp(`^${w.day('2026-12-14')}T00:00`)); // as the last day ended
  expect(res.body.items).toEqual([
    expect.objectContaining({
      reservationId: 'V-H1',
      itemNumber: 'H1-1',
      cardNumber: 'H0001',
      name: '県立 一郎',
      pickupUntil: w.day('2026-12-13'),
      releasedAt: released,
      reason: expect.objectContaining({ rule: 'R-PREF-5' }),
      itemStatus: '書架',
      action: 'reshelve',
      actionLabel: '書架へ戻す',
      next: null,
    }),
    expect.objectContaining({
      reservationId: 'V-H2',
      itemNumber: 'H2-1',
      action: 'next-reserver',
      itemStatus: '予回送',
      next: {
        reservationId: 'V-H3',
        cardNumber: 'H0003',
        name: '協力 三郎',
        pickup: { code: 'coop:19', label: '弘前市立弘前図書館' },
        status: 'SECURED',
        statusLabel: '確保済み',
      },
    }),
    expect.objectContaining({
      reservationId: 'V-H4',
      itemNumber: 'H3-1',
      action: 'next-reserver',
      itemStatus: '予受待',
      next: expect.objectContaining({
        reservationId: 'V-H5',
        cardNumber: 'H0005',
        pickup: { code: 'pref', label: '青森県立図書館' },
        status: 'READY',
      }),
    }),
  ]);
  expect(res.body.items[1].actionLabel).toContain('弘前市立弘前図書館');
  // The same list asked for the day by date; the day before had none.
  expect((await a.get(EXPIRED, 'staff', {}, { date: w.day('2026-12-14') })).body).toEqual(res.body);
  expect((await a.get(EXPIRED, 'staff', {}, { date: 'tomorrow' })).status).toBe(400);
  // The hold shelf now: the copy kept for the next reserver here, a new hold from today.
  const shelf = await a.get(SHELF, 'staff');
  expect(shelf.body.items).toEqual([
    expect.objectContaining({ reservationId: 'V-H5', itemNumber: 'H3-1', cardNumber: 'H0005', pickupUntil: w.day('2026-12-20'), daysLeft: 6 }),
  ]);
});

test('R-RETURN-4, R-COOP-3: returned at a cooperating library and uncollected copies, by library, oldest first, the late flagged; a check-in takes one off', async () => {
  await a.h.advanceTo(w.at('2026-12-15T14:00'));
  const returned = await request(a.h.handle('V-R1').executeUpdate(returnUpdate, { args: [{ place: 'coop:30' }] }));
  expect(returned.ok).toBe(true);
  await a.h.advanceTo(w.at('2026-12-21T09:00')); // V-U1's window ended Sun 12-20: released (R-COOP-3), the copy comes back
  expect((await a.h.view('V-U1')).status).toBe('RELEASED');

  const res = await a.get(TRANSIT, 'staff');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ today: w.day('2026-12-21'), count: 3, lateCount: 1 });
  const brief = (l: { libraryNo: number; items: Record<string, unknown>[] }) => [
    l.libraryNo,
    l.items.map((i) => [i.itemNumber, i.kind, i.handedInOn, i.collectionOn, i.expectedOn, i.late]),
  ];
  expect(res.body.libraries.map(brief)).toEqual([
    [19, [['K1-1', 'cancelled', w.day('2026-12-11'), w.day('2026-12-14'), w.day('2026-12-16'), true]]], // should have come Wednesday 12-16
    [
      30,
      [
        ['R1-1', 'returned', w.day('2026-12-15'), w.day('2026-12-21'), w.day('2026-12-23'), false],
        ['U1-1', 'uncollected', w.day('2026-12-20'), w.day('2026-12-21'), w.day('2026-12-23'), false], // from the last pickup day
      ],
    ],
  ]);
  expect(res.body.libraries[1]).toMatchObject({ library: { code: 'coop:30', label: '十和田市民図書館' }, count: 2, lateCount: 0 });
  expect(res.body.libraries[1].items[0]).toMatchObject({ kindLabel: '返却(協力館から搬送中)', cardNumber: 'C0001', reservationId: 'V-R1' });
  expect(res.text).not.toContain('返却 一子'); // no names on this list

  // The late copy arrives and is checked in: off the list.
  expect((await a.post('/staff/check-ins', 'staff', {}, { itemNumber: 'K1-1' })).status).toBe(200);
  const after = await a.get(TRANSIT, 'staff');
  expect(after.body).toMatchObject({ count: 2, lateCount: 0 });
  expect(after.body.libraries.map((l: { libraryNo: number }) => l.libraryNo)).toEqual([30]);
});
