// R-PRIVACY-1 / R-PRIVACY-2 (docs/spec.md §11): when an ended record forgets its patron.
import { DEFAULT_PRIVACY_RETENTION_DAYS, forgetEndedBefore, isForgottenNow } from '../../src/domain';

const now = new Date('2026-12-31T14:58:00Z'); // 31 December 23:58 JST
const DAY = 86_400_000;

test('R-PRIVACY-2: 30 days by default, counted to the millisecond from the moment the record ended', () => {
  expect(DEFAULT_PRIVACY_RETENTION_DAYS).toBe(30);
  expect(forgetEndedBefore(now, 30)).toEqual(new Date(now.getTime() - 30 * DAY));
  const at = (days: number, ms = 0) =>
    isForgottenNow({ endedAt: new Date(now.getTime() - days * DAY + ms), now, retentionDays: 30, readingHistory: false });
  expect(at(31)).toBe(true);
  expect(at(30, -1)).toBe(true);
  expect(at(30)).toBe(false); // exactly 30 days: not yet
  expect(at(29)).toBe(false);
  expect(at(0)).toBe(false);
});

test('R-PRIVACY-1: a patron who keeps a reading history keeps every ended record', () => {
  for (const days of [1, 31, 400, 4000]) {
    expect(isForgottenNow({ endedAt: new Date(now.getTime() - days * DAY), now, retentionDays: 30, readingHistory: true })).toBe(false);
  }
});

test('R-PRIVACY-2: the period is a whole number of days, at least one', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => forgetEndedBefore(now, bad)).toThrow(RangeError);
  expect(forgetEndedBefore(now, 1)).toEqual(new Date(now.getTime() - DAY));
});
