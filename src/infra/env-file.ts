// R-TOPO-2: the installation's environment files (deploy/lending.env, deploy/temporal.env): one source for what
// docker-compose.yml gives its containers (env_file) and what `npm run topology` gives its processes.
// Only plain `KEY=value` lines, `#` comments and blank lines — no quotes, no `export`, no `${…}` — so
// that Compose and this reader cannot read a line differently; anything else is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root';

export const LENDING_ENV_FILE = join(PROJECT_ROOT, 'deploy', 'lending.env');
export const TEMPORAL_ENV_FILE = join(PROJECT_ROOT, 'deploy', 'temporal.env');

export function parseEnvFile(text: string, name = 'env file'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z][A-Z0-9_]*)=([^"'`$\s#][^"'`$#]*|)$/.exec(line);
    if (!m) throw new Error(`${name}:${i + 1}: not a plain KEY=value line: ${line}`);
    if (m[1]! in out) throw new Error(`${name}:${i + 1}: ${m[1]} given twice`);
    out[m[1]!] = m[2]!.trimEnd();
  }
  return out;
}

export function readEnvFile(file: string): Record<string, string> {
  return parseEnvFile(readFileSync(file, 'utf8'), file);
}
