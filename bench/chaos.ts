// `npm run chaos`: does the service keep "nothing lost, nothing twice" when it is killed outright in the
// middle of the library's day? It runs the real service under OPAC and staff load, kills it with SIGKILL
// at random (seeded) moments, starts it again on the same data, and at the end reads the records
// (PostgreSQL) and the workflows (Temporal) to check that they agree and that nothing was lost or done
// twice. The clients never retry: a request that failed is counted, not repeated — the service must
// repair itself.
//
//   phase 1 "npm start"   the embedded default, durable: the Temporal CLI's dev server (SQLite in the
//                         data folder) and npm start's own PostgreSQL; the whole npm start process is
//                         killed (its servers survive, as they would, and the next start stops them)
//   phase 2 "split roles" SERVICE_ROLE=api and SERVICE_ROLE=worker as two processes against a Temporal
//                         dev server and a PostgreSQL this script runs (after `npm run db:prepare`); the
//                         worker alone and the API alone are killed
//
// Load (both phases, through the HTTP API only): patrons registered by staff (temporary password →
// change → e-mail), reservations for the prefectural library and cooperating libraries on busy titles
// (the demo catalogue and titles with one or two copies written into the database before the load),
// bursts of concurrent reservations by one patron (R-LIMIT-1), patron and staff cancels, pickups of
// 貸出可能 at the prefectural counter, staff pulling listed copies off the shelf (or not finding them),
// walk-in checkouts, returns, central check-ins, renewals, and Thursday runs by hand.
//
// Checks after quiescence (the violations, by kind):
//   (0) what was acknowledged is recorded: placed (201) reservations exist, acknowledged cancels are 取消,
//       pickups and checkouts have their loan, registered patrons exist
//   (1) every reservation not in a final status has a RUNNING workflow `reservation-<id>` whose `view`
//       query says the row's status; an ended workflow ended in the row's status; no workflow without a row
//   (2) no copy held by two reservations (SECURED/READY/IN_DELIVERY/ON_LOAN) nor lent twice
//       (ACTIVE/RETURNED_IN_TRANSIT); each copy's status agrees with who holds it; no copy on the shelf
//       while its title has a queue unless it is on the pull list (or the list already covers the queue);
//       a copy listed once at most, only while 書架, never more copies listed than the title has waiting
//   (3) no patron over the loan limit (10) or the reservation limit (20), counted as src/domain counts
//   (4) no lending notice twice: the mails received (phase 1: <data>/mail-sink.jsonl; phase 2: this
//       script's mail stand-in) and mail_outbox have at most one per reservation and outbox key
//
// Prints one JSON summary on stdout (progress on stderr); exit 1 if any violation, 2 if the run itself
// failed. Everything it started is stopped in every case.
//
// Options (environment): CHAOS_SEED (default 20261201; the kill moments and every client's choices come
// from it), CHAOS_PHASES (default "1,2"), CHAOS_KILLS_1 (default 3), CHAOS_KILLS_2 (default 4: worker
// and API alternately, in a seeded order), CHAOS_CLIENTS (OPAC clients, default 5; staff clients are
// half as many), CHAOS_QUIESCE_SECONDS (default 75), CHAOS_KEEP=1 (keep the work folder with the logs).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { openDb, type Db } from '../src/db/client';
import { countsAsLoan, countsAsReservation, isFinalStatus, type ReservationStatus } from '../src/domain';
import { freeLoopbackPort, startLocalPostgres, withDatabase, type LocalPostgres } from '../src/infra/local-postgres';
import { startLocalTemporal, type LocalTemporal } from '../src/infra/local-temporal';
import { MailSink } from '../src/infra/mail-sink';
import { killAtExit } from '../src/infra/managed-process';
import {
  callApi,
  instanceRecord,
  killRecordedServers,
  killService,
  percentiles,
  pool,
  ROOT,
  serviceEnv,
  startService,
  stopService,
  waitReady,
  type ApiAnswer,
  type ServiceProcess,
} from './service-process';
import { RESERVATION_WORKFLOW_TYPES } from '../src/workflows/reservation-messages';

export const OPAC = `opac-chaos-${'c'.repeat(24)}`;
export const STAFF = `staff-chaos-${'c'.repeat(24)}`;
// The OPAC key is a trusted one (role opac-trusted: no patron tokens): this run is about kills, and a
// token would not outlive phase 1's restarts, whose PATRON_TOKEN_SECRET is made anew at every start.
export const API_KEYS = `opac-chaos:opac-trusted:${OPAC},staff-chaos:staff:${STAFF}`;
const PASSWORD = 'chaos2026pw';
const READY_WITHIN_MS = 120_000;
/** Titles written into the database before the load: few copies each, so every title is busy. */
const CHAOS_TITLES = Array.from({ length: 24 }, (_, i) => ({
  id: `CHAOS-T${String(i + 1).padStart(2, '0')}`,
  copies: i % 3 === 0 ? 2 : 1,
}));
const DEMO_TITLES = ['DEMO-T001', 'DEMO-T002', 'DEMO-T003', 'DEMO-T004'];
const HOLDING: readonly ReservationStatus[] = ['SECURED', 'READY', 'IN_DELIVERY', 'ON_LOAN'];
const say = (line: string): void => void process.stderr.write(`[chaos] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// seeded choices

type Rng = () => number;
/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(r() * xs.length)] : undefined);
export const between = (r: Rng, lo: number, hi: number): number => Math.round(lo + r() * (hi - lo));

// ---------------------------------------------------------------------------------------------------
// traffic: every request, its answer or failure, and the service's outages

export interface Outage {
  what: string;
  from: number;
  to?: number;
}

interface RequestRecord {
  op: string;
  start: number;
  end: number;
  status?: number;
  rule?: string;
  error?: string;
}

export class Traffic {
  readonly records: RequestRecord[] = [];
  readonly outages: Outage[] = [];
  private readonly bases: readonly string[];
  private turn = 0;
  /** One API, or several taken in turn, request by request (as a load balancer spreads them). */
  constructor(base: string | readonly string[]) {
    this.bases = typeof base === 'string' ? [base] : base;
    if (this.bases.length === 0) throw new Error('Traffic needs an API base URL');
  }

  /** One request; undefined if it failed (network error, time-out). Never repeated. */
  async call(
    op: string,
    method: string,
    path: string,
    key: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiAnswer | undefined> {
    const start = performance.now();
    try {
      const base = this.bases[this.turn++ % this.bases.length]!;
      const a = await callApi(base, method, path, key, body, { timeoutMs: 20_000, ...(headers ? { headers } : {}) });
      this.records.push({ op, start, end: performance.now(), status: a.status, ...(typeof a.body.rule === 'string' ? { rule: a.body.rule } : {}) });
      return a;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      this.records.push({ op, start, end: performance.now(), error: cause ?? (err as Error).name ?? 'error' });
      return undefined;
    }
  }

  /** ok (2xx) / refused (4xx) / failed (no answer or 5xx), and whether a failure overlapped an outage. */
  summary() {
    const now = performance.now();
    const duringOutage = (r: RequestRecord): boolean => this.outages.some((o) => r.start <= (o.to ?? now) + 1_000 && r.end >= o.from);
    const byOp: Record<string, { ok: number; refused: number; failed: number }> = {};
    const refusedByRule: Record<string, number> = {};
    const failedOutside: Record<string, number> = {};
    let ok = 0;
    let refused = 0;
    let failedByKill = 0;
    let failedOther = 0;
    for (const r of this.records) {
      const o = (byOp[r.op] ??= { ok: 0, refused: 0, failed: 0 });
      if (r.status !== undefined && r.status < 400) {
        ok++;
        o.ok++;
      } else if (r.status !== undefined && r.status < 500) {
        refused++;
        o.refused++;
        const why = `${r.status} ${r.rule ?? ''}`.trim();
        refusedByRule[why] = (refusedByRule[why] ?? 0) + 1;
      } else {
        o.failed++;
        if (duringOutage(r)) failedByKill++;
        else {
          failedOther++;
          const why = `${r.op} ${r.status ?? r.error}`;
          failedOutside[why] = (failedOutside[why] ?? 0) + 1;
        }
      }
    }
    return {
      total: this.records.length,
      ok,
      refused,
      failedByKill,
      failedOther,
      failedOtherByOp: failedOutside,
      refusedByRule,
      byOp,
      latencyMs: percentiles(this.records.filter((r) => r.status !== undefined).map((r) => r.end - r.start)),
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// the load

/** What the clients know: only what the API told them. */
export interface World {
  traffic: Traffic;
  patrons: string[];
  titles: string[];
  items: string[];
  thursdays: string[];
  phase: number;
  /** Acknowledged effects, for check (0). */
  ack: {
    reservations: Map<string, { card: string; titleId: string }>;
    cancels: Set<string>;
    pickups: Set<string>;
    returnsAtPref: Set<string>;
    checkIns: Set<string>;
    checkouts: Set<string>;
    patrons: Set<string>;
  };
  byCard: Map<string, string[]>;
  running: boolean;
}

export function newWorld(traffic: Traffic, phase: number, titles: string[], items: string[]): World {
  return {
    traffic,
    patrons: [],
    titles,
    items,
    thursdays: recentThursdays(new Date(), 2),
    phase,
    ack: {
      reservations: new Map(),
      cancels: new Set(),
      pickups: new Set(),
      returnsAtPref: new Set(),
      checkIns: new Set(),
      checkouts: new Set(),
      patrons: new Set(),
    },
    byCard: new Map(),
    running: true,
  };
}

/** The last `n` Thursdays (JST) whose 10:00 has come: what `POST /staff/thursday-runs` accepts. */
function recentThursdays(now: Date, n: number): string[] {
  const out: string[] = [];
  const jst = new Date(now.getTime() + 9 * 3_600_000);
  for (let d = 0; out.length < n && d < 30; d++) {
    const day = new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate() - d));
    const tenJst = day.getTime() + (10 - 9) * 3_600_000;
    if (day.getUTCDay() === 4 && tenJst <= now.getTime()) out.push(day.toISOString().slice(0, 10));
  }
  return out;
}

const items = <T = Record<string, unknown>>(a: ApiAnswer | undefined): T[] =>
  a && a.status === 200 && Array.isArray(a.body.items) ? (a.body.items as T[]) : [];

/** Registers a patron as the library does (R-ACCOUNT-1); true if the patron can reserve now. */
async function registerPatron(w: World, card: string): Promise<boolean> {
  const t = w.traffic;
  const made = await t.call('registerPatron', 'POST', '/staff/patrons', STAFF, { cardNumber: card, name: `カオス ${card}` });
  if (made?.status !== 201) return false;
  w.ack.patrons.add(card);
  const pw = await t.call('changePassword', 'PUT', `/opac/patrons/${card}/password`, OPAC, {
    currentPassword: made.body.temporaryPassword,
    newPassword: PASSWORD,
  });
  if (pw?.status !== 200) return false;
  const mail = await t.call('registerEmail', 'PUT', `/opac/patrons/${card}/email`, OPAC, { email: `${card.toLowerCase()}@example.com` });
  if (mail?.status !== 200) return false;
  w.patrons.push(card);
  return true;
}

async function reserve(w: World, r: Rng, card: string, titleId: string, op = 'reserve'): Promise<void> {
  const pickup = r() < 0.65 ? 'pref' : `coop:${between(r, 1, 59)}`;
  const a = await w.traffic.call(op, 'POST', `/opac/patrons/${card}/reservations`, OPAC, { titleId, pickup }, { 'idempotency-key': randomUUID() });
  if (a?.status === 201 && typeof a.body.reservationId === 'string') {
    w.ack.reservations.set(a.body.reservationId, { card, titleId });
    w.byCard.set(card, [...(w.byCard.get(card) ?? []), a.body.reservationId]);
  }
}

/** One OPAC client: a patron's My Library, over and over. */
async function opacClient(w: World, r: Rng): Promise<void> {
  while (w.running) {
    const card = pick(r, w.patrons);
    if (!card) {
      await sleep(200);
      continue;
    }
    const before = w.traffic.records.length;
    const x = r();
    if (x < 0.5) {
      await reserve(w, r, card, pick(r, w.titles)!);
    } else if (x < 0.53) {
      // R-LIMIT-1 under concurrency: more reservations at once than the limit allows.
      const titles = [...w.titles].sort(() => r() - 0.5).slice(0, 23);
      await Promise.all(titles.map((t) => reserve(w, r, card, t, 'reserveBurst')));
    } else if (x < 0.77) {
      const id = pick(r, w.byCard.get(card) ?? []);
      if (id) {
        const a = await w.traffic.call('patronCancel', 'POST', `/opac/patrons/${card}/reservations/${id}/cancel`, OPAC);
        if (a?.status === 200) w.ack.cancels.add(id);
      }
    } else if (x < 0.85) {
      const loan = pick(r, items<{ loanId: string }>(await w.traffic.call('listMyLoans', 'GET', `/opac/patrons/${card}/loans`, OPAC)));
      if (loan) await w.traffic.call('patronRenew', 'POST', `/opac/patrons/${card}/loans/${loan.loanId}/renew`, OPAC, { channel: 'opac' });
    } else {
      await w.traffic.call('listMyReservations', 'GET', `/opac/patrons/${card}/reservations`, OPAC);
    }
    const failed = w.traffic.records.slice(before).some((q) => q.status === undefined || q.status >= 500);
    await sleep(failed ? 1_000 : between(r, 20, 120));
  }
}

/** One staff client: the counter and the back office. */
async function staffClient(w: World, r: Rng): Promise<void> {
  const t = w.traffic;
  while (w.running) {
    const before = t.records.length;
    const x = r();
    if (x < 0.15) {
      // At the shelf (R-STATUS-1): take a listed copy off the shelf and scan it; now and then it is not there.
      const listed = (await t.call('pullList', 'GET', '/staff/pull-list', STAFF))?.body.entries;
      const entry = pick(r, Array.isArray(listed) ? (listed as { itemNumber: string }[]) : []);
      if (entry) {
        if (r() < 0.9) await t.call('pullScan', 'POST', '/staff/pull-list/scans', STAFF, { itemNumber: entry.itemNumber });
        else await t.call('notOnShelf', 'POST', '/staff/pull-list/not-on-shelf', STAFF, { itemNumber: entry.itemNumber });
      }
    } else if (x < 0.3) {
      const ready = items<{ reservationId: string }>(
        await t.call('listReady', 'GET', '/staff/reservations?status=READY&pickup=pref&pageSize=50', STAFF),
      );
      const one = pick(r, ready);
      if (one) {
        const cardShown = r() < 0.93;
        const a = await t.call('pickup', 'POST', `/staff/reservations/${one.reservationId}/pickup`, STAFF, { cardShown });
        if (a?.status === 200) w.ack.pickups.add(one.reservationId);
      }
    } else if (x < 0.42) {
      const open = items<{ reservationId: string }>(
        await t.call('listOpen', 'GET', `/staff/reservations?status=APPLIED,WAITING,SECURED,READY&pageSize=50&page=${between(r, 1, 3)}`, STAFF),
      );
      const one = pick(r, open);
      if (one) {
        const channel = r() < 0.05 ? 'email' : r() < 0.5 ? 'counter' : 'phone';
        const a = await t.call('staffCancel', 'POST', `/staff/reservations/${one.reservationId}/cancel`, STAFF, { channel });
        if (a?.status === 200) w.ack.cancels.add(one.reservationId);
      }
    } else if (x < 0.62) {
      const loans = items<{ loanId: string; itemNumber: string; reservationId: string | null }>(
        await t.call('listLoans', 'GET', '/staff/loans?state=ACTIVE&pageSize=50', STAFF),
      );
      const loan = pick(r, loans);
      if (loan) {
        const place = r() < 0.85 ? 'pref' : `coop:${between(r, 1, 59)}`;
        const a = await t.call('return', 'POST', `/staff/loans/${loan.loanId}/return`, STAFF, { place });
        if (a?.status === 200 && place === 'pref') w.ack.returnsAtPref.add(loan.loanId);
      }
    } else if (x < 0.72) {
      const loans = items<{ itemNumber: string }>(
        await t.call('listLoans', 'GET', '/staff/loans?state=ACTIVE,RETURNED_IN_TRANSIT&pageSize=50', STAFF),
      );
      const itemNumber = r() < 0.8 ? pick(r, loans)?.itemNumber : pick(r, w.items);
      if (itemNumber) {
        const a = await t.call('checkIn', 'POST', '/staff/check-ins', STAFF, { itemNumber });
        if (a?.status === 200 && typeof a.body.returned === 'string') w.ack.checkIns.add(a.body.returned);
      }
    } else if (x < 0.84) {
      const card = pick(r, w.patrons);
      const itemNumber = pick(r, w.items);
      if (card && itemNumber) {
        const a = await t.call('checkout', 'POST', '/staff/checkouts', STAFF, { cardNumber: card, itemNumber });
        if (a?.status === 201 && typeof a.body.loanId === 'string') w.ack.checkouts.add(a.body.loanId);
      }
    } else if (x < 0.9) {
      const loan = pick(r, items<{ loanId: string }>(await t.call('listLoans', 'GET', '/staff/loans?state=ACTIVE&pageSize=50', STAFF)));
      if (loan) await t.call('staffRenew', 'POST', `/staff/loans/${loan.loanId}/renew`, STAFF, { channel: r() < 0.5 ? 'counter' : 'phone' });
    } else if (x < 0.94) {
      const day = pick(r, w.thursdays);
      if (day) await t.call('thursdayRun', 'POST', '/staff/thursday-runs', STAFF, { processingDay: day });
    } else {
      await t.call('listReservations', 'GET', `/staff/reservations?pageSize=20&page=${between(r, 1, 5)}`, STAFF);
    }
    const failed = t.records.slice(before).some((q) => q.status === undefined || q.status >= 500);
    await sleep(failed ? 1_000 : between(r, 30, 150));
  }
}

/** New patrons now and then, while everything else goes on. */
async function registrar(w: World, r: Rng, prefix: string): Promise<void> {
  for (let n = 1; w.running; n++) {
    await registerPatron(w, `${prefix}-L${String(n).padStart(3, '0')}`);
    await sleep(between(r, 400, 1_500));
  }
}

export function startLoad(w: World, seed: number, clients: number, prefix: string): Promise<unknown> {
  const staff = Math.max(1, Math.round(clients / 2));
  return Promise.all([
    ...Array.from({ length: clients }, (_, i) => opacClient(w, rngOf(seed * 31 + i + 1))),
    ...Array.from({ length: staff }, (_, i) => staffClient(w, rngOf(seed * 37 + i + 101))),
    registrar(w, rngOf(seed * 41 + 7), prefix),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// setup

/** Titles with one or two copies each, written into the database (the API has no catalogue writes). */
export async function addChaosTitles(db: Db): Promise<void> {
  for (const t of CHAOS_TITLES) {
    await db.title.upsert({ where: { id: t.id }, create: { id: t.id, title: `カオス試験 ${t.id}`, author: 'chaos' }, update: {} });
    for (let c = 1; c <= t.copies; c++) {
      const itemNumber = `${t.id}-I${c}`;
      await db.item.upsert({ where: { itemNumber }, create: { itemNumber, titleId: t.id, materialType: 'BOOK' }, update: {} });
    }
  }
}

export async function catalogue(db: Db, withDemo: boolean): Promise<{ titles: string[]; items: string[] }> {
  const titles = [...CHAOS_TITLES.map((t) => t.id), ...(withDemo ? DEMO_TITLES : [])];
  const found = await db.item.findMany({ where: { titleId: { in: titles } }, select: { itemNumber: true } });
  return { titles, items: found.map((i) => i.itemNumber) };
}

export async function registerBase(w: World, prefix: string, n: number): Promise<void> {
  const cards = Array.from({ length: n }, (_, i) => `${prefix}-B${String(i + 1).padStart(3, '0')}`);
  const done = await pool(
    cards.map((c) => () => registerPatron(w, c)),
    4,
  );
  if (done.some((d) => !d)) throw new Error(`registering the first patrons failed: ${JSON.stringify(w.traffic.summary().byOp)}`);
}

// ---------------------------------------------------------------------------------------------------
// the checks

type Violations = Record<string, string[]>;

export interface CheckResult {
  violations: Violations;
  /** What still moves (activities and workflow tasks pending, notices not sent yet), a few examples. */
  pending: string[];
  reservations: { total: number; byStatus: Record<string, number> };
  loans: Record<string, number>;
  mails: { received: number; outboxByState: Record<string, number> };
  workflows: { running: number; completed: number; other: number };
}

function add(v: Violations, kind: string, example: string): void {
  (v[kind] ??= []).push(example);
}

export async function checkAll(db: Db, temporal: Client, mailKeys: string[], w: World): Promise<CheckResult> {
  const v: Violations = {};
  const [reservations, loans, itemRows, patrons, outbox, pulls] = await Promise.all([
    db.reservation.findMany({ select: { id: true, patronId: true, titleId: true, status: true, itemNumber: true, queueSeq: true } }),
    db.loan.findMany({ select: { id: true, itemNumber: true, patronId: true, reservationId: true, state: true } }),
    db.item.findMany({ select: { itemNumber: true, titleId: true, status: true, materialType: true } }),
    db.patron.findMany({ select: { id: true, cardNumber: true, loanLimit: true, reservationLimit: true } }),
    db.mailOutbox.findMany({ select: { key: true, reservationId: true, kind: true, state: true } }),
    db.pullListEntry.findMany({ where: { state: 'OPEN' }, select: { itemNumber: true, titleId: true } }),
  ]);
  const rowById = new Map(reservations.map((r) => [r.id, r]));
  const byStatus: Record<string, number> = {};
  for (const r of reservations) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;

  // (0) acknowledged, so recorded
  for (const [id, a] of w.ack.reservations) if (!rowById.has(id)) add(v, 'acknowledgedReservationMissing', `${id} (${a.card}, ${a.titleId})`);
  for (const id of w.ack.cancels) {
    const s = rowById.get(id)?.status;
    if (s !== 'CANCELLED') add(v, 'acknowledgedCancelNotRecorded', `${id}: ${s}`);
  }
  const loanByReservation = new Map(loans.filter((l) => l.reservationId).map((l) => [l.reservationId!, l]));
  const loanById = new Map(loans.map((l) => [l.id, l]));
  for (const id of w.ack.pickups) {
    if (!loanByReservation.has(id)) add(v, 'acknowledgedPickupNotRecorded', `${id}: ${rowById.get(id)?.status}, no loan`);
  }
  for (const id of w.ack.checkouts) if (!loanById.has(id)) add(v, 'acknowledgedCheckoutNotRecorded', id);
  for (const id of w.ack.returnsAtPref) {
    const l = loanById.get(id);
    if (l?.state !== 'CLOSED') add(v, 'acknowledgedReturnNotRecorded', `loan ${id}: ${l?.state}`);
  }
  for (const id of w.ack.checkIns)
    if (rowById.get(id)?.status !== 'RETURNED') add(v, 'acknowledgedCheckInNotRecorded', `${id}: ${rowById.get(id)?.status}`);
  const cards = new Set(patrons.map((p) => p.cardNumber));
  for (const c of w.ack.patrons) if (!cards.has(c)) add(v, 'acknowledgedPatronMissing', c);

  // (1) the records and the workflows agree
  const pending: string[] = [];
  const wf = { running: 0, completed: 0, other: 0 };
  await pool(
    reservations.map((r) => async () => {
      const handle = temporal.workflow.getHandle(`reservation-${r.id}`);
      let status: string;
      try {
        const d = await handle.describe();
        status = d.status.name;
        for (const a of d.raw.pendingActivities ?? []) pending.push(`${r.id}: activity ${a.activityType?.name} attempt ${a.attempt}`);
        if (d.raw.pendingWorkflowTask) pending.push(`${r.id}: workflow task`);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          const told = w.ack.reservations.has(r.id) ? 'placed: 201' : 'its request failed';
          add(v, isFinalStatus(r.status) ? 'endedReservationWithoutWorkflow' : 'reservationWithoutWorkflow', `${r.id}: ${r.status} (${told})`);
          return;
        }
        add(v, 'workflowUnreadable', `${r.id}: ${(err as Error).message}`);
        return;
      }
      try {
        if (status === 'RUNNING') {
          wf.running++;
          const view = await handle.query<{ status: string }>('view');
          if (view.status !== r.status) add(v, 'workflowStatusDiffers', `${r.id}: row ${r.status}, workflow ${view.status}`);
          else if (isFinalStatus(r.status)) pending.push(`${r.id}: ${r.status}, workflow still running`); // completes in a moment
        } else if (status === 'COMPLETED') {
          wf.completed++;
          const result = await handle.result();
          const ended = (result as { status?: string } | undefined)?.status;
          if (ended !== r.status) add(v, 'workflowStatusDiffers', `${r.id}: row ${r.status}, workflow completed ${ended}`);
        } else {
          wf.other++;
          add(v, 'workflowEndedAbnormally', `${r.id}: row ${r.status}, workflow ${status}`);
        }
      } catch (err) {
        add(v, 'workflowUnreadable', `${r.id}: ${(err as Error).message}`);
      }
    }),
    8,
  );
  for await (const x of temporal.workflow.list({ query: `WorkflowType IN (${RESERVATION_WORKFLOW_TYPES.map((t) => `'${t}'`).join(', ')})` })) {
    const id = x.workflowId.replace(/^reservation-/, '');
    if (!rowById.has(id)) add(v, 'workflowWithoutRecord', `${x.workflowId}: ${x.status.name}`);
  }

  // (2) one copy, one holder
  const holders = new Map<string, typeof reservations>();
  for (const r of reservations) {
    if (!HOLDING.includes(r.status as ReservationStatus)) continue;
    if (!r.itemNumber) {
      add(v, 'holderWithoutCopy', `${r.id}: ${r.status}`);
      continue;
    }
    holders.set(r.itemNumber, [...(holders.get(r.itemNumber) ?? []), r]);
  }
  const openLoans = new Map<string, typeof loans>();
  for (const l of loans)
    if (l.state === 'ACTIVE' || l.state === 'RETURNED_IN_TRANSIT') openLoans.set(l.itemNumber, [...(openLoans.get(l.itemNumber) ?? []), l]);
  const undone = new Set(loans.filter((l) => l.state === 'UNDONE').map((l) => l.itemNumber));
  const waitingTitles = new Set(reservations.filter((r) => r.status === 'WAITING').map((r) => r.titleId));
  // The pull list (R-STATUS-1): a copy listed once at most, only while 書架, never more than the title's queue.
  const listedItems = new Set<string>();
  const listedPerTitle = new Map<string, number>();
  for (const p of pulls) {
    if (listedItems.has(p.itemNumber)) add(v, 'copyListedTwice', p.itemNumber);
    listedItems.add(p.itemNumber);
    listedPerTitle.set(p.titleId, (listedPerTitle.get(p.titleId) ?? 0) + 1);
  }
  const waitingPerTitle = new Map<string, number>();
  for (const r of reservations) if (r.status === 'WAITING') waitingPerTitle.set(r.titleId, (waitingPerTitle.get(r.titleId) ?? 0) + 1);
  for (const [titleId, n] of listedPerTitle)
    if (n > (waitingPerTitle.get(titleId) ?? 0)) add(v, 'pullListOverQueue', `${titleId}: ${n} listed, ${waitingPerTitle.get(titleId) ?? 0} waiting`);
  for (const it of itemRows) {
    const h = holders.get(it.itemNumber) ?? [];
    const l = openLoans.get(it.itemNumber) ?? [];
    if (h.length > 1) add(v, 'copyHeldTwice', `${it.itemNumber}: ${h.map((r) => `${r.id} ${r.status}`).join(', ')}`);
    if (l.length > 1) add(v, 'copyLentTwice', `${it.itemNumber}: loans ${l.map((x) => x.id).join(', ')}`);
    const holder = h[0];
    let expected: string[];
    if (holder?.status === 'READY') expected = ['AWAITING_PICKUP'];
    else if (holder?.status === 'SECURED') expected = ['IN_TRANSIT'];
    else if (holder) expected = ['ON_LOAN'];
    else if (l.length > 0) expected = ['ON_LOAN'];
    else if (it.status === 'NOT_FOR_LOAN') expected = ['NOT_FOR_LOAN'];
    else if (it.status === 'MISSING')
      expected = ['MISSING']; // not found twice at the shelf (R-STATUS-1 Decision)
    else expected = undone.has(it.itemNumber) ? ['ON_SHELF', 'IN_TRANSIT'] : ['ON_SHELF'];
    if (!expected.includes(it.status)) {
      const who = holder ? `held by ${holder.id} (${holder.status})` : l.length ? `lent (loan ${l[0]!.id})` : 'held by nobody';
      add(v, 'copyStatusDisagrees', `${it.itemNumber}: ${it.status}, ${who}`);
    }
    if (holder && (holder.status === 'ON_LOAN' || holder.status === 'IN_DELIVERY') && !l.some((x) => x.reservationId === holder.id))
      add(v, 'onLoanWithoutLoan', `${holder.id} ${holder.status} on ${it.itemNumber}`);
    if (holder && (holder.status === 'READY' || holder.status === 'SECURED') && l.length > 0)
      add(v, 'copyLentWhileSetAside', `${it.itemNumber}: ${holder.id} ${holder.status}, loan ${l[0]!.id}`);
    for (const x of l) {
      const owner = x.reservationId ? rowById.get(x.reservationId) : undefined;
      if (x.reservationId && owner?.status !== 'ON_LOAN' && owner?.status !== 'IN_DELIVERY')
        add(v, 'openLoanOfEndedReservation', `loan ${x.id} (${x.state}) of ${x.reservationId} ${owner?.status}`);
    }
    if (listedItems.has(it.itemNumber) && it.status !== 'ON_SHELF') add(v, 'listedCopyNotOnShelf', `${it.itemNumber}: ${it.status}`);
    const underListed = (listedPerTitle.get(it.titleId) ?? 0) < (waitingPerTitle.get(it.titleId) ?? 0);
    if (it.status === 'ON_SHELF' && waitingTitles.has(it.titleId) && (it.materialType === 'BOOK' || it.materialType === 'DAISY'))
      if (!listedItems.has(it.itemNumber) && underListed)
        add(v, 'copyIdleWhileQueued', `${it.itemNumber} on the shelf and not on the pull list, ${it.titleId} has a queue`);
  }
  for (const r of reservations) {
    if (r.status === 'RETURNED' && loanByReservation.get(r.id)?.state !== 'CLOSED')
      add(v, 'returnedWithOpenLoan', `${r.id}: loan ${loanByReservation.get(r.id)?.state}`);
    if (r.status === 'WAITING' && r.queueSeq === null) add(v, 'waitingOutsideQueue', r.id);
  }
  const active = new Map<string, number>();
  for (const r of reservations) {
    if (!['APPLIED', 'WAITING', 'SECURED', 'READY', 'IN_DELIVERY'].includes(r.status)) continue;
    const k = `${r.patronId} ${r.titleId}`;
    active.set(k, (active.get(k) ?? 0) + 1);
  }
  for (const [k, n] of active) if (n > 1) add(v, 'titleReservedTwiceByOnePatron', `${k}: ${n}`);

  // (3) limits, as the domain counts
  for (const p of patrons) {
    const mine = reservations.filter((r) => r.patronId === p.id);
    const asReservations = mine.filter((r) => countsAsReservation(r.status as ReservationStatus)).length;
    const walkIns = loans.filter(
      (l) => l.patronId === p.id && !l.reservationId && (l.state === 'ACTIVE' || l.state === 'RETURNED_IN_TRANSIT'),
    ).length;
    const asLoans = mine.filter((r) => countsAsLoan(r.status as ReservationStatus)).length + walkIns;
    const openLoanRows = loans.filter((l) => l.patronId === p.id && (l.state === 'ACTIVE' || l.state === 'RETURNED_IN_TRANSIT')).length;
    if (asReservations > p.reservationLimit) add(v, 'overReservationLimit', `${p.cardNumber}: ${asReservations} > ${p.reservationLimit}`);
    if (Math.max(asLoans, openLoanRows) > p.loanLimit)
      add(v, 'overLoanLimit', `${p.cardNumber}: ${Math.max(asLoans, openLoanRows)} > ${p.loanLimit}`);
  }

  // (4) no notice twice
  const mailsPerKey = new Map<string, number>();
  for (const k of mailKeys) mailsPerKey.set(k, (mailsPerKey.get(k) ?? 0) + 1);
  for (const [k, n] of mailsPerKey) if (n > 1) add(v, 'noticeMailedTwice', `${k}: ${n} mails`);
  const perReservation = new Map<string, Set<string>>();
  for (const k of mailsPerKey.keys()) {
    // One key per reservation, kind and occurrence (docs/notices.md): each kind counted apart.
    const kind = k.split(':', 1)[0]!;
    const id = `${kind}:${k.slice(kind.length + 1).split(':')[0]!}`;
    perReservation.set(id, (perReservation.get(id) ?? new Set()).add(k));
  }
  const sentRows = new Map<string, number>();
  const outboxByState: Record<string, number> = {};
  for (const o of outbox) {
    outboxByState[o.state] = (outboxByState[o.state] ?? 0) + 1;
    if (o.kind === 'LENDING_NOTICE' && (o.state === 'SENT' || o.state === 'SENDING'))
      sentRows.set(o.reservationId, (sentRows.get(o.reservationId) ?? 0) + 1);
    if (o.state === 'PENDING') pending.push(`${o.key}: notice PENDING`);
  }
  for (const [id, keys] of perReservation) if (keys.size > 1) add(v, 'noticeMailedTwice', `${id}: ${keys.size} notices`);
  for (const [id, n] of sentRows) if (n > 1) add(v, 'noticeRecordedTwice', `${id}: ${n} outbox rows sent`);

  const loanStates: Record<string, number> = {};
  for (const l of loans) loanStates[l.state] = (loanStates[l.state] ?? 0) + 1;
  for (const xs of Object.values(v)) xs.sort(); // found concurrently: the same findings compare equal
  pending.sort();
  return {
    violations: v,
    pending,
    reservations: { total: reservations.length, byStatus },
    loans: loanStates,
    mails: { received: mailKeys.length, outboxByState },
    workflows: wf,
  };
}

/**
 * Waits until nothing moves: no activity or workflow task pending, no notice waiting to be sent, and
 * the same violations twice in a row (a killed worker's activity is retried only after its 30 s
 * start-to-close time-out) — at most `boundMs`. Returns the last check.
 */
export async function quiesce(read: () => Promise<CheckResult>, boundMs: number): Promise<{ result: CheckResult; ms: number; reached: boolean }> {
  const t0 = performance.now();
  let last = '';
  for (;;) {
    const result = await read();
    const print = JSON.stringify(result.violations) + JSON.stringify(result.reservations.byStatus);
    if (result.pending.length === 0 && print === last) return { result, ms: Math.round(performance.now() - t0), reached: true };
    if (performance.now() - t0 > boundMs) return { result, ms: Math.round(performance.now() - t0), reached: false };
    last = print;
    await sleep(3_000);
  }
}

// ---------------------------------------------------------------------------------------------------
// the phases

export interface KillRecord {
  target: string;
  /** The moment of the SIGKILL (wall clock), to compare with the records and the logs. */
  at: string;
  afterMs: number;
  atMs: number;
  readyAgainMs: number;
}

export interface PhaseSummary {
  phase: string;
  ms: number;
  startup: { readyMs: number };
  kills: KillRecord[];
  requests: ReturnType<Traffic['summary']>;
  patronsRegistered: number;
  quiescence: { ms: number; reached: boolean; stillMoving: string[] };
  reservations: CheckResult['reservations'];
  loans: CheckResult['loans'];
  mails: CheckResult['mails'];
  workflows: CheckResult['workflows'];
  violations: Record<string, number>;
  examples: Record<string, string[]>;
  stop: { exit: number | string; ms: number }[];
}

interface Options {
  seed: number;
  kills1: number;
  kills2: number;
  clients: number;
  quiesceMs: number;
  work: string;
}

function summarize(
  phase: string,
  t0: number,
  readyMs: number,
  kills: KillRecord[],
  w: World,
  q: Awaited<ReturnType<typeof quiesce>>,
  stop: PhaseSummary['stop'],
): PhaseSummary {
  return {
    phase,
    ms: Math.round(performance.now() - t0),
    startup: { readyMs },
    kills,
    requests: w.traffic.summary(),
    patronsRegistered: w.patrons.length,
    ...checkedState(q),
    stop,
  };
}

/** What the checks found once everything was quiet: the counts, and each violation's count and first examples. */
export function checkedState(q: Awaited<ReturnType<typeof quiesce>>) {
  const v = q.result.violations;
  return {
    quiescence: { ms: q.ms, reached: q.reached, stillMoving: q.result.pending.slice(0, 5) },
    reservations: q.result.reservations,
    loans: q.result.loans,
    mails: q.result.mails,
    workflows: q.result.workflows,
    violations: Object.fromEntries(Object.entries(v).map(([k, xs]) => [k, xs.length])),
    examples: Object.fromEntries(Object.entries(v).map(([k, xs]) => [k, xs.slice(0, 5)])),
  };
}

export async function connectTemporal(address: string, namespace = 'default'): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}

/** Phase 1: the whole `npm start`, killed and started again on its data folder. */
async function phaseNpmStart(o: Options, cleanups: (() => Promise<void>)[]): Promise<PhaseSummary> {
  const t0 = performance.now();
  const r = rngOf(o.seed);
  const dataDir = join(o.work, 'npm-start-data');
  const port = await freeLoopbackPort();
  const api = `http://127.0.0.1:${port}`;
  const env = serviceEnv({
    LENDING_TEMPORAL: 'dev',
    LENDING_DATA_DIR: dataDir,
    PORT: String(port),
    API_HOST: '127.0.0.1',
    API_KEYS,
    LOG_LEVEL: 'info',
    RESERVATION_SECURITY_DELAY_SECONDS: '1',
  });
  let starts = 0;
  const start = (): ServiceProcess => startService('npm start', env, { logFile: join(o.work, `npm-start-${++starts}.log`) });
  let service = start();
  cleanups.push(async () => {
    await killService(service);
    killRecordedServers(dataDir);
  });
  const readyMs = await waitReady(api, service, READY_WITHIN_MS);
  say(`phase 1: npm start ready in ${readyMs} ms (dev server, data folder ${dataDir})`);
  const endpoints = (): Record<string, string | undefined> => instanceRecord(dataDir)?.endpoints ?? {};
  let db = openDb(endpoints().database!);
  await addChaosTitles(db);
  const cat = await catalogue(db, true);
  await db.$disconnect();

  const traffic = new Traffic(api);
  const w = newWorld(traffic, 1, cat.titles, cat.items);
  await registerBase(w, 'CHAOS1', 14);
  const load = startLoad(w, o.seed, o.clients, 'CHAOS1');
  const kills: KillRecord[] = [];
  try {
    for (let k = 0; k < o.kills1; k++) {
      const after = between(r, 2_500, 8_000);
      await sleep(after);
      const at = performance.now();
      const wall = new Date().toISOString();
      const outage: Outage = { what: 'npm start', from: at };
      traffic.outages.push(outage);
      await killService(service);
      service = start();
      await waitReady(api, service, READY_WITHIN_MS);
      outage.to = performance.now();
      kills.push({ target: 'npm start', at: wall, afterMs: after, atMs: Math.round(at - t0), readyAgainMs: Math.round(outage.to - at) });
      say(`phase 1: kill ${k + 1}/${o.kills1} (SIGKILL to npm start, ${after} ms after it was ready): up again in ${kills.at(-1)!.readyAgainMs} ms`);
    }
    await sleep(between(r, 3_000, 5_000));
  } finally {
    w.running = false;
    await load;
  }
  say(`phase 1: load stopped after ${traffic.records.length} requests; waiting for quiescence`);
  db = openDb(endpoints().database!);
  const temporal = await connectTemporal(endpoints().temporal!);
  const mailFile = join(dataDir, 'mail-sink.jsonl');
  const mailKeys = (): string[] =>
    existsSync(mailFile)
      ? readFileSync(mailFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => String((JSON.parse(l) as { customArgs?: { outbox_key?: string } }).customArgs?.outbox_key))
      : [];
  try {
    const q = await quiesce(() => checkAll(db, temporal.client, mailKeys(), w), o.quiesceMs);
    await db.$disconnect();
    await temporal.close();
    const stopped = await stopService(service);
    return summarize('npm start (SIGKILL to the whole process)', t0, readyMs, kills, w, q, [stopped]);
  } finally {
    await db.$disconnect().catch(() => undefined);
    await temporal.close().catch(() => undefined);
  }
}

export function runPrepare(databaseUrl: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/prepare.ts'], {
      cwd: ROOT,
      env: serviceEnv({ DATABASE_URL: databaseUrl }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm run db:prepare failed (${code}), log ${logFile}:\n${out}`));
    });
  });
}

/** Phase 2: worker and API as two processes; each killed alone. */
async function phaseSplitRoles(o: Options, cleanups: (() => Promise<void>)[]): Promise<PhaseSummary> {
  const t0 = performance.now();
  const r = rngOf(o.seed + 2);
  const dir = join(o.work, 'split');
  mkdirSync(join(dir, 'temporal'), { recursive: true });
  chmodSync(dir, 0o755);
  let temporal: LocalTemporal | undefined;
  let pg: LocalPostgres | undefined;
  let sink: MailSink | undefined;
  cleanups.push(async () => {
    await temporal?.stop().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    await sink?.stop().catch(() => undefined);
  });
  [temporal, pg, sink] = await Promise.all([
    startLocalTemporal({ mode: 'dev', dataDir: join(dir, 'temporal'), log: (l) => say(`phase 2: ${l}`) }),
    startLocalPostgres(join(dir, 'postgres'), { detached: true }).then((p) => {
      killAtExit(p.pid, 'PostgreSQL', 'SIGQUIT');
      return p;
    }),
    MailSink.start({ messageIdPrefix: 'chaos-' }),
  ]);
  const admin = new PgClient({ connectionString: pg.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE lending_chaos');
  await admin.end();
  const databaseUrl = withDatabase(pg.adminUrl, 'lending_chaos');
  await runPrepare(databaseUrl, join(o.work, 'db-prepare.log'));
  let db = openDb(databaseUrl);
  await addChaosTitles(db);
  const cat = await catalogue(db, false);
  await db.$disconnect();

  const [workerPort, apiPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const shared = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, API_HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  const envOf = {
    worker: serviceEnv({
      ...shared,
      SERVICE_ROLE: 'worker',
      PORT: String(workerPort),
      SENDGRID_API_KEY: 'SG.chaos-test',
      SENDGRID_BASE_URL: sink.url,
    }),
    api: serviceEnv({ ...shared, SERVICE_ROLE: 'api', PORT: String(apiPort), API_KEYS, RESERVATION_SECURITY_DELAY_SECONDS: '1' }),
  };
  const url = { worker: `http://127.0.0.1:${workerPort}`, api: `http://127.0.0.1:${apiPort}` };
  const starts = { worker: 0, api: 0 };
  const start = (role: 'worker' | 'api'): ServiceProcess =>
    startService(`SERVICE_ROLE=${role}`, envOf[role], { logFile: join(o.work, `split-${role}-${++starts[role]}.log`) });
  const procs = { worker: start('worker'), api: start('api') };
  cleanups.push(async () => {
    await Promise.all([killService(procs.worker), killService(procs.api)]);
  });
  const [wReady, aReady] = await Promise.all([waitReady(url.worker, procs.worker, READY_WITHIN_MS), waitReady(url.api, procs.api, READY_WITHIN_MS)]);
  const readyMs = Math.max(wReady, aReady);
  say(`phase 2: worker and API ready in ${wReady} / ${aReady} ms (Temporal ${temporal.address}, PostgreSQL ${pg.port})`);

  const traffic = new Traffic(url.api);
  const w = newWorld(traffic, 2, cat.titles, cat.items);
  await registerBase(w, 'CHAOS2', 14);
  const load = startLoad(w, o.seed + 2, o.clients, 'CHAOS2');
  const plan = Array.from({ length: o.kills2 }, (_, i) => (i % 2 === 0 ? 'worker' : 'api') as 'worker' | 'api');
  if (r() < 0.5) plan.reverse();
  const kills: KillRecord[] = [];
  try {
    for (const [k, role] of plan.entries()) {
      const after = between(r, 2_500, 7_000);
      await sleep(after);
      const at = performance.now();
      const wall = new Date().toISOString();
      const outage: Outage = { what: role, from: at };
      traffic.outages.push(outage);
      await killService(procs[role]);
      procs[role] = start(role);
      await waitReady(url[role], procs[role], READY_WITHIN_MS);
      outage.to = performance.now();
      kills.push({ target: `SERVICE_ROLE=${role}`, at: wall, afterMs: after, atMs: Math.round(at - t0), readyAgainMs: Math.round(outage.to - at) });
      say(`phase 2: kill ${k + 1}/${plan.length} (SIGKILL to the ${role}, ${after} ms on): up again in ${kills.at(-1)!.readyAgainMs} ms`);
    }
    await sleep(between(r, 3_000, 5_000));
  } finally {
    w.running = false;
    await load;
  }
  say(`phase 2: load stopped after ${traffic.records.length} requests; waiting for quiescence`);
  db = openDb(databaseUrl);
  const t = await connectTemporal(temporal.address);
  try {
    const mailKeys = (): string[] => sink!.received.map((m) => String(m.body.custom_args?.outbox_key));
    const q = await quiesce(() => checkAll(db, t.client, mailKeys(), w), o.quiesceMs);
    const stopped = await Promise.all([stopService(procs.api), stopService(procs.worker)]);
    return summarize('split roles (SIGKILL to the worker alone, the API alone)', t0, readyMs, kills, w, q, stopped);
  } finally {
    await db.$disconnect().catch(() => undefined);
    await t.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------

const int = (name: string, fallback: number, min: number, max: number): number => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number ${min}–${max}, got "${v}"`);
  return n;
};

/** What to stop, newest first; run by runChaos's finally, or by the time limit or a signal. */
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => say(`clean-up: ${String(err)}`));
  })();
  return cleaning;
}

export async function runChaos(): Promise<{ summary: Record<string, unknown>; violations: number }> {
  const phases = (process.env.CHAOS_PHASES || '1,2').split(',').map((p) => p.trim());
  if (phases.some((p) => p !== '1' && p !== '2')) throw new Error(`CHAOS_PHASES must list 1 and/or 2, got "${process.env.CHAOS_PHASES}"`);
  const work = mkdtempSync(join(tmpdir(), 'lending-chaos-'));
  chmodSync(work, 0o755); // PostgreSQL runs as its own user when this runs as root
  const o: Options = {
    seed: int('CHAOS_SEED', 20261201, 0, 2 ** 31),
    kills1: int('CHAOS_KILLS_1', 3, 0, 20),
    kills2: int('CHAOS_KILLS_2', 4, 0, 20),
    clients: int('CHAOS_CLIENTS', 5, 1, 50),
    quiesceMs: int('CHAOS_QUIESCE_SECONDS', 75, 5, 600) * 1000,
    work,
  };
  say(`seed ${o.seed}; work folder ${work}`);
  const t0 = performance.now();
  const results: PhaseSummary[] = [];
  cleanups.push(async () => {
    if (process.env.CHAOS_KEEP === '1') say(`kept ${work} (CHAOS_KEEP=1)`);
    else rmSync(work, { recursive: true, force: true });
  });
  try {
    if (phases.includes('1')) results.push(await phaseNpmStart(o, cleanups));
    if (phases.includes('2')) results.push(await phaseSplitRoles(o, cleanups));
  } finally {
    await cleanUp();
  }
  const violations = results.reduce((n, p) => n + Object.values(p.violations).reduce((a, b) => a + b, 0), 0);
  return {
    summary: {
      seed: o.seed,
      machine: { cpus: cpus().length, node: process.version },
      ms: Math.round(performance.now() - t0),
      violations,
      phases: results,
    },
    violations,
  };
}

if (require.main === module) {
  // A hard limit on the whole run: whatever hangs, everything started is stopped (the finally blocks
  // above, and managed-process's exit hook for the servers of phase 2).
  const limit = int('CHAOS_TIME_LIMIT_SECONDS', 480, 30, 3_600);
  const giveUp = (why: string): void => {
    say(`${why}: stopping everything started`);
    const hard = setTimeout(() => process.exit(2), 60_000);
    void cleanUp().finally(() => {
      clearTimeout(hard);
      process.exit(2);
    });
  };
  const timer = setTimeout(() => giveUp(`no result within ${limit} s`), limit * 1000);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => giveUp(sig));
  runChaos().then(
    ({ summary, violations }) => {
      clearTimeout(timer);
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      say(violations === 0 ? 'no violation' : `${violations} violation(s): see "violations" and "examples" per phase`);
      process.exit(violations === 0 ? 0 : 1);
    },
    (err: unknown) => {
      clearTimeout(timer);
      say(`the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(2);
    },
  );
}
