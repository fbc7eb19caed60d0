/**
 * The library's yes/no decisions, as pure functions of plain values, one file per subject. Each returns
 * `{ ok: true, …facts }` or `{ ok: false, refusal }` with the rule id and the patron-facing reason in
 * Japanese and English (refusal.ts). When several rules refuse at once, each function documents which
 * reason wins and why: the patron is told the one that matters most, never a reason that would send
 * them back on a day when they would be refused anyway.
 *
 * Wrong *inputs* (a negative count, a library number 60) are programming errors and throw RangeError.
 */

export * from './channels';
export * from './request-rules';
export * from './lending-rules';
export * from './renewal-rules';
export * from './cancel-rules';
export * from './pickup-change-rules';
export * from './suspend-rules';
export * from './return-rules';
export * from './account-rules';
export * from './conduct-rules';
export * from './loan-state-refusals';
