// R-MAIL-1: the lending notice goes out exactly once per reservation — through retries, repeated
// activity executions and a worker that died after SendGrid accepted the mail. The real SendGrid
// client talks to a local endpoint (src/infra/mail-sink.ts).
import { MockActivityEnvironment } from '@temporalio/testing';
import { lendingNoticeActivities } from '../../src/activities/lending-notice';
import { MailSink } from '../../src/infra/mail-sink';
import { sendgridMailer } from '../../src/mail/sendgrid';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let sink: MailSink;
let send: ReturnType<typeof lendingNoticeActivities>['sendLendingNotice'];

beforeAll(async () => {
  [t, sink] = await Promise.all([createTestDatabase(), MailSink.start()]);
  send = lendingNoticeActivities(t.db, sendgridMailer({ apiKey: 'SG.test', baseUrl: sink.url }), {
    from: 'noreply@plib.pref.aomori.lg.jp',
  }).sendLendingNotice;
});
afterAll(async () => {
  await sink?.stop();
  await t?.drop();
});

async function readyReservation(id: string, email = `${id.toLowerCase()}@example.jp`) {
  const patron = await t.db.patron.create({ data: { cardNumber: `card-${id}`, name: '弘前 花子', email } });
  await t.db.title.create({
    data: { id: `T-${id}`, title: 'ねぶた', items: { create: { itemNumber: `I-${id}`, materialType: 'BOOK', status: 'AWAITING_PICKUP' } } },
  });
  await t.db.reservation.create({
    data: {
      id,
      patronId: patron.id,
      titleId: `T-${id}`,
      pickupPlaceCode: 'pref',
      status: 'READY',
      itemNumber: `I-${id}`,
      placedAt: new Date('2026-12-01T00:00:00Z'),
    },
  });
  return email;
}

// Activities are called as the worker would, inside an activity context.
const run = (args: Parameters<typeof send>[0]): Promise<Awaited<ReturnType<typeof send>>> => new MockActivityEnvironment().run(send, args);

test('R-MAIL-1: the notice carries card number, name, place, hold period, item number, title and reservation date', async () => {
  const email = await readyReservation('M1');
  const res = await run({ reservationId: 'M1', at: '2026-12-02T01:00:00.000Z' });
  expect(res).toMatchObject({ state: 'SENT', holdFrom: '2026-12-02', holdUntil: '2026-12-08' });
  const [mail] = sink.to(email);
  expect(mail!.authorization).toBe('Bearer SG.test');
  expect(mail!.body.custom_args).toEqual({ outbox_key: 'lending-notice:M1' });
  expect(mail!.body.content[0]!.value).toBe(
    [
      '弘前 花子 様',
      '',
      'ご予約いただいた資料の貸出準備が整いましたので、お知らせします。',
      '',
      '利用者番号:card-M1',
      '氏名:弘前 花子',
      '受取場所:青森県立図書館',
      '取置期間:2026年12月2日(水) ~ 2026年12月8日(火)',
      '資料番号:I-M1',
      'タイトル:ねぶた',
      '予約した日:2026年12月1日(火)',
      '',
      '当館カウンターで利用者カードを提示し、貸出を受けてください。',
      '取置期間の延長はできません。取置期間中に受け取りに来られなかった場合は、資料を回収し、申し込みを解除します。',
      'この内容はMyライブラリでも確認できます。',
      '',
      '青森県立図書館',
    ].join('\n'),
  );
});

test('R-MAIL-1: an activity executed again after success sends nothing more', async () => {
  const email = await readyReservation('M2');
  await run({ reservationId: 'M2', at: '2026-12-02T01:00:00.000Z' });
  const again = await run({ reservationId: 'M2', at: '2026-12-02T01:05:00.000Z' });
  expect(again.state).toBe('SENT');
  expect(sink.to(email)).toHaveLength(1);
});

test('R-MAIL-1: SendGrid answering 500 puts the row back to be retried; the retry sends it once', async () => {
  const email = await readyReservation('M3');
  sink.failNext = { count: 1, status: 500 };
  await expect(run({ reservationId: 'M3', at: '2026-12-02T01:00:00.000Z' })).rejects.toThrow(/not sent yet/);
  expect((await t.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:M3' } })).state).toBe('PENDING');
  const retry = await run({ reservationId: 'M3', at: '2026-12-02T01:00:00.000Z' });
  expect(retry.state).toBe('SENT');
  expect(sink.to(email)).toHaveLength(1);
  expect((await t.db.mailOutbox.findUniqueOrThrow({ where: { key: 'lending-notice:M3' } })).attempts).toBe(2);
});

test('R-MAIL-1: a worker that died after handing the mail to SendGrid (row left SENDING) never sends it again', async () => {
  const email = await readyReservation('M4');
  await run({ reservationId: 'M4', at: '2026-12-02T01:00:00.000Z' });
  // What the database looks like if the worker died between SendGrid's 202 and recording SENT.
  await t.db.mailOutbox.update({ where: { key: 'lending-notice:M4' }, data: { state: 'SENDING', sentAt: null } });
  const retry = await run({ reservationId: 'M4', at: '2026-12-02T01:00:00.000Z' });
  expect(retry.state).toBe('UNCERTAIN');
  expect(sink.to(email)).toHaveLength(1);
});

test('R-PREF-3: no notice for a reservation already borrowed', async () => {
  const email = await readyReservation('M5');
  await t.db.reservation.update({ where: { id: 'M5' }, data: { status: 'ON_LOAN' } });
  const res = await run({ reservationId: 'M5', at: '2026-12-02T01:00:00.000Z' });
  expect(res.state).toBe('SKIPPED');
  expect(sink.to(email)).toHaveLength(0);
});
