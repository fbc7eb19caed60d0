// All activities, built once per worker with their dependencies (database, Temporal client for
// signals, SendGrid). The workflows proxy `ReservationActivities` by type only.
import type { Db } from '../db/client';
import type { Mailer } from '../mail/sendgrid';
import { circulation } from './circulation';
import { closedDayActivities } from './closed-days';
import { lendingNoticeActivities } from './lending-notice';
import { loanActivities } from './loans';
import { noticeActivities } from './notices';
import type { Notifier } from './notifier';
import { patronRequestActivities } from './patron-requests';
import { reservationActivities } from './reservations';
import { shelfPulling } from './shelf-pulling';
import { DEFAULT_THURSDAY_OPTIONS, thursdayActivities, type ThursdayOptions } from './thursday';

export interface ActivityDeps {
  db: Db;
  notifier: Notifier;
  mailer: Mailer;
  mailFrom: string;
  thursday?: Partial<ThursdayOptions>;
  /** R-DISPATCH-1 / R-OVERDUE-1 Decision: days past due before a loan blocks lending (default 0). */
  longOverdueGraceDays?: number;
}

export function createActivities(deps: ActivityDeps) {
  const graceDays = deps.longOverdueGraceDays ?? DEFAULT_THURSDAY_OPTIONS.longOverdueGraceDays;
  return {
    ...reservationActivities(deps.db, deps.notifier),
    ...patronRequestActivities(deps.db, deps.notifier), // issue 13: pickup change
    pullListedCopy: shelfPulling(deps.db, deps.notifier).pullListedCopy,
    ...loanActivities(deps.db, deps.notifier, { longOverdueGraceDays: graceDays }),
    ...lendingNoticeActivities(deps.db, deps.mailer, { from: deps.mailFrom }),
    ...noticeActivities(deps.db, deps.mailer, { from: deps.mailFrom }),
    ...closedDayActivities(deps.db), // R-CLOSED-2
    ...thursdayActivities(deps.db, deps.notifier, { ...DEFAULT_THURSDAY_OPTIONS, longOverdueGraceDays: graceDays, ...deps.thursday }),
  };
}

export type ReservationActivities = ReturnType<typeof createActivities>;

export { circulation, shelfPulling };
