import {
  addDays,
  diffDays,
  endOfJstDay,
  formatDateEn,
  formatDateJa,
  formatJst,
  isLocalDate,
  isWithin,
  jstDateOf,
  jstInstant,
  lastDayOfPeriod,
  parseLocalDate,
  startOfJstDay,
  weekday,
  WEEKDAY,
} from '../../src/domain';
import { d, dayName, eachDay, SWEEP_FIRST, SWEEP_LAST } from './independent-dates';

describe('LocalDate: a JST calendar day written YYYY-MM-DD', () => {
  test.each(['2026-12-01', '2028-02-29', '1970-01-01', '0001-01-01', '9999-12-31'])('%s is a date', (text) => {
    expect(isLocalDate(text)).toBe(true);
    expect(parseLocalDate(text)).toBe(text);
  });

  test.each(['2027-02-29', '2026-13-01', '2026-12-32', '2026-00-10', '2026-1-05', '26-12-01', '2026-12-01T00:00', '', ' 2026-12-01', '0000-01-01'])(
    '%j is not a date',
    (text) => {
      expect(isLocalDate(text)).toBe(false);
      expect(() => parseLocalDate(text)).toThrow(RangeError);
    },
  );
});

describe('jstDateOf: the day in Aomori, whatever the machine’s time zone', () => {
  test.each([
    ['2026-12-01T14:59:59.999Z', '2026-12-01'],
    ['2026-12-01T15:00:00.000Z', '2026-12-02'],
    ['2026-11-30T15:00:00.000Z', '2026-12-01'],
    ['2026-12-31T15:00:00.000Z', '2027-01-01'],
    ['2026-12-03T10:00:00+09:00', '2026-12-03'],
    ['2026-12-03T00:00:00+09:00', '2026-12-03'],
  ])('%s falls on %s JST', (iso, date) => {
    expect(jstDateOf(new Date(iso))).toBe(date);
  });

  test('an invalid Date is a programming error', () => {
    expect(() => jstDateOf(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('day arithmetic', () => {
  test.each([
    ['2026-12-01', 2, '2026-12-03'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-03', -3, '2026-11-30'],
    ['2026-12-03', 0, '2026-12-03'],
    ['2026-04-01', 731, '2028-04-01'],
  ])('%s + %i days = %s', (from, days, to) => {
    expect(addDays(d(from), days)).toBe(to);
    expect(diffDays(d(to), d(from))).toBe(days);
  });

  test('addDays takes whole days only', () => {
    expect(() => addDays(d('2026-12-01'), 0.5)).toThrow(RangeError);
  });

  test('leaving the years 0001–9999 is a RangeError', () => {
    expect(() => addDays(d('9999-12-31'), 1)).toThrow(RangeError);
    expect(() => addDays(d('0001-01-01'), -1)).toThrow(RangeError);
  });

  test('diffDays(a, b) is a − b', () => {
    expect(diffDays(d('2026-12-20'), d('2026-12-17'))).toBe(3);
    expect(diffDays(d('2026-12-17'), d('2026-12-20'))).toBe(-3);
  });

  test('weekday numbers 0 = Sunday … 6 = Saturday, checked against an independent count for every day of the sweep', () => {
    expect(weekday(d('2026-12-01'))).toBe(WEEKDAY.TUESDAY);
    expect(weekday(d('2026-12-03'))).toBe(WEEKDAY.THURSDAY);
    expect(weekday(d('2026-12-06'))).toBe(WEEKDAY.SUNDAY);
    expect(weekday(d('1970-01-01'))).toBe(WEEKDAY.THURSDAY);
    expect(weekday(d('1969-12-28'))).toBe(WEEKDAY.SUNDAY);
    const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const wrong = eachDay(SWEEP_FIRST, SWEEP_LAST).filter((day) => names[weekday(day)] !== dayName(day));
    expect(wrong).toEqual([]);
  });

  test('lastDayOfPeriod counts the first day as day 1', () => {
    expect(lastDayOfPeriod(d('2026-12-06'), 1)).toBe('2026-12-06');
    expect(lastDayOfPeriod(d('2026-12-06'), 8)).toBe('2026-12-13');
    expect(lastDayOfPeriod(d('2026-12-06'), 15)).toBe('2026-12-20');
    expect(() => lastDayOfPeriod(d('2026-12-06'), 0)).toThrow(RangeError);
  });

  test('isWithin includes both ends', () => {
    const range = { from: d('2026-12-17'), until: d('2026-12-20') };
    expect(isWithin(d('2026-12-16'), range)).toBe(false);
    expect(isWithin(d('2026-12-17'), range)).toBe(true);
    expect(isWithin(d('2026-12-20'), range)).toBe(true);
    expect(isWithin(d('2026-12-21'), range)).toBe(false);
  });
});

describe('instants of a JST day', () => {
  test('startOfJstDay is 00:00 JST = 15:00 UTC the day before', () => {
    expect(startOfJstDay(d('2026-12-03')).toISOString()).toBe('2026-12-02T15:00:00.000Z');
  });

  test('endOfJstDay is the start of the next day: a deadline "until Sun 12-13" lasts all Sunday', () => {
    expect(endOfJstDay(d('2026-12-13')).toISOString()).toBe('2026-12-13T15:00:00.000Z');
    expect(endOfJstDay(d('2026-12-13')).getTime()).toBe(startOfJstDay(d('2026-12-14')).getTime());
    expect(jstDateOf(new Date(endOfJstDay(d('2026-12-13')).getTime() - 1))).toBe('2026-12-13');
  });

  test('jstInstant: Thu 2026-12-03 10:00 JST is 01:00 UTC', () => {
    expect(jstInstant(d('2026-12-03'), 10, 0).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(jstInstant(d('2026-12-03'), 23, 59).toISOString()).toBe('2026-12-03T14:59:00.000Z');
  });

  test.each([
    [24, 0],
    [-1, 0],
    [10, 60],
    [10, -1],
    [9.5, 0],
  ])('jstInstant(%d:%d) is a RangeError', (hour, minute) => {
    expect(() => jstInstant(d('2026-12-03'), hour, minute)).toThrow(RangeError);
  });

  test.each([
    ['2026-12-03T01:00:00.000Z', '2026-12-03T10:00:00+09:00'],
    ['2026-12-03T01:00:00.001Z', '2026-12-03T10:00:00.001+09:00'],
    ['2026-12-31T15:00:00.000Z', '2027-01-01T00:00:00+09:00'],
    ['2026-12-31T14:59:59.999Z', '2026-12-31T23:59:59.999+09:00'],
  ])('formatJst(%s) = %s', (iso, shown) => {
    expect(formatJst(new Date(iso))).toBe(shown);
    expect(new Date(shown).toISOString()).toBe(iso);
  });

  test('formatJst refuses an invalid Date', () => {
    expect(() => formatJst(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('dates in messages', () => {
  test('Japanese: 2026年12月17日(木)', () => {
    expect(formatDateJa(d('2026-12-17'))).toBe('2026年12月17日(木)');
    expect(formatDateJa(d('2027-01-03'))).toBe('2027年1月3日(日)');
  });

  test('English: Thu 2026-12-17', () => {
    expect(formatDateEn(d('2026-12-17'))).toBe('Thu 2026-12-17');
  });
});
