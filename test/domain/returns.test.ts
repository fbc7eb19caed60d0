import {
  checkReturnDay,
  checkReturnPlace,
  coop,
  formatPlace,
  parseLocalDate,
  parsePlace,
  PREF,
  samePlace,
  type Place,
  type ReturnPlaceQuestion,
  type ReturnVia,
} from '../../src/domain';

const place = (text: string): Place => {
  const parsed = parsePlace(text);
  if (!parsed) throw new Error(`bad place in test: ${text}`);
  return parsed;
};

const ask = (pickup: string, returnAt: string, more: Partial<ReturnPlaceQuestion> = {}): ReturnPlaceQuestion => ({
  pickup: place(pickup),
  returnAt: place(returnAt),
  usualWasClosedAtReservation: false,
  usualOpenNow: true,
  ...more,
});
const verdict = (q: ReturnPlaceQuestion): string => {
  const outcome = checkReturnPlace(q);
  return outcome.ok ? `ok by ${outcome.allowedBy}` : outcome.refusal.rule;
};

describe('places are written "pref" or "coop:<1-59>"', () => {
  test('every cooperating library number round-trips', () => {
    for (let no = 1; no <= 59; no++) {
      expect(parsePlace(`coop:${no}`)).toEqual({ kind: 'coop', no });
      expect(formatPlace(coop(no))).toBe(`coop:${no}`);
    }
    expect(parsePlace('pref')).toEqual({ kind: 'pref' });
    expect(formatPlace(PREF)).toBe('pref');
  });

  test.each(['coop:0', 'coop:60', 'coop:07', 'coop:', 'coop:1.5', 'coop:-1', 'PREF', ' pref', 'coop: 5', 'coop:5 ', 'library'])(
    '%j is not a place',
    (text) => {
      expect(parsePlace(text)).toBeUndefined();
    },
  );

  test('a cooperating library number outside 1–59 is a programming error', () => {
    expect(() => coop(60)).toThrow(RangeError);
    expect(() => formatPlace({ kind: 'coop', no: 0 })).toThrow(RangeError);
    expect(() => checkReturnPlace(ask('coop:5', 'pref', { pickup: { kind: 'coop', no: 99 } }))).toThrow(RangeError);
  });

  test('samePlace compares kind and number', () => {
    expect(samePlace(PREF, place('pref'))).toBe(true);
    expect(samePlace(coop(5), place('coop:5'))).toBe(true);
    expect(samePlace(coop(5), coop(6))).toBe(false);
    expect(samePlace(PREF, coop(5))).toBe(false);
    expect(samePlace(coop(5), PREF)).toBe(false);
  });
});

describe('R-RETURN-1: picked up at the prefectural library', () => {
  test.each(['counter', 'book-post'] as const)('R-RETURN-1: may be returned at its %s', (via) => {
    expect(verdict(ask('pref', 'pref', { via }))).toBe('ok by R-RETURN-1');
  });

  test('R-RETURN-1: refuses a return at a cooperating library', () => {
    expect(checkReturnPlace(ask('pref', 'coop:5'))).toEqual({
      ok: false,
      refusal: {
        rule: 'R-RETURN-1',
        ja: '県立図書館で受け取った資料は、県立図書館のカウンター又はブックポストへ返却してください。',
        en: 'Items picked up at the prefectural library must be returned to its counter or book post.',
      },
    });
  });
});

describe('R-RETURN-2: picked up at a cooperating library', () => {
  test.each(['counter', 'designated-place'] as const)('R-RETURN-2: may be returned at that library’s %s', (via) => {
    expect(verdict(ask('coop:12', 'coop:12', { via }))).toBe('ok by R-RETURN-2');
  });

  test.each(['counter', 'book-post'] as const)('R-RETURN-2: may be returned at the prefectural library (%s)', (via) => {
    expect(verdict(ask('coop:12', 'pref', { via }))).toBe('ok by R-RETURN-2');
  });
});

describe('R-RETURN-3: not to another cooperating library, not through its book post', () => {
  test('R-RETURN-3: refuses a return at another cooperating library', () => {
    const outcome = checkReturnPlace(ask('coop:12', 'coop:13'));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-RETURN-3');
    expect(outcome.refusal.ja).toBe('受け取った協力館(No.12)以外の協力館には返却できません。受け取った協力館又は県立図書館へ返却してください。');
  });

  test('R-RETURN-3: refuses the book post of the very library it was picked up at', () => {
    const outcome = checkReturnPlace(ask('coop:12', 'coop:12', { via: 'book-post' }));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-RETURN-3');
    expect(outcome.refusal.ja).toContain('県立図書館以外のブックポストへは返却できません');
  });

  test('R-RETURN-3: at the wrong library with the book post, the wrong library is what the patron is told', () => {
    const outcome = checkReturnPlace(ask('coop:12', 'coop:13', { via: 'book-post' }));
    expect(!outcome.ok && outcome.refusal.ja).toContain('受け取った協力館(No.12)以外');
  });
});

describe('R-RETURN-3 exception since May 2024: usual library A was closed, B chosen for pickup, A reopened', () => {
  // A = no. 7 (usual, was closed), B = no. 12 (pickup).
  const exception = { usualLibrary: 7, usualWasClosedAtReservation: true, usualOpenNow: true };

  test('R-RETURN-3: may be returned at A, with no prior application', () => {
    expect(verdict(ask('coop:12', 'coop:7', exception))).toBe('ok by R-RETURN-3');
  });

  test('R-RETURN-3: B and the prefectural library still take it', () => {
    expect(verdict(ask('coop:12', 'coop:12', exception))).toBe('ok by R-RETURN-2');
    expect(verdict(ask('coop:12', 'pref', exception))).toBe('ok by R-RETURN-2');
  });

  test('R-RETURN-3: a third library C is still refused', () => {
    expect(verdict(ask('coop:12', 'coop:30', exception))).toBe('R-RETURN-3');
  });

  test('R-RETURN-3: A’s book post is still refused', () => {
    expect(verdict(ask('coop:12', 'coop:7', { ...exception, via: 'book-post' as ReturnVia }))).toBe('R-RETURN-3');
  });

  test.each([
    ['A was open when the reservation was made', { usualWasClosedAtReservation: false }],
    ['A has not reopened', { usualOpenNow: false }],
    ['no usual library is known', { usualLibrary: undefined }],
  ])('R-RETURN-3: refused at A when %s', (_why, change) => {
    expect(verdict(ask('coop:12', 'coop:7', { ...exception, ...change }))).toBe('R-RETURN-3');
  });

  test('R-RETURN-3: no exception when the usual library was itself the pickup library', () => {
    expect(verdict(ask('coop:7', 'coop:12', { ...exception, usualLibrary: 7 }))).toBe('R-RETURN-3');
  });

  test('R-RETURN-1: the exception is about cooperating-library pickups only', () => {
    expect(verdict(ask('pref', 'coop:7', exception))).toBe('R-RETURN-1');
  });
});

describe('R-RETURN-1: the prefectural library takes returns at its counter or book post, not a designated place', () => {
  test.each(['pref', 'coop:12'])('R-RETURN-1: picked up at %s, a "designated place" at the prefectural library is refused', (pickup) => {
    expect(verdict(ask(pickup, 'pref', { via: 'designated-place' }))).toBe('R-RETURN-1');
  });
});

describe('R-RETURN-5: the day a return happened, recorded later', () => {
  const d = parseLocalDate;
  const lentOn = d('2026-12-03');
  test('R-RETURN-5: yesterday, or the day of the loan, is accepted', () => {
    expect(checkReturnDay({ returnedOn: d('2026-12-20'), today: d('2026-12-21'), lentOn })).toEqual({ ok: true });
    expect(checkReturnDay({ returnedOn: lentOn, today: d('2026-12-21'), lentOn })).toEqual({ ok: true });
  });
  test('R-RETURN-5: tomorrow is refused, saying so', () => {
    expect(checkReturnDay({ returnedOn: d('2026-12-22'), today: d('2026-12-21'), lentOn })).toEqual({
      ok: false,
      refusal: { rule: 'R-RETURN-5', ja: '返却日(2026年12月22日(火))が未来の日付です。', en: 'The return day (Tue 2026-12-22) is in the future.' },
    });
  });
  test('R-RETURN-5: a day before the loan is refused', () => {
    const before = checkReturnDay({ returnedOn: d('2026-12-02'), today: d('2026-12-21'), lentOn });
    expect(!before.ok && before.refusal.ja).toBe('返却日(2026年12月2日(水))が貸出日(2026年12月3日(木))より前です。');
  });
});
