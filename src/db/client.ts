// One way to open the database: Prisma 7's generated client over the pg driver adapter.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type Db = PrismaClient;
/** A database transaction in progress (what `db.$transaction` hands its callback). */
export type Tx = Prisma.TransactionClient;

export function openDb(databaseUrl: string = requireDatabaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

export function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: give the PostgreSQL connection string (postgresql://user:pass@host:port/db).');
  return url;
}
