// Prisma 7 reads the connection from here, not from schema.prisma.
// DATABASE_URL is required only by commands that connect (migrate, db push); `prisma generate`
// works without it, so a placeholder keeps `npm install` working on a machine with no database.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://unset@127.0.0.1:1/unset',
  },
});
