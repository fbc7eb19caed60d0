// One way to open the database: Prisma 7's generated client over the pg driver adapter.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

export function openDb(databaseUrl: string = requireDatabaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: give the PostgreSQL connection string (postgresql://user:pass@host:port/db).');
  return url;
}
