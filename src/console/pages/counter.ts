// カウンター: scan or type a card number → the patron (loans with due date, renewals left, the earliest
// renewal day and why a renewal would be refused; reservations with status, queue position and pickup
// window; what blocks new lending); scan an item → a 貸出可能 copy reserved for this patron is picked
// up (the card shown: an explicit tick, R-PREF-4), any other copy from the shelf is lent (walk-in);
// a check-in says what to do with the copy and gives the hold slip to print. Renewals by phone or at
// the counter. A keyboard-wedge scanner needs nothing but the focused field and its Enter.
import { DEFAULT_LOAN_LIMIT } from '../../domain';
import { apiPath } from '../api-client';
import type { Checkout, CheckIn, Loan, Page, Patron, ReservationFull, ReservationRow } from '../api-types';
import { flag, html, type Html } from '../html';
import type { ConsoleCtx, ConsoleRoutes, Outcome } from '../index';
import { jaDate, postForm, refusedFlash, table, type Flash, type HoldSlip } from '../ui';

const CARD = /^[A-Za-z0-9-]{1,32}$/;
const OPEN_RESERVATIONS = 'APPLIED,WAITING,SECURED,READY';

export const counterUrl = (card?: string, shown?: boolean): string => {
  const q = new URLSearchParams();
  if (card && CARD.test(card)) q.set('card', card);
  if (shown) q.set('shown', '1');
  const s = q.toString();
  return `/console/counter${s ? `?${s}` : ''}`;
};

/** Where a form says to go back to: one of our own pages (with its query), else the counter. */
export function backTo(back: string | undefined, fallback: string): string {
  return back && /^\/console\/[A-Za-z0-9/_-]*(\?[A-Za-z0-9=&%._:,-]*)?$/.test(back) ? back : fallback;
}

export function counterPages(r: ConsoleRoutes): void {
  r.get('/counter', async (c) => {
    const card = typeof c.req.query.card === 'string' ? c.req.query.card.trim() : '';
    const shown = c.req.query.shown === '1';
    let patron: Html | null = null;
    if (card) patron = await patronPanel(c, card, shown);
    return {
      title: 'カウンター',
      section: 'counter',
      body: html` <div class="counter">
        <section aria-labelledby="card-h" class="card">
          <h2 id="card-h">利用者</h2>
          <form method="get" action="/console/counter" class="scan">
            <label for="card">利用者番号(カードを読み取り)</label>
            <input
              id="card"
              name="card"
              value="${card}"
              inputmode="latin"
              autocomplete="off"
              required
              pattern="[A-Za-z0-9\\-]{1,32}"
              maxlength="32"
              ${card ? null : html`autofocus data-scan`}
            />
            <button type="submit">表示</button>
            ${card ? html`<a href="/console/counter" class="button secondary">次の利用者</a>` : null}
          </form>
        </section>
        ${patron}
        <section aria-labelledby="checkin-h" class="card">
          <h2 id="checkin-h">返却(チェックイン)</h2>
          ${postForm(
            '/console/counter/check-in',
            c.csrf,
            html`<input type="hidden" name="card" value="${card}" />
              <label for="checkin-item">返却された資料の資料番号</label>
              <input id="checkin-item" name="item" autocomplete="off" required maxlength="64" />
              <button type="submit">返却処理</button>`,
            { className: 'scan' },
          )}
        </section>
      </div>`,
    };
  });

  r.post('/counter/lend', async (c) => lend(c));
  r.post('/counter/check-in', async (c) => checkIn(c));
  r.post('/counter/renew', async (c) => renew(c));
}

async function patronPanel(c: ConsoleCtx, card: string, shown: boolean): Promise<Html> {
  const p = await c.api.get<Patron>(apiPath`/staff/patrons/${card}`);
  if (!p.ok) {
    return html`<div class="notice refused" role="alert">
      <p>${p.status === 404 ? `利用者番号 ${card} は登録されていません。` : p.problem.ja}</p>
    </div>`;
  }
  const [loans, reservations] = await Promise.all([
    c.api.get<Page<Loan>>('/staff/loans', { cardNumber: card, state: 'ACTIVE,RETURNED_IN_TRANSIT', pageSize: 100 }),
    c.api.get<Page<ReservationRow>>('/staff/reservations', { cardNumber: card, status: OPEN_RESERVATIONS, pageSize: 100 }),
  ]);
  const patron = p.body;
  const loanRows = loans.ok ? loans.body.items : [];
  const resRows = reservations.ok ? reservations.body.items : [];
  const back = counterUrl(card, shown);
  const blocks: Html[] = [];
  const overdue = loanRows.filter((l) => l.overdue && l.state === 'ACTIVE');
  if (overdue.length > 0) blocks.push(html`<li><code>R-OVERDUE-1</code> 延滞中の資料が${overdue.length}点あります。新たな貸出はできません。</li>`);
  // R-LIMIT-2: a lowered limit is for cooperating-library pickups; the counter lends up to the 10 of R-LIMIT-1.
  if (patron.loans >= DEFAULT_LOAN_LIMIT) blocks.push(html`<li><code>R-LIMIT-1</code> 貸出点数が上限(${DEFAULT_LOAN_LIMIT}点)に達しています。</li>`);
  if (patron.reservations >= patron.reservationLimit)
    blocks.push(html`<li><code>R-LIMIT-1</code> 予約件数が上限(${patron.reservationLimit}件)に達しています。</li>`);
  if (patron.mustChangePassword) blocks.push(html`<li>仮パスワードのままです(Myライブラリで変更が必要、R-ACCOUNT-1)。</li>`);

  return html` <section aria-labelledby="patron-h" class="card patron">
      <h2 id="patron-h">${patron.name} <span class="sub">利用者番号 ${patron.cardNumber}</span></h2>
      <p class="facts">
        貸出 ${patron.loans} / ${DEFAULT_LOAN_LIMIT}点${patron.loanLimit < DEFAULT_LOAN_LIMIT ? `(協力館受取は${patron.loanLimit}点まで)` : ''} ・
        予約 ${patron.reservations} / ${patron.reservationLimit}件 ・
        <a href="/console/patrons/${encodeURIComponent(patron.cardNumber)}">利用者情報</a>
      </p>
      ${
        blocks.length > 0
          ? html`<div class="notice refused" role="note" aria-labelledby="blocks-h">
              <p id="blocks-h"><strong>貸出の制限</strong></p>
              <ul>
                ${blocks}
              </ul>
            </div>`
          : html`<p class="ok-line">貸出の制限はありません。</p>`
      }
      ${postForm(
        '/console/counter/lend',
        c.csrf,
        html`<input type="hidden" name="card" value="${patron.cardNumber}" />
          <p class="tick">
            <input type="checkbox" id="cardShown" name="cardShown" value="on" ${flag('checked', shown)} />
            <label for="cardShown">利用者カードの提示を確認した(予約資料の受取に必要、R-PREF-4)</label>
          </p>
          <p>
            <label for="lend-item">貸出する資料の資料番号</label>
            <input id="lend-item" name="item" autocomplete="off" required maxlength="64" autofocus data-scan />
            <button type="submit">貸出</button>
          </p>`,
        { className: 'scan', label: '貸出' },
      )}
    </section>
    <section aria-labelledby="loans-h" class="card">
      <h2 id="loans-h">貸出中の資料</h2>
      ${loans.ok ? loanTable(c, loanRows, back) : html`<p>${loans.problem.ja}</p>`}
    </section>
    <section aria-labelledby="res-h" class="card">
      <h2 id="res-h">予約</h2>
      ${reservations.ok ? reservationTable(resRows) : html`<p>${reservations.problem.ja}</p>`}
    </section>`;
}

export function loanTable(c: ConsoleCtx, loans: Loan[], back: string, caption = '貸出中の資料'): Html {
  return table(
    caption,
    ['書名', '資料番号', '状態', '返却期限', '延長', '延長できる日', '延長の可否', '操作'],
    loans.map(
      (l) => html`<tr${l.overdue ? html` class="overdue"` : null}>
  <td>${l.title}${l.bag ? html`<br /><span class="sub">専用袋 ${l.bag}</span>` : null}</td>
  <td><code>${l.itemNumber}</code></td>
  <td>${l.statusLabel}${l.state === 'RETURNED_IN_TRANSIT' ? html`<br /><span class="sub">協力館で返却済・回送中</span>` : null}</td>
  <td>${jaDate(l.due)}${l.overdue ? html` <strong class="badge">延滞</strong>` : null}</td>
  <td>あと${l.renewalsLeft}回</td>
  <td>${jaDate(l.renewFrom)}〜${jaDate(l.renewUntil)}</td>
  <td>${l.renewalBlockedBy ? html`<span class="why">不可: ${l.renewalBlockedBy.ja} <code>${l.renewalBlockedBy.rule}</code></span>` : '可'}</td>
  <td>${
    l.state === 'ACTIVE' && l.status === 'ON_LOAN'
      ? postForm(
          '/console/counter/renew',
          c.csrf,
          html`<input type="hidden" name="loanId" value="${l.loanId}" /><input type="hidden" name="back" value="${back}" />
            <label for="ch-${l.loanId}" class="visually-hidden">「${l.title}」の延長の受付方法</label>
            <select id="ch-${l.loanId}" name="channel">
              <option value="counter">窓口</option>
              <option value="phone">電話</option>
            </select>
            <button type="submit" aria-label="「${l.title}」を延長">延長</button>`,
          { className: 'inline' },
        )
      : null
  }</td>
</tr>`,
    ),
    'ありません。',
  );
}

export function reservationTable(rows: ReservationRow[], caption = '予約'): Html {
  return table(
    caption,
    ['書名', '状態', '予約順位', '受取場所', '受取期間', '資料番号', '予約日時'],
    rows.map(
      (r) =>
        html`<tr>
          <td><a href="/console/reservations/${encodeURIComponent(r.reservationId)}">${r.title}</a></td>
          <td><span class="status status-${r.status}">${r.statusLabel}</span></td>
          <td>${r.queuePosition ?? '—'}</td>
          <td>${r.pickup.label}</td>
          <td>${r.pickupFrom ? html`${jaDate(r.pickupFrom)}〜${jaDate(r.pickupUntil)}` : '—'}</td>
          <td>${r.itemNumber ? html`<code>${r.itemNumber}</code>` : '—'}</td>
          <td>${jaDate(r.placedAt)}</td>
        </tr>`,
    ),
    'ありません。',
  );
}

async function lend(c: ConsoleCtx): Promise<Outcome> {
  const card = (c.form.card ?? '').trim();
  const item = (c.form.item ?? '').trim();
  const shown = c.form.cardShown === 'on';
  const to = counterUrl(card, shown);
  // A copy on the hold shelf for this very patron is a pickup (R-PREF-4); anything else a walk-in checkout.
  const ready = await c.api.get<Page<ReservationRow>>('/staff/reservations', { cardNumber: card, status: 'READY', pageSize: 100 });
  const reserved = ready.ok ? ready.body.items.find((r) => r.itemNumber === item) : undefined;
  if (reserved) {
    const r = await c.api.post<ReservationFull>(apiPath`/staff/reservations/${reserved.reservationId}/pickup`, { cardShown: shown }, c.once);
    if (!r.ok) return { to, flash: refusedFlash(r.problem) };
    const due = r.body.dates.due ?? '';
    return {
      to,
      flash: {
        kind: 'done',
        ja: `予約資料「${r.body.title}」(${item})を貸し出しました。返却期限は${jaDate(due)}です。`,
        loanSlip: { cardNumber: r.body.cardNumber, itemNumber: item, title: r.body.title, due, reserved: true },
      },
    };
  }
  const r = await c.api.post<Checkout>('/staff/checkouts', { cardNumber: card, itemNumber: item }, c.once);
  if (!r.ok) return { to, flash: refusedFlash(r.problem) };
  const lent = await c.api.get<Page<Loan>>('/staff/loans', { cardNumber: card, itemNumber: r.body.itemNumber, state: 'ACTIVE' });
  const title = (lent.ok ? lent.body.items[0]?.title : undefined) ?? '';
  return {
    to,
    flash: {
      kind: 'done',
      ja: `資料 ${r.body.itemNumber}${title ? `「${title}」` : ''}を貸し出しました。返却期限は${jaDate(r.body.due)}です。`,
      loanSlip: { cardNumber: card, itemNumber: r.body.itemNumber, title, due: r.body.due, reserved: false },
    },
  };
}

async function checkIn(c: ConsoleCtx): Promise<Outcome> {
  const item = (c.form.item ?? '').trim();
  const to = counterUrl(c.form.card);
  const r = await c.api.post<CheckIn>('/staff/check-ins', { itemNumber: item }, c.once);
  if (!r.ok) return { to, flash: refusedFlash(r.problem) };
  const parts: string[] = [];
  if (r.body.found) parts.push('不明になっていた資料が見つかりました。');
  if (r.body.returned) parts.push('返却を処理しました(返却済)。');
  let flash: Flash;
  if (r.body.slip) {
    const slip = r.body.slip as HoldSlip;
    parts.push(
      slip.status === 'READY'
        ? `予約資料です: 予約票を挟んで取置棚へ(${slip.pickup.label}、貸出可能)。`
        : `予約資料です: 予約票を挟んで${slip.pickup.label}への発送棚へ(確保済み)。`,
    );
    flash = { kind: 'done', ja: `資料 ${item}: ${parts.join(' ')}`, slip };
  } else {
    parts.push('予約はありません: 書架へ戻してください。');
    flash = { kind: 'done', ja: `資料 ${item}: ${parts.join(' ')}` };
  }
  return { to, flash };
}

async function renew(c: ConsoleCtx): Promise<Outcome> {
  const to = backTo(c.form.back, '/console/counter');
  const loanId = c.form.loanId ?? '';
  const r = await c.api.post<Loan>(apiPath`/staff/loans/${loanId}/renew`, { channel: c.form.channel === 'phone' ? 'phone' : 'counter' }, c.once);
  if (!r.ok) return { to, flash: refusedFlash(r.problem) };
  return {
    to,
    flash: { kind: 'done', ja: `「${r.body.title}」を延長しました。新しい返却期限は${jaDate(r.body.due)}です(あと${r.body.renewalsLeft}回)。` },
  };
}
