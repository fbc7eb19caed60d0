// The zod schemas of the notices (docs/notices.md): the patron's preferences and whether mail reaches
// them (R-MAIL-2), the notices of a patron's reservations, and staff's lists of what did not go out.
import { z } from 'zod';
import { NOTICE_KINDS, NOTICE_LANGUAGES } from '../domain';
import { JstInstant } from './schemas';

export const NoticeKindSchema = z
  .enum(NOTICE_KINDS)
  .meta({ description: 'LENDING_NOTICE, PICKUP_REMINDER, PRE_DUE, OVERDUE, DISPATCH_FAILED, RELEASED, CANCELLED_BY_STAFF, NOT_NEEDED_CANCELLED' });
export const NoticeLanguageSchema = z.enum(NOTICE_LANGUAGES).meta({ description: 'ja (default) or en' });

export const MailReachSchema = z
  .object({
    address: z.string().nullable(),
    reachable: z.boolean().meta({ description: 'false when SendGrid reported a bounce, drop or block for this address' }),
    problem: z
      .object({
        event: z.string().meta({ description: 'bounce, dropped or blocked' }),
        reason: z.string().nullable().meta({ description: "SendGrid's reason" }),
        since: JstInstant,
        ja: z.string().meta({ description: 'What to do (the guide’s advice for mobile addresses, R-MAIL-2)' }),
        en: z.string(),
      })
      .nullable(),
  })
  .meta({ description: 'Whether mail reaches the patron (R-MAIL-2)' });

export const NoticePreferencesSchema = z
  .object({
    courtesyNotices: z.boolean().meta({ description: 'PRE_DUE and PICKUP_REMINDER on (default) or off' }),
    language: NoticeLanguageSchema,
    courtesyKinds: z.array(z.string()).meta({ description: 'The kinds courtesyNotices turns on or off' }),
    requiredKinds: z.array(z.string()).meta({ description: 'The kinds always sent' }),
    mail: MailReachSchema,
  })
  .meta({ description: 'The patron’s notice preferences (docs/notices.md)' });

export const NoticePreferencesBody = z
  .strictObject({ courtesyNotices: z.boolean().optional(), language: NoticeLanguageSchema.optional() })
  .refine((b) => b.courtesyNotices !== undefined || b.language !== undefined, { message: 'name courtesyNotices or language' });

export const NoticeSchema = z
  .object({
    noticeId: z.string(),
    reservationId: z.string(),
    kind: z.string(),
    occurrence: z.string().nullable().meta({ description: 'PRE_DUE: the due date; OVERDUE, DISPATCH_FAILED: the number' }),
    at: JstInstant.meta({ description: 'The library’s moment of the notice' }),
    state: z.string().meta({ description: 'PENDING, SENDING (may or may not have left), SENT, SKIPPED, FAILED' }),
    subject: z.string(),
    language: z.string(),
    skipReason: z.string().nullable(),
    delivery: z.object({ event: z.string(), reason: z.string().nullable(), at: JstInstant.nullable() }).nullable(),
  })
  .meta({ description: 'One notice of a reservation, from the mail outbox' });

export const StaffNoticeSchema = NoticeSchema.extend({
  cardNumber: z.string().nullable(),
  name: z.string().nullable(),
  to: z.string(),
  attempts: z.int(),
  lastError: z.string().nullable(),
  resends: z.int(),
  resentBy: z.string().nullable(),
}).meta({ description: 'A notice for staff to check, with whom it was for' });

export const UnreachablePatronSchema = z
  .object({
    cardNumber: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    event: z.string().nullable(),
    reason: z.string().nullable(),
    since: JstInstant,
  })
  .meta({ description: 'A patron mail does not reach: to contact by phone' });

export const NoticeStateQuery = z.strictObject({
  state: z
    .string()
    .regex(/^(FAILED|SENDING)(,(FAILED|SENDING))?$/)
    .optional()
    .meta({ description: 'FAILED, SENDING or both (default both)' }),
});
