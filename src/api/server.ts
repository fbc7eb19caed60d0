// Starts the HTTP API for `npm start`: createApp with the service's database and Temporal client,
// listening on API_HOST:PORT. Without API_KEYS (allowed outside production) it makes one random
// key per role for this run and returns them, so the banner can show them.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { circulation } from '../activities/circulation';
import { temporalNotifier } from '../activities/notifier';
import type { ServiceConfig } from '../config';
import type { Db } from '../db/client';
import { thursdayByHand } from '../services/thursday-by-hand';
import { createApp } from './app';
import type { ApiKey } from './auth';

export interface RunningApi {
  url: string;
  /** Keys made for this run because API_KEYS was not set (empty otherwise). */
  generatedKeys: ApiKey[];
  close(): Promise<void>;
}

export async function startApiServer(config: ServiceConfig, db: Db, temporal: Client, log: (line: string) => void): Promise<RunningApi> {
  const generatedKeys: ApiKey[] =
    config.apiKeys.length > 0
      ? []
      : (['opac', 'staff'] as const).map((role) => ({ name: `${role}-local`, role, secret: randomBytes(24).toString('base64url') }));
  const app = createApp({
    db,
    temporal,
    taskQueue: config.taskQueue,
    desk: circulation(db, temporalNotifier(temporal), { longOverdueGraceDays: 0 }),
    runThursdayProcessing: thursdayByHand(db, temporal),
    keys: [...config.apiKeys, ...generatedKeys],
    log: (message, err) => log(`[api] ${message}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.apiPort, config.apiHost, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.apiHost === '0.0.0.0' || config.apiHost === '::' ? '127.0.0.1' : config.apiHost;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    generatedKeys,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
