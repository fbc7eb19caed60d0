// What a scenario file may say, and what it may not. The shape is a zod 4 schema; the checks that
// look across the file (ids that must exist, ids that must be unique, the order of events, the rule
// R-LIMIT-2 for loan limits) are one superRefine, so every problem comes back as an issue with the
// JSON path it is about — `events[3].pickup: …` — and the CLI exits 2 listing them all.
//
// Decisions (see also README "Scenario simulator"):
// - Events must be in chronological order; equal moments are applied in the order listed. A file out
//   of order is refused rather than sorted, because a moment typed wrong would otherwise silently
//   move an event somewhere else in the story.
// - Every event names its moment with an offset (`+09:00` or `Z`): the library's days are JST days,
//   and a moment without an offset means a different day on every machine.
// - `until`, if given, may not be before the last event nor more than 180 days after it (the
//   simulator never runs longer than that).
// - Copies start 書架 or 禁帯 (or 貸出〇〇: out with someone outside the scenario). A copy out with a
//   scenario patron is a `loans` entry, which sets it 貸出 whatever its listed status. 予受待/予回送
//   mean a reservation holds the copy, which a scenario cannot start with.
import { z } from 'zod';
import {
  COOP_LIBRARY_COUNT,
  MATERIAL_TYPES,
  MAX_CONDUCT_REASON_LENGTH,
  checkLoanLimitChange,
  isLendable,
  isLocalDate,
  parseItemStatus,
  parsePlace,
  RETURN_VIAS,
  type Channel,
  type LocalDate,
} from '../domain';

/** The longest a simulation runs past its last event. */
export const MAX_DAYS_AFTER_LAST_EVENT = 180;
const DAY_MS = 86_400_000;

// ---- building blocks ----

const id = z.string().min(1, 'must not be empty');

const moment = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 moment with its offset, e.g. "2027-03-01T09:00:00+09:00"',
});

const localDate = z
  .string()
  .refine(isLocalDate, { error: (iss) => `must be a calendar date YYYY-MM-DD, got ${JSON.stringify(iss.input)}` })
  .transform((s) => s as LocalDate);

const place = z.string().refine((s) => parsePlace(s) !== undefined, {
  error: (iss) => `unknown place ${JSON.stringify(iss.input)}: use "pref" or "coop:1" … "coop:${COOP_LIBRARY_COUNT}"`,
});

const libraryNo = z
  .number()
  .int('must be a whole number')
  .min(1, `cooperating libraries are numbered 1 … ${COOP_LIBRARY_COUNT}`)
  .max(COOP_LIBRARY_COUNT, `cooperating libraries are numbered 1 … ${COOP_LIBRARY_COUNT}`);

const conductReason = z
  .string()
  .trim()
  .min(1, 'must say why (R-CONDUCT-1)')
  .max(MAX_CONDUCT_REASON_LENGTH, `at most ${MAX_CONDUCT_REASON_LENGTH} characters`);

const CHANNELS = ['opac', 'phone', 'counter', 'email'] as const satisfies readonly Channel[];
const channel = z.enum(CHANNELS);

const copyStatus = z
  .string()
  .refine(
    (s) => {
      const parsed = parseItemStatus(s);
      return parsed === '書架' || parsed === '禁帯' || (parsed !== undefined && parsed.startsWith('貸出'));
    },
    {
      error: (iss) =>
        `must be 書架, 禁帯 or 貸出〇〇 (e.g. 貸出一般), got ${JSON.stringify(iss.input)}; 予受待/予回送 belong to reservations, which start with the scenario`,
    },
  )
  .default('書架');

// ---- the file's sections ----

const patron = z.strictObject({
  id,
  name: z.string().min(1, 'must not be empty'),
  /** null or absent: no e-mail registered, so reserving is refused (R-ACCOUNT-1). */
  email: z.email('must be an e-mail address').nullable().optional(),
  loanLimit: z.number().optional(),
  /** The patron's usual cooperating library (R-RETURN-3 exception). */
  usualLibrary: libraryNo.optional(),
});

const copy = z.strictObject({
  item: id,
  type: z.enum(MATERIAL_TYPES).default('図書'),
  status: copyStatus,
});

const title = z.strictObject({
  id,
  title: z.string().min(1, 'must not be empty'),
  copies: z.array(copy),
});

const loan = z.strictObject({ item: id, patron: id, due: localDate });

export const EVENT_KINDS = [
  'reserve',
  'cancel',
  'checkout',
  'pickup',
  'renew',
  'returnAt',
  'checkIn',
  'libraryClosed',
  'libraryOpened',
  'setLoanLimit',
  'setUsualLibrary',
  'stopService',
  'restoreService',
  'pull',
  'notOnShelf',
  'closedDays',
  'reopenDays',
  'changePickup',
  'suspend',
  'resume',
  'notNeededAfter',
] as const;

const at = { at: moment };
const closure = {
  library: z.union([z.literal('pref'), libraryNo], { error: `must be "pref" or a cooperating library 1 … ${COOP_LIBRARY_COUNT}` }),
  from: localDate,
  to: localDate,
};
const reservationRef = { reservation: id };

const event = z.discriminatedUnion(
  'do',
  [
    // R-STAFF-1: by "staff" for a patron who phoned (channel "phone", the default) or came to the counter.
    z.strictObject({
      ...at,
      do: z.literal('reserve'),
      ...reservationRef,
      patron: id,
      title: id,
      pickup: place,
      by: z.enum(['patron', 'staff']).default('patron'),
      channel: z.enum(['phone', 'counter']).optional(),
    }),
    z.strictObject({ ...at, do: z.literal('cancel'), ...reservationRef, by: z.enum(['patron', 'staff']), channel: channel.optional() }),
    z.strictObject({ ...at, do: z.literal('checkout'), item: id, patron: id }),
    // cardShown: false — the patron came without the prefectural library's card (R-COOP-1, R-PREF-4). Omitted: true in a
    // scenario, sent to the workflow explicitly (the workflow and the API require it).
    z.strictObject({ ...at, do: z.literal('pickup'), ...reservationRef, cardShown: z.boolean().optional() }),
    z.strictObject({ ...at, do: z.literal('renew'), ...reservationRef, channel }),
    // R-RETURN-5: how it was handed in (default counter) and on which day (default the event's day; a
    // cooperating library reporting yesterday's returns names yesterday).
    z.strictObject({
      ...at,
      do: z.literal('returnAt'),
      ...reservationRef,
      place,
      via: z.enum(RETURN_VIAS).optional(),
      returnedOn: localDate.optional(),
    }),
    z.strictObject({
      ...at,
      do: z.literal('checkIn'),
      item: id,
      // R-RETURN-4: returns are processed at the prefectural library; a return at a cooperating
      // library is the reservation's `returnAt`, and its check-in here happens when the copy arrives.
      place: z
        .literal('pref', 'check-in happens at the prefectural library only: "pref" (a return at a cooperating library is "returnAt")')
        .default('pref'),
    }),
    z.strictObject({ ...at, do: z.literal('libraryClosed'), library: libraryNo }),
    z.strictObject({ ...at, do: z.literal('libraryOpened'), library: libraryNo }),
    z.strictObject({ ...at, do: z.literal('setLoanLimit'), patron: id, limit: z.number() }),
    z.strictObject({ ...at, do: z.literal('setUsualLibrary'), patron: id, library: libraryNo }),
    // R-CONDUCT-1: staff stop (or restore) the patron's use of the online service, with a reason.
    z.strictObject({ ...at, do: z.literal('stopService'), patron: id, reason: conductReason }),
    z.strictObject({ ...at, do: z.literal('restoreService'), patron: id, reason: conductReason }),
    // R-STATUS-1: staff take a copy on the pull list off the shelf (its scan secures it), or do not find it.
    z.strictObject({ ...at, do: z.literal('pull'), item: id }),
    z.strictObject({ ...at, do: z.literal('notOnShelf'), item: id }),
    // R-CLOSED-1: staff enter (or remove) closed days of the prefectural library or of a cooperating library.
    z.strictObject({ ...at, do: z.literal('closedDays'), ...closure }),
    z.strictObject({ ...at, do: z.literal('reopenDays'), ...closure }),
    // R-PICKUP-1, R-PICKUP-2: the patron (My Library) or staff change the pickup place.
    z.strictObject({ ...at, do: z.literal('changePickup'), ...reservationRef, pickup: place, by: z.enum(['patron', 'staff']) }),
    // R-SUSPEND-1, R-SUSPEND-2: 保留 until the day it resumes, and resuming sooner (by the patron unless said).
    z.strictObject({ ...at, do: z.literal('suspend'), ...reservationRef, until: localDate, by: z.enum(['patron', 'staff']).default('patron') }),
    z.strictObject({ ...at, do: z.literal('resume'), ...reservationRef, by: z.enum(['patron', 'staff']).default('patron') }),
    // R-SUSPEND-3: the not-needed-after day (不要日), or null to clear it.
    z.strictObject({
      ...at,
      do: z.literal('notNeededAfter'),
      ...reservationRef,
      day: localDate.nullable(),
      by: z.enum(['patron', 'staff']).default('patron'),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `unknown event kind ${JSON.stringify((iss.input as { do?: unknown } | undefined)?.do)}: use one of ${EVENT_KINDS.join(', ')}`
        : undefined,
  },
);

const scenarioShape = z.strictObject({
  /** Free text: what the scenario asks. */
  description: z.string().optional(),
  patrons: z.array(patron),
  titles: z.array(title),
  loans: z.array(loan).default([]),
  events: z.array(event),
  until: moment.optional(),
  /**
   * R-STATUS-1: who takes the copies on the pull list off the shelf. `auto` (default): staff scan each
   * `pullAfterMinutes` (default 60) after it was listed; `manual`: only the `pull` and `notOnShelf`
   * events do (docs/simulator.md).
   */
  pulling: z.enum(['auto', 'manual']).default('auto'),
  pullAfterMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(0, 'must not be negative')
    .max(10_080, 'at most a week (10080)')
    .optional(),
});

export const scenarioSchema = scenarioShape.superRefine((s, ctx) =>
  crossCheck(s, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
);

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];
export type EventOf<K extends ScenarioEvent['do']> = Extract<ScenarioEvent, { do: K }>;
/** The events that name a reservation: their results are listed under it (`requests`). */
export type ReservationEvent = EventOf<
  'reserve' | 'cancel' | 'pickup' | 'renew' | 'returnAt' | 'changePickup' | 'suspend' | 'resume' | 'notNeededAfter'
>;

export function namesReservation(e: ScenarioEvent): e is ReservationEvent {
  return 'reservation' in e;
}

// ---- checks across the file ----

function crossCheck(s: z.output<typeof scenarioShape>, issue: (path: (string | number)[], message: string) => void): void {
  const patrons = firstIndexById(
    s.patrons.map((p) => p.id),
    (i, dup) => issue(['patrons', i, 'id'], `duplicate patron id ${JSON.stringify(dup)}`),
  );
  const titles = firstIndexById(
    s.titles.map((t) => t.id),
    (i, dup) => issue(['titles', i, 'id'], `duplicate title id ${JSON.stringify(dup)}`),
  );
  const items = new Map<string, { type: (typeof MATERIAL_TYPES)[number]; status: string }>();
  s.titles.forEach((t, ti) =>
    t.copies.forEach((c, ci) => {
      if (items.has(c.item)) issue(['titles', ti, 'copies', ci, 'item'], `duplicate item number ${JSON.stringify(c.item)}`);
      else items.set(c.item, { type: c.type, status: c.status });
    }),
  );

  s.patrons.forEach((p, i) => {
    if (p.loanLimit === undefined) return;
    const change = checkLoanLimitChange(p.loanLimit); // R-LIMIT-2
    if (!change.ok) issue(['patrons', i, 'loanLimit'], `${change.refusal.rule}: ${change.refusal.en}`);
  });

  const lent = new Set<string>();
  s.loans.forEach((l, i) => {
    if (!patrons.has(l.patron)) issue(['loans', i, 'patron'], `unknown patron ${JSON.stringify(l.patron)}`);
    const item = items.get(l.item);
    if (!item) return issue(['loans', i, 'item'], `unknown item ${JSON.stringify(l.item)}`);
    if (lent.has(l.item)) return issue(['loans', i, 'item'], `item ${JSON.stringify(l.item)} is already lent by an earlier loan`);
    lent.add(l.item);
    if (item.status === '禁帯' || !isLendable(item.type))
      issue(['loans', i, 'item'], `item ${JSON.stringify(l.item)} (${item.type}, ${item.status}) cannot be lent (R-ITEM-1, R-ITEM-2)`);
  });

  const reservedAt = new Map<string, number>();
  s.events.forEach((e, i) => {
    if (e.do === 'reserve') {
      if (reservedAt.has(e.reservation))
        issue(
          ['events', i, 'reservation'],
          `reservation ${JSON.stringify(e.reservation)} is already reserved at events[${reservedAt.get(e.reservation)}]`,
        );
      else reservedAt.set(e.reservation, i);
    }
  });

  s.events.forEach((e, i) => {
    const path = (key: string) => ['events', i, key];
    if (i > 0 && Date.parse(e.at) < Date.parse(s.events[i - 1]!.at)) {
      issue(path('at'), `${e.at} is before events[${i - 1}].at (${s.events[i - 1]!.at}): events must be in chronological order`);
    }
    if ('patron' in e && !patrons.has(e.patron)) issue(path('patron'), `unknown patron ${JSON.stringify(e.patron)}`);
    if (e.do === 'reserve' && !titles.has(e.title)) issue(path('title'), `unknown title ${JSON.stringify(e.title)}`);
    if ('item' in e && !items.has(e.item)) issue(path('item'), `unknown item ${JSON.stringify(e.item)}`);
    if (namesReservation(e) && e.do !== 'reserve') {
      const placed = reservedAt.get(e.reservation);
      if (placed === undefined) issue(path('reservation'), `unknown reservation ${JSON.stringify(e.reservation)}: no "reserve" event places it`);
      else if (placed > i) issue(path('reservation'), `reservation ${JSON.stringify(e.reservation)} is placed only later, at events[${placed}]`);
    }
    if (e.do === 'reserve' && e.channel !== undefined && e.by !== 'staff') {
      issue(path('channel'), 'a patron reserves in My Library; "channel" (phone or counter) is for "by": "staff" (R-STAFF-1)');
    }
    if (e.do === 'setLoanLimit') {
      const change = checkLoanLimitChange(e.limit); // R-LIMIT-2
      if (!change.ok) issue(path('limit'), `${change.refusal.rule}: ${change.refusal.en}`);
    }
  });

  if (s.pullAfterMinutes !== undefined && s.pulling === 'manual') {
    issue(['pullAfterMinutes'], 'pullAfterMinutes applies to "pulling": "auto" only; with "manual" the pull and notOnShelf events scan');
  }

  if (s.until !== undefined && s.events.length > 0) {
    const last = s.events[s.events.length - 1]!.at;
    const until = Date.parse(s.until);
    if (until < Date.parse(last)) issue(['until'], `${s.until} is before the last event (${last})`);
    if (until > Date.parse(last) + MAX_DAYS_AFTER_LAST_EVENT * DAY_MS) {
      issue(['until'], `${s.until} is more than ${MAX_DAYS_AFTER_LAST_EVENT} days after the last event (${last})`);
    }
  }
}

/** Map of id → first index; calls `onDuplicate` for every later occurrence. */
function firstIndexById(ids: string[], onDuplicate: (index: number, id: string) => void): Map<string, number> {
  const seen = new Map<string, number>();
  ids.forEach((x, i) => (seen.has(x) ? onDuplicate(i, x) : seen.set(x, i)));
  return seen;
}

// ---- parsing, with issues as `path: message` ----

export interface ScenarioIssue {
  /** `events[3].pickup`, or `(root)` for the file as a whole. */
  path: string;
  message: string;
}

export type ParsedScenario = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

export function parseScenario(input: unknown): ParsedScenario {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return { ok: true, scenario: result.data };
  return { ok: false, issues: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

/** The text of a scenario file: JSON first, then the schema. */
export function parseScenarioText(text: string): ParsedScenario {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [{ path: '(root)', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  return parseScenario(input);
}

/**
 * Moments must lie after `nowMs`, the simulation's start (the time-skipping server's clock starts at
 * the real current time and only moves forward). Returns an issue for each moment that does not.
 */
export function checkMomentsAfter(s: Scenario, nowMs: number, nowLabel: string): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const past = (m: string) => Date.parse(m) <= nowMs;
  const why = (m: string) =>
    `${m} is not in the future: the simulation starts now (${nowLabel}) and its clock only moves forward; move the scenario's dates later (whole weeks keep the weekdays)`;
  s.events.forEach((e, i) => past(e.at) && issues.push({ path: `events[${i}].at`, message: why(e.at) }));
  if (s.until !== undefined && past(s.until)) issues.push({ path: 'until', message: why(s.until) });
  return issues;
}
