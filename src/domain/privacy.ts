// Privacy of ended records (docs/spec.md §11, R-PRIVACY-1…3). Which patron read which book is the
// patron's secret (図書館の自由に関する宣言, 第3: 利用者の秘密を守る): the library keeps the link between a
// patron and an ended loan or reservation only as long as it needs it — for questions about a return,
// a late notice, a copy that went missing — unless the patron asks for a reading history (貸出履歴).

/** R-PRIVACY-2: the default of PRIVACY_RETENTION_DAYS, the days an ended record keeps its patron. */
export const DEFAULT_PRIVACY_RETENTION_DAYS = 30;

/**
 * R-PRIVACY-2: the patron an ended record is handed to once its link is removed. A row of its own (the
 * migration inserts it) so that every count by title, place, status or month stays as it was, and a
 * reservation or loan always has a patron. Its card number is outside the API's card-number syntax, so
 * no request can name it; it has no password, no address and no limits.
 */
export const ANONYMOUS_PATRON_ID = '00000000-0000-0000-0000-000000000000';

const DAY_MS = 86_400_000;

/**
 * R-PRIVACY-2: records that ended before this moment lose their patron (unless the patron keeps a reading
 * history, R-PRIVACY-1). `retentionDays` whole days before `now`, to the millisecond: a record ended at
 * 10:00 is forgotten at 10:00 thirty days later, not at a midnight before or after.
 */
export function forgetEndedBefore(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new RangeError(`retentionDays must be a whole number ≥ 1, got ${retentionDays}`);
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * R-PRIVACY-1 / R-PRIVACY-2: whether an ended record of a patron is forgotten now. A patron with a reading
 * history keeps every record that ended while it was on (and those still linked when it was turned on);
 * turning it off hands them back to the ordinary rule.
 */
export function isForgottenNow(q: { endedAt: Date; now: Date; retentionDays: number; readingHistory: boolean }): boolean {
  if (q.readingHistory) return false;
  return q.endedAt.getTime() < forgetEndedBefore(q.now, q.retentionDays).getTime();
}
