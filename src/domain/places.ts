/**
 * Pickup and return places (受取場所, spec §1): the prefectural library itself, or one of the 59
 * cooperating libraries (協力館), numbered as in the guide's 協力館一覧 (data/cooperating-libraries.csv).
 * Written `"pref"` or `"coop:<no>"` wherever a place travels as text (API, database, workflow input).
 */

export const COOP_LIBRARY_COUNT = 59;

export type PrefPlace = { readonly kind: 'pref' };
export type CoopPlace = { readonly kind: 'coop'; readonly no: number };
export type Place = PrefPlace | CoopPlace;

export const PREF: PrefPlace = Object.freeze({ kind: 'pref' });

export function isCoopLibraryNo(no: number): boolean {
  return Number.isInteger(no) && no >= 1 && no <= COOP_LIBRARY_COUNT;
}

/** Throws RangeError for a cooperating library number outside 1–59: a programming error, not a refusal. */
export function assertValidPlace(place: Place): void {
  if (place.kind === 'coop' && !isCoopLibraryNo(place.no)) {
    throw new RangeError(`cooperating library no. must be 1–${COOP_LIBRARY_COUNT}, got ${place.no}`);
  }
}

export function coop(no: number): CoopPlace {
  const place = Object.freeze({ kind: 'coop' as const, no });
  assertValidPlace(place);
  return place;
}

/** `"pref"` or `"coop:7"` → Place; undefined for anything else (`"coop:0"`, `"coop:60"`, `"coop:07"`). */
export function parsePlace(text: string): Place | undefined {
  if (text === 'pref') return PREF;
  const match = /^coop:([1-9]\d?)$/.exec(text);
  if (!match) return undefined;
  const no = Number(match[1]);
  return isCoopLibraryNo(no) ? coop(no) : undefined;
}

export function formatPlace(place: Place): string {
  assertValidPlace(place);
  return place.kind === 'pref' ? 'pref' : `coop:${place.no}`;
}

export function samePlace(a: Place, b: Place): boolean {
  return a.kind === 'pref' ? b.kind === 'pref' : b.kind === 'coop' && a.no === b.no;
}
