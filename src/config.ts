// Configuration comes from the environment only; every variable is listed in the README.
// Bad or missing configuration fails at start with a message naming the variable.
import { parseApiKeys, type ApiKey } from './api/auth';
import { DEFAULT_PATRON_TOKEN_TTL_MS, MIN_PATRON_TOKEN_SECRET_LENGTH } from './api/patron-tokens';
import {
  DEFAULT_NOTICE_HOUR,
  DEFAULT_OVERDUE_NOTICE_MAX,
  DEFAULT_SUSPEND_MAX_DAYS,
  DEFAULT_PROCESSING_SCHEDULE,
  DEFAULT_PRIVACY_RETENTION_DAYS,
  DEFAULT_PULL_ALERT_HOURS,
  type ProcessingSchedule,
} from './domain';
import { LIBRARY_MAIL_FROM } from './mail/lending-notice';
import { checkStaffPassword, DEFAULT_STAFF_SESSION_POLICY, type BootstrapAdmin, type StaffSessionPolicy } from './services/staff-accounts';

/**
 * What this process runs (SERVICE_ROLE): everything (the default, and `npm start`'s embedded mode), only
 * the HTTP API, or only the Temporal worker (with Thursday processing) — the compose stack runs the last
 * two as separate containers of one image.
 */
export type ServiceRole = 'all' | 'api' | 'worker';
export const SERVICE_ROLES: readonly ServiceRole[] = ['all', 'api', 'worker'];

export const runsApi = (role: ServiceRole): boolean => role !== 'worker';
export const runsWorker = (role: ServiceRole): boolean => role !== 'api';

export function parseServiceRole(value: string | undefined): ServiceRole {
  if (value === undefined || value === '') return 'all';
  if (!(SERVICE_ROLES as readonly string[]).includes(value))
    throw new ConfigError(`SERVICE_ROLE must be one of ${SERVICE_ROLES.join(', ')}; got "${value}"`);
  return value as ServiceRole;
}

export interface ServiceConfig {
  role: ServiceRole;
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  sendgridApiKey: string;
  sendgridBaseUrl: string | undefined;
  mailFrom: string;
  /**
   * The HTTP API's callers (API_KEYS: name:role:key, comma-separated; roles opac and staff). Empty when
   * API_KEYS is unset outside production: `npm start` then makes a key per role and prints them.
   */
  apiKeys: ApiKey[];
  apiHost: string;
  /** The API's port; with SERVICE_ROLE=worker, the port of /healthz, /readyz and /metrics. */
  apiPort: number;
  /** How long requests in flight may take to finish once a stop begins (API_SHUTDOWN_GRACE_MS). */
  apiShutdownGraceMs: number;
  /** SHUTDOWN_DELAY_MS: between /readyz turning 503 and the API refusing connections (load balancers). */
  shutdownDelayMs: number;
  /**
   * R-STATUS-1: how long a new reservation stays 予約申込 (and can be withdrawn) before it asks for a
   * copy (RESERVATION_SECURITY_DELAY_SECONDS, default 300). The library sets it; the spec names no value.
   */
  securityDelayMs: number;
  /** How long Idempotency-Key records are kept (IDEMPOTENCY_RETENTION_HOURS, default 24). */
  idempotencyRetentionHours: number;
  /** R-PRIVACY-2: days an ended loan or reservation keeps its patron (PRIVACY_RETENTION_DAYS, default 30). */
  privacyRetentionDays: number;
  /** docs/notices.md: the JST hour of the timed notices (NOTICE_HOUR, default 9) and how many OVERDUE at most (OVERDUE_NOTICE_MAX, default 3). */
  noticeHour: number;
  overdueNoticeMax: number;
  /** R-SUSPEND-2: a suspension (保留) ends at most this many days ahead (SUSPEND_MAX_DAYS, default 90). */
  suspendMaxDays: number;
  /** SendGrid's Event Webhook verification key (SENDGRID_WEBHOOK_PUBLIC_KEY, base64 or PEM); unset: the webhook refuses every event. */
  sendgridWebhookPublicKey: string | undefined;
  /** The pull-list Decision (spec §3): hours a copy may stay on the pull list before it is late (PULL_ALERT_HOURS, default 24). */
  pullAlertHours: number;
  /**
   * The HMAC key of patron tokens (PATRON_TOKEN_SECRET, 32+ characters; required in production). Unset
   * elsewhere: the API makes a random one for its run (tokens then end with the process).
   */
  patronTokenSecret: string | undefined;
  /** How long a patron token lasts (PATRON_TOKEN_MINUTES, default 30). */
  patronTokenTtlMs: number;
  /** Staff sessions end idle (STAFF_SESSION_IDLE_MINUTES, default 480) or old (STAFF_SESSION_MAX_HOURS, default 12). */
  staffSessions: StaffSessionPolicy;
  /** STAFF_KEY_ACCESS (default on): off refuses the staff API keys, so that every staff act is a signed-in person's. */
  staffKeyAccess: boolean;
  /** STAFF_BOOTSTRAP_ADMIN=number:name:temporaryPassword — the first admin, created at start if that number is free. */
  staffBootstrapAdmin: BootstrapAdmin | undefined;
  /**
   * Thursday processing (spec §6, §7), one source for the weekly workflow, the worker's activities and
   * a run by hand through the API (so the worker and the API containers must be given the same values).
   */
  thursday: ThursdaySettings;
}

export interface ThursdaySettings {
  /** §6 Decision: when processing runs, JST (THURSDAY_WEEKDAY, THURSDAY_HOUR; default Thursday 10:00). */
  schedule: ProcessingSchedule;
  /** R-DISPATCH-4 Decision: put a patron's 10+ 確保済み back to 確保待ち automatically (THURSDAY_REBALANCE, default on). */
  rebalance: boolean;
  /**
   * R-DISPATCH-1 / R-OVERDUE-1 Decision: days past its due date before a loan blocks lending — Thursday
   * dispatch, counter checkout (LONG_OVERDUE_GRACE_DAYS, default 0: any overdue loan blocks).
   */
  longOverdueGraceDays: number;
}

export class ConfigError extends Error {}

const ON_OFF: Record<string, boolean> = { on: true, off: false, '1': true, '0': false, true: true, false: false };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const missing: string[] = [];
  const need = (name: string): string => {
    const value = env[name];
    if (!value) missing.push(name);
    return value ?? '';
  };
  const role = parseServiceRole(env.SERVICE_ROLE);
  const config: ServiceConfig = {
    role,
    databaseUrl: need('DATABASE_URL'),
    temporalAddress: need('TEMPORAL_ADDRESS'),
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'online-lending',
    // Only the worker sends mail (the lending notice activity).
    sendgridApiKey: runsWorker(role) ? need('SENDGRID_API_KEY') : (env.SENDGRID_API_KEY ?? ''),
    sendgridBaseUrl: env.SENDGRID_BASE_URL || undefined,
    mailFrom: env.MAIL_FROM ?? LIBRARY_MAIL_FROM,
    apiKeys: [],
    apiHost: env.API_HOST || '0.0.0.0',
    apiPort: 3000,
    apiShutdownGraceMs: 10_000,
    shutdownDelayMs: 0,
    securityDelayMs: 5 * 60_000,
    idempotencyRetentionHours: 24,
    privacyRetentionDays: DEFAULT_PRIVACY_RETENTION_DAYS,
    noticeHour: DEFAULT_NOTICE_HOUR,
    overdueNoticeMax: DEFAULT_OVERDUE_NOTICE_MAX,
    suspendMaxDays: DEFAULT_SUSPEND_MAX_DAYS,
    sendgridWebhookPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY || undefined,
    pullAlertHours: DEFAULT_PULL_ALERT_HOURS,
    patronTokenSecret: undefined,
    patronTokenTtlMs: DEFAULT_PATRON_TOKEN_TTL_MS,
    staffSessions: { ...DEFAULT_STAFF_SESSION_POLICY },
    staffKeyAccess: true,
    staffBootstrapAdmin: undefined,
    thursday: { schedule: { ...DEFAULT_PROCESSING_SCHEDULE }, rebalance: true, longOverdueGraceDays: 0 },
  };
  const problems: string[] = [];
  // API_KEYS is required in production; elsewhere `npm start` makes throwaway keys and prints them.
  const keys = env.NODE_ENV === 'production' && runsApi(role) ? need('API_KEYS') : (env.API_KEYS ?? '');
  if (keys) {
    try {
      config.apiKeys = parseApiKeys(keys);
    } catch (err) {
      problems.push(`API_KEYS: ${(err as Error).message}`);
    }
  }
  // Patron tokens: required in production (the API refuses to start without), a random one elsewhere.
  const secret = env.NODE_ENV === 'production' && runsApi(role) ? need('PATRON_TOKEN_SECRET') : env.PATRON_TOKEN_SECRET || '';
  if (secret && secret.length < MIN_PATRON_TOKEN_SECRET_LENGTH)
    problems.push(`PATRON_TOKEN_SECRET must have at least ${MIN_PATRON_TOKEN_SECRET_LENGTH} characters`);
  else if (secret) config.patronTokenSecret = secret;
  const bootstrap = env.STAFF_BOOTSTRAP_ADMIN;
  if (bootstrap) {
    const [staffNumber, name, ...rest] = bootstrap.split(':');
    const temporaryPassword = rest.join(':');
    const strong = checkStaffPassword(temporaryPassword);
    if (!staffNumber || !/^[A-Za-z0-9-]{1,32}$/.test(staffNumber) || !name || !temporaryPassword)
      problems.push('STAFF_BOOTSTRAP_ADMIN must be staffNumber:name:temporaryPassword (staff number: 1–32 letters, digits or "-")');
    else if (!strong.ok) problems.push(`STAFF_BOOTSTRAP_ADMIN: the temporary password is too weak: ${strong.en}`);
    else config.staffBootstrapAdmin = { staffNumber, name, temporaryPassword };
  }
  /** An optional whole number in [min, max]; the message names the variable and what it must be. */
  const whole = (name: string, what: string, min: number, max: number, set: (n: number) => void): void => {
    const value = env[name];
    if (value === undefined || value === '') return;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} must be ${what} ${min}–${max}, got "${value}"`);
    else set(n);
  };
  whole('PORT', 'a port number', 0, 65535, (n) => (config.apiPort = n));
  whole('API_SHUTDOWN_GRACE_MS', 'milliseconds', 0, 600_000, (n) => (config.apiShutdownGraceMs = n));
  whole('SHUTDOWN_DELAY_MS', 'milliseconds', 0, 600_000, (n) => (config.shutdownDelayMs = n));
  whole('RESERVATION_SECURITY_DELAY_SECONDS', 'whole seconds', 0, 86_400, (n) => (config.securityDelayMs = n * 1000));
  whole('IDEMPOTENCY_RETENTION_HOURS', 'whole hours', 1, 8_760, (n) => (config.idempotencyRetentionHours = n));
  whole('PRIVACY_RETENTION_DAYS', 'whole days', 1, 3_650, (n) => (config.privacyRetentionDays = n));
  whole('NOTICE_HOUR', 'a JST hour', 0, 23, (n) => (config.noticeHour = n));
  whole('OVERDUE_NOTICE_MAX', 'a number of notices', 0, 52, (n) => (config.overdueNoticeMax = n));
  whole('SUSPEND_MAX_DAYS', 'a number of days', 1, 365, (n) => (config.suspendMaxDays = n));
  whole('PULL_ALERT_HOURS', 'whole hours', 1, 720, (n) => (config.pullAlertHours = n));
  whole('PATRON_TOKEN_MINUTES', 'whole minutes', 1, 1_440, (n) => (config.patronTokenTtlMs = n * 60_000));
  whole('STAFF_SESSION_IDLE_MINUTES', 'whole minutes', 1, 10_080, (n) => (config.staffSessions = { ...config.staffSessions, idleMs: n * 60_000 }));
  whole('STAFF_SESSION_MAX_HOURS', 'whole hours', 1, 720, (n) => (config.staffSessions = { ...config.staffSessions, maxMs: n * 3_600_000 }));
  const thursday = config.thursday;
  whole('THURSDAY_WEEKDAY', 'a JST weekday number (0 = Sunday, 4 = Thursday)', 0, 6, (n) => {
    thursday.schedule = { ...thursday.schedule, weekday: n };
  });
  whole('THURSDAY_HOUR', 'a JST hour', 0, 23, (n) => (thursday.schedule = { ...thursday.schedule, hour: n }));
  whole('LONG_OVERDUE_GRACE_DAYS', 'whole days', 0, 365, (n) => (thursday.longOverdueGraceDays = n));
  const rebalance = env.THURSDAY_REBALANCE;
  if (rebalance !== undefined && rebalance !== '') {
    const on = ON_OFF[rebalance.toLowerCase()];
    if (on === undefined) problems.push(`THURSDAY_REBALANCE must be on or off (1/0, true/false), got "${rebalance}"`);
    else thursday.rebalance = on;
  }
  const staffKeys = env.STAFF_KEY_ACCESS;
  if (staffKeys !== undefined && staffKeys !== '') {
    const on = ON_OFF[staffKeys.toLowerCase()];
    if (on === undefined) problems.push(`STAFF_KEY_ACCESS must be on or off (1/0, true/false), got "${staffKeys}"`);
    else config.staffKeyAccess = on;
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `missing configuration: ${missing.join(', ')}.\n` +
        '  DATABASE_URL      postgresql://user:pass@host:port/db (migrated with `npm run migrate`)\n' +
        '  TEMPORAL_ADDRESS  host:port of a Temporal frontend\n' +
        '  SENDGRID_API_KEY  SendGrid API key (SENDGRID_BASE_URL may point the client at another endpoint)\n' +
        "  API_KEYS          (production) the HTTP API's keys: name:role:key entries, comma-separated, role opac or staff, keys of 24+ characters\n" +
        '                    (e.g. opac-main:opac:<random>,counter:staff:<random>)\n' +
        '  PATRON_TOKEN_SECRET (production) the HMAC key of patron tokens, 32+ characters (e.g. openssl rand -base64 48)' +
        (problems.length ? `\nalso: ${problems.join('; ')}` : ''),
    );
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return config;
}
