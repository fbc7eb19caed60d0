// What `docker build` would produce, without a Docker engine: the files the Dockerfile COPYs (minus
// .dockerignore) in a fresh folder, then its RUN steps there (`npm ci`). Tests run the service from
// that folder with the Dockerfile's CMD, so a file the image lacks fails a test here rather than a
// deployment. (Not covered: the base image itself — node:20-bookworm-slim — and USER.)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { ROOT } from '../../src/infra/prisma-cli';

export interface ImageLayout {
  dir: string;
  /** The Dockerfile's CMD, exec form. */
  cmd: string[];
  /** How long the RUN steps took (ms). */
  runMs: number;
}

/** The instructions of the Dockerfile, one per logical line (continuations joined). */
function instructions(): { op: string; args: string }[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

export function buildImageLayout(): ImageLayout {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/\/$/, ''))
    .filter((l) => l && !l.startsWith('#'));
  // Only plain paths are emulated; anything else is refused rather than guessed.
  for (const p of ignored)
    if (/[*?[\]!]/.test(p) || p.startsWith('/')) throw new Error(`.dockerignore pattern "${p}" is not emulated by test/support/image-layout.ts`);
  const keep = (src: string): boolean => !ignored.some((p) => relative(ROOT, src) === p || relative(ROOT, src).startsWith(`${p}/`));
  const dir = mkdtempSync(join(tmpdir(), 'lending-image-'));
  try {
    return layOut(dir, keep);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function layOut(dir: string, keep: (src: string) => boolean): ImageLayout {
  let cmd: string[] = [];
  let runMs = 0;
  let workdir = dir;
  for (const { op, args } of instructions()) {
    if (op === 'WORKDIR') {
      if (args !== '/app') throw new Error(`WORKDIR ${args}: only /app is emulated`);
      workdir = dir; // the image's /app is this folder
    } else if (op === 'COPY') {
      if (args.startsWith('--')) throw new Error(`COPY with flags is not supported here: ${args}`);
      // Docker's rules: a directory's contents go into the destination; a file goes into it when it
      // ends with "/" (or there are several sources), else becomes it.
      const parts = args.split(/\s+/);
      const destArg = parts.pop()!;
      const dest = join(workdir, destArg);
      for (const src of parts) {
        const from = join(ROOT, src);
        if (!existsSync(from)) throw new Error(`Dockerfile copies ${src}, which does not exist`);
        const into = statSync(from).isDirectory() ? dest : destArg.endsWith('/') || parts.length > 1 ? join(dest, basename(src)) : dest;
        cpSync(from, into, { recursive: true, filter: keep });
      }
    } else if (op === 'RUN') {
      const t = Date.now();
      // As `docker build` runs it: no NODE_ENV (with production, npm ci would leave out tsx), none of the
      // npm settings of the `npm test` that runs us; the registry and cache configuration stay.
      const env: NodeJS.ProcessEnv = { ...process.env, npm_config_loglevel: 'error' };
      delete env.NODE_ENV;
      for (const k of Object.keys(env)) if (k.startsWith('npm_') && !/^npm_config_(registry|cache|userconfig|loglevel)$/.test(k)) delete env[k];
      execFileSync('sh', ['-c', args], { cwd: workdir, stdio: 'pipe', env });
      runMs += Date.now() - t;
    } else if (op === 'CMD') cmd = JSON.parse(args) as string[];
  }
  if (cmd.length === 0) throw new Error('the Dockerfile has no exec-form CMD');
  return { dir, cmd, runMs };
}
