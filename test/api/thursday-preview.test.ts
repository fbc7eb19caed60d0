// The Thursday preview and the run's work lists (issue 10): GET /staff/thursday-runs/preview answers,
// before the run, what the run then does — the same bags (R-COOP-2: one per patron and library, two
// patrons at one library, one patron with two items in one bag), the same items, the same failures
// (R-DISPATCH-1: an overdue patron, one at the loan limit and one whose second item of the day would
// pass it, with R-DISPATCH-2/3's consequences, and
// the copy handed on to a reserver who is then sent in the same run) — computed by the run's own
// decision code and writing nothing. After the run, its bag labels and transit slips list exactly its
// bags, stored with the run. Names appear in these staff answers only, never in a log line.
//
// Copies are made 確保済み by the central check-in of a copy someone waits for (it secures it at once).
import { Writable } from 'node:stream';
import { createLogger } from '../../src/ops/logger';
import { ApiHarness } from '../support/api-harness';
import { existingLoan } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

const PREVIEW = '/staff/thursday-runs/preview';
const LABELS = '/staff/thursday-runs/{processingDay}/labels';
const SLIPS = '/staff/thursday-runs/{processingDay}/transit-slips';
const RUNS = '/staff/thursday-runs';

const logLines: string[] = [];
const logger = createLogger({
  level: 'debug',
  role: 'all',
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  }),
});

const NAMES = { P0001: '青森 太郎', P0002: '弘前 花子', P0003: '八戸 次郎', P0004: '十和田 三郎', P0005: '三沢 四郎', P0006: '黒石 五郎' } as const;
const LIMITS: Record<string, number> = { P0005: 1, P0006: 2 };

let a: ApiHarness;
let w: WeekShift;
let day: string;

/** What must not move while only the preview runs. */
async function fingerprint() {
  const db = a.h.db;
  return JSON.stringify({
    reservations: await db.reservation.findMany({ orderBy: { id: 'asc' } }),
    items: await db.item.findMany({ orderBy: { itemNumber: 'asc' } }),
    loans: await db.loan.findMany({ orderBy: { id: 'asc' } }),
    patrons: await db.patron.findMany({ orderBy: { id: 'asc' } }),
    transitions: await db.reservationTransition.count(),
    signals: await db.signalOutbox.count(),
    runs: await db.thursdayRun.count(),
  });
}

beforeAll(async () => {
  a = await ApiHarness.start({ thursday: false, logger }); // the run is started by hand, after the preview
  w = weekShift('2026-12-07T09:00', await a.h.now());
  day = w.day('2026-12-10');
  const h = a.h;
  const p: Record<string, string> = {};
  for (const [card, name] of Object.entries(NAMES)) p[card] = (await h.patron(card, { name, loanLimit: LIMITS[card] ?? 10 })).id;
  const titles = ['津軽', '斜陽', '走れメロス', '人間失格', 'ヴィヨンの妻', '富嶽百景', '女生徒'];
  for (const [i, t] of titles.entries()) await h.title(`T-${i + 1}`, t, [{ item: `I-${i + 1}`, status: 'ON_LOAN' }]);

  await h.advanceTo(w.at('2026-12-07T09:00'));
  const reserve = (id: string, card: string, titleId: string, pickup: string) =>
    h.reserve({ reservationId: id, patronId: p[card]!, titleId, pickup });
  await reserve('W-A1', 'P0001', 'T-1', 'coop:30');
  await reserve('W-A2', 'P0001', 'T-2', 'coop:30');
  await reserve('W-B', 'P0002', 'T-3', 'coop:30');
  await reserve('W-C', 'P0003', 'T-4', 'coop:30');
  await reserve('W-D', 'P0004', 'T-4', 'coop:19'); // waits behind P0003 for the same title
  await reserve('W-E', 'P0005', 'T-5', 'coop:19');
  await reserve('W-F1', 'P0006', 'T-6', 'coop:30');
  await reserve('W-F2', 'P0006', 'T-7', 'coop:30');
  await h.advanceTo(w.at('2026-12-07T09:30')); // after the security delay: 確保待ち (every copy is out)

  // The copies come back and are checked in centrally: each goes at once to the first reserver (確保済み).
  for (const [i, minute] of ['10', '11', '12', '13', '14', '15', '16'].entries()) {
    await h.advanceTo(w.at(`2026-12-07T10:${minute}`));
    expect((await h.desk.checkIn({ itemNumber: `I-${i + 1}`, at: await h.now() })).ok).toBe(true);
  }
  await h.settle();
  // R-DISPATCH-1: P0003 has a loan overdue by Thursday; P0005 (limit 1, R-LIMIT-2) holds one already.
  await existingLoan(h, p.P0003!, 'X-C', 'T-XC', w.day('2026-12-05'));
  await existingLoan(h, p.P0005!, 'X-E', 'T-XE', w.day('2026-12-20'));
  // P0006 (limit 2) holds one loan: of its two 確保済み the first is sent, the second would be one too many.
  await existingLoan(h, p.P0006!, 'X-F', 'T-XF', w.day('2026-12-20'));
  for (const id of ['W-A1', 'W-A2', 'W-B', 'W-C', 'W-E', 'W-F1', 'W-F2']) expect((await h.view(id)).status).toBe('SECURED');
  expect((await h.view('W-D')).status).toBe('WAITING');
}, 180_000);
afterAll(async () => a?.stop());
afterEach(() => {
  expect(a.serverErrors.map((e) => String((e as { err: unknown }).err))).toEqual([]);
  expect(a.violations).toEqual([]); // every answer documented, errors as problem documents
});

const bag = (library: number, card: string) => `${day}/coop:${library}/${card}`;

let preview: {
  processingDay: string;
  totals: Record<string, number>;
  libraries: { libraryNo: number; bags: { bag: string; items: { itemNumber: string }[] }[]; failures: { reservationId: string }[] }[];
  [k: string]: unknown;
};

describe('before the run', () => {
  test('R-COOP-2, R-DISPATCH-1, R-DISPATCH-2, R-DISPATCH-3: the preview of the next processing day — bags per library, what fails and why, where the copy goes', async () => {
    await a.h.advanceTo(w.at('2026-12-09T15:00')); // Wednesday: the next processing day is tomorrow
    const before = await fingerprint();
    const res = await a.get(PREVIEW, 'staff');
    expect(res.status).toBe(200);
    preview = res.body;
    expect(await fingerprint()).toEqual(before); // the preview writes nothing

    expect(res.body).toMatchObject({
      processingDay: day,
      processingAt: `${day}T10:00:00+09:00`,
      options: { rebalance: true, longOverdueGraceDays: 0 },
      headings: { cardNumber: '利用者番号', name: '氏名', pickup: '受取館', pickupWindow: '受取期間', itemNumber: '資料番号', title: '書名' },
      totals: { processed: 8, dispatched: 5, failed: 3, released: 0, rebalanced: 0, bags: 4 },
    });
    const [l19, l30, ...more] = res.body.libraries;
    expect(more).toEqual([]);
    const window = { pickupFrom: w.day('2026-12-13'), pickupUntil: w.day('2026-12-20') };

    // Library 30: two patrons, one of them with two items in one bag; the overdue patron is not sent.
    expect(l30).toMatchObject({ libraryNo: 30, pickup: { code: 'coop:30', label: '十和田市民図書館' }, bagCount: 3, itemCount: 4 });
    expect(l30.bags).toEqual([
      expect.objectContaining({
        bag: bag(30, 'P0001'),
        cardNumber: 'P0001',
        name: '青森 太郎',
        pickup: { code: 'coop:30', label: '十和田市民図書館' },
        ...window,
        items: [
          { reservationId: 'W-A1', itemNumber: 'I-1', titleId: 'T-1', title: '津軽' },
          { reservationId: 'W-A2', itemNumber: 'I-2', titleId: 'T-2', title: '斜陽' },
        ],
      }),
      expect.objectContaining({
        bag: bag(30, 'P0002'),
        name: '弘前 花子',
        items: [expect.objectContaining({ itemNumber: 'I-3', title: '走れメロス' })],
      }),
      expect.objectContaining({ bag: bag(30, 'P0006'), items: [expect.objectContaining({ reservationId: 'W-F1', itemNumber: 'I-6' })] }),
    ]);
    expect(l30.bags[0].printed).toEqual([
      'オンライン貸出サービス',
      '利用者番号:P0001',
      '氏名:青森 太郎',
      '受取館:十和田市民図書館',
      expect.stringMatching(/^受取期間:\d{4}年\d{1,2}月\d{1,2}日\(日\) ~ \d{4}年\d{1,2}月\d{1,2}日\(日\)$/),
      '資料番号:I-1 書名:津軽',
      '資料番号:I-2 書名:斜陽',
    ]);
    expect(l30.failures).toEqual([
      {
        reservationId: 'W-C',
        cardNumber: 'P0003',
        name: '八戸 次郎',
        itemNumber: 'I-4',
        titleId: 'T-4',
        title: '人間失格',
        cause: { rule: 'R-DISPATCH-1', ja: expect.stringContaining('延滞'), en: expect.stringContaining('overdue') },
        failures: 1,
        next: 'WAITING',
        nextLabel: '確保待ち',
        reason: { rule: 'R-DISPATCH-3', ja: expect.stringContaining('予約順位を1つ繰り下げ'), en: expect.any(String) },
        copy: {
          goesTo: 'reservation',
          label: '次の予約者へ',
          reservation: {
            reservationId: 'W-D',
            cardNumber: 'P0004',
            name: '十和田 三郎',
            pickup: { code: 'coop:19', label: '弘前市立弘前図書館' },
            status: 'SECURED',
            statusLabel: '確保済み',
          },
        },
      },
      expect.objectContaining({
        reservationId: 'W-F2',
        cause: expect.objectContaining({ rule: 'R-DISPATCH-1', ja: expect.stringContaining('貸出上限数(2冊)') }),
        next: 'SECURED',
        copy: { goesTo: 'kept', label: expect.any(String), reservation: null },
      }),
    ]);

    // Library 19: the copy handed on from P0003 is sent to P0004 in the same run; P0005 is at the limit.
    expect(l19).toMatchObject({ libraryNo: 19, bagCount: 1, itemCount: 1 });
    expect(l19.bags).toEqual([
      expect.objectContaining({ bag: bag(19, 'P0004'), items: [expect.objectContaining({ reservationId: 'W-D', itemNumber: 'I-4' })] }),
    ]);
    expect(l19.failures).toEqual([
      expect.objectContaining({
        reservationId: 'W-E',
        cause: { rule: 'R-DISPATCH-1', ja: expect.stringContaining('貸出上限数(1冊)'), en: expect.stringContaining('loan limit of 1') },
        failures: 1,
        next: 'SECURED',
        nextLabel: '確保済み',
        reason: expect.objectContaining({ rule: 'R-DISPATCH-2' }),
        copy: { goesTo: 'kept', label: expect.any(String), reservation: null },
      }),
    ]);
  });

  test('the preview of a named day is the same; a day that is not a processing day is 422 (query.date)', async () => {
    await a.h.advanceTo(w.at('2026-12-10T10:30')); // Thursday, after the moment: nobody has run it yet
    const named = await a.get(PREVIEW, 'staff', {}, { date: day });
    expect(named.status).toBe(200);
    expect(named.body).toEqual(preview);

    const wednesday = await a.get(PREVIEW, 'staff', {}, { date: w.day('2026-12-09') });
    expect(wednesday.status).toBe(422);
    expect(wednesday.body.errors).toEqual([expect.objectContaining({ field: 'query.date', code: 'not_processing_day' })]);
    expect((await a.get(PREVIEW, 'staff', {}, { date: '2026-02-30' })).status).toBe(400);
    expect((await a.get(PREVIEW, 'opac', {}, {})).status).toBe(403);
  });
});

describe('the run, then its labels and transit slips', () => {
  test('R-COOP-2, R-DISPATCH-1…3: the run does what the preview said — the same bags and items, the same failures', async () => {
    const run = await a.post(RUNS, 'staff', {}, { processingDay: day });
    expect(run.status).toBe(200);
    const { processed, dispatched, failed, released, rebalanced, bags } = run.body;
    expect({ processed, dispatched, failed, released, rebalanced, bags }).toEqual(preview.totals);

    // The bags: the labels of the run are the bags the preview showed, item for item, name for name.
    const labels = await a.get(LABELS, 'staff', { processingDay: day });
    expect(labels.status).toBe(200);
    expect(labels.body.labels).toEqual(preview.libraries.flatMap((l) => l.bags));
    // …and the records agree: each copy lent in its bag.
    const loans = await a.h.db.loan.findMany({ where: { lentOn: new Date(`${day}T00:00:00Z`) }, orderBy: { itemNumber: 'asc' } });
    expect(loans.map((l) => [l.reservationId, l.itemNumber, l.bag])).toEqual(
      preview.libraries
        .flatMap((l) =>
          l.bags.flatMap((b) =>
            (b as unknown as { items: { reservationId: string; itemNumber: string }[] }).items.map((i) => [i.reservationId, i.itemNumber, b.bag]),
          ),
        )
        .sort((x, y) => (x[1]! < y[1]! ? -1 : 1)),
    );

    // The failures: each reservation is now as the preview said, with its reason, and the copy where it said.
    await a.h.settle();
    for (const f of preview.libraries.flatMap((l) => l.failures) as unknown as {
      reservationId: string;
      next: string;
      failures: number;
      reason: unknown;
      copy: { reservation: { reservationId: string; status: string } | null };
    }[]) {
      const v = await a.h.view(f.reservationId);
      expect({ status: v.status, dispatchFailures: v.dispatchFailures, reason: v.reason }).toEqual({
        status: f.next,
        dispatchFailures: f.failures,
        reason: f.reason,
      });
    }
    expect((await a.h.view('W-C')).queuePosition).toBe(1); // R-DISPATCH-3: right behind the one served
    expect((await a.h.view('W-D')).status).toBe('IN_DELIVERY'); // the handed-on copy went out the same day
    expect((await a.h.view('W-E')).itemNumber).toBe('I-5'); // kept for next week
  });

  test('R-COOP-2: transit slips (搬送リスト) per library, with counts; no names; one library on request', async () => {
    const all = await a.get(SLIPS, 'staff', { processingDay: day });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ processingDay: day, transportOn: w.day('2026-12-11'), bagCount: 4, itemCount: 5 });
    expect(all.body.slips).toEqual([
      {
        libraryNo: 19,
        pickup: { code: 'coop:19', label: '弘前市立弘前図書館' },
        transportOn: w.day('2026-12-11'),
        bags: [{ bag: bag(19, 'P0004'), cardNumber: 'P0004', itemCount: 1, itemNumbers: ['I-4'] }],
        bagCount: 1,
        itemCount: 1,
      },
      {
        libraryNo: 30,
        pickup: { code: 'coop:30', label: '十和田市民図書館' },
        transportOn: w.day('2026-12-11'),
        bags: [
          { bag: bag(30, 'P0001'), cardNumber: 'P0001', itemCount: 2, itemNumbers: ['I-1', 'I-2'] },
          { bag: bag(30, 'P0002'), cardNumber: 'P0002', itemCount: 1, itemNumbers: ['I-3'] },
          { bag: bag(30, 'P0006'), cardNumber: 'P0006', itemCount: 1, itemNumbers: ['I-6'] },
        ],
        bagCount: 3,
        itemCount: 4,
      },
    ]);
    for (const name of Object.values(NAMES)) expect(all.text).not.toContain(name);

    const one = await a.call('GET', SLIPS, { as: 'staff', params: { processingDay: day }, query: { library: 30 } });
    expect(one.body.slips.map((s: { libraryNo: number }) => s.libraryNo)).toEqual([30]);
    expect(one.body).toMatchObject({ bagCount: 3, itemCount: 4 });
    const labels30 = await a.call('GET', LABELS, { as: 'staff', params: { processingDay: day }, query: { library: 30 } });
    expect(labels30.body.labels.map((l: { bag: string }) => l.bag)).toEqual([bag(30, 'P0001'), bag(30, 'P0002'), bag(30, 'P0006')]);
    const none = await a.call('GET', LABELS, { as: 'staff', params: { processingDay: day }, query: { library: 1 } });
    expect(none.body.labels).toEqual([]);
  });

  test('printed again later: the same labels; a processed day has no preview (409); a day without a run is 404; a bad library is 400', async () => {
    const first = await a.get(LABELS, 'staff', { processingDay: day });
    await a.h.advanceTo(w.at('2026-12-14T09:00')); // the copies are out; nothing about the bags changes
    expect((await a.get(LABELS, 'staff', { processingDay: day })).body).toEqual(first.body);

    const again = await a.get(PREVIEW, 'staff', {}, { date: day });
    expect(again.status).toBe(409);
    expect(again.body.ja).toMatch(/実行済み/);
    expect((await a.get(LABELS, 'staff', { processingDay: w.day('2026-12-03') })).status).toBe(404);
    expect((await a.get(SLIPS, 'staff', { processingDay: w.day('2026-12-03') })).status).toBe(404);
    expect((await a.call('GET', LABELS, { as: 'staff', params: { processingDay: day }, query: { library: 60 } })).status).toBe(400);
  });

  test('names are personal data: in the staff answers only, never in a log line', async () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const name of Object.values(NAMES)) expect(logLines.filter((l) => l.includes(name))).toEqual([]);
  });
});
