// A local HTTP endpoint that speaks just enough of SendGrid's v3 mail API for the real @sendgrid/mail
// client: it records every request and answers 202 with an X-Message-Id, or fails on demand.
// Tests and the scenario simulator point the client here (SENDGRID_BASE_URL / sendgridMailer's
// baseUrl), so no mail ever leaves the machine.
//
// It can be told to bounce an address (`bounce`): a mail to it is still accepted (202), as SendGrid
// accepts and then fails to deliver, and if a webhook is set the sink posts a signed Event Webhook
// request about it, as SendGrid would — so the delivery-failure path (docs/notices.md) runs offline.
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  path: string;
  authorization: string | undefined;
  /**
   * When the sink received it, by the sink's clock. On the time-skipping server that clock is the
   * server's (see MailSinkOptions.clock), so this is the simulated moment, not the wall clock.
   */
  receivedAt: Date;
  body: {
    personalizations: { to: { email: string }[] }[];
    from: { email: string };
    subject: string;
    content: { type: string; value: string }[];
    custom_args?: Record<string, string>;
  };
}

export interface MailSinkOptions {
  /**
   * The time to stamp a received mail with, in ms since the epoch (default: the wall clock). The
   * simulator passes the Temporal test server's clock: it is read while the sending activity is still
   * running, when the server does not skip time, so the stamp is the activity's simulated moment.
   */
  clock?: () => number | Promise<number>;
  /** Called with every mail accepted (`npm start` writes them to a file in the data folder). */
  onReceive?: (mail: ReceivedMail, messageId: string) => void;
  /** Prefix of the X-Message-Id answered (default "msg-"); `npm start` makes it unique per run. */
  messageIdPrefix?: string;
}

/** What a bounced address does to the mail sent to it: SendGrid's event and reason. */
export interface Bounce {
  event: 'bounce' | 'dropped' | 'blocked';
  reason: string;
}

/** An ECDSA P-256 key pair as SendGrid's Event Webhook uses it: the public key as base64 DER (SPKI), as its Mail Settings show it. */
export function webhookKeyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** Signs an Event Webhook body as SendGrid does: ECDSA SHA-256 over timestamp + body, base64 DER. */
export function signWebhook(privateKey: KeyObject | string, timestamp: string, body: string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign('sha256', Buffer.from(timestamp + body, 'utf8'), key).toString('base64');
}

export class MailSink {
  readonly received: ReceivedMail[] = [];
  /** Answer the next N requests with this status instead of 202. */
  failNext: { count: number; status: number } = { count: 0, status: 500 };
  /** Addresses whose mail is accepted and then reported undeliverable (see `webhook`). */
  readonly bounced = new Map<string, Bounce>();
  /** Where to post the signed events of bounced mail (the API's /webhooks/sendgrid/events), and the key to sign with. */
  webhook: { url: string; privateKey: KeyObject } | null = null;
  private readonly posts: Promise<unknown>[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly clock: () => number | Promise<number>,
    private readonly opts: MailSinkOptions = {},
  ) {}

  static async start(opts: MailSinkOptions = {}): Promise<MailSink> {
    let sink: MailSink | undefined;
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      req.on('end', () => {
        sink!.handle(req.url ?? '', req.headers.authorization, raw, res).catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: `mail sink: ${err instanceof Error ? err.message : String(err)}` }] }));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sink = new MailSink(server, `http://127.0.0.1:${port}`, opts.clock ?? Date.now, opts);
    return sink;
  }

  private async handle(path: string, authorization: string | undefined, raw: string, res: ServerResponse): Promise<void> {
    if (this.failNext.count > 0) {
      this.failNext.count--;
      res.writeHead(this.failNext.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'induced failure' }] }));
      return;
    }
    const receivedAt = new Date(await this.clock());
    const mail: ReceivedMail = { path, authorization, receivedAt, body: JSON.parse(raw) };
    this.received.push(mail);
    const messageId = `${this.opts.messageIdPrefix ?? 'msg-'}${this.received.length}`;
    this.opts.onReceive?.(mail, messageId);
    res.writeHead(202, { 'x-message-id': messageId });
    res.end();
    this.reportBounce(mail, messageId, receivedAt);
  }

  /** Mail to `email` is accepted and then reported as not delivered (a mobile carrier refusing it, say). */
  bounce(email: string, how: Bounce = { event: 'bounce', reason: '550 5.1.1 User unknown' }): void {
    this.bounced.set(email.toLowerCase(), how);
  }

  /** Waits until every event posted to the webhook has been answered (tests). */
  async webhookPosted(): Promise<void> {
    while (this.posts.length > 0) await Promise.allSettled(this.posts.splice(0));
  }

  private reportBounce(mail: ReceivedMail, messageId: string, receivedAt: Date): void {
    const to = mail.body.personalizations.flatMap((p) => p.to.map((t) => t.email));
    const hook = this.webhook;
    const events = to.flatMap((email) => {
      const how = this.bounced.get(email.toLowerCase());
      if (!how) return [];
      return [
        {
          email,
          timestamp: Math.floor(receivedAt.getTime() / 1000),
          event: how.event === 'blocked' ? 'bounce' : how.event,
          ...(how.event === 'blocked' ? { type: 'blocked' } : how.event === 'bounce' ? { type: 'bounce' } : {}),
          reason: how.reason,
          sg_message_id: `${messageId}.filter0001`,
          ...(mail.body.custom_args ?? {}),
        },
      ];
    });
    if (!hook || events.length === 0) return;
    const body = JSON.stringify(events);
    const timestamp = String(Math.floor(Date.now() / 1000));
    this.posts.push(
      fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Twilio-Email-Event-Webhook-Signature': signWebhook(hook.privateKey, timestamp, body),
          'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        },
        body,
      }).catch(() => undefined),
    );
  }

  to(email: string): ReceivedMail[] {
    return this.received.filter((m) => m.body.personalizations.some((p) => p.to.some((t) => t.email === email)));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
