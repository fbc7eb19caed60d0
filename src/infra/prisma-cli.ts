// Runs the real Prisma CLI through scripts/prisma.mjs (which picks a schema engine that works here).
// Used by the tests' global set-up and by the simulator's throwaway database.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root';

/** The repository root (kept under this name for the tests that import it). */
export const ROOT = PROJECT_ROOT;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function prismaCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'prisma.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** `prisma migrate deploy` on `databaseUrl`; throws with the CLI's output if it fails. */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  const migrate = await prismaCli(['migrate', 'deploy'], { DATABASE_URL: databaseUrl });
  if (migrate.code !== 0) throw new Error(`prisma migrate deploy failed (${migrate.code}):\n${migrate.stdout}\n${migrate.stderr}`);
}
