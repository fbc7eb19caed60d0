// The zod schemas of staff accounts, staff sessions and the staff acts (who did what), beside
// schemas.ts's, in the same way: they validate requests, check responses in tests and make the
// OpenAPI document.
import { z } from 'zod';
import { JstInstant, Password, ReservationDetail, RuleIdSchema } from './schemas';

export const StaffNumber = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,32}$/)
  .meta({ description: '職員番号 (staff number): 1–32 letters, digits or "-"', example: 'S001' });
export const StaffRoleSchema = z.enum(['counter', 'admin']).meta({
  description: 'counter: every staff operation except the staff accounts; admin: also the staff accounts',
});

export const StaffAccountView = z.object({
  staffNumber: z.string(),
  name: z.string(),
  role: StaffRoleSchema,
  mustChangePassword: z.boolean().meta({ description: 'A temporary password is to be changed at the next sign-in' }),
  disabled: z.boolean().meta({ description: 'Disabled: cannot sign in; its sessions were ended' }),
  createdAt: z.string(),
});

export const StaffLoginBody = z.strictObject({ staffNumber: StaffNumber, password: Password });
export const StaffLoginResult = z.object({
  token: z.string().meta({ description: 'The session token (st_…): send it as Authorization: Bearer <token>. Shown once; only its hash is kept.' }),
  expiresAt: z
    .string()
    .meta({ description: 'The latest the session lasts (STAFF_SESSION_MAX_HOURS); it ends sooner when idle (STAFF_SESSION_IDLE_MINUTES)' }),
  idleTimeoutSeconds: z.int(),
  staff: StaffAccountView,
});
export const StaffPasswordBody = z.strictObject({
  currentPassword: Password,
  newPassword: z.string().max(200).meta({ description: '12–128 printable ASCII characters, letters and digits both; not the current one' }),
});
export const StaffLogoutResult = z.object({ ended: z.literal(true) });

export const NewStaffAccountBody = z.strictObject({
  staffNumber: StaffNumber,
  name: z.string().min(1).max(100),
  role: StaffRoleSchema,
  temporaryPassword: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'A temporary password to hand over (12–128 characters, letters and digits); made here if not given' }),
});
export const StaffAccountWithPassword = z.object({
  account: StaffAccountView,
  temporaryPassword: z.string().meta({ description: 'Shown once: hand it to the member of staff, who must change it at the first sign-in' }),
});

/** One staff act naming a reservation: who, what, and how it ended (staff_action). */
export const StaffAct = z
  .object({
    at: JstInstant,
    action: z.string().meta({ description: 'cancel, pickup, renew, return, check-in, checkout, …' }),
    by: z.union([
      z.object({ kind: z.literal('staff'), staffNumber: z.string(), name: z.string() }),
      z.object({
        kind: z.literal('key'),
        keyName: z.string(),
        name: z.string().meta({ description: 'The staff API key’s name (a machine caller)' }),
      }),
    ]),
    outcome: z.enum(['pending', 'done', 'refused']).meta({ description: 'pending: asked, and its outcome is not known (e.g. the process stopped)' }),
    rule: RuleIdSchema.optional().meta({ description: 'The rule that refused it' }),
  })
  .meta({ description: 'A staff act that named this reservation (the staff_action record)' });

export const StaffReservationDetail = ReservationDetail.extend({
  placedVia: z.enum(['opac', 'phone', 'counter']).meta({
    description: 'R-STAFF-1: placed in My Library (opac), or by staff for a patron who phoned or came to the counter (who: staffActs)',
  }),
  pickupChanged: z
    .object({ at: JstInstant, from: z.string().meta({ description: 'The pickup place before ("pref" or "coop:<no>")' }) })
    .nullable()
    .meta({ description: 'R-PICKUP-2: when the pickup place last changed, and from where (null: never)' }),
  staffActs: z.array(StaffAct).meta({
    description: 'Who of the staff did what to this reservation, oldest first; the status history itself is in transitions',
  }),
});
