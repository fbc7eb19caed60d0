// A scenario the simulator cannot run is refused before anything starts: exit 2, and each problem on
// stderr as `path: reason`, the path in the scenario's own JSON (events[3].pickup). These run the
// CLI's entry point in-process (no server is started for an invalid scenario); the last one runs the
// real CLI as a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { EXIT_INVALID, main } from '../../src/simulator/cli';
import { parseScenario, type Scenario } from '../../src/simulator/scenario';
import { exampleScenario, shifted, shiftFor } from '../support/scenarios';

// Scenario JSON broken on purpose: untyped, like a file staff wrote.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const base = (): Json => {
  const raw = exampleScenario('cooperating-pickup.json');
  return shifted(raw, shiftFor(raw));
};

/** Runs the CLI's main on `text` as the scenario file's content; returns the exit code and stderr. */
async function cli(text: string): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const code = await main(['scenario.json'], { out: (t) => (out += t), err: (t) => (err += t), readFile: () => text });
  return { code, err, out };
}

async function refused(mutate: (s: Json) => void): Promise<string> {
  const s = structuredClone(base());
  mutate(s);
  const { code, err, out } = await cli(JSON.stringify(s));
  expect(code).toBe(EXIT_INVALID);
  expect(out).toBe(''); // stdout carries a timeline or nothing
  return err;
}

test('the example scenario is valid', () => {
  const parsed = parseScenario(base());
  expect(parsed.ok).toBe(true);
  const s = (parsed as { scenario: Scenario }).scenario;
  expect(s.events.map((e) => e.do)).toEqual(['reserve', 'checkIn', 'pickup', 'renew', 'returnAt', 'checkIn']);
});

test('bad JSON → exit 2, the file as a whole', async () => {
  const { code, err } = await cli('{ "patrons": [');
  expect(code).toBe(EXIT_INVALID);
  expect(err).toMatch(/\(root\): not valid JSON/);
});

test('unknown pickup number → exit 2 naming events[0].pickup', async () => {
  const err = await refused((s) => (s.events[0].pickup = 'coop:60'));
  expect(err).toContain('events[0].pickup: unknown place "coop:60": use "pref" or "coop:1" … "coop:59"');
});

test('an event in the past → exit 2 naming its moment, before anything is started', async () => {
  const err = await refused((s) => (s.events[0].at = '2020-01-06T09:00:00+09:00'));
  // Chronological order still holds (the rest come later), so it is the clock that refuses it.
  expect(err).toMatch(/events\[0\]\.at: 2020-01-06T09:00:00\+09:00 is not in the future: the simulation starts now/);
});

test('unknown reservation id → exit 2 naming events[2].reservation', async () => {
  const err = await refused((s) => (s.events[2].reservation = 'R9'));
  expect(err).toContain('events[2].reservation: unknown reservation "R9": no "reserve" event places it');
});

test('a reservation named before its reserve event → exit 2', async () => {
  const err = await refused((s) => {
    s.events[2].reservation = 'R2';
    s.events.push({ ...s.events[0], at: s.events[5].at, reservation: 'R2' });
  });
  expect(err).toContain('events[2].reservation: reservation "R2" is placed only later, at events[6]');
});

test('wrong field type → exit 2 naming the field', async () => {
  const err = await refused((s) => (s.patrons[0].loanLimit = 'ten'));
  expect(err).toContain('patrons[0].loanLimit: Invalid input: expected number, received string');
  const err2 = await refused((s) => (s.events[1].item = 7));
  expect(err2).toContain('events[1].item: Invalid input: expected string, received number');
});

test('unknown event kind, channel and extra keys → exit 2 naming each', async () => {
  expect(await refused((s) => (s.events[3].do = 'extend'))).toMatch(/events\[3\]\.do: unknown event kind "extend": use one of reserve, cancel, /);
  expect(await refused((s) => (s.events[3].channel = 'fax'))).toContain('events[3].channel: Invalid option');
  expect(await refused((s) => (s.events[3].chanel = 'opac'))).toContain('events[3]: Unrecognized key: "chanel"');
});

test('a moment without its offset → exit 2', async () => {
  const err = await refused((s) => (s.events[0].at = '2027-03-01T09:00:00'));
  expect(err).toContain('events[0].at: must be an ISO 8601 moment with its offset');
});

test('events out of order are refused, not sorted', async () => {
  const err = await refused((s) => ([s.events[2], s.events[3]] = [s.events[3], s.events[2]]));
  expect(err).toMatch(/events\[3\]\.at: .* is before events\[2\]\.at .*: events must be in chronological order/);
});

test('R-LIMIT-2: a loan limit outside 1…10 → exit 2 with the rule', async () => {
  const err = await refused((s) => s.events.push({ at: s.events[5].at, do: 'setLoanLimit', patron: 'P1', limit: 11 }));
  expect(err).toContain('events[6].limit: R-LIMIT-2: The loan limit can only be set between 1 and 10.');
  expect(await refused((s) => (s.patrons[0].loanLimit = 0))).toContain('patrons[0].loanLimit: R-LIMIT-2');
});

test('unknown patron, title and item ids, and duplicates → exit 2 naming each', async () => {
  expect(await refused((s) => (s.events[0].patron = 'P9'))).toContain('events[0].patron: unknown patron "P9"');
  expect(await refused((s) => (s.events[0].title = 'T9'))).toContain('events[0].title: unknown title "T9"');
  expect(await refused((s) => (s.events[1].item = 'I9'))).toContain('events[1].item: unknown item "I9"');
  expect(await refused((s) => (s.loans[0].item = 'I9'))).toContain('loans[0].item: unknown item "I9"');
  expect(await refused((s) => s.patrons.push({ ...s.patrons[0] }))).toContain('patrons[2].id: duplicate patron id "P1"');
  expect(await refused((s) => s.events.push({ ...s.events[0], at: s.events[5].at }))).toContain(
    'events[6].reservation: reservation "R1" is already reserved at events[0]',
  );
});

test('check-in only at the prefectural library; a cooperating-library number must exist', async () => {
  expect(await refused((s) => (s.events[1].place = 'coop:30'))).toContain('events[1].place: check-in happens at the prefectural library only');
  expect(await refused((s) => s.events.push({ at: s.events[5].at, do: 'libraryClosed', library: 60 }))).toContain(
    'events[6].library: cooperating libraries are numbered 1 … 59',
  );
});

test('until must lie between the last event and 180 days after it', async () => {
  expect(await refused((s) => (s.until = s.events[0].at))).toMatch(/until: .* is before the last event/);
  expect(await refused((s) => (s.until = new Date(Date.parse(s.events[5].at) + 181 * 86_400_000).toISOString()))).toMatch(
    /until: .* is more than 180 days after the last event/,
  );
});

test('a file that cannot be read, and wrong arguments → exit 2', async () => {
  let err = '';
  const io = {
    out: () => undefined,
    err: (t: string) => void (err += t),
    readFile: () => {
      throw new Error('ENOENT: no such file');
    },
  };
  expect(await main(['missing.json'], io)).toBe(EXIT_INVALID);
  expect(err).toContain('cannot read missing.json');
  expect(await main([], io)).toBe(EXIT_INVALID);
  expect(err).toContain('usage: npm run simulate -- <scenario.json>');
});

test('the real CLI: an invalid scenario exits 2 with the path on stderr and nothing on stdout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-invalid-'));
  try {
    const s = base();
    s.events[0].pickup = 'coop:0';
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(s));
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(PROJECT_ROOT, 'src', 'simulator', 'cli.ts'), file],
        {
          cwd: PROJECT_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    expect(run.code).toBe(EXIT_INVALID);
    expect(run.out).toBe('');
    expect(run.err).toContain('events[0].pickup: unknown place "coop:0"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
