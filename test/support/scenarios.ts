// Running simulator scenarios in tests. Scenarios are written with fixed dates (the example files in
// scenarios/, the guide's December 2026 in the tests), but the time-skipping server's clock starts at
// the real current time and a scenario in the past is refused; so, as in week-shift.ts, every date is
// moved forward by the same whole number of weeks once it has passed — weekdays, and with them the
// Thursday calendar, stay the same, and so do the expected outcomes (shifted alike with `w.day`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, formatJst, parseLocalDate, type LocalDate } from '../../src/domain';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { runScenario } from '../../src/simulator/run';
import { parseScenario } from '../../src/simulator/scenario';
import type { RequestRecord, Timeline } from '../../src/simulator/timeline';
import { createTestDatabase } from './database';
import { weekShift, type WeekShift } from './week-shift';

const WEEK_MS = 7 * 86_400_000;

/** A scenario as JSON data (what a file holds), before validation. */
export type RawScenario = {
  events: ({ at: string } & Record<string, unknown>)[];
  loans?: ({ due: string } & Record<string, unknown>)[];
  until?: string;
} & Record<string, unknown>;

export function exampleScenario(name: string): RawScenario {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'scenarios', name), 'utf8')) as RawScenario;
}

/** The shift that moves the scenario's first event into the future (0 weeks while it is ahead). */
export function shiftFor(raw: RawScenario, now = new Date()): WeekShift {
  const first = formatJst(new Date(raw.events[0]!.at)).slice(0, -'+09:00'.length); // JST wall time, as weekShift takes it
  return weekShift(first, now);
}

/** A copy of the scenario with every moment and date moved by `w` (moments come out in JST, +09:00). */
export function shifted(raw: RawScenario, w: WeekShift): RawScenario {
  const moment = (m: string) => formatJst(new Date(Date.parse(m) + w.weeks * WEEK_MS));
  const day = (d: string): LocalDate => addDays(parseLocalDate(d), w.weeks * 7);
  return {
    ...raw,
    events: raw.events.map((e) => ({
      ...e,
      at: moment(e.at),
      // closedDays / reopenDays name calendar days (R-CLOSED-1), and a returnAt's returnedOn (R-RETURN-5): moved with the rest.
      ...(typeof e.from === 'string' ? { from: day(e.from) } : {}),
      ...(typeof e.to === 'string' ? { to: day(e.to) } : {}),
      ...(typeof e.returnedOn === 'string' ? { returnedOn: day(e.returnedOn) } : {}),
    })),
    ...(raw.loans ? { loans: raw.loans.map((l) => ({ ...l, due: day(l.due) })) } : {}),
    ...(raw.until ? { until: moment(raw.until) } : {}),
  };
}

/** A JST moment of the scenario's own calendar, moved by `w`, as the timeline prints it. */
export function at(w: WeekShift, jst: string): string {
  return formatJst(w.at(jst));
}

/**
 * Runs a scenario (already shifted) through the real simulator on a fresh copy of the test template
 * database; the simulator starts its own time-skipping server and worker.
 */
export async function simulate(raw: RawScenario): Promise<Timeline> {
  const parsed = parseScenario(raw);
  if (!parsed.ok) throw new Error(`test scenario is invalid:\n${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  const t = await createTestDatabase();
  try {
    return await runScenario(parsed.scenario, { db: t.db, log: () => undefined });
  } finally {
    await t.drop();
  }
}

/** A request in one line: [do, result, the rule if refused, else the new due date or status]. */
export function brief(q: RequestRecord): [string, string, string | null] {
  if (q.result === 'rejected') return [q.do, q.result, q.rule];
  if (q.result === 'accepted') return [q.do, q.result, q.due ?? q.status];
  return [q.do, q.result, null];
}
