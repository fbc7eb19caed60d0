// Configuration comes from the environment only; every variable is listed in the README.
// Bad or missing configuration fails at start with a message naming the variable.
import { parseApiKeys, type ApiKey } from './api/auth';

export interface ServiceConfig {
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
  apiPort: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const missing: string[] = [];
  const need = (name: string): string => {
    const value = env[name];
    if (!value) missing.push(name);
    return value ?? '';
  };
  const config: ServiceConfig = {
    databaseUrl: need('DATABASE_URL'),
    temporalAddress: need('TEMPORAL_ADDRESS'),
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'online-lending',
    sendgridApiKey: need('SENDGRID_API_KEY'),
    sendgridBaseUrl: env.SENDGRID_BASE_URL || undefined,
    // R-MAIL-2: mail comes from the library's own domain.
    mailFrom: env.MAIL_FROM ?? 'noreply@plib.pref.aomori.lg.jp',
    apiKeys: [],
    apiHost: env.API_HOST || '0.0.0.0',
    apiPort: 3000,
  };
  const problems: string[] = [];
  // API_KEYS is required in production; elsewhere `npm start` makes throwaway keys and prints them.
  const keys = env.NODE_ENV === 'production' ? need('API_KEYS') : (env.API_KEYS ?? '');
  if (keys) {
    try {
      config.apiKeys = parseApiKeys(keys);
    } catch (err) {
      problems.push(`API_KEYS: ${(err as Error).message}`);
    }
  }
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number 0–65535, got "${env.PORT}"`);
    else config.apiPort = port;
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `missing configuration: ${missing.join(', ')}.\n` +
        '  DATABASE_URL      postgresql://user:pass@host:port/db (migrated with `npm run migrate`)\n' +
        '  TEMPORAL_ADDRESS  host:port of a Temporal frontend\n' +
        '  SENDGRID_API_KEY  SendGrid API key (SENDGRID_BASE_URL may point the client at another endpoint)\n' +
        '  API_KEYS          (production) the HTTP API\'s keys: name:role:key entries, comma-separated, role opac or staff, keys of 24+ characters\n' +
        '                    (e.g. opac-main:opac:<random>,counter:staff:<random>)' +
        (problems.length ? `\nalso: ${problems.join('; ')}` : ''),
    );
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return config;
}
