/**
 * The pure core of the online lending service: the JST calendar and the library's rules
 * (docs/spec.md). No I/O, no clock, no randomness, no dependencies — Temporal workflow
 * code imports it and must replay deterministically; the API and the simulator import the same values.
 */

export * from './local-date';
export * from './refusal';
export * from './statuses';
export * from './places';
export * from './calendar';
export * from './closed-days';
export * from './rules';
export * from './queue';
export * from './shelf-pulling';
export * from './notices';
export * from './privacy';
