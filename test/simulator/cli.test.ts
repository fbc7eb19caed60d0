// `npm run simulate -- <scenario.json>` as staff run it: the real CLI in a child process, with its own
// database (created on the test PostgreSQL server through DATABASE_URL, migrated with the real
// `prisma migrate deploy`, dropped at the end) and its own time-skipping server. stdout is the JSON
// timeline and nothing else.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import type { Timeline } from '../../src/simulator/timeline';
import { testServerUrl } from '../support/database';
import { at, exampleScenario, shifted, shiftFor } from '../support/scenarios';

async function simulatorDatabases(): Promise<string[]> {
  const admin = new Client({ connectionString: testServerUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'lending_sim_%'`);
    return rows.map((r) => r.datname);
  } finally {
    await admin.end();
  }
}

test('R-COOP-4: the CLI on the example scenario prints the timeline as JSON on stdout, exit 0, and leaves no database behind', async () => {
  const raw = exampleScenario('cooperating-pickup.json');
  const w = shiftFor(raw);
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  const before = await simulatorDatabases();
  try {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(shifted(raw, w)));
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      // What `npm run simulate` runs, without npm's own lines on stdout.
      const child = spawn(
        process.execPath,
        [join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(PROJECT_ROOT, 'src', 'simulator', 'cli.ts'), file],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, DATABASE_URL: testServerUrl() },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    expect({ code: run.code, err: run.code === 0 ? '' : run.err }).toEqual({ code: 0, err: '' });
    const timeline = JSON.parse(run.out) as Timeline; // all of stdout is the JSON
    expect(timeline.reservations.R1).toMatchObject({ final: 'RETURNED', dates: { pickupFrom: w.day('2027-03-07'), due: w.day('2027-03-28') } });
    expect(timeline.reservations.R1!.mails.map((m) => [m.at, m.kind])).toEqual([
      [at(w, '2027-03-06T09:00'), 'LENDING_NOTICE'],
      [at(w, '2027-03-18T09:00'), 'PRE_DUE'],
      [at(w, '2027-03-25T09:00'), 'PRE_DUE'],
    ]);
    expect(timeline.thursdays).toMatchObject([{ processingDay: w.day('2027-03-04'), dispatched: 1 }]);
    expect(run.err).toContain('using the PostgreSQL server at DATABASE_URL');
    expect(run.err).toContain('[simulate] events[5]');
    // Its own database is gone (other suites may make and drop theirs on the same server meanwhile).
    const own = /database (lending_sim_\w+) migrated/.exec(run.err)?.[1];
    expect(own).toMatch(/^lending_sim_/);
    expect(before).not.toContain(own);
    expect(await simulatorDatabases()).not.toContain(own);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
