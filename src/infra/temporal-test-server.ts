// Which Temporal time-skipping test server the test suites and the scenario simulator run, and an
// environment started on it. It lives in src/ (not test/) because `npm run simulate` needs it too.
//
// The SDK would download its Java test server from Temporal's own host, which some machines (this project's CI
// among them) cannot reach. So the server comes, in this order, from:
//   1. TEMPORAL_TEST_SERVER_PATH: an explicit executable (taken as is, or a clear error if it is not there);
//   2. the project's provisioned copy in .cache/temporal-test-server/<version>/ (`npm run provision:temporal`);
//   3. provisioning it now, if Maven and Java are installed (io.temporal:temporal-test-server from Maven Central);
//   4. the SDK's own download ({ type: 'cached-download' }), if its host answers.
// If none works, the error says what is missing and how to fix it. Which source was used, and why, goes to stderr.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment, type EphemeralServerExecutable, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { PROJECT_ROOT } from './project-root';

export const SERVER_PATH_ENV = 'TEMPORAL_TEST_SERVER_PATH';
// Found from the project root, not from this file's depth: the module runs from src/ and from dist/src/.
export const PROVISION_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'provision-temporal-test-server.mjs');
/** Where the SDK downloads the test server from (sdk-core's default). */
export const SDK_DOWNLOAD_HOST = 'temporal.download';

export type TestServerSource = 'env' | 'provisioned-cache' | 'provisioned-now' | 'sdk-download';

export interface ResolvedTestServer {
  executable: EphemeralServerExecutable;
  source: TestServerSource;
  /** Why this source, in words, for the log. */
  reason: string;
}

export interface ResolveTestServerOptions {
  /** Environment to read TEMPORAL_TEST_SERVER_PATH, PATH and JAVA_HOME from (and to run the provisioning with). */
  env?: NodeJS.ProcessEnv;
  /** The provisioning script; its location decides the project (and so the .cache) it provisions. */
  provisionScript?: string;
  /** Whether the SDK's download host answers: true, or why not. Default: a TCP connection to it within 3 s. */
  probeDownloadHost?: () => Promise<true | string>;
  /** Longest a provisioning run may take. */
  provisionTimeoutMs?: number;
  log?: (line: string) => void;
}

const defaultLog = (line: string): void => {
  process.stderr.write(`[temporal test server] ${line}\n`);
};

/** Resolve the test server executable to use; see the order at the top of this file. */
export async function resolveTestServer(options: ResolveTestServerOptions = {}): Promise<ResolvedTestServer> {
  const env = options.env ?? process.env;
  const script = options.provisionScript ?? PROVISION_SCRIPT;
  const log = options.log ?? defaultLog;
  const probeDownloadHost = options.probeDownloadHost ?? (() => probe(SDK_DOWNLOAD_HOST, 443, 3_000));
  const notes: string[] = [];

  // 1. Explicit path: the caller meant it, so a wrong one is an error rather than a silent fallback.
  const explicit = env[SERVER_PATH_ENV];
  if (explicit !== undefined && explicit !== '') {
    const exe = path.resolve(explicit);
    const problem = executableProblem(exe);
    if (problem) {
      throw new Error(
        `${SERVER_PATH_ENV}=${explicit} ${problem}. Point it at a Temporal test server executable ` +
          `(it is run as \`<path> <port>\`), or unset it to use the project's own copy ` +
          `(provisioned with \`npm run provision:temporal\`, which needs Maven and Java).`,
      );
    }
    const resolved = result({ type: 'existing-path', path: exe }, 'env', `${SERVER_PATH_ENV} is set`);
    log(describe(resolved));
    return resolved;
  }
  notes.push(`${SERVER_PATH_ENV} is not set`);

  // 2. The provisioned copy (the script knows the pinned version and whether the copy is up to date).
  const check = await runScript(script, ['--check'], env, 60_000);
  if (check.code === 0 && check.path) {
    const resolved = result(
      { type: 'existing-path', path: check.path },
      'provisioned-cache',
      `${SERVER_PATH_ENV} is not set; using the provisioned copy`,
    );
    log(describe(resolved));
    return resolved;
  }
  notes.push(
    check.code === 2
      ? 'the project has no up-to-date provisioned copy in .cache/temporal-test-server'
      : `checking the provisioned copy failed (${check.failure}): ${lastLines(check.stderr)}`,
  );

  // 3. Provision now, if the tools are there.
  const missingTools = [
    !findJava(env) && 'java (Java 8+, on PATH or via JAVA_HOME)',
    !findOnPath('mvn', env) && 'mvn (Apache Maven, on PATH)',
  ].filter((x): x is string => Boolean(x));
  if (missingTools.length === 0) {
    log(`${notes.join('; ')}: provisioning it now with Maven (once; later runs reuse .cache)...`);
    const started = Date.now();
    // The script's progress lines go on to stderr as they come (through `log` when one was given).
    const echo = options.log
      ? (text: string) =>
          text
            .trimEnd()
            .split('\n')
            .forEach((line) => log(line))
      : (text: string) => process.stderr.write(text);
    const run = await runScript(script, [], env, options.provisionTimeoutMs ?? 600_000, echo);
    if (run.code === 0 && run.path) {
      const resolved = result(
        { type: 'existing-path', path: run.path },
        'provisioned-now',
        `${notes.join('; ')}; provisioned it now in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      log(describe(resolved));
      return resolved;
    }
    notes.push(`provisioning with Maven failed (${run.failure}): ${lastLines(run.stderr)}`);
  } else {
    notes.push(`cannot provision: ${missingTools.join(' and ')} not found`);
  }

  // 4. The SDK's own download, where its host answers.
  const reach = await probeDownloadHost();
  if (reach === true) {
    const resolved = result(
      { type: 'cached-download' },
      'sdk-download',
      `${notes.join('; ')}; ${SDK_DOWNLOAD_HOST} is reachable, so the SDK downloads its own copy`,
    );
    log(describe(resolved));
    return resolved;
  }
  notes.push(`the SDK's own download host ${SDK_DOWNLOAD_HOST} is not reachable (${reach})`);

  throw new Error(
    `No Temporal time-skipping test server is available: ${notes.join('; ')}.\n` +
      `Fix it either way:\n` +
      `  - install Maven and Java (Debian: apt-get install maven openjdk-17-jre-headless) so that ` +
      `\`npm run provision:temporal\` works (the tests also run it by themselves), or\n` +
      `  - set ${SERVER_PATH_ENV} to an existing test server executable (run as \`<path> <port>\`).`,
  );
}

let cached: Promise<ResolvedTestServer> | undefined;

/** resolveTestServer() with the process's environment, once per module registry (per test file, or per simulator run). */
export function testServerExecutable(): Promise<EphemeralServerExecutable> {
  cached ??= resolveTestServer();
  cached.catch(() => (cached = undefined));
  return cached.then((r) => r.executable);
}

/** TestWorkflowEnvironment.createTimeSkipping on the server that resolveTestServer() picks. */
export async function createTimeSkippingEnv(options: TimeSkippingTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
  const executable = await testServerExecutable();
  const started = Date.now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ ...options, server: { ...options.server, executable } });
  defaultLog(`time-skipping server up and connected in ${Date.now() - started} ms`);
  return env;
}

function result(executable: EphemeralServerExecutable, source: TestServerSource, reason: string): ResolvedTestServer {
  return { executable, source, reason };
}

function describe(r: ResolvedTestServer): string {
  const what = r.executable.type === 'existing-path' ? r.executable.path : 'SDK cached download';
  return `using ${what} [${r.source}]: ${r.reason}`;
}

function executableProblem(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 'does not exist';
  }
  if (!stat.isFile()) return 'is not a file';
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return 'is not executable';
  }
  return undefined;
}

/** The executable `cmd` in env.PATH (scripts/lib/find-on-path.mjs is the scripts' copy: they run without tsx). */
export function findOnPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (!executableProblem(candidate)) return candidate;
  }
  return undefined;
}

function findJava(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JAVA_HOME) {
    const candidate = path.join(env.JAVA_HOME, 'bin', 'java');
    if (!executableProblem(candidate)) return candidate;
  }
  return findOnPath('java', env);
}

interface ScriptRun {
  code: number | null;
  /** The executable's path: the script's last stdout line. */
  path?: string;
  stderr: string;
  failure: string;
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, onStderr?: (text: string) => void): Promise<ScriptRun> {
  return new Promise((resolve) => {
    if (!fs.existsSync(script)) {
      resolve({ code: null, stderr: '', failure: `${script} is missing` });
      return;
    }
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(d.toString());
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stderr, failure: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exe = stdout.trim().split('\n').pop()?.trim();
      resolve({
        code,
        path: code === 0 && exe ? exe : undefined,
        stderr,
        failure: timedOut ? `timed out after ${timeoutMs / 1000} s` : signal ? `killed by ${signal}` : `exit ${code}`,
      });
    });
  });
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' / ') || '(no output)';
}

/** true if host:port accepts a TCP connection within timeoutMs, else why not. */
function probe(host: string, port: number, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: true | string): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(true));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}
