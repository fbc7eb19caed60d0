// R-SCALE-2: how far the staff reservation and loan lists count their matches (reservation-queries.ts).
// No imports: the API's schemas name the cap in the OpenAPI document.

/**
 * R-SCALE-2 Decision: a staff list counts its matches only so far — `LIST_COUNT_CAP` rows, or to the end
 * of the page asked for when that is further — and one more, to know whether more match. Up to there
 * the total is exact; past it the list answers the bound with `totalIsExact: false` (the console shows
 * 「1,000件以上」). Counting to the end of the page asked for keeps every page the API accepts reachable by
 * paging — whether a next page exists is always known — and past the cap the count reads no further than
 * the page's own OFFSET (and one row).
 */
export const LIST_COUNT_CAP = 1_000;

/** How far a list with this paging counts: Prisma's count with `take` counts a LIMITed subquery of `countLimit + 1` rows. */
export function countLimit(f: { page: number; pageSize: number }): number {
  return Math.max(LIST_COUNT_CAP, f.page * f.pageSize);
}

/** The total a list answers from what it counted (at most `limit + 1`): exact, or `limit` as a lower bound. */
export function boundedTotal(counted: number, limit: number): { total: number; totalIsExact: boolean } {
  return counted > limit ? { total: limit, totalIsExact: false } : { total: counted, totalIsExact: true };
}
