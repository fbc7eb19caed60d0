// The shapes the console reads, taken from the API's own zod schemas (types only): the console is a
// client of the API and cannot drift from what it answers.
import type { z } from 'zod';
import type {
  CheckInResult,
  CheckoutResult,
  Library,
  LoanSummary,
  NewPatronResult,
  PatronProfile,
  ReservationSummary,
  ThursdayRun,
} from '../api/schemas';
import type { PullList } from '../api/shelf-schemas';
import type { StaffReservationDetail } from '../api/staff-schemas';
import type { ClosedDayRow, ClosureResult } from '../api/routers/staff-closed-days';

export type Page<T> = { items: T[]; page: number; pageSize: number; total: number };
/** The staff reservation and loan lists (R-SCALE-2): `total` is a lower bound when `totalIsExact` is false. */
export type ListPage<T> = Page<T> & { totalIsExact: boolean };
export type Loan = z.infer<typeof LoanSummary>;
export type ReservationRow = z.infer<typeof ReservationSummary>;
export type Patron = z.infer<typeof PatronProfile>;
export type ReservationFull = z.infer<typeof StaffReservationDetail>;
export type CheckIn = z.infer<typeof CheckInResult>;
export type Checkout = z.infer<typeof CheckoutResult>;
export type PullListBody = z.infer<typeof PullList>;
export type LibraryRow = z.infer<typeof Library>;
export type ThursdayRunRow = z.infer<typeof ThursdayRun>;
export type NewPatron = z.infer<typeof NewPatronResult>;
export type ClosedDay = z.infer<typeof ClosedDayRow>;
export type Closure = z.infer<typeof ClosureResult>;
