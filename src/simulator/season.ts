// `npm run simulate -- --generate season:<N>[:<seed>]`: a season of N reservations, generated from a seed
// so that a run can be repeated, in the shape the library sees (issue 14):
//
// - patrons: one per three reservations, each with an e-mail address; one in five has a usual
//   cooperating library (the R-RETURN-3 exception);
// - titles: one per two reservations, 70 % with one copy and 30 % with two; popularity skewed (a few
//   titles are asked for often, most rarely), so queues form;
// - reservations spread over four weeks, Monday to Saturday in opening hours (09:00–19:00 JST), 30 % for
//   the prefectural library and 70 % over all 59 cooperating libraries; never a title the patron already
//   reserved (R-ITEM-3);
// - what patrons then do, in these shares: 8 % cancel within two days (R-CANCEL-1); the rest come for the
//   copy when it could first be there — a day or two after the request at the prefectural library, in the
//   pickup window after the next Thursday at a cooperating library (§6) — and 5 % of them never do (the
//   hold lapses: R-PREF-5, R-COOP-3); 25 % of the loans are renewed once three days before the due date
//   (R-RENEW-1); the copy comes back 7–20 days after the pickup, where it was picked up.
//
// The generator does not know what the service will decide: a patron whose title was still out comes
// on the day planned and is refused (the timeline says so, with the rule), as a real one would be.
// Everything runs through the same workflows and activities as any scenario.
import { addDays, COOP_LIBRARY_COUNT, formatJst, jstDateOf, jstInstant, weekday, WEEKDAY, type LocalDate } from '../domain';

export interface SeasonOptions {
  reservations: number;
  seed: number;
  /** The season's first day (a Monday, or the Monday after), JST. */
  firstDay: LocalDate;
}

/** mulberry32: a small seeded generator, enough to spread a season (not for anything secret). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SEASON_DAYS = 28;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Event {
  at: string;
  do: string;
  [field: string]: unknown;
}

/** The scenario (as a file would say it) of a generated season. */
export function generateSeason(opts: SeasonOptions): Record<string, unknown> {
  if (!Number.isInteger(opts.reservations) || opts.reservations < 1 || opts.reservations > 100_000)
    throw new RangeError(`a season has 1–100000 reservations, got ${opts.reservations}`);
  const rnd = random(opts.seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const between = (lo: number, hi: number): number => lo + rnd() * (hi - lo);

  let monday = opts.firstDay;
  while (weekday(monday) !== WEEKDAY.MONDAY) monday = addDays(monday, 1);

  const patronCount = Math.max(1, Math.ceil(opts.reservations / 3));
  const titleCount = Math.max(1, Math.ceil(opts.reservations / 2));
  const patrons = Array.from({ length: patronCount }, (_, i) => {
    const id = `S${String(i + 1).padStart(5, '0')}`;
    return {
      id,
      name: `利用者 ${id}`,
      email: `${id.toLowerCase()}@example.jp`,
      ...(rnd() < 0.2 ? { usualLibrary: 1 + pick(COOP_LIBRARY_COUNT) } : {}),
    };
  });
  const titles = Array.from({ length: titleCount }, (_, i) => {
    const id = `ST${String(i + 1).padStart(5, '0')}`;
    const copies = rnd() < 0.7 ? 1 : 2;
    return { id, title: `書名 ${id}`, copies: Array.from({ length: copies }, (_, c) => ({ item: `${id}-${c + 1}` })) };
  });
  // Popularity: title k is chosen with weight 1/(k+1) (Zipf's s = 1), so a few titles carry the queues.
  const weights = titles.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  const cumulative = weights.map((w) => (running += w / total));
  const popularTitle = (): number => {
    const r = rnd();
    const k = cumulative.findIndex((c) => c >= r);
    return k < 0 ? titles.length - 1 : k;
  };

  // The moments of the requests: Monday to Saturday, 09:00–19:00, over four weeks, in order.
  const openDays: LocalDate[] = [];
  for (let d = 0; d < SEASON_DAYS; d++) {
    const day = addDays(monday, d);
    if (weekday(day) !== WEEKDAY.SUNDAY) openDays.push(day);
  }
  const moments = Array.from({ length: opts.reservations }, () => {
    const day = openDays[pick(openDays.length)]!;
    return jstInstant(day, 9, 0).getTime() + Math.floor(between(0, 10 * HOUR) / 60_000) * 60_000;
  }).sort((a, b) => a - b);

  const reserved = new Set<string>();
  const events: Event[] = [];
  for (const [i, t] of moments.entries()) {
    const reservation = `SR${String(i + 1).padStart(6, '0')}`;
    let patron = patrons[pick(patrons.length)]!;
    let title = titles[popularTitle()]!;
    for (let tries = 0; reserved.has(`${patron.id}/${title.id}`) && tries < 20; tries++) {
      patron = patrons[pick(patrons.length)]!;
      title = titles[pick(titles.length)]!;
    }
    reserved.add(`${patron.id}/${title.id}`);
    const coop = rnd() < 0.7;
    const pickup = coop ? `coop:${1 + pick(COOP_LIBRARY_COUNT)}` : 'pref';
    events.push({ at: formatJst(new Date(t)), do: 'reserve', reservation, patron: patron.id, title: title.id, pickup });

    if (rnd() < 0.08) {
      events.push({ at: formatJst(new Date(toMinute(t + between(1 * HOUR, 48 * HOUR)))), do: 'cancel', reservation, by: 'patron' });
      continue;
    }
    if (rnd() < 0.05) continue; // never comes: the hold lapses
    const placedDay = jstDateOf(new Date(t));
    const pickedUp = coop ? coopPickupMoment(t, between(0, 6), rnd()) : openingHours(addDays(placedDay, 1 + pick(2)), rnd());
    events.push({ at: formatJst(new Date(pickedUp)), do: 'pickup', reservation });
    // R-RENEW-1: renewed (the OPAC) three days before the due date of §8's 15-day loan, at the same hour.
    if (rnd() < 0.25) events.push({ at: formatJst(new Date(pickedUp + 11 * DAY)), do: 'renew', reservation, channel: 'opac' });
    const returnDay = addDays(jstDateOf(new Date(pickedUp)), 7 + pick(14));
    events.push({ at: formatJst(new Date(openingHours(returnDay, rnd()))), do: 'returnAt', reservation, place: pickup });
  }
  // Events at their moments, in order (a file out of order is refused); equal moments keep their order.
  const ordered = events.map((e, k) => ({ e, k, t: Date.parse(e.at) })).sort((a, b) => a.t - b.t || a.k - b.k);
  const last = ordered.at(-1)!.t;
  return {
    description: `A generated season: ${opts.reservations} reservations over four weeks from ${monday} (seed ${opts.seed})`,
    patrons,
    titles,
    events: ordered.map((o) => o.e),
    // Returns at cooperating libraries travel back for days (R-RETURN-4); the story stops two weeks on.
    until: formatJst(new Date(last + 14 * DAY)),
  };
}

const toMinute = (ms: number): number => Math.floor(ms / 60_000) * 60_000;

/** A moment of `day` between 10:00 and 18:00 JST, on the minute. */
function openingHours(day: LocalDate, r: number): number {
  return jstInstant(day, 10, 0).getTime() + Math.floor(r * 8 * 60) * 60_000;
}

/**
 * A patron collecting at a cooperating library: in the window that opens the Sunday after the first
 * Thursday processing after the request (§6), `dayInWindow` days in, at an opening-hours moment.
 */
function coopPickupMoment(placedAt: number, dayInWindow: number, r: number): number {
  let day = jstDateOf(new Date(placedAt + 2 * HOUR)); // security delay and the pull: secured the same day or the next
  while (weekday(day) !== WEEKDAY.THURSDAY) day = addDays(day, 1);
  const sunday = addDays(day, 3);
  return openingHours(addDays(sunday, Math.floor(dayInWindow)), r);
}

/** `season:<N>` or `season:<N>:<seed>` (seed default 1). */
export function parseGenerateSpec(spec: string): { reservations: number; seed: number } | undefined {
  const m = /^season:(\d{1,6})(?::(\d{1,9}))?$/.exec(spec);
  if (!m) return undefined;
  const reservations = Number(m[1]);
  if (reservations < 1 || reservations > 100_000) return undefined;
  return { reservations, seed: m[2] === undefined ? 1 : Number(m[2]) };
}
