/**
 * Wrong *inputs* (a negative count, a fractional limit) are programming errors and throw RangeError;
 * refusals are for requests the library turns down. Not re-exported: internal to the rule files.
 */

export function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}
