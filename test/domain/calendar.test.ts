import {
  coopDates,
  coopReturnTrip,
  dueFromCheckout,
  endOfJstDay,
  formatJst,
  jstDateOf,
  lastProcessing,
  nextProcessing,
  prefHoldDates,
  renewalWindow,
  renewedDue,
  type CoopDates,
} from '../../src/domain';
import { d, dayName, daysInclusive, eachDay, jst, SWEEP_FIRST, SWEEP_LAST } from './independent-dates';

const DAY_MS = 86_400_000;

describe('spec §6 worked example: a copy secured on Tue 2026-12-01 for a cooperating library', () => {
  const securedAt = jst('2026-12-01', '14:30');
  const processingAt = nextProcessing(securedAt);
  const dates = coopDates(jstDateOf(processingAt));
  const window = renewalWindow(dates.due);

  test('R-COOP-4: Thursday processing takes it on Thu 2026-12-03 at 10:00 JST', () => {
    expect(formatJst(processingAt)).toBe('2026-12-03T10:00:00+09:00');
  });

  // The guide's weekly table, as a librarian reads it.
  const table: [string, keyof CoopDates, string, string][] = [
    ['貸出処理 (status 配送中)', 'processing', '2026-12-03', 'Thu'],
    ['協力館へ搬送', 'transport', '2026-12-04', 'Fri'],
    ['メール送信', 'mail', '2026-12-05', 'Sat'],
    ['受取開始日', 'pickupFrom', '2026-12-06', 'Sun'],
    ['取置期限 (last day of the 8-day window)', 'pickupUntil', '2026-12-13', 'Sun'],
    ['延長受付期間 opens', 'renewFrom', '2026-12-17', 'Thu'],
    ['返却期限', 'due', '2026-12-20', 'Sun'],
    ['回収 (returned at the cooperating library on the due date)', 'collection', '2026-12-21', 'Mon'],
    ['県立図書館到着・返却処理', 'arrival', '2026-12-23', 'Wed'],
  ];
  test.each(table)('R-COOP-4, R-LOAN-1: %s is %s → %s (%s)', (_what, field, date, day) => {
    expect(dates[field]).toBe(date);
    expect(dayName(dates[field])).toBe(day);
  });

  test('R-RENEW-3: it can be renewed Thu 2026-12-17 to Sun 2026-12-20', () => {
    expect(window).toEqual({ from: '2026-12-17', until: '2026-12-20' });
  });

  test('R-COOP-3: the pickup window ends when Sun 2026-12-13 ends (Mon 00:00 JST)', () => {
    expect(formatJst(endOfJstDay(dates.pickupUntil))).toBe('2026-12-14T00:00:00+09:00');
  });

  test('R-LOAN-1: the loan is 15 days counting the pickup start, the 8-day window included', () => {
    expect(daysInclusive(dates.pickupFrom, dates.due)).toBe(15);
    expect(daysInclusive(dates.pickupFrom, dates.pickupUntil)).toBe(8);
  });

  test('R-RETURN-4: returned at the cooperating library on Sun 12-20 → collected Mon 12-21, processed Wed 12-23', () => {
    expect(coopReturnTrip(d('2026-12-20'))).toEqual({ collection: '2026-12-21', arrival: '2026-12-23' });
  });
});

describe('R-COOP-4 §6 Decision: which Thursday 10:00 JST takes a secured reservation', () => {
  test.each([
    ['Tue 12-01 14:30', '2026-12-03T10:00:00+09:00', jst('2026-12-01', '14:30')],
    ['Thu 12-03 00:00', '2026-12-03T10:00:00+09:00', jst('2026-12-03', '00:00')],
    ['Thu 12-03 09:59', '2026-12-03T10:00:00+09:00', jst('2026-12-03', '09:59')],
    ['Thu 12-03 09:59:59.999', '2026-12-03T10:00:00+09:00', jst('2026-12-03', '09:59:59.999')],
    ['Thu 12-03 10:00:00.000 exactly (確保済み at that moment)', '2026-12-03T10:00:00+09:00', jst('2026-12-03', '10:00:00.000')],
    ['Thu 12-03 10:00:00.001', '2026-12-10T10:00:00+09:00', jst('2026-12-03', '10:00:00.001')],
    ['Thu 12-03 10:01', '2026-12-10T10:00:00+09:00', jst('2026-12-03', '10:01')],
    ['Thu 12-03 23:59', '2026-12-10T10:00:00+09:00', jst('2026-12-03', '23:59')],
    ['Fri 12-04 00:00', '2026-12-10T10:00:00+09:00', jst('2026-12-04', '00:00')],
    ['Wed 12-09 23:59', '2026-12-10T10:00:00+09:00', jst('2026-12-09', '23:59')],
    // JST, not UTC: Wed 23:30 UTC is already Thu 08:30 in Aomori.
    ['Wed 12-02 23:30 UTC = Thu 08:30 JST', '2026-12-03T10:00:00+09:00', new Date('2026-12-02T23:30:00Z')],
    ['Thu 12-03 01:00 UTC = Thu 10:00 JST', '2026-12-03T10:00:00+09:00', new Date('2026-12-03T01:00:00Z')],
    ['Thu 12-03 15:00 UTC = Fri 00:00 JST', '2026-12-10T10:00:00+09:00', new Date('2026-12-03T15:00:00Z')],
    ['year end: Thu 2026-12-31 10:01', '2027-01-07T10:00:00+09:00', jst('2026-12-31', '10:01')],
    ['leap day: Tue 2028-02-29 12:00', '2028-03-02T10:00:00+09:00', jst('2028-02-29', '12:00')],
  ])('secured %s → %s', (_when, expected, securedAt) => {
    expect(formatJst(nextProcessing(securedAt))).toBe(expected);
  });

  test('the schedule is configurable: Monday 09:30 JST', () => {
    const cfg = { weekday: 1, hour: 9, minute: 30 };
    expect(formatJst(nextProcessing(jst('2026-12-07', '09:30'), cfg))).toBe('2026-12-07T09:30:00+09:00');
    expect(formatJst(nextProcessing(jst('2026-12-07', '09:31'), cfg))).toBe('2026-12-14T09:30:00+09:00');
    expect(formatJst(nextProcessing(jst('2026-12-03', '10:00'), cfg))).toBe('2026-12-07T09:30:00+09:00');
  });

  test('only the given fields override the default: hour 14 keeps Thursday and :00', () => {
    expect(formatJst(nextProcessing(jst('2026-12-03', '12:00'), { hour: 14 }))).toBe('2026-12-03T14:00:00+09:00');
  });

  test.each([[{ weekday: 7 }], [{ weekday: -1 }], [{ weekday: 4.5 }], [{ hour: 24 }], [{ hour: -1 }], [{ minute: 60 }], [{ minute: 0.5 }]])(
    'a nonsensical schedule %j is a programming error (RangeError)',
    (cfg) => {
      expect(() => nextProcessing(jst('2026-12-01', '12:00'), cfg)).toThrow(RangeError);
    },
  );

  test('an invalid Date is a programming error (RangeError)', () => {
    expect(() => nextProcessing(new Date(Number.NaN))).toThrow(RangeError);
  });

  test('lastProcessing: the most recent processing moment at or before a moment (what a worker first started later catches up)', () => {
    expect(formatJst(lastProcessing(jst('2026-12-03', '09:59')))).toBe('2026-11-26T10:00:00+09:00');
    expect(formatJst(lastProcessing(jst('2026-12-03', '10:00')))).toBe('2026-12-03T10:00:00+09:00');
    expect(formatJst(lastProcessing(jst('2026-12-09', '23:59')))).toBe('2026-12-03T10:00:00+09:00');
    expect(formatJst(lastProcessing(jst('2027-01-01', '00:00')))).toBe('2026-12-31T10:00:00+09:00');
    expect(formatJst(lastProcessing(jst('2026-12-09', '15:29'), { weekday: 3, hour: 15, minute: 30 }))).toBe('2026-12-02T15:30:00+09:00');
    for (const day of eachDay(SWEEP_FIRST, SWEEP_LAST).slice(0, 60)) {
      const at = jst(day, '12:00');
      const last = lastProcessing(at);
      expect(last.getTime()).toBeLessThanOrEqual(at.getTime());
      expect(nextProcessing(new Date(last.getTime() + 1)).getTime()).toBeGreaterThan(at.getTime());
    }
  });
});

describe('R-PREF-2, R-PREF-4: prefectural-library pickup', () => {
  test('R-PREF-2: e-mailed Tue 2026-12-01 → held 12-01 … Mon 12-07 (7 days counting the e-mail day)', () => {
    expect(prefHoldDates(d('2026-12-01'))).toEqual({ pickupFrom: '2026-12-01', pickupUntil: '2026-12-07' });
  });

  test('R-PREF-4: checked out Tue 2026-12-08 → due Tue 12-22 (C+14), printed on the loan slip', () => {
    expect(dueFromCheckout(d('2026-12-08'))).toBe('2026-12-22');
  });

  test('R-PREF-4: checked out on New Year’s Eve 2026-12-31 → due 2027-01-14', () => {
    expect(dueFromCheckout(d('2026-12-31'))).toBe('2027-01-14');
  });

  test('R-PREF-2: a hold crossing the leap day: e-mailed 2028-02-25 → last day 2028-03-02', () => {
    expect(prefHoldDates(d('2028-02-25')).pickupUntil).toBe('2028-03-02');
  });
});

describe('R-RENEW-2, R-RENEW-3: renewal dates', () => {
  test('R-RENEW-3: due Sun 12-20 → window Thu 12-17 … Sun 12-20', () => {
    expect(renewalWindow(d('2026-12-20'))).toEqual({ from: '2026-12-17', until: '2026-12-20' });
  });

  test('R-RENEW-2: a renewal moves the due date one week: 12-20 → 12-27, then 2027-01-03', () => {
    expect(renewedDue(d('2026-12-20'))).toBe('2026-12-27');
    expect(renewedDue(renewedDue(d('2026-12-20')))).toBe('2027-01-03');
  });
});

describe('R-RETURN-4 Decision: the Monday collection round from a cooperating library', () => {
  test.each([
    ['Sun 2026-12-20', 'Mon 2026-12-21', 'Wed 2026-12-23'],
    ['Sat 2026-12-19', 'Mon 2026-12-21', 'Wed 2026-12-23'],
    ['Tue 2026-12-15', 'Mon 2026-12-21', 'Wed 2026-12-23'],
    ['Mon 2026-12-14 (too late for that morning’s round)', 'Mon 2026-12-21', 'Wed 2026-12-23'],
  ])('returned %s → collected %s, return processed %s', (returned, collection, arrival) => {
    const date = (text: string): string => text.slice(4, 14);
    for (const labelled of [returned, collection, arrival]) expect(dayName(date(labelled))).toBe(labelled.slice(0, 3));
    expect(coopReturnTrip(d(date(returned)))).toEqual({ collection: date(collection), arrival: date(arrival) });
  });
});

describe(`every day ${SWEEP_FIRST} … ${SWEEP_LAST}, at several times of day (property sweep)`, () => {
  const days = eachDay(SWEEP_FIRST, SWEEP_LAST);
  const times = ['00:00', '09:59', '09:59:59.999', '10:00', '10:00:00.001', '10:01', '23:59', '23:59:59.999'];

  test('the sweep covers at least two years', () => {
    expect(days.length).toBeGreaterThanOrEqual(731);
  });

  test('R-COOP-4: processing is a Thursday 10:00 JST at or after securing and less than 7 days later', () => {
    const failures: string[] = [];
    for (const day of days) {
      for (const time of times) {
        const securedAt = jst(day, time);
        const processingAt = nextProcessing(securedAt);
        const wait = processingAt.getTime() - securedAt.getTime();
        const shown = formatJst(processingAt);
        const ok = wait >= 0 && wait < 7 * DAY_MS && dayName(shown.slice(0, 10)) === 'Thu' && shown.endsWith('T10:00:00+09:00');
        if (!ok) failures.push(`${day} ${time} → ${shown}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('R-COOP-4, R-LOAN-1, R-RENEW-3: every cooperating-library loan follows the weekly table', () => {
    const failures: string[] = [];
    const thursdays = new Set(days.map((day) => jstDateOf(nextProcessing(jst(day, '12:00')))));
    for (const processing of thursdays) {
      const c = coopDates(processing);
      const w = renewalWindow(c.due);
      const checks: [string, boolean][] = [
        ['mail is the Saturday after processing', dayName(c.mail) === 'Sat' && daysInclusive(c.processing, c.mail) === 3],
        ['transport is the Friday between', dayName(c.transport) === 'Fri' && daysInclusive(c.processing, c.transport) === 2],
        ['pickup starts the day after the mail, a Sunday', dayName(c.pickupFrom) === 'Sun' && daysInclusive(c.mail, c.pickupFrom) === 2],
        ['the window is Sunday … Sunday, 8 days', dayName(c.pickupUntil) === 'Sun' && daysInclusive(c.pickupFrom, c.pickupUntil) === 8],
        ['due is 15 days counting the pickup start', dayName(c.due) === 'Sun' && daysInclusive(c.pickupFrom, c.due) === 15],
        ['the renewal window is due-3 … due, from a Thursday', w.until === c.due && dayName(w.from) === 'Thu' && daysInclusive(w.from, c.due) === 4],
        ['renewFrom is the renewal window’s first day', c.renewFrom === w.from],
        ['collection is the Monday after the due date', dayName(c.collection) === 'Mon' && daysInclusive(c.due, c.collection) === 2],
        ['arrival is the Wednesday after, P+20', dayName(c.arrival) === 'Wed' && daysInclusive(c.processing, c.arrival) === 21],
      ];
      for (const [what, ok] of checks) if (!ok) failures.push(`${processing}: ${what} (${JSON.stringify(c)})`);
    }
    expect(thursdays.size).toBeGreaterThanOrEqual(104);
    expect(failures).toEqual([]);
  });

  test('R-PREF-2, R-PREF-4, R-RENEW-2, R-RENEW-3: day counts hold from any starting day', () => {
    const failures: string[] = [];
    for (const day of days) {
      const hold = prefHoldDates(day);
      if (hold.pickupFrom !== day || daysInclusive(day, hold.pickupUntil) !== 7) failures.push(`hold ${day}`);
      if (daysInclusive(day, dueFromCheckout(day)) !== 15) failures.push(`due after checkout ${day}`);
      const w = renewalWindow(day);
      if (w.until !== day || daysInclusive(w.from, day) !== 4) failures.push(`renewal window ${day}`);
      if (daysInclusive(day, renewedDue(day)) !== 8 || dayName(renewedDue(day)) !== dayName(day)) failures.push(`renewed ${day}`);
      const trip = coopReturnTrip(day);
      const wait = daysInclusive(day, trip.collection) - 1;
      if (dayName(trip.collection) !== 'Mon' || wait < 1 || wait > 7 || daysInclusive(trip.collection, trip.arrival) !== 3) {
        failures.push(`return trip ${day}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('R-COOP-4: a configured schedule (Tuesday 15:45) is honoured the same way', () => {
    const failures: string[] = [];
    for (const day of days) {
      for (const time of ['00:00', '15:44', '15:45', '15:46', '23:59']) {
        const securedAt = jst(day, time);
        const at = nextProcessing(securedAt, { weekday: 2, hour: 15, minute: 45 });
        const wait = at.getTime() - securedAt.getTime();
        const shown = formatJst(at);
        if (!(wait >= 0 && wait < 7 * DAY_MS && dayName(shown.slice(0, 10)) === 'Tue' && shown.endsWith('T15:45:00+09:00'))) {
          failures.push(`${day} ${time} → ${shown}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
