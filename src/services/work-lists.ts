// Staff work lists (issue 10): what Thursday processing will pack and what will fail (the preview),
// the bag labels and transit slips of a run (R-COOP-2, printed again from the bags stored with the
// run), the prefectural library's hold shelf (貸出可能) and the holds that expired today (R-PREF-5), and
// the copies travelling back from cooperating libraries (R-RETURN-4). Read from the records only.
//
// Names (氏名) are personal data: they are in these staff answers and nowhere else — never logged, not
// stored with the run (a label reads the patron's name when it is printed), not on the transit slip,
// which travels with the courier (the bag code and card number identify a bag there).
import {
  addDays,
  coopDates,
  coopReturnTrip,
  diffDays,
  endOfJstDay,
  formatDateJa,
  formatJst,
  isMovedProcessingDay,
  jstDateOf,
  jstInstant,
  nextProcessing,
  parsePlace,
  processingDayWithClosures,
  RESERVATION_STATUS_JA,
  startOfJstDay,
  weekday,
  formatDateEn,
  DEFAULT_PROCESSING_SCHEDULE,
  type LocalDate,
  type ProcessingSchedule,
  type Refusal,
  type ReservationStatus,
} from '../domain';
import type { Db, Tx } from '../db/client';
import { fromDbDate, toDbDate } from '../db/dates';
import { loadClosedDays } from '../activities/closed-days';
import type { ThursdayOptions } from '../activities/thursday';
import type { CopyFate, PackedBag, ThursdayResult } from '../activities/thursday-decisions';
import { NotFoundError } from './errors';
import { ITEM_STATUS_JA } from './place-reservation';
import { previewThursday } from './thursday-preview';

type PlaceRef = { code: string; label: string };

/** The library's own words for the columns of its lists (見出し), by field. */
export const HEADINGS = {
  cardNumber: '利用者番号',
  name: '氏名',
  pickup: '受取館',
  pickupWindow: '受取期間',
  itemNumber: '資料番号',
  title: '書名',
  bag: '専用袋',
  pickupUntil: '取置期限',
  action: '処理',
  library: '協力館',
  handedInOn: '返却日',
  expectedOn: '到着予定日',
} as const;

const pick = (...keys: (keyof typeof HEADINGS)[]): Record<string, string> => Object.fromEntries(keys.map((k) => [k, HEADINGS[k]]));

async function placeRefs(tx: Db | Tx, codes: Iterable<string>): Promise<Map<string, PlaceRef>> {
  const wanted = [...new Set(codes)];
  if (wanted.length === 0) return new Map();
  const rows = await tx.pickupPlace.findMany({ where: { code: { in: wanted } }, select: { code: true, label: true } });
  return new Map(rows.map((p) => [p.code, { code: p.code, label: p.label }]));
}

const placeOf = (places: Map<string, PlaceRef>, code: string): PlaceRef => places.get(code) ?? { code, label: code };
const libraryNoOf = (code: string): number => {
  const p = parsePlace(code);
  return p?.kind === 'coop' ? p.no : 0;
};
const windowText = (from: LocalDate, until: LocalDate) => `${formatDateJa(from)} ~ ${formatDateJa(until)}`;

// ---------------------------------------------------------------------------------------------------
// Bag labels and transit slips (R-COOP-2)

export interface BagLabel {
  bag: string;
  libraryNo: number;
  /** 受取館 */
  pickup: PlaceRef;
  /** 利用者番号, 氏名 */
  cardNumber: string;
  name: string;
  /** 受取期間 (R-COOP-4) */
  pickupFrom: LocalDate;
  pickupUntil: LocalDate;
  pickupWindow: string;
  /** 資料番号, 書名 */
  items: { reservationId: string; itemNumber: string; titleId: string; title: string }[];
  /** The label as printed, line by line, in the library's words. */
  printed: string[];
}

/** The labels of these bags, with the patrons' names and the titles read now. */
export async function bagLabels(tx: Db | Tx, bags: readonly PackedBag[]): Promise<BagLabel[]> {
  const [patrons, titles, places] = await Promise.all([
    tx.patron.findMany({ where: { id: { in: [...new Set(bags.map((b) => b.patronId))] } }, select: { id: true, cardNumber: true, name: true } }),
    tx.title.findMany({ where: { id: { in: [...new Set(bags.flatMap((b) => b.items.map((i) => i.titleId)))] } }, select: { id: true, title: true } }),
    placeRefs(
      tx,
      bags.map((b) => b.place),
    ),
  ]);
  const patron = new Map(patrons.map((p) => [p.id, p]));
  const title = new Map(titles.map((t) => [t.id, t.title]));
  return bags.map((b) => {
    const p = patron.get(b.patronId) ?? { cardNumber: '', name: '' };
    const pickup = placeOf(places, b.place);
    const items = b.items.map((i) => ({ ...i, title: title.get(i.titleId) ?? i.titleId }));
    const pickupWindow = windowText(b.pickupFrom, b.pickupUntil);
    return {
      bag: b.bag,
      libraryNo: libraryNoOf(b.place),
      pickup,
      cardNumber: p.cardNumber,
      name: p.name,
      pickupFrom: b.pickupFrom,
      pickupUntil: b.pickupUntil,
      pickupWindow,
      items,
      printed: [
        'オンライン貸出サービス',
        `${HEADINGS.cardNumber}:${p.cardNumber}`,
        `${HEADINGS.name}:${p.name}`,
        `${HEADINGS.pickup}:${pickup.label}`,
        `${HEADINGS.pickupWindow}:${pickupWindow}`,
        ...items.map((i) => `${HEADINGS.itemNumber}:${i.itemNumber} ${HEADINGS.title}:${i.title}`),
      ],
    };
  });
}

export interface TransitSlip {
  libraryNo: number;
  pickup: PlaceRef;
  /** Fri P+1: 協力館へ搬送 */
  transportOn: LocalDate;
  bags: { bag: string; cardNumber: string; itemCount: number; itemNumbers: string[] }[];
  bagCount: number;
  itemCount: number;
}

/** 搬送リスト: per cooperating library, its bags and counts (no names: the slip travels with the courier). */
function transitSlips(processingDay: LocalDate, labels: readonly BagLabel[]): TransitSlip[] {
  const byLibrary = new Map<number, BagLabel[]>();
  for (const l of labels) byLibrary.set(l.libraryNo, [...(byLibrary.get(l.libraryNo) ?? []), l]);
  return [...byLibrary.entries()]
    .sort(([a], [b]) => a - b)
    .map(([libraryNo, ls]) => ({
      libraryNo,
      pickup: ls[0]!.pickup,
      transportOn: coopDates(processingDay).transport,
      bags: ls.map((l) => ({ bag: l.bag, cardNumber: l.cardNumber, itemCount: l.items.length, itemNumbers: l.items.map((i) => i.itemNumber) })),
      bagCount: ls.length,
      itemCount: ls.reduce((n, l) => n + l.items.length, 0),
    }));
}

async function storedBags(db: Db, day: LocalDate, libraryNo: number | undefined): Promise<PackedBag[]> {
  const run = await db.thursdayRun.findUnique({ where: { processingDate: toDbDate(day) }, select: { packedBags: true } });
  if (!run) throw new NotFoundError('thursdayRun', day);
  const bags = run.packedBags as unknown as PackedBag[];
  return libraryNo === undefined ? bags : bags.filter((b) => libraryNoOf(b.place) === libraryNo);
}

/** The labels of the bags a run packed, by library (its number order), each library's bags in the order they were packed. */
export async function runLabels(db: Db, day: LocalDate, libraryNo?: number) {
  const labels = await bagLabels(db, await storedBags(db, day, libraryNo));
  return {
    processingDay: day,
    headings: pick('cardNumber', 'name', 'pickup', 'pickupWindow', 'itemNumber', 'title', 'bag'),
    labels: labels.sort((a, b) => a.libraryNo - b.libraryNo),
  };
}

/** The transit slips (搬送リスト) of a run, one per cooperating library that gets bags. */
export async function runTransitSlips(db: Db, day: LocalDate, libraryNo?: number) {
  const slips = transitSlips(day, await bagLabels(db, await storedBags(db, day, libraryNo)));
  return {
    processingDay: day,
    transportOn: coopDates(day).transport,
    headings: pick('library', 'bag', 'cardNumber', 'itemNumber'),
    slips,
    bagCount: slips.reduce((n, s) => n + s.bagCount, 0),
    itemCount: slips.reduce((n, s) => n + s.itemCount, 0),
  };
}

// ---------------------------------------------------------------------------------------------------
// The Thursday preview

export type PreviewOutcome =
  | { ok: true; preview: Awaited<ReturnType<typeof previewView>> }
  | { ok: false; problem: 'not-processing-day' | 'already-run'; ja: string; en: string };

/**
 * What the processing of `day` (default: the next processing day from `now`) would do if it ran now
 * with the worker's options: the same decisions as the run (src/services/thursday-preview.ts). A day
 * already processed has its labels instead.
 */
export async function thursdayPreview(
  db: Db,
  req: { day?: LocalDate | undefined; now: Date; schedule?: Partial<ProcessingSchedule> | undefined; options: ThursdayOptions },
): Promise<PreviewOutcome> {
  const schedule = { ...DEFAULT_PROCESSING_SCHEDULE, ...req.schedule };
  const asked = req.day ?? jstDateOf(nextProcessing(req.now, schedule));
  // R-CLOSED-2: a processing day the prefectural library is closed on is previewed as the day it moved to.
  const closed = await loadClosedDays(db, addDays(asked, -7 * 9));
  const day = weekday(asked) === schedule.weekday ? processingDayWithClosures(asked, closed) : asked;
  if (weekday(asked) !== schedule.weekday && !isMovedProcessingDay(asked, schedule.weekday, closed)) {
    return {
      ok: false,
      problem: 'not-processing-day',
      ja: `${formatDateJa(day)}は貸出処理日ではありません。`,
      en: `${formatDateEn(day)} is not a processing day.`,
    };
  }
  if (await db.thursdayRun.findUnique({ where: { processingDate: toDbDate(day) }, select: { processingDate: true } })) {
    return {
      ok: false,
      problem: 'already-run',
      ja: `${formatDateJa(day)}の貸出処理は実行済みです。ラベルと搬送リストを確認してください。`,
      en: `The processing of ${formatDateEn(day)} has already run; see its labels and transit slips.`,
    };
  }
  const at = jstInstant(day, schedule.hour, schedule.minute);
  const preview = await previewThursday(db, { at, options: req.options }, (tx, result) => previewView(tx, day, at, req.options, result));
  return { ok: true, preview };
}

type ReservationBrief = { reservationId: string; cardNumber: string; name: string; pickup: PlaceRef; status: ReservationStatus; statusLabel: string };

const COPY_LABEL: Record<CopyFate['to'], string> = {
  kept: '確保済みのまま(次回の貸出処理へ)',
  shelf: '書架へ戻す',
  reservation: '次の予約者へ',
};

async function previewView(tx: Tx, day: LocalDate, at: Date, options: ThursdayOptions, result: ThursdayResult) {
  const failing = result.steps.filter((s) => s.kind !== 'dispatched');
  const receivers = failing.flatMap((s) => (s.copy.to === 'reservation' ? [s.copy] : []));
  const [labels, rows] = await Promise.all([
    bagLabels(tx, result.bags),
    tx.reservation.findMany({
      where: { id: { in: [...failing.map((s) => s.reservation.id), ...receivers.map((c) => c.reservationId)] } },
      select: {
        id: true,
        pickupPlaceCode: true,
        titleId: true,
        title: { select: { title: true } },
        patron: { select: { cardNumber: true, name: true } },
      },
    }),
  ]);
  const row = new Map(rows.map((r) => [r.id, r]));
  const places = await placeRefs(
    tx,
    rows.map((r) => r.pickupPlaceCode),
  );
  const brief = (id: string, status: ReservationStatus): ReservationBrief => {
    const r = row.get(id)!;
    return {
      reservationId: id,
      cardNumber: r.patron.cardNumber,
      name: r.patron.name,
      pickup: placeOf(places, r.pickupPlaceCode),
      status,
      statusLabel: RESERVATION_STATUS_JA[status],
    };
  };
  const failures = failing.map((s) => {
    const r = row.get(s.reservation.id)!;
    const next: ReservationStatus = s.kind === 'rebalanced' ? 'WAITING' : s.next;
    return {
      reservationId: s.reservation.id,
      libraryNo: libraryNoOf(r.pickupPlaceCode),
      pickup: placeOf(places, r.pickupPlaceCode),
      cardNumber: r.patron.cardNumber,
      name: r.patron.name,
      itemNumber: s.reservation.itemNumber!,
      titleId: r.titleId,
      title: r.title.title,
      /** R-DISPATCH-1 (not lendable) or R-DISPATCH-4 (put back). */
      cause: s.cause as Refusal,
      /** Failed dispatches counted after this run (R-DISPATCH-2). */
      failures: s.kind === 'rebalanced' ? s.reservation.dispatchFailures : s.failures,
      next,
      nextLabel: RESERVATION_STATUS_JA[next],
      /** R-DISPATCH-2/3: what My Library will show; null when put back (R-DISPATCH-4). */
      reason: s.kind === 'failed' ? (s.reason as Refusal) : null,
      copy: {
        goesTo: s.copy.to,
        label: COPY_LABEL[s.copy.to],
        reservation: s.copy.to === 'reservation' ? brief(s.copy.reservationId, s.copy.status) : null,
      },
    };
  });
  const libraries = [...new Set([...labels.map((l) => l.libraryNo), ...failures.map((f) => f.libraryNo)])].sort((a, b) => a - b);
  return {
    processingDay: day,
    processingAt: formatJst(at),
    options: { rebalance: options.rebalance, longOverdueGraceDays: options.longOverdueGraceDays },
    headings: pick('cardNumber', 'name', 'pickup', 'pickupWindow', 'itemNumber', 'title', 'bag'),
    totals: result.counts,
    libraries: libraries.map((no) => {
      const bags = labels.filter((l) => l.libraryNo === no);
      const theirs = failures.filter((f) => f.libraryNo === no);
      return {
        libraryNo: no,
        pickup: bags[0]?.pickup ?? theirs[0]!.pickup,
        bags,
        bagCount: bags.length,
        itemCount: bags.reduce((n, b) => n + b.items.length, 0),
        failures: theirs.map(({ libraryNo: _no, pickup: _p, ...f }) => f),
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// The hold shelf at the prefectural library (R-PREF-2, R-PREF-5)

/** 貸出可能 at the prefectural library: the copies on the hold shelf, the ones set aside first first. */
export async function holdShelf(db: Db, today: LocalDate) {
  const rows = await db.reservation.findMany({
    where: { status: 'READY', pickupPlaceCode: 'pref' },
    select: {
      id: true,
      itemNumber: true,
      titleId: true,
      securedAt: true,
      pickupFrom: true,
      pickupUntil: true,
      pickupPlaceCode: true,
      title: { select: { title: true } },
      patron: { select: { cardNumber: true, name: true } },
    },
    orderBy: [{ securedAt: 'asc' }, { id: 'asc' }],
  });
  const places = await placeRefs(db, ['pref']);
  return {
    today,
    headings: pick('itemNumber', 'title', 'cardNumber', 'name', 'pickupUntil'),
    items: rows.map((r) => {
      const pickupUntil = r.pickupUntil ? fromDbDate(r.pickupUntil) : null;
      return {
        reservationId: r.id,
        itemNumber: r.itemNumber ?? '',
        titleId: r.titleId,
        title: r.title.title,
        cardNumber: r.patron.cardNumber,
        name: r.patron.name,
        pickup: placeOf(places, r.pickupPlaceCode),
        securedAt: r.securedAt ? formatJst(r.securedAt) : null,
        pickupFrom: r.pickupFrom ? fromDbDate(r.pickupFrom) : null,
        pickupUntil,
        daysLeft: pickupUntil ? diffDays(pickupUntil, today) : null,
      };
    }),
  };
}

/**
 * 取置期限切れ: the holds released on `date` because they were not collected (R-PREF-5; the workflow
 * releases them as the last day ends, so a hold whose last day was D-1 is released on D), and what the
 * release did with each copy (spec §5 Decision): given at once to the next waiting reservation — its
 * hold here, or a cooperating library's Thursday — or back to 書架.
 */
export async function holdShelfExpired(db: Db, date: LocalDate) {
  const released = await db.reservation.findMany({
    where: {
      status: 'RELEASED',
      endReason: 'R-PREF-5',
      pickupPlaceCode: 'pref',
      endedAt: { gte: startOfJstDay(date), lt: endOfJstDay(date) },
    },
    select: {
      id: true,
      itemNumber: true,
      titleId: true,
      endedAt: true,
      pickupUntil: true,
      reason: true,
      title: { select: { title: true } },
      patron: { select: { cardNumber: true, name: true } },
      item: { select: { status: true } },
    },
    // Oldest first: the hold that ended first, the copy set aside first (not the moment of the release,
    // which is the workflow's timer firing just after midnight).
    orderBy: [{ pickupUntil: 'asc' }, { securedAt: 'asc' }, { id: 'asc' }],
  });
  // The copy's next holder: secured in the release's own transaction, so at the very same moment.
  const moments = [...new Set(released.map((r) => r.endedAt!.getTime()))].map((t) => new Date(t));
  const handed = moments.length
    ? await db.reservationTransition.findMany({
        where: {
          at: { in: moments },
          status: { in: ['READY', 'SECURED'] },
          reservation: { titleId: { in: [...new Set(released.map((r) => r.titleId))] } },
        },
        select: {
          at: true,
          status: true,
          reservation: {
            select: {
              id: true,
              titleId: true,
              itemNumber: true,
              pickupPlaceCode: true,
              status: true,
              patron: { select: { cardNumber: true, name: true } },
            },
          },
        },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      })
    : [];
  const places = await placeRefs(db, ['pref', ...handed.map((h) => h.reservation.pickupPlaceCode)]);
  const claimed = new Set<string>();
  const nextOf = (r: (typeof released)[number]) => {
    const same = handed.filter(
      (h) => h.at.getTime() === r.endedAt!.getTime() && h.reservation.titleId === r.titleId && !claimed.has(h.reservation.id),
    );
    const found = same.find((h) => h.reservation.itemNumber === r.itemNumber) ?? same[0];
    if (found) claimed.add(found.reservation.id);
    return found;
  };
  return {
    date,
    headings: pick('itemNumber', 'title', 'cardNumber', 'name', 'pickupUntil', 'action'),
    items: released.map((r) => {
      const next = nextOf(r);
      const status = next?.status as 'READY' | 'SECURED' | undefined;
      return {
        reservationId: r.id,
        itemNumber: r.itemNumber ?? '',
        titleId: r.titleId,
        title: r.title.title,
        cardNumber: r.patron.cardNumber,
        name: r.patron.name,
        pickupUntil: r.pickupUntil ? fromDbDate(r.pickupUntil) : null,
        releasedAt: formatJst(r.endedAt!),
        reason: (r.reason as Refusal | null) ?? null,
        itemStatus: r.item ? (ITEM_STATUS_JA[r.item.status] ?? r.item.status) : null,
        action: next ? ('next-reserver' as const) : ('reshelve' as const),
        actionLabel: !next
          ? '書架へ戻す'
          : status === 'READY'
            ? '次の予約者の取置へ(取置資料として棚に残す)'
            : `次の予約者へ(${placeOf(places, next.reservation.pickupPlaceCode).label}への発送を待つ)`,
        next: next
          ? {
              reservationId: next.reservation.id,
              cardNumber: next.reservation.patron.cardNumber,
              name: next.reservation.patron.name,
              pickup: placeOf(places, next.reservation.pickupPlaceCode),
              status: status!,
              statusLabel: RESERVATION_STATUS_JA[status!],
            }
          : null,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Copies travelling back from cooperating libraries (R-RETURN-4)

type InTransitKind = 'returned' | 'uncollected' | 'cancelled';
const IN_TRANSIT_LABEL: Record<InTransitKind, string> = {
  returned: '返却(協力館から搬送中)',
  uncollected: '予回送(受取期限切れ)',
  cancelled: '予回送(取消)',
};

/**
 * Copies on their way back to the prefectural library and not yet checked in: loans returned at a
 * cooperating library (still 貸出中, R-RETURN-4), and copies 予回送 back from a delivery that was
 * cancelled or not collected (R-CANCEL-3, R-COOP-3). Each with the day it should arrive (the §6
 * calendar: coopReturnTrip), by library, oldest first; late once that day has passed.
 */
export async function inTransit(db: Db, today: LocalDate) {
  const returned = await db.loan.findMany({
    where: { state: 'RETURNED_IN_TRANSIT' },
    select: {
      id: true,
      itemNumber: true,
      reservationId: true,
      returnedOn: true,
      returnedAt: true,
      item: { select: { titleId: true, title: { select: { title: true } } } },
      patron: { select: { cardNumber: true } },
    },
  });
  const travelling = await db.item.findMany({
    where: { status: 'IN_TRANSIT', reservations: { none: { status: 'SECURED' } } },
    select: {
      itemNumber: true,
      titleId: true,
      title: { select: { title: true } },
      loans: {
        orderBy: [{ lentOn: 'desc' }, { lentAt: { sort: 'desc', nulls: 'last' } }],
        take: 1,
        select: {
          id: true,
          state: true,
          patron: { select: { cardNumber: true } },
          reservation: { select: { id: true, status: true, pickupPlaceCode: true, pickupUntil: true, endedAt: true } },
        },
      },
    },
  });
  type Entry = {
    libraryCode: string;
    kind: InTransitKind;
    itemNumber: string;
    titleId: string;
    title: string;
    cardNumber: string;
    reservationId: string | null;
    loanId: string;
    handedInOn: LocalDate;
  };
  const entries: Entry[] = [];
  for (const l of returned) {
    if (!l.returnedOn || !l.returnedAt || parsePlace(l.returnedAt)?.kind !== 'coop') continue;
    entries.push({
      libraryCode: l.returnedAt,
      kind: 'returned',
      itemNumber: l.itemNumber,
      titleId: l.item.titleId,
      title: l.item.title.title,
      cardNumber: l.patron.cardNumber,
      reservationId: l.reservationId,
      loanId: l.id,
      handedInOn: fromDbDate(l.returnedOn),
    });
  }
  for (const i of travelling) {
    const loan = i.loans[0];
    const r = loan?.reservation;
    if (!loan || loan.state !== 'UNDONE' || !r?.endedAt || (r.status !== 'CANCELLED' && r.status !== 'RELEASED')) continue;
    // Back with the collection after the day the copy stopped waiting at the library: the day of the
    // cancel, or the last day of the pickup window (the release comes as that day ends).
    const ended = jstDateOf(r.endedAt);
    const until = r.pickupUntil ? fromDbDate(r.pickupUntil) : ended;
    entries.push({
      libraryCode: r.pickupPlaceCode,
      kind: r.status === 'CANCELLED' ? 'cancelled' : 'uncollected',
      itemNumber: i.itemNumber,
      titleId: i.titleId,
      title: i.title.title,
      cardNumber: loan.patron.cardNumber,
      reservationId: r.id,
      loanId: loan.id,
      handedInOn: diffDays(ended, until) <= 0 ? ended : until,
    });
  }
  const places = await placeRefs(
    db,
    entries.map((e) => e.libraryCode),
  );
  const items = entries
    .map(({ libraryCode, ...e }) => {
      const trip = coopReturnTrip(e.handedInOn); // R-RETURN-4: collected Monday, processed Wednesday
      return {
        libraryCode,
        ...e,
        kindLabel: IN_TRANSIT_LABEL[e.kind],
        collectionOn: trip.collection,
        expectedOn: trip.arrival,
        late: diffDays(today, trip.arrival) > 0,
      };
    })
    .sort((a, b) => diffDays(a.expectedOn, b.expectedOn) || diffDays(a.handedInOn, b.handedInOn) || (a.itemNumber < b.itemNumber ? -1 : 1));
  const byLibrary = new Map<string, typeof items>();
  for (const e of items) byLibrary.set(e.libraryCode, [...(byLibrary.get(e.libraryCode) ?? []), e]);
  const libraries = [...byLibrary.entries()].map(([code, es]) => ({
    libraryNo: libraryNoOf(code),
    library: placeOf(places, code),
    items: es.map(({ libraryCode: _c, ...e }) => e),
    count: es.length,
    lateCount: es.filter((e) => e.late).length,
  }));
  return {
    today,
    headings: pick('library', 'itemNumber', 'title', 'cardNumber', 'handedInOn', 'expectedOn'),
    libraries, // oldest first: a library's first copy expected earliest comes first (items are sorted so)
    count: items.length,
    lateCount: items.filter((e) => e.late).length,
  };
}
