// Postgres DATE columns arrive in Prisma as a Date at 00:00 UTC; the domain's LocalDate is the JST
// calendar day as `YYYY-MM-DD`. These two functions are the only bridge between them.
import { parseLocalDate, type LocalDate } from '../domain';

export function toDbDate(date: LocalDate): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function fromDbDate(value: Date): LocalDate {
  return parseLocalDate(value.toISOString().slice(0, 10));
}
