#!/usr/bin/env node
// Provisions the Temporal CLI (`temporal`, whose `server start-dev` is the durable local Temporal server
// `npm start` runs: SQLite persistence and the Web UI) by building it from the Go module proxy, because
// Temporal's own download host is not reachable from every machine this project runs on, while the Go
// module proxy is (see README "Closed network").
//
//   npm run provision:temporal-cli        build it if needed; prints the executable's path on stdout
//   node scripts/provision-temporal-cli.mjs --check
//                                          exit 0 and print the path if provisioned, exit 2 if not
//
// What it runs (v1.5.1 is the last release that `go install` can build: later ones carry a `replace`
// directive in their go.mod):
//   CGO_ENABLED=0 GOBIN=<tmp> go install github.com/temporalio/cli/cmd/temporal@v1.5.1
// Measured on a 2-core machine with an empty module cache: about 7.5 minutes, some 160 modules from the
// proxy, a 252 MB binary that says `temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)`. Later builds
// reuse Go's module and build caches (`go env GOMODCACHE GOCACHE`).
//
// Result (git-ignored, cached): .cache/temporal-cli/<version>/
//   temporal          the CLI
//   provisioned.json  stamp: version, go version, build time
//
// Idempotent: a second run finds the stamp and does nothing. Safe to run concurrently: each run builds
// into its own temporary folder and renames it into place; a run that loses the race keeps the winner's.
// Progress goes to stderr (modules downloaded, packages compiled, every 10 s); stdout carries only the path.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath } from './lib/find-on-path.mjs';

const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CACHE_ROOT = path.join(ROOT, '.cache', 'temporal-cli');
const FINAL_DIR = path.join(CACHE_ROOT, TEMPORAL_CLI_VERSION);
const EXE = path.join(FINAL_DIR, 'temporal');
const STAMP = 'provisioned.json';

const log = (msg) => process.stderr.write(`[provision:temporal-cli] ${msg}\n`);

class ProvisionError extends Error {}

function isProvisioned(dir) {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8'));
    fs.accessSync(path.join(dir, 'temporal'), fs.constants.X_OK);
    return stamp.version === TEMPORAL_CLI_VERSION;
  } catch {
    return false;
  }
}

/** Temporary folders of runs that were killed outright (their pid is in the name and no longer alive). */
function removeAbandonedBuilds() {
  for (const name of fs.readdirSync(CACHE_ROOT)) {
    const m = /^\.tmp-.+?-(\d+)-[^-]+$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      fs.rmSync(path.join(CACHE_ROOT, name), { recursive: true, force: true });
      log(`removed ${name}, left by an interrupted run`);
    }
  }
}

const seconds = (ms) => `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;

function goInstall(goBin, gobin) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // -v names each package as it is compiled; `go: downloading <module> <version>` comes by itself.
    const child = spawn(goBin, ['install', '-v', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: gobin, GOFLAGS: [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' ') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let downloaded = 0;
    let compiled = 0;
    let interrupted;
    let lastModule = '';
    let tail = [];
    let buffered = '';
    const onData = (d) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^go: downloading (\S+) (\S+)/.exec(line);
        if (m) {
          downloaded++;
          lastModule = `${m[1]} ${m[2]}`;
        } else if (/^[\w.-]+(\/[\w.@+~-]+)*$/.test(line.trim())) {
          compiled++;
        }
        tail.push(line);
        if (tail.length > 40) tail = tail.slice(-40);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let compiledBefore = -1;
    const progress = setInterval(() => {
      const still = compiled > 0 && compiled === compiledBefore;
      compiledBefore = compiled;
      log(
        `${seconds(Date.now() - started)}: ${downloaded} modules downloaded, ${compiled} packages compiled` +
          (compiled === 0 && lastModule ? ` (last: ${lastModule})` : '') +
          (still ? ' (a large package or the final link: a minute or two without news)' : ''),
      );
    }, 10_000);
    child.on('error', (err) => {
      clearInterval(progress);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearInterval(progress);
      resolve({ code, signal: signal ?? interrupted, downloaded, compiled, tail: tail.join('\n'), ms: Date.now() - started });
    });
    // Interrupted (Ctrl-C, or `npm start` stopping): let go stop too, then return, so that the caller
    // removes the temporary folder. Handled for every repeat: the same Ctrl-C may arrive twice (from the
    // terminal and from the parent), and an unhandled second one would kill us before the clean-up.
    for (const sig of ['SIGINT', 'SIGTERM']) {
      process.on(sig, () => {
        interrupted = sig;
        if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      });
    }
  });
}

async function provision() {
  if (isProvisioned(FINAL_DIR)) {
    log(`Temporal CLI ${TEMPORAL_CLI_VERSION} already provisioned in ${path.relative(ROOT, FINAL_DIR)}`);
    return EXE;
  }
  if (process.argv.includes('--check')) {
    log(`Temporal CLI ${TEMPORAL_CLI_VERSION} is not provisioned in ${path.relative(ROOT, FINAL_DIR)}`);
    process.exit(2);
  }
  const goBin = findOnPath('go');
  if (!goBin) {
    throw new ProvisionError(
      'cannot build the Temporal CLI: `go` (the Go toolchain, 1.23 or later) is not on PATH. Install it ' +
        '(Debian: apt-get install golang-go, or https://go.dev/dl) and re-run `npm run provision:temporal-cli`, ' +
        'or put a `temporal` CLI on PATH.',
    );
  }
  const goVersion = spawnSync(goBin, ['version'], { encoding: 'utf8' }).stdout.trim();

  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  removeAbandonedBuilds();
  const tmpDir = fs.mkdtempSync(path.join(CACHE_ROOT, `.tmp-${TEMPORAL_CLI_VERSION}-${process.pid}-`));
  fs.chmodSync(tmpDir, 0o755);
  try {
    log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy with ${goVersion}`);
    log(`  CGO_ENABLED=0 go install ${MODULE}@${TEMPORAL_CLI_VERSION}`);
    log('  this takes minutes the first time (about 7.5 on 2 cores: ~160 modules, a 250 MB binary); progress every 10 s');
    const res = await goInstall(goBin, tmpDir);
    if (res.signal) throw new ProvisionError(`interrupted (${res.signal}) after ${seconds(res.ms)}; nothing was kept`);
    if (res.code !== 0) {
      throw new ProvisionError(`go install failed (${res.signal ?? `exit ${res.code}`}) after ${seconds(res.ms)}:\n${res.tail}`);
    }
    const built = path.join(tmpDir, 'temporal');
    const version = spawnSync(built, ['--version'], { encoding: 'utf8' });
    if (version.status !== 0 || !/Server/.test(version.stdout)) {
      throw new ProvisionError(`the built CLI does not run: ${version.stdout}${version.stderr}`);
    }
    log(
      `built in ${seconds(res.ms)} (${res.downloaded} modules downloaded, ${res.compiled} packages compiled): ` +
        `${version.stdout.trim()}, ${(fs.statSync(built).size / 1e6).toFixed(0)} MB`,
    );
    fs.writeFileSync(
      path.join(tmpDir, STAMP),
      JSON.stringify(
        {
          version: TEMPORAL_CLI_VERSION,
          module: MODULE,
          go: goVersion,
          says: version.stdout.trim(),
          buildSeconds: Math.round(res.ms / 1000),
          at: new Date().toISOString(),
        },
        null,
        2,
      ) + '\n',
    );
    if (fs.existsSync(FINAL_DIR) && !isProvisioned(FINAL_DIR)) fs.rmSync(FINAL_DIR, { recursive: true, force: true });
    try {
      fs.renameSync(tmpDir, FINAL_DIR);
    } catch (e) {
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(e.code) || !isProvisioned(FINAL_DIR)) throw e;
      log('another run provisioned the same version meanwhile; keeping its copy');
    }
    log(`provisioned in ${path.relative(ROOT, FINAL_DIR)}`);
    return EXE;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

try {
  process.stdout.write(`${await provision()}\n`);
} catch (e) {
  log(`error: ${e instanceof ProvisionError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
}
