import {
  checkRequestable,
  isFinalStatus,
  isInUse,
  isLendable,
  isMaterialType,
  isNotForLoan,
  isOnShelf,
  isReservationStatus,
  MATERIAL_TYPES,
  parseItemStatus,
  RESERVATION_STATUS_JA,
  RESERVATION_STATUSES,
  type ItemStatus,
  type MaterialType,
} from '../../src/domain';

describe('spec §3: reservation statuses and the labels My Library shows', () => {
  test.each([
    ['APPLIED', '予約申込', false],
    ['WAITING', '確保待ち', false],
    ['SECURED', '確保済み', false],
    ['READY', '貸出可能', false],
    ['IN_DELIVERY', '配送中', false],
    ['ON_LOAN', '貸出中', false],
    ['RETURNED', '返却済', true],
    ['CANCELLED', '取消', true],
    ['RELEASED', '予約解除', true],
  ] as const)('R-STATUS-1: %s is shown as %s (final: %s)', (code, label, final) => {
    expect(RESERVATION_STATUS_JA[code]).toBe(label);
    expect(isFinalStatus(code)).toBe(final);
    expect(isReservationStatus(code)).toBe(true);
  });

  test('there are exactly nine codes, in the order of the spec’s table', () => {
    expect(RESERVATION_STATUSES).toEqual(['APPLIED', 'WAITING', 'SECURED', 'READY', 'IN_DELIVERY', 'ON_LOAN', 'RETURNED', 'CANCELLED', 'RELEASED']);
    expect(isReservationStatus('LOST')).toBe(false);
    expect(isReservationStatus('予約申込')).toBe(false);
  });
});

describe('R-ITEM-2: item statuses as the OPAC shows them', () => {
  test.each([
    ['書架', 'on shelf'],
    ['禁帯', 'not for loan'],
    ['貸出一般', 'in use'],
    ['貸出特別', 'in use'],
    ['予受待', 'in use'],
    ['予回送', 'in use'],
  ])('R-ITEM-2: %s is %s', (text, kind) => {
    const status = parseItemStatus(text);
    expect(status).toBe(text);
    if (!status) return;
    expect(isOnShelf(status)).toBe(kind === 'on shelf');
    expect(isNotForLoan(status)).toBe(kind === 'not for loan');
    expect(isInUse(status)).toBe(kind === 'in use');
  });

  test.each(['貸出', '貸出 一般', '', 'ON_SHELF', '書架 '])('R-ITEM-2: %j is not an item status', (text) => {
    expect(parseItemStatus(text)).toBeUndefined();
  });
});

describe('R-ITEM-1: material types', () => {
  test.each([
    ['図書', true],
    ['デイジー', true],
    ['雑誌', false],
    ['視聴覚', false],
  ] as const)('R-ITEM-1: %s lendable → %s', (type, lendable) => {
    expect(isLendable(type)).toBe(lendable);
  });

  test('R-ITEM-1: the four types and nothing else', () => {
    expect(MATERIAL_TYPES).toEqual(['図書', 'デイジー', '雑誌', '視聴覚']);
    expect(isMaterialType('図書')).toBe(true);
    expect(isMaterialType('CD')).toBe(false);
  });
});

describe('R-ITEM-1, R-ITEM-2, R-ITEM-3: may a title be requested, and does it queue', () => {
  const verdict = (materialType: MaterialType, copies: ItemStatus[]): string => {
    const outcome = checkRequestable({ materialType, copies });
    return outcome.ok ? outcome.route : outcome.refusal.rule;
  };

  test('R-ITEM-1: a magazine is refused even when a copy is on the shelf', () => {
    expect(checkRequestable({ materialType: '雑誌', copies: ['書架'] })).toEqual({
      ok: false,
      refusal: {
        rule: 'R-ITEM-1',
        ja: '貸出・予約できる資料は、図書資料とデイジー資料です。雑誌及び視聴覚資料は対象外です。',
        en: 'Only books and DAISY recordings can be lent or reserved; magazines and audio-visual material cannot.',
      },
    });
    expect(verdict('視聴覚', ['書架'])).toBe('R-ITEM-1');
  });

  test('R-ITEM-2: a title whose only copy is 禁帯 cannot be lent or reserved', () => {
    const outcome = checkRequestable({ materialType: '図書', copies: ['禁帯', '禁帯'] });
    expect(!outcome.ok && outcome.refusal).toEqual({
      rule: 'R-ITEM-2',
      ja: '「禁帯」の資料は貸出(予約)できません。',
      en: 'This item is not for loan (禁帯) and cannot be lent or reserved.',
    });
  });

  test('R-ITEM-2: a title with no copies at all is refused', () => {
    expect(verdict('図書', [])).toBe('R-ITEM-2');
  });

  test('R-ITEM-2: a 書架 copy can be secured at once (the walk-in may still win, R-ITEM-4)', () => {
    expect(verdict('図書', ['貸出一般', '書架'])).toBe('shelf');
    expect(verdict('デイジー', ['書架'])).toBe('shelf');
  });

  test.each([[['貸出一般'] as ItemStatus[]], [['予受待', '予回送'] as ItemStatus[]], [['禁帯', '貸出一般'] as ItemStatus[]]])(
    'R-ITEM-3: copies %j all in use → a reservation in the queue',
    (copies) => {
      expect(verdict('図書', copies)).toBe('queue');
    },
  );
});
