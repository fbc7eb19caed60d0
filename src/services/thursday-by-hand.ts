// Thursday processing run by staff through the API: the same activity code as the weekly workflow
// (src/activities/thursday.ts), idempotent per processing day. A day already processed resends the
// signals it stored; those to reservations that have ended since are skipped by temporalNotifier.
// Its options are the worker's (THURSDAY_REBALANCE, LONG_OVERDUE_GRACE_DAYS: src/config.ts), so that a
// run by hand decides as the weekly one would.
import type { Client } from '@temporalio/client';
import { temporalNotifier } from '../activities/notifier';
import { DEFAULT_THURSDAY_OPTIONS, thursdayActivities, type ThursdayOptions } from '../activities/thursday';
import type { Db } from '../db/client';

export function thursdayByHand(db: Db, temporal: Client, options: ThursdayOptions = DEFAULT_THURSDAY_OPTIONS) {
  const { runThursdayProcessing } = thursdayActivities(db, temporalNotifier(temporal), { ...options });
  return runThursdayProcessing;
}
