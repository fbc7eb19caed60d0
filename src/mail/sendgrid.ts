// The real SendGrid client. SENDGRID_BASE_URL points it elsewhere — tests use a local HTTP endpoint
// that records what it receives; production leaves it unset (SendGrid's own API).
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';

export interface OutgoingMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  /** Our outbox key, sent as a custom argument so a delivery can be traced back to its row. */
  key: string;
}

export interface Mailer {
  /** Resolves with SendGrid's message id; rejects with `MailRejected` when SendGrid answered no. */
  send(mail: OutgoingMail): Promise<{ providerId: string | null }>;
}

/** SendGrid answered with an error status: the mail was certainly not accepted. */
export class MailRejected extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendgridMailer(opts: { apiKey: string; baseUrl?: string; timeoutMs?: number }): Mailer {
  const client = new Client();
  client.setApiKey(opts.apiKey);
  if (opts.baseUrl) client.setDefaultRequest('baseUrl', opts.baseUrl);
  const service = new MailService();
  service.setClient(client);
  service.setTimeout(opts.timeoutMs ?? 10_000);
  return {
    async send(mail) {
      try {
        const [res] = await service.send({
          to: mail.to,
          from: mail.from,
          subject: mail.subject,
          text: mail.text,
          customArgs: { outbox_key: mail.key },
        });
        const id = res.headers?.['x-message-id'];
        return { providerId: typeof id === 'string' ? id : null };
      } catch (err) {
        const status = (err as { code?: unknown; response?: { statusCode?: number } }).response?.statusCode ?? (err as { code?: unknown }).code;
        if (typeof status === 'number') throw new MailRejected(status, (err as Error).message);
        throw err;
      }
    },
  };
}
