#!/usr/bin/env node
// Provisions the Temporal time-skipping test server (Java, from Maven Central) for the test suites,
// because the SDK's own download host is not reachable from every machine this project runs on.
//
//   npm run provision:temporal            provision if needed; prints the executable's path on stdout
//   node scripts/provision-temporal-test-server.mjs --check
//                                          exit 0 and print the path if provisioned and up to date, exit 2 if not
//
// Result (git-ignored, cached): .cache/temporal-test-server/<version>/
//   lib/*.jar                 the server and its runtime dependencies (mvn dependency:copy-dependencies)
//   app.jsa                   a class-data-sharing archive of the server's start (cuts JVM start roughly 3x)
//   temporal-test-server      the executable for TestWorkflowEnvironment.createTimeSkipping({ server: { executable:
//                             { type: 'existing-path', path } } }); it `exec`s java so the SDK's SIGKILL hits the JVM
//   provisioned.json          stamp: version and a hash of the pom; a changed pom re-provisions
//
// Idempotent: a second run with the same pom does nothing. Safe to run concurrently: each run builds in its own
// temporary folder and renames it into place; a run that loses the race keeps the winner's copy.
// Progress goes to stderr; stdout carries only the executable's path.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath } from './lib/find-on-path.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const POM = path.join(HERE, 'temporal-test-server', 'pom.xml');
const CACHE_ROOT = path.join(ROOT, '.cache', 'temporal-test-server');
const MAIN_CLASS = 'io.temporal.testserver.TestServer';
const EXE_NAME = 'temporal-test-server';
const STAMP = 'provisioned.json';
// Fast start for a short-lived server on a small machine: C1 only, serial GC, CDS archive if usable.
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];
// Relative, run from inside the folder (see wrapperScript).
const CLASS_PATH = 'lib/*';

const log = (msg) => process.stderr.write(`[provision:temporal] ${msg}\n`);

class ProvisionError extends Error {}

function findJava() {
  const home = process.env.JAVA_HOME;
  if (home) {
    const candidate = path.join(home, 'bin', 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  const onPath = findOnPath('java');
  // Resolve symlinks (Debian: /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/...), so the wrapper keeps
  // using the JVM the CDS archive was made with.
  return onPath ? fs.realpathSync(onPath) : undefined;
}

function readPom() {
  const text = fs.readFileSync(POM, 'utf8');
  const m = /<temporal-test-server\.version>\s*([^<\s]+)\s*<\/temporal-test-server\.version>/.exec(text);
  if (!m) throw new ProvisionError(`cannot find <temporal-test-server.version> in ${path.relative(ROOT, POM)}`);
  return { version: m[1], pomHash: createHash('sha256').update(text).digest('hex') };
}

function readStamp(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

function isUpToDate(dir, pomHash) {
  const stamp = readStamp(dir);
  if (!stamp || stamp.pomHash !== pomHash) return false;
  try {
    fs.accessSync(path.join(dir, EXE_NAME), fs.constants.X_OK);
    return fs.readdirSync(path.join(dir, 'lib')).some((f) => f.startsWith('temporal-test-server-'));
  } catch {
    return false;
  }
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function wrapperScript(java, version) {
  // Relative to the folder, which is renamed into place after this is written: the CDS archive records the class
  // path as given, so `lib/*` from inside the folder keeps the archive valid wherever the folder ends up.
  return `#!/bin/sh
# Temporal time-skipping test server ${version} (io.temporal:temporal-test-server from Maven Central).
# Generated by scripts/provision-temporal-test-server.mjs; do not edit, re-run \`npm run provision:temporal\`.
# Usage: temporal-test-server <port> [extra args]   (the Temporal SDK passes the port)
# Extra JVM options: TEMPORAL_TEST_SERVER_JAVA_OPTS (e.g. -Xlog:cds to see whether the CDS archive is used).
# \`exec\` so that the SDK's SIGKILL reaches the JVM itself and leaves nothing behind.
DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd) || exit 1
cd "$DIR" || exit 1
JAVA=${shQuote(java)}
[ -x "$JAVA" ] || JAVA=\${JAVA_HOME:+$JAVA_HOME/bin/}java
CDS=
[ -f app.jsa ] && CDS=-XX:SharedArchiveFile=app.jsa
# shellcheck disable=SC2086
exec "$JAVA" ${JVM_FLAGS.join(' ')} $CDS -Xlog:cds=off -Xlog:cds+dynamic=off $TEMPORAL_TEST_SERVER_JAVA_OPTS \\
  -cp '${CLASS_PATH}' ${MAIN_CLASS} "$@"
`;
}

function shQuote(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// Start the server once with -XX:ArchiveClassesAtExit, wait for it to listen, stop it with SIGTERM (the JVM writes
// the archive on that exit). Returns how long the JVM took to listen without an archive (a missing archive is only
// noted: the wrapper runs without one).
async function makeCdsArchive(java, dir) {
  const archive = path.join(dir, 'app.jsa');
  const port = await freePort();
  const started = Date.now();
  const child = spawn(java, [...JVM_FLAGS, '-XX:ArchiveClassesAtExit=app.jsa', '-cp', CLASS_PATH, MAIN_CLASS, String(port)], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('close', resolve));
  let listenMs;
  try {
    while (Date.now() - started < 60_000 && child.exitCode === null) {
      if (await canConnect(port)) {
        listenMs = Date.now() - started;
        break;
      }
      await sleep(50);
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  }
  if (listenMs === undefined) {
    throw new ProvisionError(`the test server did not start listening within 60 s:\n${err.slice(-4000)}`);
  }
  if (!fs.existsSync(archive)) {
    log(`note: no class-data-sharing archive was written (JVM start stays slower); JVM said:\n${err.slice(-2000)}`);
  }
  return listenMs;
}

async function provision() {
  const { version, pomHash } = readPom();
  const finalDir = path.join(CACHE_ROOT, version);
  const exe = path.join(finalDir, EXE_NAME);

  if (isUpToDate(finalDir, pomHash)) {
    log(`test server ${version} already provisioned in ${path.relative(ROOT, finalDir)}`);
    return exe;
  }
  if (process.argv.includes('--check')) {
    log(`test server ${version} is not provisioned in ${path.relative(ROOT, finalDir)}`);
    process.exit(2);
  }

  const java = findJava();
  const mvn = findOnPath('mvn');
  const missing = [!java && 'java (Java 8+, on PATH or via JAVA_HOME)', !mvn && 'mvn (Apache Maven 3.6+, on PATH)'].filter(Boolean).join(' and ');
  if (missing) {
    throw new ProvisionError(
      `cannot provision the Temporal test server: ${missing} not found. ` +
        `Install them (Debian: apt-get install maven openjdk-17-jre-headless) and re-run \`npm run provision:temporal\`, ` +
        `or point TEMPORAL_TEST_SERVER_PATH at an existing test server executable.`,
    );
  }

  const t0 = Date.now();
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(CACHE_ROOT, `.tmp-${version}-${process.pid}-`));
  fs.chmodSync(tmpDir, 0o755); // mkdtemp makes it 0700
  try {
    log(`resolving io.temporal:temporal-test-server:${version} and its runtime dependencies with Maven (${mvn})...`);
    const res = await run(mvn, [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(tmpDir, 'lib')}`,
    ]);
    if (res.code !== 0) {
      throw new ProvisionError(`Maven failed (exit ${res.code ?? res.signal}) resolving temporal-test-server ${version}:\n${res.out.slice(-6000)}`);
    }
    const jars = fs.readdirSync(path.join(tmpDir, 'lib')).filter((f) => f.endsWith('.jar'));
    if (!jars.some((f) => f.startsWith(`temporal-test-server-${version}`))) {
      throw new ProvisionError(`Maven succeeded but temporal-test-server-${version}.jar is not among: ${jars.join(', ')}`);
    }
    log(`${jars.length} jars resolved in ${((Date.now() - t0) / 1000).toFixed(1)} s (java: ${java})`);

    log('starting the server once to record a class-data-sharing archive...');
    const coldMs = await makeCdsArchive(java, tmpDir);
    log(`cold JVM listened after ${coldMs} ms; archive ${fs.existsSync(path.join(tmpDir, 'app.jsa')) ? 'written' : 'missing'}`);

    const tmpExe = path.join(tmpDir, EXE_NAME);
    fs.writeFileSync(tmpExe, wrapperScript(java, version), { mode: 0o755 });
    fs.chmodSync(tmpExe, 0o755);

    // Check the wrapper as the SDK will use it: `<exe> <port>`, then poll the port.
    const port = await freePort();
    const started = Date.now();
    const child = spawn(tmpExe, [String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TEMPORAL_TEST_SERVER_JAVA_OPTS: '-Xlog:cds=warning,cds+dynamic=warning:stderr' },
    });
    child.stdout.resume();
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((resolve) => child.on('close', resolve));
    let warmMs;
    while (Date.now() - started < 30_000 && child.exitCode === null) {
      if (await canConnect(port)) {
        warmMs = Date.now() - started;
        break;
      }
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;
    if (warmMs === undefined) throw new ProvisionError(`the generated wrapper did not start the server:\n${err.slice(-4000)}`);
    const cdsUsed = fs.existsSync(path.join(tmpDir, 'app.jsa')) && !/Unable to use shared archive/i.test(err);
    log(
      `wrapper check: server listened after ${warmMs} ms` +
        (cdsUsed ? ' (with the CDS archive)' : ' (without CDS: starts slower)') +
        (warmMs > 2500 ? ' (slow: the SDK gives it 5 s)' : ''),
    );

    fs.writeFileSync(
      path.join(tmpDir, STAMP),
      JSON.stringify(
        { version, pomHash, java, jars: jars.length, coldStartMs: coldMs, wrapperStartMs: warmMs, cdsUsed, at: new Date().toISOString() },
        null,
        2,
      ) + '\n',
    );

    // Move into place. A stale copy (other pom) is moved aside first; losing a race to a concurrent run is fine.
    if (fs.existsSync(finalDir) && !isUpToDate(finalDir, pomHash)) {
      const aside = path.join(CACHE_ROOT, `.old-${version}-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        fs.renameSync(finalDir, aside);
        fs.rmSync(aside, { recursive: true, force: true });
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
    }
    try {
      fs.renameSync(tmpDir, finalDir);
    } catch (e) {
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(e.code) || !isUpToDate(finalDir, pomHash)) throw e;
      log('another run provisioned the same version meanwhile; keeping its copy');
    }
    log(`provisioned test server ${version} in ${path.relative(ROOT, finalDir)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return exe;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

try {
  const exe = await provision();
  process.stdout.write(`${exe}\n`);
} catch (e) {
  if (e instanceof ProvisionError) {
    log(`error: ${e.message}`);
  } else {
    log(`error: ${e?.stack ?? e}`);
  }
  process.exit(1);
}
