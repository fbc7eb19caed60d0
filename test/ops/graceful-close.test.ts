// Stopping the HTTP API loses no request (src/ops/graceful-close.ts): a request in flight when the
// stop begins gets its whole response, new connections are refused, idle keep-alive connections do
// not hold the stop up, and only a request still running after the grace time is cut.
import { createServer, request, Agent, type Server } from 'node:http';
import { listenGracefully } from '../../src/ops/graceful-close';

interface Answer {
  status?: number;
  connection?: string | undefined;
  body?: string;
  error?: string;
}

function get(url: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
      res.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    });
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

/** A server whose /slow answers after `ms`, /never never, anything else at once. */
function slowServer(ms: number): { server: Server; received: () => number } {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    if (req.url === '/never') return; // holds the connection until cut
    setTimeout(() => res.end(`done ${req.url}`), req.url === '/slow' ? ms : 0);
  });
  return { server, received: () => received };
}

const waitFor = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};

test('a request in flight at the stop gets its full response; new connections are refused; the stop does not wait for idle keep-alive connections', async () => {
  const { server, received } = slowServer(400);
  const listening = await listenGracefully(server, 0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true });
  const idle = new Agent({ keepAlive: true });
  expect((await get(`${listening.url}/fast`, idle)).status).toBe(200); // leaves an idle keep-alive connection

  const inFlight = get(`${listening.url}/slow`, agent);
  await waitFor(() => received() === 2);
  const t0 = Date.now();
  const closing = listening.close(5_000);
  const refused = await get(`${listening.url}/fast`, new Agent());
  const answer = await inFlight;
  const outcome = await closing;
  const stopMs = Date.now() - t0;

  expect(answer).toEqual({ status: 200, connection: 'close', body: 'done /slow' });
  expect(refused.error).toBe('ECONNREFUSED');
  expect(outcome).toEqual({ inFlight: 1, cut: 0 });
  // Closed once the slow request is done (~400 ms), not after the keep-alive timeout (5 s) or the grace.
  expect(stopMs).toBeLessThan(2_000);
  agent.destroy();
  idle.destroy();
});

test('a request still running after the grace time is cut, and the stop ends', async () => {
  const { server, received } = slowServer(0);
  const listening = await listenGracefully(server, 0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true });
  const hanging = get(`${listening.url}/never`, agent);
  await waitFor(() => received() === 1);
  const outcome = await listening.close(300);
  expect(outcome).toEqual({ inFlight: 1, cut: 1 });
  expect((await hanging).error).toBe('ECONNRESET');
  agent.destroy();
});
