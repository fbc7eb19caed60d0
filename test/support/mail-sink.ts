// A local HTTP endpoint that speaks just enough of SendGrid's v3 mail API for the real @sendgrid/mail
// client: it records every request and answers 202 with an X-Message-Id, or fails on demand.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  path: string;
  authorization: string | undefined;
  body: {
    personalizations: { to: { email: string }[] }[];
    from: { email: string };
    subject: string;
    content: { type: string; value: string }[];
    custom_args?: Record<string, string>;
  };
}

export class MailSink {
  readonly received: ReceivedMail[] = [];
  /** Answer the next N requests with this status instead of 202. */
  failNext: { count: number; status: number } = { count: 0, status: 500 };

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<MailSink> {
    let sink: MailSink | undefined;
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      req.on('end', () => sink!.handle(req.url ?? '', req.headers.authorization, raw, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sink = new MailSink(server, `http://127.0.0.1:${port}`);
    return sink;
  }

  private handle(path: string, authorization: string | undefined, raw: string, res: import('node:http').ServerResponse) {
    if (this.failNext.count > 0) {
      this.failNext.count--;
      res.writeHead(this.failNext.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'induced failure' }] }));
      return;
    }
    this.received.push({ path, authorization, body: JSON.parse(raw) });
    res.writeHead(202, { 'x-message-id': `msg-${this.received.length}` });
    res.end();
  }

  to(email: string): ReceivedMail[] {
    return this.received.filter((m) => m.body.personalizations.some((p) => p.to.some((t) => t.email === email)));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
