// The season generator (issue 14, `npm run simulate -- --generate season:<N>`): seeded, in the shape the
// library sees, and a scenario the simulator accepts — then a small season run through the real CLI.
import { spawn } from 'node:child_process';
import { COOP_LIBRARY_COUNT, weekday, jstDateOf } from '../../src/domain';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { parseScenarioText } from '../../src/simulator/scenario';
import { generateSeason, parseGenerateSpec } from '../../src/simulator/season';
import type { Timeline } from '../../src/simulator/timeline';
import { testServerUrl } from '../support/database';

type Ev = { at: string; do: string; reservation?: string; patron?: string; title?: string; pickup?: string };

const season = (reservations: number, seed = 1) =>
  generateSeason({ reservations, seed, firstDay: '2027-03-02' as never }) as {
    patrons: unknown[];
    titles: { copies: unknown[] }[];
    events: Ev[];
    until: string;
  };

test('the same seed gives the same season, another seed another one', () => {
  expect(season(200, 5)).toEqual(season(200, 5));
  expect(season(200, 6)).not.toEqual(season(200, 5));
});

test('a season is a valid scenario: events in order, from the first Monday, over four weeks, a title never reserved twice by one patron (R-ITEM-3)', () => {
  const s = season(3000);
  const parsed = parseScenarioText(JSON.stringify(s));
  expect(parsed.ok).toBe(true);
  const reserves = s.events.filter((e) => e.do === 'reserve');
  expect(reserves).toHaveLength(3000);
  const times = s.events.map((e) => Date.parse(e.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  const days = reserves.map((e) => jstDateOf(new Date(e.at)));
  expect(days[0]! >= '2027-03-08').toBe(true); // the Monday after 2027-03-02
  expect(days.at(-1)! < '2027-04-05').toBe(true); // four weeks
  expect(days.every((d) => weekday(d) !== 0)).toBe(true); // no Sunday requests
  const pairs = reserves.map((e) => `${e.patron}/${e.title}`);
  expect(new Set(pairs).size).toBe(pairs.length);
});

test('the shares: 30 % prefectural and 70 % cooperating pickups over all 59 libraries; cancels, pickups, renewals and returns', () => {
  const s = season(3000);
  const reserves = s.events.filter((e) => e.do === 'reserve');
  const coop = reserves.filter((e) => e.pickup !== 'pref');
  expect(coop.length / reserves.length).toBeGreaterThan(0.66);
  expect(coop.length / reserves.length).toBeLessThan(0.74);
  expect(new Set(coop.map((e) => e.pickup)).size).toBe(COOP_LIBRARY_COUNT);
  const count = (k: string) => s.events.filter((e) => e.do === k).length / 3000;
  expect(count('cancel')).toBeGreaterThan(0.05);
  expect(count('cancel')).toBeLessThan(0.11);
  expect(count('pickup')).toBeGreaterThan(0.83);
  expect(count('returnAt')).toBeCloseTo(count('pickup'), 5);
  expect(count('renew') / count('pickup')).toBeGreaterThan(0.2);
  expect(count('renew') / count('pickup')).toBeLessThan(0.3);
  // One patron per three reservations, one title per two, 70 % of them with one copy.
  expect(s.patrons).toHaveLength(1000);
  expect(s.titles).toHaveLength(1500);
  const single = s.titles.filter((t) => t.copies.length === 1).length / s.titles.length;
  expect(single).toBeGreaterThan(0.65);
  expect(single).toBeLessThan(0.75);
});

test('season:<N>[:<seed>] is the only spelling', () => {
  expect(parseGenerateSpec('season:300')).toEqual({ reservations: 300, seed: 1 });
  expect(parseGenerateSpec('season:300:42')).toEqual({ reservations: 300, seed: 42 });
  for (const bad of ['season:0', 'season:', 'season:x', 'winter:3', 'season:300:', 'season:1000001']) expect(parseGenerateSpec(bad)).toBeUndefined();
});

test('npm run simulate -- --generate season:12 runs the season through the real CLI and says the real time per reservation', async () => {
  const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [`${PROJECT_ROOT}/node_modules/tsx/dist/cli.mjs`, `${PROJECT_ROOT}/src/simulator/cli.ts`, '--generate', 'season:12:3'],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: testServerUrl() }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
  expect([run.code, run.err.slice(-2000)]).toEqual([
    0,
    expect.stringMatching(/season: 12 reservations simulated in [\d.]+ s of real time, \d+ ms per reservation/),
  ]);
  const timeline = JSON.parse(run.out) as Timeline;
  expect(Object.keys(timeline.reservations)).toHaveLength(12);
  // Each reservation went somewhere the service decided (no generator status in the timeline).
  for (const r of Object.values(timeline.reservations)) expect(r.transitions.length).toBeGreaterThan(1);
}, 300_000);
