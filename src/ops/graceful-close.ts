// Stopping an HTTP server without losing a request: it stops accepting connections at once, every
// request already received gets its full response (answered with `Connection: close`, so keep-alive
// clients reconnect elsewhere rather than reuse a closing socket), idle keep-alive connections are
// closed, and only what is still running after the grace time is cut.
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

/** Call right after creating the server, before it listens. */
export function gracefulServer(server: Server): GracefulServer {
  const open = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      open.delete(res);
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    close(graceMs) {
      closing = true;
      const inFlight = open.size;
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
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
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}`, close: graceful.close };
}
