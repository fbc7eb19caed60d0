import {
  checkLendable,
  checkLoanLimitChange,
  checkReservationLimit,
  countLoans,
  countReservations,
  hasLongOverdueLoan,
  isLongOverdue,
  isOverdue,
  type LendableQuestion,
  type ReservationStatus,
} from '../../src/domain';
import { d } from './independent-dates';

const due = d('2026-12-20');

describe('R-OVERDUE-1, R-OVERDUE-2: when a loan is overdue', () => {
  test.each([
    ['2026-12-19', false],
    ['2026-12-20', false],
    ['2026-12-21', true],
    ['2027-01-20', true],
  ])('R-OVERDUE-1: due 12-20, today %s → overdue %s', (today, overdue) => {
    expect(isOverdue({ due, today: d(today) })).toBe(overdue);
  });

  test.each([
    ['on the due date', '2026-12-20'],
    ['days before the due date', '2026-12-14'],
  ])('R-OVERDUE-2: returned at a cooperating library %s is not overdue while it travels back', (_when, returnedAtCoopOn) => {
    for (const today of ['2026-12-21', '2026-12-23', '2027-01-10']) {
      expect(isOverdue({ due, today: d(today), returnedAtCoopOn: d(returnedAtCoopOn) })).toBe(false);
    }
  });

  test('R-OVERDUE-2: returned at a cooperating library the day after the due date is overdue until processed', () => {
    expect(isOverdue({ due, today: d('2026-12-22'), returnedAtCoopOn: d('2026-12-21') })).toBe(true);
  });

  test.each([
    [0, '2026-12-20', false],
    [0, '2026-12-21', true],
    [3, '2026-12-23', false],
    [3, '2026-12-24', true],
  ])('R-DISPATCH-1: with %i grace days, due 12-20, today %s → long overdue %s', (grace, today, expected) => {
    expect(isLongOverdue(due, d(today), grace)).toBe(expected);
  });

  test('R-DISPATCH-1: the default grace is 0 — any overdue loan counts', () => {
    expect(isLongOverdue(due, d('2026-12-21'))).toBe(true);
  });

  test.each([-1, 0.5])('R-DISPATCH-1: grace %d is a programming error', (grace) => {
    expect(() => isLongOverdue(due, d('2026-12-21'), grace)).toThrow(RangeError);
  });

  test('R-DISPATCH-1, R-OVERDUE-2: a patron’s loans block lending only when one is overdue and not excused', () => {
    const today = d('2026-12-22');
    const inTime = { due: d('2026-12-27') };
    const travellingBack = { due, returnedAtCoopOn: d('2026-12-20') };
    const late = { due: d('2026-12-21') };
    expect(hasLongOverdueLoan([], today)).toBe(false);
    expect(hasLongOverdueLoan([inTime, travellingBack], today)).toBe(false);
    expect(hasLongOverdueLoan([inTime, travellingBack, late], today)).toBe(true);
    expect(hasLongOverdueLoan([late], today, 1)).toBe(false);
    expect(hasLongOverdueLoan([late], today, 0)).toBe(true);
  });
});

describe('R-LIMIT-1 Decision: what counts as a reservation and what as a loan', () => {
  const table: [ReservationStatus, 'reservation' | 'loan' | 'neither'][] = [
    ['APPLIED', 'reservation'],
    ['WAITING', 'reservation'],
    ['SECURED', 'reservation'],
    ['READY', 'reservation'],
    ['IN_DELIVERY', 'loan'],
    ['ON_LOAN', 'loan'],
    ['RETURNED', 'neither'],
    ['CANCELLED', 'neither'],
    ['RELEASED', 'neither'],
  ];
  test.each(table)('R-LIMIT-1: %s counts as %s', (status, counted) => {
    expect(countReservations([status])).toBe(counted === 'reservation' ? 1 : 0);
    expect(countLoans([status])).toBe(counted === 'loan' ? 1 : 0);
  });

  test('R-LIMIT-1: counting a patron’s mixed list', () => {
    const statuses: ReservationStatus[] = ['APPLIED', 'WAITING', 'WAITING', 'SECURED', 'IN_DELIVERY', 'ON_LOAN', 'RETURNED'];
    expect(countReservations(statuses)).toBe(4);
    expect(countLoans(statuses)).toBe(2);
  });
});

describe('R-LIMIT-1: at most 20 reservations', () => {
  test('R-LIMIT-1: the 20th reservation is accepted', () => {
    expect(checkReservationLimit(19)).toEqual({ ok: true });
  });

  test('R-LIMIT-1: a 21st reservation is refused', () => {
    expect(checkReservationLimit(20)).toEqual({
      ok: false,
      refusal: {
        rule: 'R-LIMIT-1',
        ja: '予約できる資料の上限数(20冊)に達しているため、これ以上予約できません。',
        en: 'You already have the maximum of 20 reservations.',
      },
    });
    expect(checkReservationLimit(25).ok).toBe(false);
  });

  test('R-LIMIT-1: a different limit is honoured', () => {
    expect(checkReservationLimit(4, 5).ok).toBe(true);
    expect(checkReservationLimit(5, 5).ok).toBe(false);
  });

  test('R-LIMIT-1: a negative count is a programming error', () => {
    expect(() => checkReservationLimit(-1)).toThrow(RangeError);
  });
});

describe('R-LIMIT-1, R-OVERDUE-1, R-DISPATCH-1: may one more copy be lent', () => {
  const ask = (more: Partial<LendableQuestion>): LendableQuestion => ({
    loansHeld: 3,
    loanLimit: 10,
    hasLongOverdue: false,
    ...more,
  });
  const ruleOf = (q: LendableQuestion): string => {
    const outcome = checkLendable(q);
    return outcome.ok ? 'ok' : outcome.refusal.rule;
  };

  test('R-LIMIT-1: the 10th loan is lent, an 11th is refused at the counter', () => {
    expect(ruleOf(ask({ loansHeld: 9 }))).toBe('ok');
    expect(ruleOf(ask({ loansHeld: 10 }))).toBe('R-LIMIT-1');
  });

  test('R-LIMIT-2: a limit lowered to 5 refuses the 6th at cooperating-library dispatch', () => {
    expect(ruleOf(ask({ loansHeld: 4, loanLimit: 5, at: 'dispatch' }))).toBe('ok');
    const sixth = checkLendable(ask({ loansHeld: 5, loanLimit: 5, at: 'dispatch' }));
    expect(!sixth.ok && sixth.refusal).toMatchObject({ rule: 'R-DISPATCH-1', ja: '貸出上限数(5冊)を超えるため、発送できませんでした。' });
  });

  test('R-LIMIT-2: a lowered limit is for cooperating-library pickups only — the counter keeps the 10 of R-LIMIT-1', () => {
    expect(ruleOf(ask({ loansHeld: 5, loanLimit: 5 }))).toBe('ok');
    expect(ruleOf(ask({ loansHeld: 9, loanLimit: 1, at: 'counter' }))).toBe('ok');
    const eleventh = checkLendable(ask({ loansHeld: 10, loanLimit: 5 }));
    expect(!eleventh.ok && eleventh.refusal.ja).toBe('貸出できる資料の上限数(10冊)に達しているため、これ以上借りることはできません。');
  });

  test('R-OVERDUE-1: an overdue loan blocks counter checkout even far below the limit', () => {
    const outcome = checkLendable(ask({ loansHeld: 1, hasLongOverdue: true }));
    expect(outcome).toEqual({
      ok: false,
      refusal: {
        rule: 'R-OVERDUE-1',
        ja: '延滞の資料があるため、新たな貸出はお受けできません。延滞している資料を返却してください。',
        en: 'You have an overdue loan, so nothing new can be lent. Please return it first.',
      },
    });
  });

  test('R-DISPATCH-1: Thursday processing cannot dispatch to a patron at the limit', () => {
    const outcome = checkLendable(ask({ loansHeld: 10, at: 'dispatch' }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-DISPATCH-1');
    expect(outcome.refusal.ja).toBe('貸出上限数(10冊)を超えるため、発送できませんでした。');
  });

  test('R-DISPATCH-1: Thursday processing cannot dispatch to a patron with a long-overdue loan', () => {
    const outcome = checkLendable(ask({ hasLongOverdue: true, at: 'dispatch' }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-DISPATCH-1');
    expect(outcome.refusal.ja).toContain('長期間延滞している図書があるため、発送できませんでした');
  });

  test('R-DISPATCH-1: dispatch goes ahead below the limit with nothing overdue', () => {
    expect(ruleOf(ask({ loansHeld: 9, at: 'dispatch' }))).toBe('ok');
  });

  test('order: the overdue loan is reported before the limit, at the counter and at dispatch', () => {
    expect(checkLendable(ask({ loansHeld: 10, hasLongOverdue: true }))).toMatchObject({ refusal: { rule: 'R-OVERDUE-1' } });
    const atDispatch = checkLendable(ask({ loansHeld: 10, hasLongOverdue: true, at: 'dispatch' }));
    expect(!atDispatch.ok && atDispatch.refusal.ja).toContain('延滞');
  });

  test.each([[{ loansHeld: -1 }], [{ loanLimit: 2.5 }]])('%j is a programming error', (more) => {
    expect(() => checkLendable(ask(more))).toThrow(RangeError);
  });
});

describe('R-LIMIT-2: staff may lower the loan limit, never raise it', () => {
  test.each([1, 5, 10])('R-LIMIT-2: %i is accepted', (limit) => {
    expect(checkLoanLimitChange(limit)).toEqual({ ok: true, loanLimit: limit });
  });

  test.each([0, 11, 20, -5, 5.5, Number.NaN])('R-LIMIT-2: %d is refused', (limit) => {
    const outcome = checkLoanLimitChange(limit);
    expect(!outcome.ok && outcome.refusal.rule).toBe('R-LIMIT-2');
  });
});
