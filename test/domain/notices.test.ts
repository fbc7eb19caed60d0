// The notices' moments (docs/notices.md, spec §10): tables of dates a librarian can check against
// the guide, then a sweep over two years of days checked against independent date arithmetic.
import {
  coopDates,
  dueFromCheckout,
  formatJst,
  isCourtesyNotice,
  nextLoanNotice,
  NOTICE_KINDS,
  noticeKey,
  noticeKindOfKey,
  parseNoticeKey,
  overdueNoticeAt,
  overdueNoticeDay,
  pickupReminderAt,
  pickupReminderDay,
  prefHoldDates,
  preDueAt,
  preDueDay,
  renewedDue,
  type LocalDate,
} from '../../src/domain';
import { d, dayName, daysInclusive, eachDay, jst, SWEEP_FIRST, SWEEP_LAST } from './independent-dates';

const DAY_MS = 86_400_000;
const plusDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

describe('PICKUP_REMINDER: the day before the last day of the hold', () => {
  test('R-PREF-2 PICKUP_REMINDER: e-mailed Tue 2026-12-01 (held to Mon 12-07) → reminded Sun 12-06 09:00 JST, day 6 of 7', () => {
    const hold = prefHoldDates(d('2026-12-01'));
    expect(pickupReminderDay(hold.pickupUntil)).toBe('2026-12-06');
    expect(daysInclusive(hold.pickupFrom, pickupReminderDay(hold.pickupUntil))).toBe(6);
    expect(formatJst(pickupReminderAt(hold.pickupUntil))).toBe('2026-12-06T09:00:00+09:00');
  });

  test('R-COOP-4 PICKUP_REMINDER: processed Thu 2026-12-03 (window Sun 12-06 … Sun 12-13) → reminded Sat 12-12 09:00 JST', () => {
    const dates = coopDates(d('2026-12-03'));
    expect(pickupReminderDay(dates.pickupUntil)).toBe('2026-12-12');
    expect(dayName(pickupReminderDay(dates.pickupUntil))).toBe('Sat');
    expect(formatJst(pickupReminderAt(dates.pickupUntil))).toBe('2026-12-12T09:00:00+09:00');
  });

  test('the hour is configurable: 17:00', () => {
    expect(formatJst(pickupReminderAt(d('2026-12-13'), 17))).toBe('2026-12-12T17:00:00+09:00');
  });

  test('sweep: every cooperating-library window of two years is reminded on its Saturday, 8 days after it opened … 1 before it closes', () => {
    for (const day of eachDay(SWEEP_FIRST, SWEEP_LAST).filter((x) => dayName(x) === 'Thu')) {
      const dates = coopDates(day);
      const reminder = pickupReminderDay(dates.pickupUntil);
      expect(dayName(reminder)).toBe('Sat');
      expect(daysInclusive(dates.pickupFrom, reminder)).toBe(7);
      expect(reminder).toBe(plusDays(day, 9));
    }
  });

  test('sweep: every prefectural hold of two years is reminded on its 6th day', () => {
    for (const day of eachDay(SWEEP_FIRST, SWEEP_LAST)) {
      expect(pickupReminderDay(prefHoldDates(day).pickupUntil)).toBe(plusDays(day, 5));
    }
  });
});

describe('PRE_DUE and OVERDUE: the loan’s reminders', () => {
  test('R-RENEW-3 PRE_DUE: due Sun 2026-12-20 → Thu 12-17 09:00 JST, the day renewal opens', () => {
    expect(preDueDay(d('2026-12-20'))).toBe('2026-12-17');
    expect(formatJst(preDueAt(d('2026-12-20')))).toBe('2026-12-17T09:00:00+09:00');
  });

  test('R-RENEW-2 PRE_DUE: a renewal moves it a week: due 12-27 → Thu 12-24', () => {
    expect(formatJst(preDueAt(renewedDue(d('2026-12-20'))))).toBe('2026-12-24T09:00:00+09:00');
  });

  const overdueTable: [number, string, string][] = [
    [1, '2026-12-21', 'Mon'],
    [2, '2026-12-28', 'Mon'],
    [3, '2027-01-04', 'Mon'],
  ];
  test.each(overdueTable)('R-OVERDUE-1 OVERDUE: due Sun 2026-12-20 → notice %d on %s (%s) 09:00 JST', (n, day, name) => {
    expect(overdueNoticeDay(d('2026-12-20'), n)).toBe(day);
    expect(dayName(overdueNoticeDay(d('2026-12-20'), n))).toBe(name);
    expect(formatJst(overdueNoticeAt(d('2026-12-20'), n))).toBe(`${day}T09:00:00+09:00`);
  });

  test('sweep: for every checkout day of two years, PRE_DUE is due-3 and the overdue notices due+1, +8, +15', () => {
    for (const day of eachDay(SWEEP_FIRST, SWEEP_LAST)) {
      const due = dueFromCheckout(day);
      expect(preDueDay(due)).toBe(plusDays(due, -3));
      expect([1, 2, 3].map((n) => overdueNoticeDay(due, n))).toEqual([plusDays(due, 1), plusDays(due, 8), plusDays(due, 15)]);
    }
  });

  test.each([[0], [-1], [1.5]])('overdue notice number %d is a programming error', (n) => {
    expect(() => overdueNoticeDay(d('2026-12-20'), n)).toThrow(RangeError);
  });
  test.each([[24], [-1], [9.5]])('notice hour %d is a programming error', (h) => {
    expect(() => preDueAt(d('2026-12-20'), h)).toThrow(RangeError);
  });
});

describe('nextLoanNotice: what the loan’s workflow waits for next', () => {
  const due = d('2026-12-20');
  const fresh = { due, preDueSentFor: null, overdueSent: 0 } as const;
  const at = (x: ReturnType<typeof nextLoanNotice>) => (x ? { kind: x.kind, at: formatJst(x.at), occurrence: x.occurrence } : null);

  test('R-RENEW-3 PRE_DUE: a loan just lent waits for its PRE_DUE', () => {
    expect(at(nextLoanNotice(fresh, jst('2026-12-06', '12:00')))).toEqual({
      kind: 'PRE_DUE',
      at: '2026-12-17T09:00:00+09:00',
      occurrence: '2026-12-20',
    });
  });

  test('R-OVERDUE-1 OVERDUE: after the PRE_DUE, the first overdue notice; then the second, the third, and no fourth', () => {
    const s = { ...fresh, preDueSentFor: due };
    expect(at(nextLoanNotice(s, jst('2026-12-17', '09:00')))).toEqual({ kind: 'OVERDUE', at: '2026-12-21T09:00:00+09:00', occurrence: '1' });
    expect(at(nextLoanNotice({ ...s, overdueSent: 1 }, jst('2026-12-21', '09:00')))).toEqual({
      kind: 'OVERDUE',
      at: '2026-12-28T09:00:00+09:00',
      occurrence: '2',
    });
    expect(at(nextLoanNotice({ ...s, overdueSent: 2 }, jst('2026-12-28', '09:00')))?.occurrence).toBe('3');
    expect(nextLoanNotice({ ...s, overdueSent: 3 }, jst('2027-01-04', '09:00'))).toBeNull();
  });

  test('OVERDUE at most is configurable: 1 → only the first; 0 → none', () => {
    const s = { ...fresh, preDueSentFor: due };
    expect(nextLoanNotice({ ...s, overdueSent: 1 }, jst('2026-12-21', '09:00'), { hour: 9, overdueMax: 1 })).toBeNull();
    expect(nextLoanNotice(s, jst('2026-12-17', '09:00'), { hour: 9, overdueMax: 0 })).toBeNull();
  });

  test('R-RENEW-2 PRE_DUE: renewed after its PRE_DUE → a new PRE_DUE for the new due date; OVERDUE counts from it', () => {
    const renewed = { due: renewedDue(due), preDueSentFor: due, overdueSent: 0 };
    expect(at(nextLoanNotice(renewed, jst('2026-12-17', '10:00')))).toEqual({
      kind: 'PRE_DUE',
      at: '2026-12-24T09:00:00+09:00',
      occurrence: '2026-12-27',
    });
    expect(at(nextLoanNotice({ ...renewed, preDueSentFor: renewed.due }, jst('2026-12-24', '09:00')))?.at).toBe('2026-12-28T09:00:00+09:00');
  });

  test('R-RETURN-4 / R-OVERDUE-2: a returned copy is owed nothing more, on time or late', () => {
    expect(nextLoanNotice({ ...fresh, returnedOn: d('2026-12-19') }, jst('2026-12-19', '12:00'))).toBeNull();
    expect(nextLoanNotice({ ...fresh, preDueSentFor: due, overdueSent: 1, returnedOn: d('2026-12-22') }, jst('2026-12-22', '12:00'))).toBeNull();
  });

  test('PRE_DUE whose moment has passed: at once while the due date lasts, skipped after it', () => {
    expect(at(nextLoanNotice(fresh, jst('2026-12-19', '15:00')))?.kind).toBe('PRE_DUE');
    expect(at(nextLoanNotice(fresh, jst('2026-12-20', '23:59')))?.kind).toBe('PRE_DUE');
    expect(at(nextLoanNotice(fresh, jst('2026-12-21', '00:00')))).toEqual({ kind: 'OVERDUE', at: '2026-12-21T09:00:00+09:00', occurrence: '1' });
  });

  test('OVERDUE long late (a worker away for weeks): the latest one due, not all of them one after another', () => {
    const s = { ...fresh, preDueSentFor: due };
    expect(at(nextLoanNotice(s, jst('2026-12-29', '12:00')))).toEqual({ kind: 'OVERDUE', at: '2026-12-28T09:00:00+09:00', occurrence: '2' });
    expect(at(nextLoanNotice(s, jst('2027-02-01', '12:00')))?.occurrence).toBe('3');
  });

  test('sweep: for any due date, following the notices from checkout gives PRE_DUE, then 3 OVERDUE a week apart, then none', () => {
    for (const day of eachDay(SWEEP_FIRST, SWEEP_LAST).slice(0, 120)) {
      const loanDue: LocalDate = dueFromCheckout(day);
      let state: { due: LocalDate; preDueSentFor: LocalDate | null; overdueSent: number } = { due: loanDue, preDueSentFor: null, overdueSent: 0 };
      let clock = jst(day, '12:00');
      const seen: string[] = [];
      for (let step = 0; step < 10; step++) {
        const next = nextLoanNotice(state, clock);
        if (!next) break;
        expect(next.at.getTime()).toBeGreaterThanOrEqual(clock.getTime());
        seen.push(`${next.kind}@${formatJst(next.at).slice(0, 10)}`);
        clock = next.at;
        state = next.kind === 'PRE_DUE' ? { ...state, preDueSentFor: state.due } : { ...state, overdueSent: next.number };
      }
      expect(seen).toEqual([
        `PRE_DUE@${plusDays(loanDue, -3)}`,
        `OVERDUE@${plusDays(loanDue, 1)}`,
        `OVERDUE@${plusDays(loanDue, 8)}`,
        `OVERDUE@${plusDays(loanDue, 15)}`,
      ]);
    }
  });
});

describe('notice kinds and keys', () => {
  test('R-MAIL-1: courtesy notices are PRE_DUE and PICKUP_REMINDER; every other kind is required', () => {
    expect(NOTICE_KINDS.filter(isCourtesyNotice)).toEqual(['PICKUP_REMINDER', 'PRE_DUE']);
  });

  test('one outbox key per reservation, kind and occurrence; the lending notice keeps its key', () => {
    expect(noticeKey('LENDING_NOTICE', 'R1')).toBe('lending-notice:R1');
    expect(noticeKey('PRE_DUE', 'R1', '2026-12-20')).toBe('pre-due:R1:2026-12-20');
    expect(noticeKey('OVERDUE', 'R1', '2')).toBe('overdue:R1:2');
    for (const kind of NOTICE_KINDS) expect(noticeKindOfKey(noticeKey(kind, 'a:b', '1'))).toBe(kind);
    expect(noticeKindOfKey('something-else:R1')).toBeUndefined();
    expect(() => noticeKey('OVERDUE', 'R1', 'a:b')).toThrow(RangeError);
  });

  test('a key reads back as kind, reservation and occurrence (reservation ids may hold a colon)', () => {
    expect(parseNoticeKey('lending-notice:R1')).toEqual({ kind: 'LENDING_NOTICE', reservationId: 'R1' });
    expect(parseNoticeKey('pre-due:a:b:2026-12-20')).toEqual({ kind: 'PRE_DUE', reservationId: 'a:b', occurrence: '2026-12-20' });
    expect(parseNoticeKey('overdue:R1:3')).toEqual({ kind: 'OVERDUE', reservationId: 'R1', occurrence: '3' });
    expect(parseNoticeKey('released:x:y')).toEqual({ kind: 'RELEASED', reservationId: 'x:y' });
    for (const kind of NOTICE_KINDS) {
      const occurrence = ['PRE_DUE', 'OVERDUE', 'DISPATCH_FAILED'].includes(kind) ? '2' : undefined;
      expect(parseNoticeKey(noticeKey(kind, 'R:9', occurrence))).toEqual({ kind, reservationId: 'R:9', ...(occurrence ? { occurrence } : {}) });
    }
    expect(parseNoticeKey('overdue:R1')).toBeUndefined();
    expect(parseNoticeKey('nonsense')).toBeUndefined();
  });
});
