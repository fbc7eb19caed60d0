// Issue 13's pure rules: who may change the pickup place in which status, and what it becomes
// (R-PICKUP-1, R-PICKUP-2); which reservations may be suspended, until when (R-SUSPEND-1, R-SUSPEND-2).
import {
  checkNotNeeded,
  checkPickupChange,
  checkResume,
  checkSuspend,
  coop,
  notNeededDeadline,
  parseLocalDate,
  PREF,
  RESERVATION_STATUSES,
  type Actor,
  type Place,
  type ReservationStatus,
} from '../../src/domain';

const change = (status: ReservationStatus, by: Actor, from: Place, to: Place): string => {
  const o = checkPickupChange({ status, by, from, to });
  return o.ok ? o.becomes : o.refusal.rule;
};

//            status         patron, coop→coop  staff, coop→coop  staff, coop→pref  staff, pref→coop
const matrix: [ReservationStatus, string, string, string, string][] = [
  ['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED'],
  ['WAITING', 'WAITING', 'WAITING', 'WAITING', 'WAITING'],
  ['SECURED', 'R-PICKUP-1', 'SECURED', 'READY', 'SECURED'],
  ['READY', 'R-PICKUP-1', 'SECURED', 'READY', 'SECURED'],
  ['IN_DELIVERY', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1'],
  ['ON_LOAN', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1'],
  ['RETURNED', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1'],
  ['CANCELLED', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1'],
  ['RELEASED', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1', 'R-PICKUP-1'],
];

test('R-PICKUP-1, R-PICKUP-2: the matrix covers every status; 確保済み → pref becomes 貸出可能, 貸出可能 → a cooperating library 確保済み', () => {
  expect(matrix.map((m) => m[0]).sort()).toEqual([...RESERVATION_STATUSES].sort());
  for (const [status, patron, staffCoop, staffToPref, staffToCoop] of matrix) {
    expect([status, change(status, 'patron', coop(3), coop(4))]).toEqual([status, patron]);
    expect([status, change(status, 'staff', coop(3), coop(4))]).toEqual([status, staffCoop]);
    // From 貸出可能 the place is pref already: to pref is the same place, refused.
    expect([status, change(status, 'staff', status === 'READY' ? PREF : coop(3), PREF)]).toEqual([
      status,
      status === 'READY' ? 'R-PICKUP-1' : staffToPref,
    ]);
    expect([status, change(status, 'staff', PREF, coop(4))]).toEqual([status, staffToCoop]);
  }
  expect(change('WAITING', 'patron', coop(3), coop(3))).toBe('R-PICKUP-1'); // the same place
});

test('R-SUSPEND-1, R-SUSPEND-2: only 確保待ち; the day after today and at most 90 days (or as configured) ahead', () => {
  const today = parseLocalDate('2026-12-02');
  const q = (status: ReservationStatus, until: string, maxDays?: number) => {
    const o = checkSuspend({ status, by: 'patron', until: parseLocalDate(until), today, ...(maxDays ? { maxDays } : {}) });
    return o.ok ? 'ok' : o.refusal.rule;
  };
  for (const s of RESERVATION_STATUSES) expect([s, q(s, '2026-12-10')]).toEqual([s, s === 'WAITING' ? 'ok' : 'R-SUSPEND-1']);
  expect(q('APPLIED', '2026-12-01')).toBe('R-SUSPEND-1'); // the status first
  expect(q('WAITING', '2026-12-02')).toBe('R-SUSPEND-2');
  expect(q('WAITING', '2026-12-03')).toBe('ok');
  expect(q('WAITING', '2027-03-02')).toBe('ok'); // 90 days
  expect(q('WAITING', '2027-03-03')).toBe('R-SUSPEND-2');
  expect(q('WAITING', '2026-12-12', 10)).toBe('ok');
  expect(q('WAITING', '2026-12-13', 10)).toBe('R-SUSPEND-2');
  expect(checkResume({ status: 'WAITING', suspendedUntil: null }).ok).toBe(false);
  expect(checkResume({ status: 'WAITING', suspendedUntil: parseLocalDate('2026-12-10') }).ok).toBe(true);
});

test('R-SUSPEND-3: the not-needed-after day only while 予約申込/確保待ち; today … a year ahead, or null; the deadline is 00:00 JST of the day after', () => {
  const today = parseLocalDate('2026-12-02');
  const q = (status: ReservationStatus, day: string | null) => {
    const o = checkNotNeeded({ status, day: day === null ? null : parseLocalDate(day), today });
    return o.ok ? 'ok' : o.refusal.rule;
  };
  for (const s of RESERVATION_STATUSES) expect([s, q(s, '2026-12-10')]).toEqual([s, s === 'WAITING' || s === 'APPLIED' ? 'ok' : 'R-SUSPEND-3']);
  expect(q('WAITING', '2026-12-01')).toBe('R-SUSPEND-3'); // before today
  expect(q('WAITING', '2026-12-02')).toBe('ok'); // today: cancelled at midnight if still waiting
  expect(q('APPLIED', '2027-12-02')).toBe('ok'); // 365 days
  expect(q('APPLIED', '2027-12-03')).toBe('R-SUSPEND-3');
  expect(q('WAITING', null)).toBe('ok');
  expect(q('READY', null)).toBe('R-SUSPEND-3');
  expect(notNeededDeadline(parseLocalDate('2026-12-31')).toISOString()).toBe('2026-12-31T15:00:00.000Z'); // 2027-01-01 00:00 JST
});
