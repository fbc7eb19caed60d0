import {
  closedDaysOf,
  coop,
  coopDates,
  coopDatesWithClosures,
  loanDueWithClosures,
  movableDate,
  nextOpenDay,
  NO_CLOSED_DAYS,
  PREF,
  prefDueWithClosures,
  prefHoldDatesWithClosures,
  processingDayWithClosures,
  weekday,
  type ClosedLibrary,
} from '../../src/domain';
import { d, eachDay } from './independent-dates';

const range = (library: ClosedLibrary, from: string, to: string) => eachDay(d(from), d(to)).map((day) => ({ library, day }));

describe('R-CLOSED-3: the next open day', () => {
  const closed = closedDaysOf([...range('pref', '2026-12-29', '2027-01-03'), ...range(30, '2026-12-20', '2026-12-20')]);

  test('an open day is its own next open day', () => {
    expect(nextOpenDay('pref', d('2026-12-28'), closed)).toBe('2026-12-28');
    expect(nextOpenDay(30, d('2026-12-29'), closed)).toBe('2026-12-29');
  });
  test('a closed day moves to the first open day after the closure, per place', () => {
    for (const day of eachDay(d('2026-12-29'), d('2027-01-03'))) expect(nextOpenDay('pref', day, closed)).toBe('2027-01-04');
    expect(nextOpenDay(30, d('2026-12-20'), closed)).toBe('2026-12-21');
    expect(nextOpenDay(31, d('2026-12-20'), closed)).toBe('2026-12-20');
  });
  test('without closures every day is open (the guide’s calendar unchanged)', () => {
    for (const day of eachDay(d('2026-12-01'), d('2027-01-31'))) expect(nextOpenDay('pref', day, NO_CLOSED_DAYS)).toBe(day);
  });
  test('a place closed for ever is an error, not an endless loop', () => {
    expect(() => nextOpenDay('pref', d('2026-12-01'), { isClosed: () => true })).toThrow(RangeError);
  });
});

describe('R-CLOSED-2: Thursday processing on a day the prefectural library is closed', () => {
  test('runs on its next open day and the §6 chain counts from there (R-COOP-4)', () => {
    // 蔵書点検 Thu 12-03 … Fri 12-04: processing runs Sat 12-05.
    const closed = closedDaysOf(range('pref', '2026-12-03', '2026-12-04'));
    const p = processingDayWithClosures(d('2026-12-03'), closed);
    expect(p).toBe('2026-12-05');
    const dates = coopDatesWithClosures(p, 30, closed);
    expect(dates).toEqual(coopDates(d('2026-12-05')));
    expect(dates).toMatchObject({
      transport: '2026-12-06',
      mail: '2026-12-07',
      pickupFrom: '2026-12-08',
      pickupUntil: '2026-12-15',
      due: '2026-12-22',
    });
  });
  test('an open Thursday is the day itself', () => {
    expect(processingDayWithClosures(d('2026-12-10'), closedDaysOf(range(30, '2026-12-10', '2026-12-10')))).toBe('2026-12-10');
  });
  test('the year-end closure: the Thursday of 12-31 runs on Mon 01-04', () => {
    expect(processingDayWithClosures(d('2026-12-31'), closedDaysOf(range('pref', '2026-12-29', '2027-01-03')))).toBe('2027-01-04');
  });
});

describe('R-CLOSED-3: pickup start, last day of the window and due date move at the cooperating library', () => {
  // Guide: processed Thu 12-03 → pickup Sun 12-06 … Sun 12-13, due Sun 12-20.
  test('a library closed on the Sunday its window opens: the window opens Monday, it still ends Sunday', () => {
    const dates = coopDatesWithClosures(d('2026-12-03'), 30, closedDaysOf(range(30, '2026-12-06', '2026-12-06')));
    expect(dates).toMatchObject({ pickupFrom: '2026-12-07', pickupUntil: '2026-12-13', due: '2026-12-20', mail: '2026-12-05' });
  });
  test('closed on the last day of the window and on the due date: each moves on its own, the renewal window and return trip follow the due date', () => {
    const closed = closedDaysOf([...range(30, '2026-12-13', '2026-12-14'), ...range(30, '2026-12-20', '2026-12-22')]);
    const dates = coopDatesWithClosures(d('2026-12-03'), 30, closed);
    expect(dates).toMatchObject({ pickupFrom: '2026-12-06', pickupUntil: '2026-12-15', due: '2026-12-23', renewFrom: '2026-12-20' });
    expect(dates.collection).toBe('2026-12-28');
    expect(weekday(dates.collection)).toBe(1);
  });
  test('another library’s closure and the prefectural library’s do not move them', () => {
    const closed = closedDaysOf([...range(31, '2026-12-06', '2026-12-20'), ...range('pref', '2026-12-06', '2026-12-20')]);
    expect(coopDatesWithClosures(d('2026-12-03'), 30, closed)).toEqual(coopDates(d('2026-12-03')));
  });
  test('a closure longer than the window: start and end move to the same open day, never end before start', () => {
    const dates = coopDatesWithClosures(d('2026-12-03'), 30, closedDaysOf(range(30, '2026-12-05', '2026-12-16')));
    expect(dates.pickupFrom).toBe('2026-12-17');
    expect(dates.pickupUntil).toBe('2026-12-17');
  });
  test('R-CLOSED-4: renewals count from the guide’s due date, then move', () => {
    const closed = closedDaysOf(range(30, '2026-12-20', '2026-12-20'));
    expect(coopDatesWithClosures(d('2026-12-03'), 30, closed, 0).due).toBe('2026-12-21');
    expect(coopDatesWithClosures(d('2026-12-03'), 30, closed, 1).due).toBe('2026-12-27');
    expect(coopDatesWithClosures(d('2026-12-03'), 30, closedDaysOf(range(30, '2026-12-27', '2026-12-27')), 1).due).toBe('2026-12-28');
  });
  test('every processing day of a year, without closures: the guide’s dates exactly', () => {
    for (const p of eachDay(d('2026-12-01'), d('2027-11-30'))) expect(coopDatesWithClosures(p, 1, NO_CLOSED_DAYS)).toEqual(coopDates(p));
  });
});

describe('R-CLOSED-3 at the prefectural library: the hold’s last day and the due date', () => {
  const yearEnd = closedDaysOf(range('pref', '2026-12-29', '2027-01-03'));
  test('R-PREF-2: a notice on 12-24 would hold until 12-30 (closed): until Mon 01-04', () => {
    expect(prefHoldDatesWithClosures(d('2026-12-24'), yearEnd)).toEqual({ pickupFrom: '2026-12-24', pickupUntil: '2027-01-04' });
    expect(prefHoldDatesWithClosures(d('2026-12-20'), yearEnd)).toEqual({ pickupFrom: '2026-12-20', pickupUntil: '2026-12-26' });
  });
  test('R-PREF-4: a loan due on a closed day is due on the next open day; renewals count from the guide’s date', () => {
    expect(prefDueWithClosures(d('2026-12-17'), yearEnd)).toBe('2027-01-04'); // guide 12-31
    expect(prefDueWithClosures(d('2026-12-10'), yearEnd)).toBe('2026-12-24');
    expect(prefDueWithClosures(d('2026-12-10'), yearEnd, 1)).toBe('2027-01-04'); // guide 12-31
    expect(prefDueWithClosures(d('2026-12-10'), yearEnd, 2)).toBe('2027-01-07');
  });
  test('a cooperating library’s closure does not move the prefectural dates', () => {
    expect(prefDueWithClosures(d('2026-12-17'), closedDaysOf(range(5, '2026-12-31', '2026-12-31')))).toBe('2026-12-31');
  });
});

describe('R-CLOSED-4: loans recomputed from the guide’s dates', () => {
  const closed = closedDaysOf([...range('pref', '2026-12-31', '2026-12-31'), ...range(30, '2026-12-20', '2026-12-20')]);
  test('a counter loan at the prefectural library and a cooperating library’s loan, with renewals', () => {
    expect(loanDueWithClosures(PREF, d('2026-12-17'), 0, closed)).toBe('2027-01-01');
    expect(loanDueWithClosures(PREF, d('2026-12-10'), 1, closed)).toBe('2027-01-01');
    expect(loanDueWithClosures(coop(30), d('2026-12-03'), 0, closed)).toBe('2026-12-21');
    expect(loanDueWithClosures(coop(30), d('2026-12-03'), 2, closed)).toBe('2027-01-03');
    expect(loanDueWithClosures(coop(31), d('2026-12-03'), 0, closed)).toBe('2026-12-20');
  });
  test('a date already past stays; none moves back to before today', () => {
    expect(movableDate(d('2026-12-20'), d('2026-12-22'), d('2026-12-21'))).toBe('2026-12-20');
    expect(movableDate(d('2026-12-22'), d('2026-12-20'), d('2026-12-21'))).toBe('2026-12-21');
    expect(movableDate(d('2026-12-22'), d('2026-12-20'), d('2026-12-20'))).toBe('2026-12-20');
    expect(movableDate(d('2026-12-22'), d('2026-12-24'), d('2026-12-20'))).toBe('2026-12-24');
  });
});
