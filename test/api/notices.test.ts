// Notices through the HTTP API (docs/notices.md): My Library's preferences and notices, SendGrid's
// signed Event Webhook marking a bounce on the notice and the patron's address (R-MAIL-2) — and
// refusing an unsigned or wrongly signed one (401) with nothing changed —, staff's lists of patrons to
// call and of notices FAILED or SENDING, and a resend recorded with who did it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import type { ApiKey } from '../../src/api/auth';
import { signWebhook, webhookKeyPair } from '../../src/infra/mail-sink';
import { thursdayByHand } from '../../src/services/thursday-by-hand';
import { cancelUpdate } from '../../src/workflows/reservation-messages';
import { LendingHarness, request } from '../support/lending-harness';
import { weekShift, type WeekShift } from '../support/week-shift';

const KEYS: ApiKey[] = [
  { name: 'opac-notices', role: 'opac', trusted: true, secret: 'opac-notices-key-0123456789abcdef' },
  { name: 'staff-notices', role: 'staff', secret: 'staff-notices-key-0123456789abcdef' },
];
const keys = webhookKeyPair();
const WEBHOOK = '/webhooks/sendgrid/events';

let h: LendingHarness;
let w: WeekShift;
let server: Server;
let base: string;

beforeAll(async () => {
  h = await LendingHarness.start();
  w = weekShift('2026-12-01T09:00', await h.now());
  const app = createApp({
    db: h.db,
    temporal: h.client,
    taskQueue: h.taskQueue,
    desk: h.desk,
    shelf: h.shelf,
    runThursdayProcessing: thursdayByHand(h.db, h.client),
    keys: KEYS,
    clock: () => h.now(),
    checkResponses: true,
    sendgridWebhookPublicKey: keys.publicKey,
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h.mail.webhook = { url: `${base}${WEBHOOK}`, privateKey: keys.privateKey };
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.stop();
});

async function api(method: string, path: string, as: 'opac' | 'staff', body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEYS[as === 'opac' ? 0 : 1]!.secret}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

function postEvents(events: unknown, sign: 'good' | 'none' | 'wrong' | 'tampered') {
  const body = JSON.stringify(events);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const other = webhookKeyPair();
  const signature =
    sign === 'none'
      ? undefined
      : sign === 'wrong'
        ? signWebhook(other.privateKey, timestamp, body)
        : signWebhook(keys.privateKey, timestamp, sign === 'tampered' ? body.replace('bounce', 'delivered') : body);
  return fetch(`${base}${WEBHOOK}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      ...(signature ? { 'X-Twilio-Email-Event-Webhook-Signature': signature } : {}),
    },
    body,
  });
}

test('My Library: notice preferences — courtesy notices on by default, Japanese; turned off and English; required notices cannot be turned off', async () => {
  await h.patron('W0001');
  const before = await api('GET', '/opac/patrons/W0001/notice-preferences', 'opac');
  expect(before).toMatchObject({
    status: 200,
    body: {
      courtesyNotices: true,
      language: 'ja',
      courtesyKinds: ['PICKUP_REMINDER', 'PRE_DUE'],
      requiredKinds: ['LENDING_NOTICE', 'OVERDUE', 'DISPATCH_FAILED', 'RELEASED', 'CANCELLED_BY_STAFF', 'NOT_NEEDED_CANCELLED'],
      mail: { address: 'W0001@example.jp', reachable: true, problem: null },
    },
  });
  const changed = await api('PUT', '/opac/patrons/W0001/notice-preferences', 'opac', { courtesyNotices: false, language: 'en' });
  expect(changed.body).toMatchObject({ courtesyNotices: false, language: 'en' });
  expect(await h.db.patron.findUniqueOrThrow({ where: { cardNumber: 'W0001' } })).toMatchObject({ courtesyNotices: false, noticeLanguage: 'en' });
  expect((await api('PUT', '/opac/patrons/W0001/notice-preferences', 'opac', { requiredNotices: false })).status).toBe(422);
  expect((await api('PUT', '/opac/patrons/W0001/notice-preferences', 'opac', { language: 'fr' })).status).toBe(422);
  expect((await api('PUT', '/opac/patrons/W0001/notice-preferences', 'opac', {})).status).toBe(422);
});

test('R-MAIL-2: a bounce reported by the signed Event Webhook marks the notice FAILED and the address; My Library says why and what to do; staff list the patron and the notice; a resend records who did it', async () => {
  const p = await h.patron('W0002', { email: 'w0002@docomo.example.ne.jp' });
  await h.title('T-W2', '青森の民話', [{ item: 'W2-1' }]);
  h.mail.bounce('w0002@docomo.example.ne.jp', { event: 'bounce', reason: '550 5.7.1 Rejected by the carrier filter' });
  await h.advanceTo(w.at('2026-12-01T10:00'));
  await h.reserve({ reservationId: 'W2', patronId: p.id, titleId: 'T-W2', pickup: 'pref' });
  await h.advanceTo(w.at('2026-12-01T10:10')); // 貸出可能: the lending notice is sent, and bounces
  await h.mail.webhookPosted();

  const notice = await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:W2' } });
  expect(notice).toMatchObject({ state: 'FAILED', deliveryEvent: 'bounce', deliveryReason: '550 5.7.1 Rejected by the carrier filter' });
  const prefs = await api('GET', '/opac/patrons/W0002/notice-preferences', 'opac');
  expect(prefs.body.mail).toMatchObject({ address: 'w0002@docomo.example.ne.jp', reachable: false, problem: { event: 'bounce' } });
  expect(prefs.body.mail.problem.ja).toContain('ドメイン:@plib.pref.aomori.lg.jp');
  const mine = await api('GET', '/opac/patrons/W0002/notices', 'opac');
  expect(mine.body.items).toEqual([
    expect.objectContaining({ reservationId: 'W2', kind: 'LENDING_NOTICE', state: 'FAILED', delivery: expect.objectContaining({ event: 'bounce' }) }),
  ]);
  const detail = await api('GET', '/opac/patrons/W0002/reservations/W2', 'opac');
  expect(detail.body.mails).toEqual([expect.objectContaining({ kind: 'LENDING_NOTICE', state: 'FAILED' })]);

  const toCall = await api('GET', '/staff/notices/unreachable-patrons', 'staff');
  expect(toCall.body.items).toEqual([expect.objectContaining({ cardNumber: 'W0002', event: 'bounce', email: 'w0002@docomo.example.ne.jp' })]);
  const failed = await api('GET', '/staff/notices?state=FAILED', 'staff');
  expect(failed.body.items).toEqual([expect.objectContaining({ reservationId: 'W2', cardNumber: 'W0002', kind: 'LENDING_NOTICE', state: 'FAILED' })]);

  // The patron fixed the mail settings; staff resend it.
  h.mail.bounced.clear();
  const resent = await api('POST', `/staff/notices/${failed.body.items[0].noticeId}/resend`, 'staff');
  expect(resent).toMatchObject({ status: 200, body: { kind: 'LENDING_NOTICE', state: 'SENT', delivery: null } });
  expect(h.mail.to('w0002@docomo.example.ne.jp')).toHaveLength(2);
  expect(await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:W2' } })).toMatchObject({
    resends: 1,
    resentBy: 'staff-notices staff-notices',
  });
  expect(await h.db.staffAction.findFirstOrThrow({ where: { action: 'resend-notice' } })).toMatchObject({
    actor: 'staff-notices',
    reservationId: 'W2',
    cardNumber: 'W0002',
    outcome: 'done',
  });
  // Resending a notice that went out is refused, and recorded as refused.
  expect((await api('POST', `/staff/notices/${failed.body.items[0].noticeId}/resend`, 'staff')).status).toBe(409);
  expect((await api('POST', '/staff/notices/999999/resend', 'staff')).status).toBe(404);
  // A new address: mail reaches the patron again as far as My Library can tell.
  await h.db.patron.update({ where: { id: p.id }, data: { email: 'w0002@example.jp' } });
  expect((await api('GET', '/opac/patrons/W0002/notice-preferences', 'opac')).body.mail).toMatchObject({ reachable: true, problem: null });
  expect((await api('GET', '/staff/notices/unreachable-patrons', 'staff')).body.items).toEqual([]);
});

test('R-MAIL-2: an unsigned, wrongly signed or tampered Event Webhook request is refused 401 and changes nothing', async () => {
  const p = await h.patron('W0003', { email: 'w0003@example.jp' });
  await h.title('T-W3', '岩木山', [{ item: 'W3-1' }]);
  // (After the resend above the time-skipping server's clock may have moved on: this test counts from now.)
  await h.reserve({ reservationId: 'W3', patronId: p.id, titleId: 'T-W3', pickup: 'pref' });
  await h.advanceTo(new Date((await h.now()).getTime() + 10 * 60_000));
  const staffCancel = await request(h.handle('W3').executeUpdate(cancelUpdate, { args: [{ by: 'staff', channel: 'phone' }] }));
  expect(staffCancel.ok).toBe(true);
  await h.settle();
  const row = await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:W3' } });
  expect(row.state).toBe('SENT');
  const events = [
    { email: 'w0003@example.jp', event: 'bounce', type: 'bounce', reason: '550 no such user', outbox_key: 'lending-notice:W3', timestamp: 1 },
  ];
  for (const how of ['none', 'wrong', 'tampered'] as const) {
    const res = await postEvents(events, how);
    expect([how, res.status]).toEqual([how, 401]);
  }
  expect(await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:W3' } })).toMatchObject({ state: 'SENT', deliveryEvent: null });
  expect(await h.db.patron.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ mailUndeliverableAt: null });

  const good = await postEvents([...events, { email: 'w0003@example.jp', event: 'delivered', outbox_key: 'cancelled-by-staff:W3' }], 'good');
  expect(good.status).toBe(200);
  expect(await good.json()).toEqual({ marked: 1, ignored: 1 });
  expect(await h.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:W3' } })).toMatchObject({
    state: 'FAILED',
    deliveryEvent: 'bounce',
  });
  expect((await h.db.patron.findUniqueOrThrow({ where: { id: p.id } })).mailUndeliverableAddress).toBe('w0003@example.jp');
  // The CANCELLED_BY_STAFF notice is in My Library's list too.
  const mine = await api('GET', '/opac/patrons/W0003/notices', 'opac');
  expect(mine.body.items.map((n: { kind: string }) => n.kind)).toEqual(['CANCELLED_BY_STAFF', 'LENDING_NOTICE']);
});
