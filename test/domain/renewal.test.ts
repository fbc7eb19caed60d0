import { addDays, checkRenewal, type Channel, type RenewalQuestion } from '../../src/domain';
import { d, eachDay, SWEEP_FIRST, SWEEP_LAST } from './independent-dates';

// The worked example's loan: due Sun 2026-12-20, renewal window Thu 12-17 … Sun 12-20.
const due = d('2026-12-20');
const ask = (overrides: Partial<RenewalQuestion> = {}): RenewalQuestion => ({
  due,
  today: d('2026-12-18'),
  renewalsUsed: 0,
  othersWaiting: false,
  channel: 'opac',
  ...overrides,
});
const ruleOf = (q: RenewalQuestion): string => {
  const outcome = checkRenewal(q);
  return outcome.ok ? 'ok' : outcome.refusal.rule;
};

describe('R-RENEW-3: renewals from 3 days before the due date through the due date', () => {
  test('R-RENEW-3: refuses a renewal four days before the due date (Wed 12-16), saying when it opens', () => {
    const outcome = checkRenewal(ask({ today: d('2026-12-16') }));
    expect(outcome).toEqual({
      ok: false,
      refusal: {
        rule: 'R-RENEW-3',
        ja: '延長は返却期限日の3日前(2026年12月17日(木))から受け付けます。',
        en: 'Renewals open 3 days before the due date, on Thu 2026-12-17.',
      },
    });
  });

  test.each(['2026-12-17', '2026-12-18', '2026-12-19', '2026-12-20'])('R-RENEW-3: accepts on %s', (today) => {
    expect(checkRenewal(ask({ today: d(today) }))).toEqual({ ok: true, newDue: '2026-12-27', renewalsLeft: 1 });
  });

  test('R-RENEW-3: refuses the day after the due date (Mon 12-21): the patron cannot renew once it has passed', () => {
    const outcome = checkRenewal(ask({ today: d('2026-12-21') }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-RENEW-3');
    expect(outcome.refusal.ja).toBe(
      '返却期限日(2026年12月20日(日))を過ぎたため、ご自身での延長はできません。電話又は当館のカウンターへご連絡ください。',
    );
    expect(outcome.refusal.en).toContain('has passed');
  });

  test('R-RENEW-3: the window opens on the same day for My Library, phone and counter; it closes with the due date for My Library only', () => {
    for (const channel of ['opac', 'phone', 'counter'] as const) {
      expect(ruleOf(ask({ channel, today: d('2026-12-16') }))).toBe('R-RENEW-3');
      expect(ruleOf(ask({ channel, today: d('2026-12-17') }))).toBe('ok');
    }
    expect(ruleOf(ask({ channel: 'opac', today: d('2026-12-21') }))).toBe('R-RENEW-3');
  });

  test(`R-RENEW-3: for every due date ${SWEEP_FIRST} … ${SWEEP_LAST}, accepted exactly from due-3 to due`, () => {
    const wrong: string[] = [];
    for (const dueDay of eachDay(SWEEP_FIRST, SWEEP_LAST)) {
      for (let offset = -6; offset <= 3; offset++) {
        const accepted = checkRenewal(ask({ due: dueDay, today: addDays(dueDay, offset) })).ok;
        if (accepted !== (offset >= -3 && offset <= 0)) wrong.push(`${dueDay}${offset}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('R-RENEW-2: one week per renewal, at most two', () => {
  test('R-RENEW-2: the new due date is the old one plus 7 days, not today plus 7', () => {
    expect(checkRenewal(ask({ today: d('2026-12-17') }))).toMatchObject({ ok: true, newDue: '2026-12-27' });
  });

  test('R-RENEW-2: a loan renewed twice in a row: 12-20 → 12-27 → 2027-01-03, then refused', () => {
    const first = checkRenewal(ask({ today: d('2026-12-17'), renewalsUsed: 0 }));
    expect(first).toEqual({ ok: true, newDue: '2026-12-27', renewalsLeft: 1 });
    if (!first.ok) return;
    const second = checkRenewal(ask({ due: first.newDue, today: d('2026-12-24'), renewalsUsed: 1 }));
    expect(second).toEqual({ ok: true, newDue: '2027-01-03', renewalsLeft: 0 });
    if (!second.ok) return;
    const third = checkRenewal(ask({ due: second.newDue, today: d('2027-01-02'), renewalsUsed: 2 }));
    expect(third.ok).toBe(false);
    if (third.ok) return;
    expect(third.refusal.rule).toBe('R-RENEW-2');
    expect(third.refusal.ja).toBe('貸出期間の延長は2回までです。この資料はすでに2回延長されています。');
  });

  test('R-RENEW-2: more than two already used (bad data) is still a refusal, not a third renewal', () => {
    expect(ruleOf(ask({ renewalsUsed: 3 }))).toBe('R-RENEW-2');
  });

  test.each([-1, 1.5, Number.NaN])('renewalsUsed %d is a programming error', (renewalsUsed) => {
    expect(() => checkRenewal(ask({ renewalsUsed }))).toThrow(RangeError);
  });
});

describe('R-RENEW-1: no renewal while another patron has reserved the title', () => {
  test('R-RENEW-1: refuses inside the window when others are waiting', () => {
    expect(checkRenewal(ask({ othersWaiting: true }))).toEqual({
      ok: false,
      refusal: {
        rule: 'R-RENEW-1',
        ja: '他の利用者からの予約が入っているため、延長できません。',
        en: 'Another patron has reserved this title, so the loan cannot be renewed.',
      },
    });
  });
});

describe('R-RENEW-4: by My Library, phone or counter — not by e-mail', () => {
  test.each(['opac', 'phone', 'counter'] as const)('R-RENEW-4: accepts a renewal through %s', (channel) => {
    expect(ruleOf(ask({ channel }))).toBe('ok');
  });

  test('R-RENEW-4: refuses a renewal asked for by e-mail, and says where to ask', () => {
    const outcome = checkRenewal(ask({ channel: 'email' }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-RENEW-4');
    expect(outcome.refusal.ja).toContain('メールによる延長の申し込みはできません');
    expect(outcome.refusal.ja).toContain('Myライブラリ、電話又は当館のカウンター');
  });
});

describe('R-RENEW-5: staff (phone or counter) may renew after the due date', () => {
  test.each(['phone', 'counter'] as const)('R-RENEW-5: by %s the day after the due date → a week added to the due date', (channel) => {
    expect(checkRenewal(ask({ channel, today: d('2026-12-21') }))).toEqual({ ok: true, newDue: '2026-12-27', renewalsLeft: 1 });
  });

  test('R-RENEW-5: up to the renewed due date itself; the day after it, refused — the loan would still be overdue', () => {
    expect(ruleOf(ask({ channel: 'phone', today: d('2026-12-27') }))).toBe('ok');
    const late = checkRenewal(ask({ channel: 'phone', today: d('2026-12-28') }));
    expect(late).toEqual({
      ok: false,
      refusal: {
        rule: 'R-RENEW-5',
        ja: '延長後の返却期限日(2026年12月27日(日))も過ぎているため、延長できません。資料を返却してください。',
        en: 'Even the renewed due date (Sun 2026-12-27) has passed, so the loan cannot be renewed. Please return the item.',
      },
    });
  });

  test('R-RENEW-5, R-RENEW-1, R-RENEW-2, R-RENEW-4: after the due date staff are still refused while someone waits, after two renewals, and by e-mail', () => {
    const late = { today: d('2026-12-22') };
    expect(ruleOf(ask({ ...late, channel: 'counter', othersWaiting: true }))).toBe('R-RENEW-1');
    expect(ruleOf(ask({ ...late, channel: 'counter', renewalsUsed: 2 }))).toBe('R-RENEW-2');
    expect(ruleOf(ask({ ...late, channel: 'email' }))).toBe('R-RENEW-4');
    expect(ruleOf(ask({ ...late, channel: 'opac' }))).toBe('R-RENEW-3');
  });
});

describe('order of checks: R-RENEW-4, then R-RENEW-2, then R-RENEW-1, then R-RENEW-3', () => {
  const cases: [Channel, number, boolean, string, string][] = [];
  for (const channel of ['email', 'opac'] as const) {
    for (const renewalsUsed of [2, 0]) {
      for (const othersWaiting of [true, false]) {
        for (const today of ['2026-12-16', '2026-12-18', '2026-12-21']) {
          const expected =
            channel === 'email'
              ? 'R-RENEW-4'
              : renewalsUsed >= 2
                ? 'R-RENEW-2'
                : othersWaiting
                  ? 'R-RENEW-1'
                  : today === '2026-12-18'
                    ? 'ok'
                    : 'R-RENEW-3';
          cases.push([channel, renewalsUsed, othersWaiting, today, expected]);
        }
      }
    }
  }
  test.each(cases)('channel %s, %i used, others waiting %s, on %s → %s', (channel, renewalsUsed, othersWaiting, today, expected) => {
    expect(ruleOf(ask({ channel, renewalsUsed, othersWaiting, today: d(today) }))).toBe(expected);
  });
});
