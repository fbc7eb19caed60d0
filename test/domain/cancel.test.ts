import { checkCancel, RESERVATION_STATUSES, type Actor, type Channel, type ReservationStatus } from '../../src/domain';

const ruleOf = (status: ReservationStatus, by: Actor, channel?: Channel): string => {
  const outcome = checkCancel({ status, by, channel });
  return outcome.ok ? `ok${outcome.releasesCopy ? ' (copy released)' : ''}` : outcome.refusal.rule;
};

// Who may cancel what, as a librarian would draw it (spec §4, guide 利用状況の表示 ※).
//            status          patron in My Library   staff at counter or by phone   anyone by e-mail
const matrix: [ReservationStatus, string, string, string][] = [
  ['APPLIED', 'ok', 'ok', 'R-CANCEL-2'],
  ['WAITING', 'ok', 'ok', 'R-CANCEL-2'],
  ['SECURED', 'R-CANCEL-1', 'ok (copy released)', 'R-CANCEL-2'],
  ['READY', 'R-CANCEL-1', 'ok (copy released)', 'R-CANCEL-2'],
  ['IN_DELIVERY', 'R-CANCEL-1', 'ok (copy released)', 'R-CANCEL-2'],
  ['ON_LOAN', 'R-CANCEL-2', 'R-CANCEL-2', 'R-CANCEL-2'],
  ['RETURNED', 'R-CANCEL-2', 'R-CANCEL-2', 'R-CANCEL-2'],
  ['CANCELLED', 'R-CANCEL-2', 'R-CANCEL-2', 'R-CANCEL-2'],
  ['RELEASED', 'R-CANCEL-2', 'R-CANCEL-2', 'R-CANCEL-2'],
];

describe('R-CANCEL-1, R-CANCEL-2, R-CANCEL-3: who may cancel in which status', () => {
  test('the matrix covers every status', () => {
    expect(matrix.map(([status]) => status)).toEqual([...RESERVATION_STATUSES]);
  });

  test.each(matrix)('%s: patron in My Library → %s; staff → %s; e-mail → %s', (status, patron, staff, email) => {
    expect(ruleOf(status, 'patron', 'opac')).toBe(patron);
    expect(ruleOf(status, 'patron')).toBe(patron);
    expect(ruleOf(status, 'staff', 'counter')).toBe(staff);
    expect(ruleOf(status, 'staff', 'phone')).toBe(staff);
    expect(ruleOf(status, 'patron', 'email')).toBe(email);
    expect(ruleOf(status, 'staff', 'email')).toBe(email);
  });
});

describe('the reasons patrons read', () => {
  test('R-CANCEL-1: a patron cannot cancel a 確保済み reservation in My Library and is sent to the counter or phone', () => {
    expect(checkCancel({ status: 'SECURED', by: 'patron', channel: 'opac' })).toEqual({
      ok: false,
      refusal: {
        rule: 'R-CANCEL-1',
        ja: '「確保済み」の予約は、ご自身で取り消すことができません。当館カウンターで直接、または電話で取消しを申し込んでください。',
        en: 'A reservation that is secured cannot be cancelled in My Library; please ask at the library counter or by phone.',
      },
    });
  });

  test('R-CANCEL-2: cancellation by e-mail is not accepted, even for a 確保待ち reservation', () => {
    const outcome = checkCancel({ status: 'WAITING', by: 'patron', channel: 'email' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.rule).toBe('R-CANCEL-2');
    expect(outcome.refusal.ja).toContain('メールでの取消の申し込みは、お受けしていません');
  });

  test('R-CANCEL-2: staff cannot cancel a 貸出中 reservation either; the item is returned instead', () => {
    const outcome = checkCancel({ status: 'ON_LOAN', by: 'staff', channel: 'counter' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.ja).toBe('「貸出中」の資料の予約は取り消せません。資料を返却してください。');
  });

  test('R-CANCEL-2: an ended reservation names its status', () => {
    const outcome = checkCancel({ status: 'RELEASED', by: 'staff' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refusal.ja).toBe('この予約はすでに「予約解除」のため、取り消せません。');
    expect(outcome.refusal.en).toBe('This reservation is already released and cannot be cancelled.');
  });
});

describe('order of checks', () => {
  test('R-CANCEL-2: e-mail is refused before the status is looked at (a patron e-mailing about a 確保済み one)', () => {
    const outcome = checkCancel({ status: 'SECURED', by: 'patron', channel: 'email' });
    expect(!outcome.ok && outcome.refusal.ja).toContain('メール');
  });

  test('R-CANCEL-2: "too late" wins over "patron cannot" (a patron trying to cancel a 貸出中 one)', () => {
    const outcome = checkCancel({ status: 'ON_LOAN', by: 'patron', channel: 'opac' });
    expect(!outcome.ok && outcome.refusal.rule).toBe('R-CANCEL-2');
  });
});
