// The repository's root folder, found from the running file rather than by counting `..`: the same
// module runs from src/ (tsx, jest) and from dist/src/ (tsc output), at different depths.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `from` that holds package.json and prisma/schema.prisma. */
export function findProjectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prisma', 'schema.prisma'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no project root (package.json with prisma/schema.prisma) at or above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot();
