// Configuration comes from the environment only; every variable is listed in the README.
// Bad or missing configuration fails at start with a message naming the variable.
export interface ServiceConfig {
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  sendgridApiKey: string;
  sendgridBaseUrl: string | undefined;
  mailFrom: string;
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
  };
  if (missing.length > 0) {
    throw new ConfigError(
      `missing configuration: ${missing.join(', ')}.\n` +
        '  DATABASE_URL      postgresql://user:pass@host:port/db (migrated with `npm run migrate`)\n' +
        '  TEMPORAL_ADDRESS  host:port of a Temporal frontend\n' +
        '  SENDGRID_API_KEY  SendGrid API key (SENDGRID_BASE_URL may point the client at another endpoint)',
    );
  }
  return config;
}
