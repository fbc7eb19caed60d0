// The simulator's output: what happened to each reservation, what each request got, which mails
// left, and what every Thursday processing did. Records are collected while the scenario runs
// (`TimelineRecorder`) and put together at the end with the workflows' own views, the mail sink's
// log and the ThursdayRun table — the same sources staff and patrons see, not a second bookkeeping.
//
// Moments are JST with the offset, to the minute (seconds always :00). Between skips the time-skipping
// server's clock runs in real time, so an event set for 09:00 is handled at 09:00:00.1xx and the
// security delay that follows ends at 09:05:00.9xx, or 09:05:01.1xx on a busy machine; the seconds
// are the machine's speed, not the library's. The library's rules work in days; scenarios in minutes.
import { formatJst, parseNoticeKey, type LocalDate, type NoticeKind, type Refusal, type ReservationStatus, type RuleId } from '../domain';
import type { ReceivedMail } from '../infra/mail-sink';
import type { ReservationView } from '../services/reservation-view';
import type { ReservationEvent, ScenarioEvent } from './scenario';

const MINUTE_MS = 60_000;

/** A JST moment to the minute, e.g. `2027-03-01T09:05:00+09:00` for 09:05:01.147. */
export function jstMinute(moment: Date | string | number): string {
  const ms = new Date(moment).getTime();
  return formatJst(new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS));
}

/** R-STAFF-1: a `reserve` by staff says how the patron asked (a phone call or the counter). */
type PlacedVia = { placedVia?: 'phone' | 'counter' };
export type RequestRecord =
  | ({ at: string; do: ReservationEvent['do']; result: 'accepted'; status: ReservationStatus; due?: LocalDate } & PlacedVia)
  /** Refused by a rule; `rule` is null when the reservation had already ended and could not answer. */
  | ({ at: string; do: ReservationEvent['do']; result: 'rejected'; rule: RuleId | null; message: string; messageJa?: string } & PlacedVia)
  /** The reservation was never placed (its `reserve` was refused), so there was nobody to ask. */
  | { at: string; do: ReservationEvent['do']; result: 'skipped'; message: string };

/** An event that names no reservation (counter, check-in, library and patron settings), with its result. */
export type OtherEventRecord = { at: string; do: Exclude<ScenarioEvent['do'], ReservationEvent['do']> } & Record<string, unknown> &
  ({ result: 'accepted' } | { result: 'rejected'; rule: RuleId; message: string; messageJa: string });

/** One notice mailed (docs/notices.md): its kind, its moment, to whom, its subject. */
export interface MailRecord {
  at: string;
  kind: NoticeKind;
  /** PRE_DUE: the due date it was for; OVERDUE, DISPATCH_FAILED: the number. */
  occurrence?: string;
  to: string;
  subject: string;
}

export interface ReservationTimeline {
  patron: string;
  title: string;
  pickup: string;
  /** The status when the simulation stopped; null if the reservation was never placed. */
  final: ReservationStatus | null;
  item: string | null;
  /** 予約順位 while 確保待ち, else null. */
  queuePosition: number | null;
  transitions: { at: string; status: ReservationStatus; note?: string }[];
  /** The latest dates (pickup window, due date, …) as My Library shows them. */
  dates: Partial<
    Record<
      'pickupFrom' | 'pickupUntil' | 'processingDay' | 'due' | 'renewFrom' | 'renewUntil' | 'returnedOn' | 'suspendedUntil' | 'notNeededAfter',
      LocalDate
    >
  >;
  renewalsUsed: number;
  dispatchFailures: number;
  /** Why the library ended it or holds it back (R-DISPATCH-*, R-PREF-5, R-COOP-3), if it did. */
  reason: { rule: RuleId; message: string; messageJa: string } | null;
  mails: MailRecord[];
  requests: RequestRecord[];
}

export interface ThursdayRecord {
  at: string;
  processingDay: LocalDate;
  processed: number;
  dispatched: number;
  failed: number;
  released: number;
  rebalanced: number;
}

export interface ProblemRecord {
  level: string;
  message: string;
  activity?: string;
  workflowId?: string;
  error?: string;
}

export type StopReason = 'all-ended' | 'until' | 'limit' | 'no-reservations';

export interface Timeline {
  simulation: { start: string; end: string; stoppedBecause: StopReason };
  reservations: Record<string, ReservationTimeline>;
  thursdays: ThursdayRecord[];
  otherEvents: OtherEventRecord[];
  /** Warnings and errors the worker logged (e.g. an activity that failed and was retried). */
  problems: ProblemRecord[];
}

export function refusalFields(r: Refusal): { rule: RuleId; message: string; messageJa: string } {
  return { rule: r.rule, message: r.en, messageJa: r.ja };
}

interface Placement {
  patron: string;
  title: string;
  pickup: string;
  placed: boolean;
  requests: RequestRecord[];
}

export class TimelineRecorder {
  private readonly placements = new Map<string, Placement>();
  private readonly others: OtherEventRecord[] = [];

  /** A `reserve` event and what placeReservation answered. */
  reserve(e: Extract<ScenarioEvent, { do: 'reserve' }>, outcome: { ok: true } | { ok: false; refusal: Refusal }): void {
    const via = e.by === 'staff' ? { placedVia: e.channel ?? ('phone' as const) } : {};
    const request: RequestRecord = outcome.ok
      ? { at: jstMinute(e.at), do: 'reserve', result: 'accepted', status: 'APPLIED', ...via }
      : { at: jstMinute(e.at), do: 'reserve', result: 'rejected', ...refusalFields(outcome.refusal), ...via };
    this.placements.set(e.reservation, { patron: e.patron, title: e.title, pickup: e.pickup, placed: outcome.ok, requests: [request] });
  }

  isPlaced(reservationId: string): boolean {
    return this.placements.get(reservationId)?.placed ?? false;
  }

  /** Every reservation that was placed, in the order of their `reserve` events. */
  placedIds(): string[] {
    return [...this.placements].filter(([, p]) => p.placed).map(([id]) => id);
  }

  request(reservationId: string, record: RequestRecord): void {
    this.placements.get(reservationId)!.requests.push(record);
  }

  other(record: OtherEventRecord): void {
    this.others.push(record);
  }

  build(parts: {
    views: Map<string, ReservationView>;
    mails: readonly ReceivedMail[];
    thursdays: ThursdayRecord[];
    simulation: Timeline['simulation'];
    problems: ProblemRecord[];
  }): Timeline {
    const mailsOf = mailsByReservation(parts.mails);
    const reservations: Record<string, ReservationTimeline> = {};
    for (const [id, p] of this.placements) {
      const v = parts.views.get(id);
      reservations[id] = {
        patron: p.patron,
        title: p.title,
        pickup: v?.pickup ?? p.pickup, // the last one: a change (R-PICKUP-2) names another
        final: v?.status ?? null,
        item: v?.itemNumber ?? null,
        queuePosition: v?.queuePosition ?? null,
        transitions: (v?.transitions ?? []).map((t) => ({ at: jstMinute(t.at), status: t.status, ...(t.note ? { note: t.note } : {}) })),
        dates: v ? datesOf(v) : {},
        renewalsUsed: v?.renewalsUsed ?? 0,
        dispatchFailures: v?.dispatchFailures ?? 0,
        reason: v?.reason ? refusalFields(v.reason) : null,
        mails: mailsOf.get(id) ?? [],
        requests: p.requests,
      };
    }
    return { simulation: parts.simulation, reservations, thursdays: parts.thursdays, otherEvents: this.others, problems: parts.problems };
  }
}

function datesOf(v: ReservationView): ReservationTimeline['dates'] {
  const { placedOn: _placedOn, ...rest } = v.dates;
  return Object.fromEntries(Object.entries(rest).filter(([, d]) => d !== undefined)) as ReservationTimeline['dates'];
}

/** Every notice the sink received, by reservation: the outbox key travels as a custom argument. */
function mailsByReservation(received: readonly ReceivedMail[]): Map<string, MailRecord[]> {
  const byId = new Map<string, MailRecord[]>();
  for (const m of received) {
    const notice = parseNoticeKey(m.body.custom_args?.outbox_key ?? '');
    if (!notice) continue;
    const record: MailRecord = {
      at: jstMinute(m.receivedAt),
      kind: notice.kind,
      ...(notice.occurrence ? { occurrence: notice.occurrence } : {}),
      to: m.body.personalizations.flatMap((p) => p.to.map((t) => t.email)).join(', '),
      subject: m.body.subject,
    };
    byId.set(notice.reservationId, [...(byId.get(notice.reservationId) ?? []), record]);
  }
  return byId;
}
