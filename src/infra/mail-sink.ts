// A local HTTP endpoint that speaks just enough of SendGrid's v3 mail API for the real @sendgrid/mail
// client: it records every request and answers 202 with an X-Message-Id, or fails on demand.
// Tests and the scenario simulator point the client here (SENDGRID_BASE_URL / sendgridMailer's
// baseUrl), so no mail ever leaves the machine.
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

export class MailSink {
  readonly received: ReceivedMail[] = [];
  /** Answer the next N requests with this status instead of 202. */
  failNext: { count: number; status: number } = { count: 0, status: 500 };

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
  }

  to(email: string): ReceivedMail[] {
    return this.received.filter((m) => m.body.personalizations.some((p) => p.to.some((t) => t.email === email)));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
