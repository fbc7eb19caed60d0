/**
 * Date arithmetic for the tests, written independently of src/domain/local-date.ts (Date.parse on UTC
 * midnights) so that a calendar test does not check the code against itself.
 */
import { parseLocalDate, type LocalDate } from '../../src/domain';

const MS_PER_DAY = 86_400_000;

export const d = (text: string): LocalDate => parseLocalDate(text);

const utcDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;

export const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** 'Sun' … 'Sat' of a YYYY-MM-DD date. */
export const dayName = (date: string): string => WEEKDAY_NAMES[new Date(utcDay(date) * MS_PER_DAY).getUTCDay()] ?? '?';

/** Number of days from `first` to `last`, both counted (a Sunday-to-Sunday window is 8). */
export const daysInclusive = (first: string, last: string): number => utcDay(last) - utcDay(first) + 1;

/** Every date from `first` to `last` inclusive. */
export function eachDay(first: string, last: string): LocalDate[] {
  const days: LocalDate[] = [];
  for (let day = utcDay(first); day <= utcDay(last); day++) {
    days.push(d(new Date(day * MS_PER_DAY).toISOString().slice(0, 10)));
  }
  return days;
}

/** The instant `hh:mm[:ss.mmm]` JST on `date`, built from an ISO string with an explicit offset. */
export const jst = (date: string, time: string): Date => new Date(`${date}T${time}+09:00`);

/** The sweep the spec asks for: two years of days. */
export const SWEEP_FIRST = '2026-04-01';
export const SWEEP_LAST = '2028-04-01';
