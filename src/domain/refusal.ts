/**
 * A refusal is data, made once by the rule that refuses: which rule, and what to tell the patron in
 * Japanese and English. The workflow's update validator, the HTTP API and the simulator all show the
 * same value, so "why was this refused?" has one answer everywhere (unlike Koha's CanBookBeRenewed,
 * which mixes rule lookup and reasons in one long function).
 */

/** Every rule id of docs/spec.md, so a typo in a rule id is a type error. */
export const RULE_IDS = [
  'R-ITEM-1',
  'R-ITEM-2',
  'R-ITEM-3',
  'R-ITEM-4',
  'R-LIMIT-1',
  'R-LIMIT-2',
  'R-STATUS-1',
  'R-CANCEL-1',
  'R-CANCEL-2',
  'R-CANCEL-3',
  'R-PREF-1',
  'R-PREF-2',
  'R-PREF-3',
  'R-PREF-4',
  'R-PREF-5',
  'R-COOP-1',
  'R-COOP-2',
  'R-COOP-3',
  'R-COOP-4',
  'R-DISPATCH-1',
  'R-DISPATCH-2',
  'R-DISPATCH-3',
  'R-DISPATCH-4',
  'R-LOAN-1',
  'R-RENEW-1',
  'R-RENEW-2',
  'R-RENEW-3',
  'R-RENEW-4',
  'R-RENEW-5',
  'R-OVERDUE-1',
  'R-OVERDUE-2',
  'R-RETURN-1',
  'R-RETURN-2',
  'R-RETURN-3',
  'R-RETURN-4',
  'R-RETURN-5',
  'R-MAIL-1',
  'R-MAIL-2',
  'R-ACCOUNT-1',
  // Closed days (spec §15, Decisions: the guide is silent).
  'R-CLOSED-1',
  'R-CLOSED-2',
  'R-CLOSED-3',
  'R-CLOSED-4',
  // Staff reservations, changing the pickup place, suspending (spec §15, Decisions).
  'R-STAFF-1',
  'R-PICKUP-1',
  'R-PICKUP-2',
  'R-SUSPEND-1',
  'R-SUSPEND-2',
  'R-SUSPEND-3',
  // The library's discretion to refuse service to a patron: staff stop it, and reservations and
  // dispatches are refused while it is stopped (conduct-rules.ts).
  'R-CONDUCT-1',
  // Privacy of ended records (src/domain/privacy.ts, src/services/privacy.ts): nothing refuses by them.
  'R-PRIVACY-1',
  'R-PRIVACY-2',
  'R-PRIVACY-3',
  // How the service runs (docs/spec.md §13): proven by npm run topology, not refused by.
  'R-TOPO-1',
  'R-TOPO-2',
  // Scale (docs/spec.md §16): how the records are read and kept, not refused by.
  'R-SCALE-1',
  'R-SCALE-2',
  'R-SCALE-3',
  'R-SCALE-4',
  'R-SCALE-5',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface Refusal {
  readonly rule: RuleId;
  /** Shown to patrons; written in the guide's own wording where it has one. */
  readonly ja: string;
  readonly en: string;
}

export interface Refused {
  readonly ok: false;
  readonly refusal: Refusal;
}

/** What every rule check returns: `{ ok: true, …facts }` or the refusal. */
export type Outcome<T extends object = object> = ({ readonly ok: true } & T) | Refused;

export function refusal(rule: RuleId, ja: string, en: string): Refusal {
  return Object.freeze({ rule, ja, en });
}

export function refuse(rule: RuleId, ja: string, en: string): Refused {
  return Object.freeze({ ok: false as const, refusal: refusal(rule, ja, en) });
}

export function allow<T extends object>(facts: T): { readonly ok: true } & T {
  return { ok: true as const, ...facts };
}
