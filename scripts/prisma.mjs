#!/usr/bin/env node
// Runs the real Prisma CLI with a schema engine that works on this machine.
//
// The Prisma CLI always spawns a native schema-engine binary (for migrate / db push), which it
// normally downloads from Prisma's servers. Closed networks (ours, and the prefecture's) cannot
// reach them, so the engine is chosen in this order:
//   1. PRISMA_SCHEMA_ENGINE_BINARY, if the operator set it;
//   2. a native engine already present in node_modules/@prisma/engines (machines with internet);
//   3. scripts/prisma-schema-engine.mjs, our stand-in that drives @prisma/schema-engine-wasm.
// `prisma generate` never runs the engine, so it works with any of them.
//
// One guard on top: if the schema engine dies while the CLI is waiting on it (killed, out of
// memory), Prisma 7's CLI exits with status 0 and prints nothing, so a migration that never ran
// would look applied. The stand-in leaves a marker file per request in progress in
// PRISMA_SCHEMA_ENGINE_STATE_DIR; a marker left behind turns that status 0 into an error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function chooseSchemaEngine() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
    return { path: process.env.PRISMA_SCHEMA_ENGINE_BINARY, why: 'PRISMA_SCHEMA_ENGINE_BINARY is set' };
  }
  const enginesDir = join(root, 'node_modules', '@prisma', 'engines');
  if (existsSync(enginesDir)) {
    const native = readdirSync(enginesDir).find((f) => f.startsWith('schema-engine-'));
    if (native) return { path: join(enginesDir, native), why: 'native engine found in @prisma/engines' };
  }
  return {
    path: join(root, 'scripts', 'prisma-schema-engine.mjs'),
    why: 'no native schema engine here: using the wasm stand-in (scripts/prisma-schema-engine.mjs)',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const engine = chooseSchemaEngine();
  if (process.env.PRISMA_WRAPPER_VERBOSE) console.error(`[prisma] ${engine.why}: ${engine.path}`);
  const cli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
  const stateDir = mkdtempSync(join(tmpdir(), 'prisma-schema-engine-'));
  const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: root,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: engine.path,
      PRISMA_SCHEMA_ENGINE_STATE_DIR: stateDir,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  const unanswered = readdirSync(stateDir).map((f) => readFileSync(join(stateDir, f), 'utf8'));
  rmSync(stateDir, { recursive: true, force: true });
  if (result.error) console.error(`[prisma] could not run the Prisma CLI: ${result.error.message}`);
  if (result.status === 0 && unanswered.length > 0) {
    console.error(
      `Error: the schema engine (${engine.path}) stopped without answering ${unanswered.join(', ')}; ` +
        'the command did not complete, whatever the output above says.',
    );
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
