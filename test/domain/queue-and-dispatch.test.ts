import {
  afterFailedDispatch,
  coop,
  enqueue,
  insertAtHead,
  moveDownOne,
  pickupMissedReason,
  positionOf,
  PREF,
  rebalance,
  remove,
  type Queue,
  type SecuredReservation,
} from '../../src/domain';

describe('the title queue and 予約順位', () => {
  const queue: Queue = Object.freeze(['a', 'b', 'c']);

  test('R-ITEM-3: a new reservation joins the end; 予約順位 counts from 1', () => {
    const next = enqueue(queue, 'd');
    expect(next).toEqual(['a', 'b', 'c', 'd']);
    expect(positionOf(next, 'a')).toBe(1);
    expect(positionOf(next, 'd')).toBe(4);
    expect(positionOf(next, 'x')).toBeUndefined();
  });

  test('R-ITEM-3: enqueueing twice (a retried request) keeps one place', () => {
    expect(enqueue(queue, 'b')).toEqual(['a', 'b', 'c']);
  });

  test('R-ITEM-4: the online request a walk-in beat falls back to the head of the queue', () => {
    expect(insertAtHead(queue, 'w')).toEqual(['w', 'a', 'b', 'c']);
    expect(positionOf(insertAtHead(queue, 'w'), 'w')).toBe(1);
  });

  test('R-ITEM-4: a request already in the queue moves to the head, not in twice', () => {
    expect(insertAtHead(queue, 'c')).toEqual(['c', 'a', 'b']);
  });

  test('R-DISPATCH-3: a failed dispatch moves the reservation down one; the next reserver gets the copy', () => {
    const next = moveDownOne(queue, 'a');
    expect(next).toEqual(['b', 'a', 'c']);
    expect(positionOf(next, 'a')).toBe(2);
    expect(moveDownOne(queue, 'b')).toEqual(['a', 'c', 'b']);
  });

  test('R-DISPATCH-3: the last in line has nobody to make way for', () => {
    expect(moveDownOne(queue, 'c')).toEqual(['a', 'b', 'c']);
    expect(moveDownOne(['a'], 'a')).toEqual(['a']);
  });

  test('R-DISPATCH-3: moving an id that is not queued changes nothing', () => {
    expect(moveDownOne(queue, 'x')).toEqual(['a', 'b', 'c']);
  });

  test('R-CANCEL-3: a cancelled reservation leaves the queue; those behind move up', () => {
    const next = remove(queue, 'a');
    expect(next).toEqual(['b', 'c']);
    expect(positionOf(next, 'c')).toBe(2);
    expect(remove(queue, 'x')).toEqual(['a', 'b', 'c']);
  });

  test('queue functions never change their input (frozen input above would throw)', () => {
    expect(queue).toEqual(['a', 'b', 'c']);
  });
});

describe('R-DISPATCH-2, R-DISPATCH-3: after a failed dispatch', () => {
  test.each([
    [1, false, 'SECURED', 'R-DISPATCH-2'],
    [2, false, 'SECURED', 'R-DISPATCH-2'],
    [3, false, 'RELEASED', 'R-DISPATCH-2'],
    [1, true, 'WAITING', 'R-DISPATCH-3'],
    [2, true, 'WAITING', 'R-DISPATCH-3'],
    [3, true, 'RELEASED', 'R-DISPATCH-2'],
    [4, true, 'RELEASED', 'R-DISPATCH-2'],
  ])('failure no. %i, others waiting %s → %s (%s)', (failures, othersWaiting, next, rule) => {
    const decision = afterFailedDispatch({ failures, othersWaiting });
    expect(decision.next).toBe(next);
    expect(decision.reason.rule).toBe(rule);
  });

  test('R-DISPATCH-2: the third failure tells the patron why the reservation ended', () => {
    expect(afterFailedDispatch({ failures: 3, othersWaiting: false }).reason.ja).toBe('協力館へ3回発送できなかったため、予約を解除しました。');
  });

  test('R-DISPATCH-3: one failure with others waiting tells the patron they moved down one place', () => {
    expect(afterFailedDispatch({ failures: 1, othersWaiting: true }).reason.ja).toBe('発送できなかったため、予約順位を1つ繰り下げました。');
  });

  test('a failure count below 1 is a programming error', () => {
    expect(() => afterFailedDispatch({ failures: 0, othersWaiting: false })).toThrow(RangeError);
  });
});

describe('R-DISPATCH-4: 10 or more 確保済み for one patron → titles others want go back to 確保待ち', () => {
  const secured = (count: number, wantedByOthers: number[]): SecuredReservation[] =>
    Array.from({ length: count }, (_, i) => ({ reservationId: `r${i + 1}`, othersWaiting: wantedByOthers.includes(i + 1) }));

  test('R-DISPATCH-4: nine secured, some wanted by others → nothing moves', () => {
    expect(rebalance(secured(9, [1, 2]))).toEqual([]);
  });

  test('R-DISPATCH-4: ten secured, three wanted by others → those three go back', () => {
    expect(rebalance(secured(10, [2, 5, 9]))).toEqual(['r2', 'r5', 'r9']);
  });

  test('R-DISPATCH-4 Decision: all of them go back, not just enough to drop below ten', () => {
    expect(rebalance(secured(12, [1, 2, 3, 4, 5, 6]))).toHaveLength(6);
  });

  test('R-DISPATCH-4: twelve secured that nobody else wants stay secured', () => {
    expect(rebalance(secured(12, []))).toEqual([]);
  });

  test('R-DISPATCH-4: the threshold is configurable', () => {
    expect(rebalance(secured(5, [1]), 5)).toEqual(['r1']);
    expect(() => rebalance(secured(5, [1]), 0)).toThrow(RangeError);
  });
});

describe('R-PREF-5, R-COOP-3: not collected within the hold window', () => {
  test('R-PREF-5: at the prefectural library', () => {
    expect(pickupMissedReason(PREF)).toMatchObject({ rule: 'R-PREF-5' });
  });

  test('R-COOP-3: at a cooperating library', () => {
    expect(pickupMissedReason(coop(12))).toEqual({
      rule: 'R-COOP-3',
      ja: '取置期間中に受け取りに来られなかったため、資料を回収し、予約を解除しました。',
      en: 'The item was not collected within the hold period, so it was taken back and the reservation was released.',
    });
  });
});
