// Tests are written with the dates of the guide's worked example (December 2026), so a librarian can
// check them against the spec. The test server's clock starts at the real "now", though, and a
// workflow cannot be started in the past: once those dates have passed, every date of a test is moved
// forward by the same whole number of weeks — weekdays, and so the whole weekly calendar, stay the same.
import { addDays, parseLocalDate, type LocalDate } from '../../src/domain';

const WEEK_MS = 7 * 86_400_000;

export interface WeekShift {
  weeks: number;
  /** A moment of the test, e.g. `at('2026-12-01T09:00')` (JST), moved by the shift. */
  at(jst: string): Date;
  /** A calendar day of the test, moved by the shift. */
  day(date: string): LocalDate;
}

export function weekShift(firstMoment: string, now: Date): WeekShift {
  const first = new Date(`${firstMoment}+09:00`).getTime();
  // Keep a day of margin: the test server's clock has advanced by the time the scenario starts.
  const weeks = Math.max(0, Math.ceil((now.getTime() + 86_400_000 - first) / WEEK_MS));
  return {
    weeks,
    at: (jst) => new Date(new Date(`${jst}+09:00`).getTime() + weeks * WEEK_MS),
    day: (date) => addDays(parseLocalDate(date), weeks * 7),
  };
}
