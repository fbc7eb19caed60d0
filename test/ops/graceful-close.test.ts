// Stopping the HTTP API loses no request (src/ops/graceful-close.ts): a request in flight when the
// stop begins gets its whole response, new connections are refused, idle keep-alive connections do
// not hold the stop up, and only a request still running after the grace time is cut.
import { createServer, request, Agent, type Server } from 'node:http';
import { connect } from 'node:net';
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

test('pipelined requests on one connection are all answered before the connection is closed, also one the app answered synchronously', async () => {
  // The app answers /sync inside its 'request' listener, before any await (as a 401 or a probe is).
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    if (req.url === '/sync') res.writeHead(200, { 'Content-Type': 'text/plain' }).end('sync');
    else setTimeout(() => res.end('slow'), 300);
  });
  const listening = await listenGracefully(server, 0, '127.0.0.1');
  const port = Number(new URL(listening.url).port);
  const socket = connect(port, '127.0.0.1');
  let raw = '';
  socket.on('data', (d: Buffer) => (raw += d.toString()));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /sync HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor(() => received === 2); // Node hands both over at once; the answers go out in order
  const outcome = await listening.close(5_000);
  await ended;
  const responses = raw.split(/(?=HTTP\/1\.1 )/);
  expect(responses.map((r) => r.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  // Not `Connection: close` on the first: /sync is still to come on that connection (its answer was
  // written by the app before the stop began, so it says keep-alive; the connection closes after it).
  expect(responses[0]).not.toMatch(/\r\nConnection: close\r\n/i);
  expect(responses[0]).toMatch(/slow$/);
  expect(responses[1]).toMatch(/sync\r\n0\r\n\r\n$/);
  expect(outcome).toEqual({ inFlight: 2, cut: 0 });
});

test('a request arriving on a kept-alive connection while the stop is under way is answered, with Connection: close, even when the app answers it synchronously', async () => {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    if (req.url === '/sync')
      res.writeHead(200).end('sync'); // headers sent inside the app's listener
    else setTimeout(() => res.end('slow'), 300);
  });
  const listening = await listenGracefully(server, 0, '127.0.0.1');
  const busy = new Agent({ keepAlive: true });
  const slow = get(`${listening.url}/slow`, busy); // keeps the server from finishing its close
  await waitFor(() => received === 1);
  const kept = new Agent({ keepAlive: true, maxSockets: 1 });
  const first = get(`${listening.url}/sync`, kept);
  await first;
  const closing = listening.close(5_000);
  // The server closes idle connections as the stop begins; a request racing with that is either
  // answered (with Connection: close) or finds the connection closed — never a crash.
  const second = await get(`${listening.url}/sync`, kept);
  if (second.status !== undefined) expect(second).toMatchObject({ status: 200, connection: 'close' });
  else expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']).toContain(second.error);
  expect((await slow).status).toBe(200);
  expect((await closing).cut).toBe(0);
  busy.destroy();
  kept.destroy();
});
