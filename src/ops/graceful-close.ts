// Stopping an HTTP server without losing a request: it stops accepting connections at once, every
// request already received gets its full response (the last one on each connection with
// `Connection: close`, so keep-alive clients reconnect elsewhere rather than reuse a closing socket, and
// pipelined requests are all answered first), idle keep-alive connections are closed, and only what is
// still running after the grace time is cut.
//
// Node's server.close() alone stops accepting and closes idle connections, but a keep-alive connection
// whose request finishes later stays open until its keep-alive timeout; so each response that ends
// while closing closes the connections that have become idle.
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CloseOutcome {
  /** Requests that were in flight when the close began. */
  inFlight: number;
  /** Connections cut after the grace time (their requests did not finish in time). */
  cut: number;
}

export interface GracefulServer {
  close(graceMs: number): Promise<CloseOutcome>;
}

/** The connection a response goes out on: its request's (a pipelined response has no socket of its own until its turn). */
const connectionOf = (res: ServerResponse): unknown => res.req.socket;

/** Call right after creating the server, before it listens. */
export function gracefulServer(server: Server): GracefulServer {
  const open = new Set<ServerResponse>();
  let closing = false;
  /**
   * `Connection: close` goes on the last unanswered response of each connection only: an HTTP/1.1
   * client may have pipelined several requests on one connection, and closing after an earlier answer
   * would drop the later ones unanswered.
   */
  const closeAfterLast = (res: ServerResponse): void => {
    for (const other of open) {
      if (other !== res && connectionOf(other) === connectionOf(res) && !other.headersSent) other.removeHeader('Connection');
    }
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // Before the app's own listener: some answers are written synchronously inside it (a 401, a probe),
  // and a header cannot be set after that.
  server.prependListener('request', (_req, res: ServerResponse) => {
    open.add(res);
    if (closing) closeAfterLast(res);
    res.once('close', () => {
      open.delete(res);
      // Not while a pipelined answer on the same connection is still on its way: Node counts that
      // connection idle as soon as the answer has been written by the app, and would drop it unsent.
      const pending = [...open].some((other) => connectionOf(other) === connectionOf(res));
      if (closing && !pending) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    close(graceMs) {
      closing = true;
      const inFlight = open.size;
      const lastOfConnection = new Map<unknown, ServerResponse>();
      for (const res of open) lastOfConnection.set(connectionOf(res), res); // insertion order: the last one wins
      for (const res of lastOfConnection.values()) closeAfterLast(res);
      return new Promise((resolve, reject) => {
        let cut = 0;
        const timer = setTimeout(() => {
          cut = open.size;
          server.closeAllConnections();
        }, graceMs);
        timer.unref();
        server.close((err) => {
          clearTimeout(timer);
          // Not listening any more (closed before) is not a failure of the stop.
          if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
          else resolve({ inFlight, cut });
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Listens on host:port with a graceful close; `url` is where a client on this machine reaches it. */
export async function listenGracefully(server: Server, port: number, host: string): Promise<GracefulServer & { url: string }> {
  const graceful = gracefulServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}`, close: graceful.close };
}
