// Is the API process that claimed an Idempotency-Key still alive? (src/api/idempotency.ts asks.)
//
// Each API process picks a random instance id at start and, for its whole life, holds a session-level
// PostgreSQL advisory lock on it over one dedicated connection of its own (not one of Prisma's pooled
// ones, which come and go). A claim records the instance id. PostgreSQL releases a session's advisory
// locks the moment its connection ends, and the connection of a killed process ends with it (the
// kernel closes the socket: kill -9, OOM, a container stopped hard). So another process that can take
// the lock on a claim's instance id knows its owner is dead, and may take the key over at once instead
// of after ABANDONED_AFTER. A machine that vanishes without closing its sockets is noticed by the server's
// TCP keepalives (set below for this session: about half a minute), and the 2-minute rule stays.
//
// The lock uses the two-key form (class, instance id), so it is never the same lock as a one-key
// advisory lock (Thursday processing's, Prisma migrate's). This needs a real session: behind a pooler in
// transaction mode (PgBouncer) the lock would be held by a server connection, not by this process.
//
// Should the connection break while the process lives (the server restarted), the process stops
// naming itself in new claims (they get the 2-minute rule only), reconnects and takes its lock again.
// Its claims made before may meanwhile be taken over by others: what it stores or forgets afterwards
// then no longer touches the new holder's record (the claim check of IdempotencyStore).
import { randomInt } from 'node:crypto';
import { Client } from 'pg';

/** The advisory lock class of API process liveness ("LEND"): pg_advisory_lock(LIVENESS_LOCK_CLASS, instanceId). */
export const LIVENESS_LOCK_CLASS = 0x4c454e44;

/** What the idempotency store needs: the id to record in a claim, or null while the lock is not held. */
export interface OwnerLiveness {
  readonly ownerId: number | null;
}

export interface LivenessLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class ProcessLiveness implements OwnerLiveness {
  /** A random int4, this process's id for its lifetime. */
  readonly instanceId = randomInt(1, 2 ** 31);
  private client: Client | undefined;
  private held = false;
  private closed = false;
  private attempts = 0;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly databaseUrl: string,
    private readonly log: LivenessLog | undefined,
  ) {}

  /** Connects and takes the lock; fails if the database cannot be reached now. */
  static async hold(databaseUrl: string, log?: LivenessLog): Promise<ProcessLiveness> {
    const liveness = new ProcessLiveness(databaseUrl, log);
    await liveness.connect();
    return liveness;
  }

  get ownerId(): number | null {
    return this.held ? this.instanceId : null;
  }

  /** Releases the lock (by closing its connection): from now on this process counts as gone. */
  async close(): Promise<void> {
    this.closed = true;
    this.held = false;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'online-lending api (idempotency owner)', keepAlive: true });
    // Without a listener a broken connection's 'error' would end the process.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    await client.connect();
    try {
      // The server notices a vanished peer after idle 15 s + 3 probes 5 s apart (ignored on Unix sockets).
      await client.query('SET tcp_keepalives_idle = 15; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
      await client.query('SELECT pg_advisory_lock($1::int, $2::int)', [LIVENESS_LOCK_CLASS, this.instanceId]);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.held = true;
    this.attempts = 0;
  }

  private lost(client: Client, err: unknown): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    this.held = false;
    client.end().catch(() => undefined);
    this.log?.warn(
      { err, instanceId: this.instanceId },
      'idempotency owner lock: connection lost; reconnecting (claims meanwhile get the 2-minute rule only)',
    );
    this.reconnect();
  }

  private reconnect(): void {
    const delay = RECONNECT_MS[Math.min(this.attempts++, RECONNECT_MS.length - 1)]!;
    this.retry = setTimeout(() => {
      this.connect().then(
        () => this.log?.info({ instanceId: this.instanceId }, 'idempotency owner lock: held again'),
        () => !this.closed && this.reconnect(),
      );
    }, delay);
    this.retry.unref();
  }
}
