// Thursday processing run by staff through the API: the same activity code as the weekly workflow
// (src/activities/thursday.ts), idempotent per processing day. A day already processed resends the
// signals it stored; those to reservations that have ended since are skipped by temporalNotifier.
import type { Client } from '@temporalio/client';
import { temporalNotifier } from '../activities/notifier';
import { thursdayActivities, type ThursdayOptions } from '../activities/thursday';
import type { Db } from '../db/client';

export function thursdayByHand(db: Db, temporal: Client, options: Partial<ThursdayOptions> = {}) {
  const { runThursdayProcessing } = thursdayActivities(db, temporalNotifier(temporal), {
    rebalance: true,
    longOverdueGraceDays: 0,
    ...options,
  });
  return runThursdayProcessing;
}
