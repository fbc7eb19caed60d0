// `prisma db seed` entry point (see prisma.config.ts).
import { openDb } from '../src/db/client';
import { seedReferenceData } from '../src/db/seed';

async function main() {
  const db = openDb();
  try {
    const { cooperatingLibraries } = await seedReferenceData(db);
    console.error(`seeded: prefectural library + ${cooperatingLibraries} cooperating libraries`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
