// 取置作業: the pull list (R-STATUS-1: copies on the shelf to take off for reservations, oldest first,
// late ones flagged), the scan that secures a copy taken off the shelf (its hold slip to print), and
// "not on the shelf" (the next copy is listed; twice → 不明); below it the shelves' other lists: the
// hold shelf (貸出可能, R-PREF-2), today's expired holds and what to do with each copy (R-PREF-5), and the
// copies travelling back from cooperating libraries (R-RETURN-4).
import type { z } from 'zod';
import type { HoldShelf, HoldShelfExpired, InTransit } from '../../api/schemas';
import type { PullListBody } from '../api-types';
import { html, type Html } from '../html';
import type { ConsoleCtx, ConsoleRoutes } from '../index';
import { jaDate, jaMoment, postForm, refusedFlash, table, type HoldSlip } from '../ui';

async function shelves(c: ConsoleCtx): Promise<Html> {
  const [held, expired, transit] = await Promise.all([
    c.api.get<z.infer<typeof HoldShelf>>('/staff/hold-shelf'),
    c.api.get<z.infer<typeof HoldShelfExpired>>('/staff/hold-shelf/expired'),
    c.api.get<z.infer<typeof InTransit>>('/staff/in-transit'),
  ]);
  const failed = (p: { problem: { ja: string } }) => html`<p>${p.problem.ja}</p>`;
  return html` <section aria-labelledby="held-h" class="card">
      <h2 id="held-h">取置棚(貸出可能)</h2>
      ${
        held.ok
          ? table(
              '取置棚の資料(確保の古い順)',
              ['資料番号', '書名', '利用者番号', '氏名', '取置期限', '残り'],
              held.body.items.map(
                (i) =>
                  html`<tr>
                    <td><code>${i.itemNumber}</code></td>
                    <td>${i.title}</td>
                    <td>${i.cardNumber}</td>
                    <td>${i.name}</td>
                    <td>${jaDate(i.pickupUntil)}</td>
                    <td>${i.daysLeft === null ? '—' : i.daysLeft === 0 ? '今日まで' : `${i.daysLeft}日`}</td>
                  </tr>`,
              ),
              '取置棚に資料はありません。',
            )
          : failed(held)
      }
    </section>
    <section aria-labelledby="expired-h" class="card">
      <h2 id="expired-h">今日の取置期限切れ(予約解除)</h2>
      ${
        expired.ok
          ? table(
              '取置期限切れの資料',
              ['資料番号', '書名', '利用者番号', '取置期限', 'すること'],
              expired.body.items.map(
                (i) =>
                  html`<tr>
                    <td><code>${i.itemNumber}</code></td>
                    <td>${i.title}</td>
                    <td>${i.cardNumber}</td>
                    <td>${jaDate(i.pickupUntil)}</td>
                    <td>${i.actionLabel}${i.next ? html`(${i.next.pickup.label}、${i.next.statusLabel})` : null}</td>
                  </tr>`,
              ),
              '期限切れの資料はありません。',
            )
          : failed(expired)
      }
    </section>
    <section aria-labelledby="transit-h" class="card">
      <h2 id="transit-h">協力館から回送中</h2>
      ${
        transit.ok
          ? table(
              '協力館から県立図書館へ回送中の資料',
              ['協力館', '資料番号', '書名', '種類', '受付日', '到着予定'],
              transit.body.libraries.flatMap((l) =>
                l.items.map(
                  (
                    i,
                  ) => html`<tr${i.late ? html` class="late"` : null}><td>${l.library.label}</td><td><code>${i.itemNumber}</code></td><td>${i.title}</td>
  <td>${i.kindLabel}</td><td>${jaDate(i.handedInOn)}</td><td>${jaDate(i.expectedOn)}${i.late ? html` <strong class="badge">遅れ</strong>` : null}</td></tr>`,
                ),
              ),
              '回送中の資料はありません。',
            )
          : failed(transit)
      }
    </section>`;
}

export function pullListPages(r: ConsoleRoutes): void {
  r.get('/pull-list', async (c) => {
    const list = await c.api.get<PullListBody>('/staff/pull-list');
    const body = list.ok
      ? html` <p class="facts">
            ${list.body.entries.length}点${list.body.late > 0 ? html` ・ <strong class="badge">遅れ ${list.body.late}点</strong>` : null}
          </p>
          ${table(
            '取置作業リスト(古い順)',
            ['資料番号', '請求記号', '配架場所', '書名', '受取場所', 'リスト掲載', '操作'],
            list.body.entries.map(
              (e) => html`<tr${e.late ? html` class="late"` : null}>
  <td><code>${e.itemNumber}</code>${e.secondLook ? html`<br /><span class="sub">再確認(前回は書架になし)</span>` : null}</td>
  <td>${e.callNumber ?? '—'}</td>
  <td>${e.shelfLocation ?? '—'}</td>
  <td>${e.title}</td>
  <td>${e.pickup?.label ?? '—'}</td>
  <td>${jaMoment(e.listedAt)}${e.late ? html` <strong class="badge">遅れ</strong>` : null}</td>
  <td>${postForm(
    '/console/pull-list/not-on-shelf',
    c.csrf,
    html`<input type="hidden" name="item" value="${e.itemNumber}" /><button
        type="submit"
        class="secondary"
        aria-label="${e.itemNumber}「${e.title}」は書架にない"
      >
        書架にない
      </button>`,
    { className: 'inline' },
  )}</td>
</tr>`,
            ),
            '取り置く資料はありません。',
          )}`
      : html`<p>${list.problem.ja}</p>`;
    return {
      title: '取置作業',
      section: 'pull-list',
      body: html` <section aria-labelledby="scan-h" class="card">
          <h2 id="scan-h">書架から取った資料を読み取る</h2>
          ${postForm(
            '/console/pull-list/scan',
            c.csrf,
            html`<label for="pull-item">資料番号</label>
              <input id="pull-item" name="item" autocomplete="off" required maxlength="64" autofocus data-scan />
              <button type="submit">確保</button>`,
            { className: 'scan' },
          )}
        </section>
        <section aria-labelledby="list-h" class="card">
          <h2 id="list-h">取置作業リスト</h2>
          ${body}
        </section>
        ${await shelves(c)}`,
    };
  });

  r.post('/pull-list/scan', async (c) => {
    const item = (c.form.item ?? '').trim();
    const res = await c.api.post<{ slip: HoldSlip }>('/staff/pull-list/scans', { itemNumber: item }, c.once);
    if (!res.ok) return { to: '/console/pull-list', flash: refusedFlash(res.problem) };
    const s = res.body.slip;
    return {
      to: '/console/pull-list',
      flash: {
        kind: 'done',
        ja:
          s.status === 'READY'
            ? `資料 ${item} を確保しました: ${s.statusLabel}(取置棚へ)。利用者に貸出通知メールを送ります。`
            : `資料 ${item} を確保しました: ${s.statusLabel}(${s.pickup.label}へ、次の貸出処理日に発送)。`,
        slip: s,
      },
    };
  });

  r.post('/pull-list/not-on-shelf', async (c) => {
    const item = (c.form.item ?? '').trim();
    const res = await c.api.post<{ itemNumber: string; missing: boolean }>('/staff/pull-list/not-on-shelf', { itemNumber: item }, c.once);
    if (!res.ok) return { to: '/console/pull-list', flash: refusedFlash(res.problem) };
    return {
      to: '/console/pull-list',
      flash: {
        kind: 'done',
        ja: res.body.missing
          ? `資料 ${item} は2度見つからなかったため「不明」にしました。次の資料があればリストに載ります。`
          : `資料 ${item} をリストから外しました。次の資料があればリストに載ります(見つからなかった資料はあとで再確認)。`,
      },
    };
  });
}
