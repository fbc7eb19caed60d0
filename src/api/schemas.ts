// The zod schemas of everything the API reads and writes. The same values validate requests
// (route.ts), check responses in tests, and generate the OpenAPI document (openapi.ts): there is no
// second, hand-written copy of the API's shapes.
import { z } from 'zod';
import { COOP_LIBRARY_COUNT, isLocalDate, MAX_CONDUCT_REASON_LENGTH, RESERVATION_STATUSES, RETURN_VIAS, RULE_IDS } from '../domain';
import { LIST_COUNT_CAP } from '../services/list-count';

// ---- identifiers and values ----

export const CardNumber = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,32}$/)
  .meta({ description: '利用者番号 (card number): 1–32 letters, digits or "-"', example: 'A0001' });
export const ReservationId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/)
  .meta({ description: 'Reservation id (as returned when it was placed)' });
export const LoanId = z.uuid().meta({ description: 'Loan id' });
export const TitleId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/)
  .meta({ description: '書誌 id of a title in the catalogue', example: 'T-0001' });
export const ItemNumber = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/)
  .meta({ description: '資料番号 (item number) of one copy' });
export const LocalDateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isLocalDate, { message: 'Not a calendar date (YYYY-MM-DD)' })
  .meta({ description: 'A calendar day in JST, YYYY-MM-DD', example: '2026-12-03' });
export const JstInstant = z.string().meta({ description: 'A moment in ISO 8601 (JST offset where written by the library)' });
export const LibraryNo = z
  .int()
  .min(1)
  .max(COOP_LIBRARY_COUNT)
  .meta({ description: `協力館 number, 1–${COOP_LIBRARY_COUNT} (the guide's 協力館一覧)` });
/**
 * A pickup or return place, written one way in every request: "pref" (the prefectural library) or
 * "coop:<no>" (a cooperating library, 1–59). Responses give a place as { code, label } (PlaceRef). A
 * cooperating library *as such* (open or closed, a patron's usual library) is its number (LibraryNo).
 */
export const Place = z
  .string()
  // One check, so a wrong place is one field error; the pattern is parsePlace's (1–59), for the document.
  .regex(/^(pref|coop:([1-9]|[1-5][0-9]))$/, { error: `use "pref" or "coop:1" … "coop:${COOP_LIBRARY_COUNT}"` })
  .meta({
    description: `"pref" for the prefectural library (青森県立図書館), or "coop:1" … "coop:${COOP_LIBRARY_COUNT}" for a cooperating library`,
    example: 'coop:30',
  });
export const PlaceRef = z
  .object({ code: z.string().meta({ description: '"pref" or "coop:<no>"' }), label: z.string() })
  .meta({ description: 'A place: its code, as requests write it, and its name' });
export const Status = z.enum(RESERVATION_STATUSES).meta({ description: '利用状況 code (spec §3)' });
export const RuleIdSchema = z.enum(RULE_IDS);

export const Refusal = z
  .object({ rule: RuleIdSchema, ja: z.string(), en: z.string() })
  .meta({ description: 'A rule that refused, with its message' });

// ---- query helpers ----

export const PageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1).meta({ description: 'Page number, from 1' }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Items per page, 1–100' }),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.int(), pageSize: z.int(), total: z.int().meta({ description: 'Items matching, on all pages' }) });

/**
 * R-SCALE-2: the staff reservation and loan lists count their matches up to a cap (LIST_COUNT_CAP,
 * src/services/list-count.ts) or to the end of the page asked for, whichever is further.
 */
export const boundedPageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    page: z.int(),
    pageSize: z.int(),
    total: z.int().meta({
      description:
        'Items matching, on all pages, when totalIsExact; otherwise a lower bound (more match): the list counts its matches only ' +
        `up to ${LIST_COUNT_CAP.toLocaleString('en-US')}, or to the end of the page asked for when that is further (R-SCALE-2)`,
    }),
    totalIsExact: z.boolean().meta({
      description: `false: more than \`total\` match, and a next page exists (staff read it as 「${LIST_COUNT_CAP.toLocaleString('ja-JP')}件以上」 and filter)`,
    }),
  });

// ---- problem documents (RFC 9457) ----

/** One dependency checked by /readyz. */
export const ReadinessCheck = z.object({
  name: z.string().meta({ description: 'database, temporal, worker' }),
  ok: z.boolean(),
  ms: z.int().meta({ description: 'How long the check took' }),
  error: z.string().optional().meta({ description: 'Why it failed' }),
});

export const Problem = z
  .object({
    type: z.string().meta({ description: 'URI reference of the problem type, e.g. /problems/rule-refusal' }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    ja: z.string().meta({ description: 'Message in Japanese' }),
    en: z.string().meta({ description: 'Message in English' }),
    rule: RuleIdSchema.optional().meta({ description: 'The rule (docs/spec.md) that refused the request' }),
    errors: z
      .array(
        z.object({
          field: z.string().meta({ description: 'e.g. body.pickup, query.page, path.reservationId' }),
          code: z.string(),
          ja: z.string(),
          en: z.string(),
        }),
      )
      .optional(),
    instance: z.string().optional(),
    checks: z.array(ReadinessCheck).optional().meta({ description: '/readyz only: each dependency checked' }),
  })
  .meta({ description: 'RFC 9457 problem details, application/problem+json' });

// ---- patrons and accounts ----

export const PatronProfile = z.object({
  cardNumber: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  mustChangePassword: z.boolean().meta({ description: 'R-ACCOUNT-1: a temporary password must be changed before anything else' }),
  loanLimit: z.int(),
  reservationLimit: z.int(),
  usualLibraryNo: z.int().nullable(),
  serviceStop: z
    .object({ since: z.string(), reason: z.string() })
    .nullable()
    .meta({ description: 'R-CONDUCT-1: staff stopped the patron’s use of the online service (since when, why); null: in use' }),
  reservations: z.int().meta({ description: 'Reservations counted against the reservation limit (R-LIMIT-1)' }),
  loans: z.int().meta({ description: 'Loans counted against the loan limit (配送中 included)' }),
});

export const Password = z.string().min(1).max(200);

export const LoginBody = z.strictObject({ cardNumber: CardNumber, password: Password });
const PatronTokenFields = {
  patronToken: z.string().meta({
    description:
      'The patron token (pt_…): the OPAC sends it as X-Patron-Token on this patron’s /opac/patrons/{cardNumber}/… calls. ' +
      'Expires (PATRON_TOKEN_MINUTES, default 30); a password change revokes it.',
  }),
  patronTokenExpiresAt: z.string().meta({ description: 'When the patron token expires (ISO 8601)' }),
};
export const LoginResult = z.object({
  cardNumber: z.string(),
  name: z.string(),
  mustChangePassword: z.boolean(),
  emailRegistered: z.boolean().meta({ description: 'An e-mail address is needed before reserving (R-ACCOUNT-1)' }),
  ...PatronTokenFields,
});
/** The password change answers with a new patron token: the change revokes the tokens issued before it. */
export const ChangedPasswordResult = PatronProfile.extend(PatronTokenFields);
export const ChangePasswordBody = z.strictObject({
  currentPassword: Password,
  newPassword: z.string().max(200).meta({ description: 'R-ACCOUNT-1: 8–20 characters, letters and digits, both' }),
});
export const EmailBody = z.strictObject({ email: z.email().max(254) });
export const NewPatronBody = z.strictObject({
  cardNumber: CardNumber,
  name: z.string().min(1).max(100),
  email: z.email().max(254).optional(),
  usualLibraryNo: LibraryNo.optional(),
});
export const NewPatronResult = z.object({
  patron: PatronProfile,
  temporaryPassword: z.string().meta({ description: 'Hand it to the patron; it must be changed at the first login (R-ACCOUNT-1)' }),
});
export const LoanLimitBody = z.strictObject({
  loanLimit: z
    .int()
    .meta({ description: 'R-LIMIT-2: 1–10; 10 restores the default. Applies to cooperating-library dispatch only (the counter keeps 10)' }),
});
export const ServiceStopBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(MAX_CONDUCT_REASON_LENGTH)
    .meta({ description: 'R-CONDUCT-1: why the service is stopped or restored (recorded with the staff act)' }),
});
export const UsualLibraryBody = z.strictObject({
  usualLibraryNo: LibraryNo.nullable().meta({ description: 'The patron’s usual cooperating library (1–59), or null for none' }),
});

// ---- reservations ----

export const NewReservationBody = z.strictObject({ titleId: TitleId, pickup: Place });
export const PlacedReservation = z.object({
  reservationId: z.string(),
  status: Status,
  statusLabel: z.string(),
  queuePosition: z.int().nullable().meta({ description: '予約順位 once in the queue (after the short security delay, R-STATUS-1)' }),
  waitingAhead: z.int().meta({ description: 'Reservations already waiting for this title (R-ITEM-3: a long queue means a long wait)' }),
});

export const ReservationSummary = z.object({
  reservationId: z.string(),
  cardNumber: z.string(),
  titleId: z.string(),
  title: z.string(),
  pickup: PlaceRef,
  status: Status,
  statusLabel: z.string().meta({ description: '利用状況 as My Library shows it' }),
  queuePosition: z.int().nullable(),
  itemNumber: z.string().nullable(),
  placedAt: JstInstant,
  pickupFrom: LocalDateText.nullable(),
  pickupUntil: LocalDateText.nullable(),
  dispatchFailures: z.int(),
  patronMayCancel: z.boolean().meta({ description: 'R-CANCEL-1: cancellable in My Library' }),
  endReason: z.string().nullable(),
});

export const ReservationDetail = z.object({
  reservationId: z.string(),
  titleId: z.string(),
  title: z.string(),
  patronId: z.string(),
  cardNumber: z.string(),
  pickup: PlaceRef,
  status: Status,
  statusLabel: z.string(),
  queuePosition: z.int().nullable(),
  itemNumber: z.string().nullable(),
  dates: z.object({
    placedOn: LocalDateText,
    pickupFrom: LocalDateText.optional(),
    pickupUntil: LocalDateText.optional(),
    processingDay: LocalDateText.optional(),
    due: LocalDateText.optional(),
    renewFrom: LocalDateText.optional(),
    renewUntil: LocalDateText.optional(),
    returnedOn: LocalDateText.optional(),
    suspendedUntil: LocalDateText.optional().meta({ description: 'R-SUSPEND-1 (保留): while suspended, the day it resumes' }),
    notNeededAfter: LocalDateText.optional().meta({
      description: 'R-SUSPEND-3 (不要日): still 予約申込/確保待ち at 00:00 JST of the day after it, the library cancels it',
    }),
  }),
  renewalsUsed: z.int(),
  renewalsLeft: z.int(),
  dispatchFailures: z.int(),
  reason: Refusal.nullable(),
  mails: z.array(z.object({ kind: z.string(), at: z.string(), state: z.string() })).meta({
    description: 'The notices from the mail outbox: state PENDING, SENDING (may or may not have left; never resent), SENT, SKIPPED, FAILED',
  }),
  transitions: z.array(z.object({ status: Status, at: JstInstant, note: z.string().optional() })),
});

export const ReservationFilterQuery = z.strictObject({
  status: z
    .string()
    .regex(new RegExp(`^(${RESERVATION_STATUSES.join('|')})(,(${RESERVATION_STATUSES.join('|')}))*$`))
    .optional()
    .meta({ description: 'One status code or several, comma-separated (e.g. WAITING,READY)' }),
  pickup: Place.optional(),
  cardNumber: CardNumber.optional(),
  title: z.string().min(1).max(200).optional().meta({ description: 'Title id, or part of the title' }),
  itemNumber: ItemNumber.optional().meta({ description: 'The copy set aside for it (資料番号)' }),
  placedFrom: LocalDateText.optional(),
  placedUntil: LocalDateText.optional(),
  ...PageQuery,
});

export const StaffCancelBody = z.strictObject({
  channel: z.enum(['counter', 'phone', 'email']).meta({ description: 'How the request reached staff; e-mail is refused (R-CANCEL-2)' }),
});
/** R-STAFF-1: staff place a reservation for a patron who phoned or came to the counter. */
export const StaffReservationBody = z.strictObject({
  titleId: TitleId,
  pickup: Place,
  channel: z.enum(['phone', 'counter']).meta({ description: 'How the patron asked: a phone call or at the counter (R-STAFF-1; not by e-mail)' }),
});
/** R-PICKUP-1 (受取館変更): the new pickup place; staff also say how the patron asked. */
export const OpacPickupPlaceBody = z.strictObject({ pickup: Place });
export const StaffPickupPlaceBody = z.strictObject({
  pickup: Place,
  channel: z.enum(['phone', 'counter']).meta({ description: 'How the patron asked: a phone call or at the counter' }),
});
/** R-SUSPEND-1, R-SUSPEND-2 (保留): the day the reservation resumes; staff also say how the patron asked. */
export const OpacSuspendBody = z.strictObject({
  until: LocalDateText.meta({
    description: 'The day it resumes (passed over until the day before): after today, at most 90 days ahead (R-SUSPEND-2)',
  }),
});
export const StaffSuspendBody = OpacSuspendBody.extend({
  channel: z.enum(['phone', 'counter']).meta({ description: 'How the patron asked: a phone call or at the counter' }),
});
/** R-SUSPEND-3 (不要日): the day after which the reservation is not needed, or null to clear it; staff also say how the patron asked. */
export const OpacNotNeededAfterBody = z.strictObject({
  notNeededAfter: LocalDateText.nullable().meta({
    description: 'R-SUSPEND-3: today or later, at most a year ahead; null clears it. Still 予約申込/確保待ち at 00:00 JST after it → 取消',
  }),
});
export const StaffNotNeededAfterBody = OpacNotNeededAfterBody.extend({
  channel: z.enum(['phone', 'counter']).meta({ description: 'How the patron asked: a phone call or at the counter' }),
});
export const StaffResumeBody = z.strictObject({
  channel: z.enum(['phone', 'counter']).meta({ description: 'How the patron asked: a phone call or at the counter' }),
});
export const PickupBody = z.strictObject({
  cardShown: z.boolean().meta({
    description: "R-PREF-4 / R-COOP-1: the patron showed the prefectural library's card — required on every pickup; false refuses the handover (409)",
  }),
});

// ---- loans ----

export const LoanSummary = z.object({
  loanId: z.string(),
  cardNumber: z.string(),
  itemNumber: z.string(),
  itemStatus: z.string().meta({ description: '資料の状態 (R-ITEM-2)' }),
  titleId: z.string(),
  title: z.string(),
  reservationId: z.string().nullable(),
  status: z.enum(['IN_DELIVERY', 'ON_LOAN', 'RETURNED']),
  statusLabel: z.string(),
  state: z.enum(['ACTIVE', 'RETURNED_IN_TRANSIT', 'CLOSED', 'UNDONE']),
  lentOn: LocalDateText,
  due: LocalDateText,
  overdue: z.boolean(),
  renewalsUsed: z.int(),
  renewalsLeft: z.int(),
  renewFrom: LocalDateText.meta({ description: 'R-RENEW-3: the earliest day a renewal is accepted' }),
  renewUntil: LocalDateText,
  renewalBlockedBy: Refusal.nullable().meta({ description: 'Why a renewal asked today would be refused, or null' }),
  returnedOn: LocalDateText.nullable(),
  returnedAt: PlaceRef.nullable().meta({ description: 'Where it was handed in (R-RETURN-1…3)' }),
  returnedVia: z.string().nullable().meta({ description: 'R-RETURN-5: how it was handed in: counter, designated-place or book-post' }),
  bag: z.string().nullable().meta({ description: 'R-COOP-2: the dedicated bag the copy travels in' }),
});

export const LoanFilterQuery = z.strictObject({
  state: z
    .string()
    .regex(/^(ACTIVE|RETURNED_IN_TRANSIT|CLOSED|UNDONE)(,(ACTIVE|RETURNED_IN_TRANSIT|CLOSED|UNDONE))*$/)
    .optional()
    .meta({ description: 'Loan states, comma-separated' }),
  cardNumber: CardNumber.optional(),
  title: z.string().min(1).max(200).optional(),
  itemNumber: ItemNumber.optional().meta({ description: 'The copy lent (資料番号)' }),
  dueFrom: LocalDateText.optional(),
  dueUntil: LocalDateText.optional(),
  ...PageQuery,
});

export const OpacRenewBody = z.strictObject({
  channel: z.enum(['opac', 'email']).default('opac').meta({ description: 'A request that came by e-mail is refused (R-RENEW-4)' }),
});
export const StaffRenewBody = z.strictObject({
  channel: z.enum(['phone', 'counter', 'email']).meta({ description: 'R-RENEW-4: phone or counter; e-mail is refused' }),
});
export const ReturnBody = z.strictObject({
  place: Place.meta({ description: 'Where the copy was handed in (R-RETURN-1…3)' }),
  via: z
    .enum(RETURN_VIAS)
    .optional()
    .meta({ description: 'R-RETURN-5: how it was handed in (default counter); a book post only at the prefectural library (R-RETURN-3)' }),
  returnedOn: LocalDateText.optional().meta({
    description:
      'R-RETURN-5: the day it was handed in, when recorded later (default today): not in the future, not before the loan; R-OVERDUE-2 counts from it',
  }),
});

export const CheckoutBody = z.strictObject({ cardNumber: CardNumber, itemNumber: ItemNumber });
export const CheckoutResult = z.object({ loanId: z.string(), itemNumber: z.string(), due: LocalDateText });
export const CheckInBody = z.strictObject({ itemNumber: ItemNumber });
export const HoldSlipSchema = z
  .object({
    reservationId: z.string(),
    cardNumber: z.string().meta({ description: '利用者番号' }),
    name: z.string().meta({ description: '氏名' }),
    itemNumber: z.string().meta({ description: '資料番号' }),
    title: z.string().meta({ description: '書名' }),
    status: z.enum(['READY', 'SECURED']).meta({ description: 'READY 貸出可能 (hold shelf here) or SECURED 確保済み (for a cooperating library)' }),
    statusLabel: z.string(),
    pickup: PlaceRef.meta({ description: '受取場所' }),
    holdUntil: LocalDateText.optional().meta({ description: 'R-PREF-2: the last day on the hold shelf (prefectural library)' }),
    processingDay: LocalDateText.optional().meta({ description: 'R-COOP-4: the processing day it is sent on (cooperating library)' }),
    pickupFrom: LocalDateText.optional().meta({ description: 'R-COOP-4: 受取期間 from' }),
    pickupUntil: LocalDateText.optional().meta({ description: 'R-COOP-4: 受取期間 until' }),
  })
  .meta({ description: '予約票: for whom, where to, until when' });

export const CheckInResult = z.object({
  returned: z.string().nullable().meta({ description: 'The reservation whose loan this check-in ended (返却済)' }),
  handedTo: z.string().nullable().meta({ description: 'The reservation the copy went to next, or null (back to the shelf)' }),
  found: z.boolean().meta({ description: 'The copy was 不明 (not found on the shelf twice) and is found again' }),
  slip: HoldSlipSchema.nullable().meta({ description: '予約票 when the copy went to a reservation: for whom, where to, until when' }),
});

// ---- catalogue, places, libraries, Thursday ----

export const TitleAvailability = z.object({
  titleId: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  copies: z.array(z.object({ itemNumber: z.string(), materialType: z.string(), status: z.string().meta({ description: '資料の状態 (R-ITEM-2)' }) })),
  waiting: z.int().meta({ description: 'Reservations in the queue (R-ITEM-3)' }),
});

export const PickupPlace = z.object({
  code: z.string(),
  label: z.string(),
  libraryNo: z.int().nullable(),
  region: z.string().nullable(),
  isOpen: z.boolean(),
});

export const Library = z.object({ no: z.int(), region: z.string(), municipality: z.string(), name: z.string(), isOpen: z.boolean() });
export const LibraryOpenBody = z.strictObject({ isOpen: z.boolean() });

export const ThursdayRun = z.object({
  processingDay: LocalDateText,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  processed: z.int(),
  dispatched: z.int(),
  failed: z.int(),
  released: z.int(),
  rebalanced: z.int(),
  bags: z.int().meta({ description: 'R-COOP-2: dedicated bags packed' }),
});
export const TriggerThursdayBody = z.strictObject({
  processingDay: LocalDateText.meta({ description: 'The Thursday to process; its 10:00 JST must have come' }),
});

export const Health = z.object({ status: z.literal('ok') });
export const Ready = z.object({ status: z.literal('ready'), checks: z.array(ReadinessCheck) });

// ---- staff work lists (Thursday preview, bag labels, transit slips, hold shelf, in transit) ----

export const Headings = z
  .record(z.string(), z.string())
  .meta({ description: 'The library’s own words for the columns (見出し), by field: 受取館, 受取期間, 利用者番号, 氏名, 資料番号, 書名 …' });

export const BagLabel = z
  .object({
    bag: z.string().meta({ description: 'R-COOP-2: the dedicated bag (専用袋), one per patron, cooperating library and processing day' }),
    libraryNo: LibraryNo,
    pickup: PlaceRef.meta({ description: '受取館' }),
    cardNumber: z.string().meta({ description: '利用者番号' }),
    name: z.string().meta({ description: '氏名 (personal data: staff answers only, never logged)' }),
    pickupFrom: LocalDateText.meta({ description: '受取期間: first day (Sun P+3, R-COOP-4)' }),
    pickupUntil: LocalDateText.meta({ description: '受取期間: last day (Sun P+10)' }),
    pickupWindow: z.string().meta({ description: '受取期間 as printed, e.g. 2026年12月6日(日) ~ 2026年12月13日(日)' }),
    items: z.array(
      z.object({
        reservationId: z.string(),
        itemNumber: z.string().meta({ description: '資料番号' }),
        titleId: z.string(),
        title: z.string().meta({ description: '書名' }),
      }),
    ),
    printed: z.array(z.string()).meta({ description: 'The label as printed, line by line' }),
  })
  .meta({ description: 'The label of one dedicated bag (R-COOP-2)' });

export const ThursdayLabels = z.object({
  processingDay: LocalDateText,
  headings: Headings,
  labels: z.array(BagLabel).meta({ description: 'Every bag the run packed (for one library if asked), by library number, then in packing order' }),
});

export const TransitSlip = z
  .object({
    libraryNo: LibraryNo,
    pickup: PlaceRef.meta({ description: '受取館' }),
    transportOn: LocalDateText.meta({ description: 'Fri P+1: 協力館へ搬送' }),
    bags: z.array(
      z.object({
        bag: z.string(),
        cardNumber: z.string().meta({ description: '利用者番号 (no names: the slip travels with the courier)' }),
        itemCount: z.int(),
        itemNumbers: z.array(z.string()),
      }),
    ),
    bagCount: z.int(),
    itemCount: z.int(),
  })
  .meta({ description: '搬送リスト of one cooperating library: its bags, with counts' });

export const ThursdayTransitSlips = z.object({
  processingDay: LocalDateText,
  transportOn: LocalDateText,
  headings: Headings,
  slips: z.array(TransitSlip),
  bagCount: z.int(),
  itemCount: z.int(),
});

export const ReservationBrief = z.object({
  reservationId: z.string(),
  cardNumber: z.string(),
  name: z.string(),
  pickup: PlaceRef,
  status: Status,
  statusLabel: z.string(),
});

export const DispatchFailurePreview = z
  .object({
    reservationId: z.string(),
    cardNumber: z.string(),
    name: z.string(),
    itemNumber: z.string(),
    titleId: z.string(),
    title: z.string(),
    cause: Refusal.meta({ description: 'Why it is not sent: R-DISPATCH-1 (loan limit, long-overdue loan) or R-DISPATCH-4 (put back)' }),
    failures: z.int().meta({ description: 'Failed dispatches after this run (R-DISPATCH-2: the third releases it)' }),
    next: Status.meta({ description: 'Its status after the run: SECURED (kept), WAITING (R-DISPATCH-3/4), RELEASED (R-DISPATCH-2)' }),
    nextLabel: z.string(),
    reason: Refusal.nullable().meta({ description: 'R-DISPATCH-2/3: what My Library will show; null when put back (R-DISPATCH-4)' }),
    copy: z.object({
      goesTo: z.enum(['kept', 'shelf', 'reservation']),
      label: z.string(),
      reservation: ReservationBrief.nullable().meta({ description: 'The reservation the copy goes to (R-DISPATCH-3/4, R-CANCEL-3)' }),
    }),
  })
  .meta({ description: 'A 確保済み reservation Thursday processing will not send, and what follows' });

export const ThursdayPreview = z.object({
  processingDay: LocalDateText,
  processingAt: JstInstant,
  options: z.object({ rebalance: z.boolean(), longOverdueGraceDays: z.int() }).meta({ description: 'The worker’s settings the run uses' }),
  headings: Headings,
  totals: z.object({ processed: z.int(), dispatched: z.int(), failed: z.int(), released: z.int(), rebalanced: z.int(), bags: z.int() }),
  libraries: z.array(
    z.object({
      libraryNo: LibraryNo,
      pickup: PlaceRef.meta({ description: '受取館' }),
      bags: z.array(BagLabel),
      bagCount: z.int(),
      itemCount: z.int(),
      failures: z.array(DispatchFailurePreview),
    }),
  ),
});

export const PreviewQuery = z.strictObject({
  date: LocalDateText.optional().meta({ description: 'The processing day (default: the next one)' }),
});
export const LibraryFilterQuery = z.strictObject({
  library: z.coerce.number().int().min(1).max(COOP_LIBRARY_COUNT).optional().meta({ description: 'Only this cooperating library (1–59)' }),
});

/** A copy set aside for a reservation, as the hold-shelf lists show it: which copy, for whom. */
const HeldCopy = z.object({
  reservationId: z.string(),
  itemNumber: z.string(),
  titleId: z.string(),
  title: z.string(),
  cardNumber: z.string(),
  name: z.string(),
});

export const HoldShelf = z.object({
  today: LocalDateText,
  headings: Headings,
  items: z.array(
    HeldCopy.extend({
      pickup: PlaceRef,
      securedAt: JstInstant.nullable().meta({ description: 'When the copy was set aside (貸出可能)' }),
      pickupFrom: LocalDateText.nullable(),
      pickupUntil: LocalDateText.nullable().meta({
        description: '取置期限, the last day to collect (R-PREF-2); null until the lending notice is sent',
      }),
      daysLeft: z.int().nullable().meta({ description: 'Days after today still to collect (0: today is the last day)' }),
    }),
  ),
});

export const HoldShelfExpired = z.object({
  date: LocalDateText,
  headings: Headings,
  items: z.array(
    HeldCopy.extend({
      pickupUntil: LocalDateText.nullable().meta({ description: 'The last day of the hold (the day before the release)' }),
      releasedAt: JstInstant,
      reason: Refusal.nullable(),
      itemStatus: z.string().nullable().meta({ description: '資料の状態 of the copy now (R-ITEM-2)' }),
      action: z
        .enum(['reshelve', 'next-reserver'])
        .meta({ description: 'What the release did with the copy (spec §5 Decision): back to 書架, or to the next reserver' }),
      actionLabel: z.string(),
      next: ReservationBrief.nullable().meta({ description: 'The reservation the copy was secured for' }),
    }),
  ),
});

export const InTransit = z.object({
  today: LocalDateText,
  headings: Headings,
  libraries: z.array(
    z.object({
      libraryNo: LibraryNo,
      library: PlaceRef,
      items: z.array(
        z.object({
          kind: z.enum(['returned', 'uncollected', 'cancelled']),
          kindLabel: z.string(),
          itemNumber: z.string(),
          titleId: z.string(),
          title: z.string(),
          cardNumber: z.string(),
          reservationId: z.string().nullable(),
          loanId: z.string(),
          handedInOn: LocalDateText.meta({
            description: 'Returned at the library, or the day the copy stopped waiting there (cancel; last pickup day)',
          }),
          collectionOn: LocalDateText.meta({ description: '回収 (Monday)' }),
          expectedOn: LocalDateText.meta({ description: 'R-RETURN-4: the day it should arrive and be processed (Wednesday)' }),
          late: z.boolean().meta({ description: 'Its day has passed and it has not been checked in' }),
        }),
      ),
      count: z.int(),
      lateCount: z.int(),
    }),
  ),
  count: z.int(),
  lateCount: z.int(),
});

export const DateQuery = z.strictObject({ date: LocalDateText.optional().meta({ description: 'A calendar day in JST (default: today)' }) });
