/**
 * Calendar days as the library counts them: a date in Japan Standard Time.
 *
 * Why a branded `YYYY-MM-DD` string rather than a `Date`: every rule in the spec counts whole days in
 * JST ("due Sun 12-20", "renewal from due-3"), while a `Date` is an instant whose calendar day depends on
 * the machine's time zone. The string is what the OPAC, the e-mail and the loan slip show, sorts correctly
 * as text, passes through JSON and Temporal payloads unchanged, and cannot be mistaken for an instant.
 *
 * JST is UTC+9 all year (Japan has had no daylight saving since 1951), so every conversion here is UTC
 * arithmetic plus nine hours. Nothing reads the clock or the machine's time zone: Temporal workflow code
 * imports this module and must stay deterministic.
 */

declare const localDateBrand: unique symbol;

/** A JST calendar date, `YYYY-MM-DD`. Make one with `parseLocalDate` or `jstDateOf`. */
export type LocalDate = string & { readonly [localDateBrand]: true };

/** An inclusive range of days, e.g. a pickup window or the renewal window. */
export interface DateRange {
  readonly from: LocalDate;
  readonly until: LocalDate;
}

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay` numbers them. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const WEEKDAY = {
  SUNDAY: 0,
  MONDAY: 1,
  TUESDAY: 2,
  WEDNESDAY: 3,
  THURSDAY: 4,
  FRIDAY: 5,
  SATURDAY: 6,
} as const satisfies Record<string, Weekday>;

const WEEKDAY_JA = ['日', '月', '火', '水', '木', '金', '土'] as const;
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const JST_OFFSET_MS = 9 * 60 * MS_PER_MINUTE;

const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid year/month/day, or undefined if the day does not exist (2027-02-29). */
function epochDayOfParts(year: number, month: number, day: number): number | undefined {
  // setUTCFullYear rather than Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  const valid = t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day;
  return valid ? Math.round(t.getTime() / MS_PER_DAY) : undefined;
}

function partsOf(text: string): { year: number; month: number; day: number } | undefined {
  const match = LOCAL_DATE_PATTERN.exec(text);
  if (!match) return undefined;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function epochDayOf(date: LocalDate): number {
  const parts = partsOf(date);
  const epochDay = parts && epochDayOfParts(parts.year, parts.month, parts.day);
  if (epochDay === undefined) throw new RangeError(`not a calendar date: ${String(date)}`);
  return epochDay;
}

function fromEpochDay(epochDay: number): LocalDate {
  const text = new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
  if (!LOCAL_DATE_PATTERN.test(text) || text.startsWith('0000')) {
    throw new RangeError(`date out of range (years 0001–9999): epoch day ${epochDay}`);
  }
  return text as LocalDate;
}

function assertInstant(instant: Date): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid Date');
  return t;
}

function assertInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min}–${max}, got ${value}`);
  }
}

/** True for a real calendar day written `YYYY-MM-DD` (rejects `2027-02-29`, `2026-1-5`, `0000-01-01`). */
export function isLocalDate(text: string): text is LocalDate {
  const parts = partsOf(text);
  return parts !== undefined && parts.year >= 1 && epochDayOfParts(parts.year, parts.month, parts.day) !== undefined;
}

/** Checks and brands a `YYYY-MM-DD` string; throws RangeError for anything else. */
export function parseLocalDate(text: string): LocalDate {
  if (!isLocalDate(text)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${text}`);
  return text;
}

/** The JST calendar day on which `instant` falls (23:59 UTC on 12-01 is already 12-02 in Aomori). */
export function jstDateOf(instant: Date): LocalDate {
  return fromEpochDay(Math.floor((assertInstant(instant) + JST_OFFSET_MS) / MS_PER_DAY));
}

/** `date` moved by `days` (negative moves back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromEpochDay(epochDayOf(date) + days);
}

/** `a − b` in days: `diffDays(due, today) > 0` means the due date is still ahead. */
export function diffDays(a: LocalDate, b: LocalDate): number {
  return epochDayOf(a) - epochDayOf(b);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): Weekday {
  // 1970-01-01 was a Thursday (4).
  return ((((epochDayOf(date) + 4) % 7) + 7) % 7) as Weekday;
}

/**
 * The last day of a period of `days` days that starts on `first`, counting `first` as day 1 — the way
 * the guide counts every period ("15 days counting the pickup start as day 1", "held 7 days counting
 * the e-mail day as day 1").
 */
export function lastDayOfPeriod(first: LocalDate, days: number): LocalDate {
  assertInteger('days', days, 1, Number.MAX_SAFE_INTEGER);
  return addDays(first, days - 1);
}

/** True when `date` lies in the inclusive range. */
export function isWithin(date: LocalDate, range: DateRange): boolean {
  return diffDays(date, range.from) >= 0 && diffDays(range.until, date) >= 0;
}

/** 00:00 JST of `date`, as an instant. */
export function startOfJstDay(date: LocalDate): Date {
  return new Date(epochDayOf(date) * MS_PER_DAY - JST_OFFSET_MS);
}

/**
 * The instant `date` ends in JST, i.e. 00:00 of the next day. A deadline such as "pick up until Sun" or
 * "due Sun" is met by anything strictly before this instant, so a timer set to it fires only once the
 * whole last day has passed.
 */
export function endOfJstDay(date: LocalDate): Date {
  return startOfJstDay(addDays(date, 1));
}

/** `hour:minute` JST on `date`, as an instant (e.g. the Thursday 10:00 processing). */
export function jstInstant(date: LocalDate, hour: number, minute: number): Date {
  assertInteger('hour', hour, 0, 23);
  assertInteger('minute', minute, 0, 59);
  return new Date(startOfJstDay(date).getTime() + (hour * 60 + minute) * MS_PER_MINUTE);
}

/**
 * ISO 8601 in JST with an explicit offset, e.g. `2026-12-03T10:00:00+09:00` — what patrons and staff
 * read. Milliseconds are shown only when not zero, so whole-minute deadlines stay short.
 */
export function formatJst(instant: Date): string {
  const shifted = new Date(assertInstant(instant) + JST_OFFSET_MS).toISOString(); // …T10:00:00.000Z
  const withoutZone = shifted.endsWith('.000Z') ? shifted.slice(0, -5) : shifted.slice(0, -1);
  return `${withoutZone}+09:00`;
}

/** `2026年12月17日(木)`, as the library writes dates in notices and messages. */
export function formatDateJa(date: LocalDate): string {
  const parts = partsOf(date);
  if (!parts) throw new RangeError(`not a calendar date: ${String(date)}`);
  return `${parts.year}年${parts.month}月${parts.day}日(${WEEKDAY_JA[weekday(date)]})`;
}

/** `Thu 2026-12-17`, the English counterpart of `formatDateJa`. */
export function formatDateEn(date: LocalDate): string {
  return `${WEEKDAY_EN[weekday(date)]} ${date}`;
}
