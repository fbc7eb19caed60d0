// 予約・貸出の検索: reservations (by card, title, item, status, pickup place, the day placed) and loans (by
// card, title, item, state, due date); one reservation's page with its whole history — each status
// with when, and each staff act with who, when and the rule that refused it — its notices, and the
// staff actions its state allows (cancel, pickup, renew, return at a place).
import { RESERVATION_STATUS_JA, RESERVATION_STATUSES } from '../../domain';
import { apiPath, must } from '../api-client';
import type { ListPage, Loan, Page, ReservationFull, ReservationRow } from '../api-types';
import { flag, html, type Html } from '../html';
import type { ConsoleCtx, ConsoleRoutes } from '../index';
import { backTo, loanTable } from './counter';
import { jaDate, jaMoment, postForm, refusedFlash, table } from '../ui';

const LOAN_STATES = [
  { code: 'ACTIVE', label: '貸出中' },
  { code: 'RETURNED_IN_TRANSIT', label: '協力館で返却・回送中' },
  { code: 'CLOSED', label: '返却済' },
  { code: 'UNDONE', label: '取り消された貸出' },
] as const;
const OPEN = new Set(['APPLIED', 'WAITING', 'SECURED', 'READY', 'IN_DELIVERY']);
const ACTION_JA: Record<string, string> = {
  cancel: '取消',
  pickup: '受取(貸出)',
  renew: '延長',
  return: '返却受付',
  'check-in': '返却処理',
  checkout: '貸出',
  pull: '書架から確保',
  'not-on-shelf': '書架になし',
};

const MAIL_KIND_JA: Record<string, string> = {
  LENDING_NOTICE: '貸出通知',
  PICKUP_REMINDER: '取置期限の前日',
  PRE_DUE: '返却期限前(延長受付)',
  OVERDUE: '延滞',
  DISPATCH_FAILED: '発送できず',
  RELEASED: '予約解除',
  CANCELLED_BY_STAFF: '職員による取消',
  NOT_NEEDED_CANCELLED: '不要日による取消',
};
const MAIL_STATE_JA: Record<string, string> = {
  PENDING: '送信待ち',
  SENDING: '送信中(届いたか不明・再送しない)',
  SENT: '送信済み',
  SKIPPED: '送らず',
  FAILED: '送信できず',
};

interface Place {
  code: string;
  label: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const dateOrEmpty = (v: unknown): string => (/^\d{4}-\d{2}-\d{2}$/.test(str(v)) ? str(v) : '');

async function places(c: ConsoleCtx): Promise<Place[]> {
  const r = await c.api.get<{ items: Place[] }>('/pickup-places');
  return r.ok ? r.body.items : [];
}

function placeOptions(all: Place[], selected: string, any = 'すべて'): Html {
  return html`<option value="">${any}</option>
    ${all.map((p) => html`<option value="${p.code}" ${flag('selected', p.code === selected)}>${p.label}</option>`)}`;
}

export function searchPages(r: ConsoleRoutes): void {
  r.get('/search', async (c) => {
    const q = c.req.query;
    const kind = q.kind === 'loans' ? 'loans' : 'reservations';
    const f = {
      card: str(q.card),
      title: str(q.title),
      item: str(q.item),
      status: str(q.status),
      pickup: str(q.pickup),
      from: dateOrEmpty(q.from),
      until: dateOrEmpty(q.until),
      page: /^[1-9]\d{0,4}$/.test(str(q.page)) ? Number(q.page) : 1,
    };
    const asked = Object.entries(f).some(([k, v]) => k !== 'page' && v !== '') || q.kind !== undefined;
    const all = await places(c);
    let results: Html | null = null;
    if (asked) {
      const common = { cardNumber: f.card || undefined, title: f.title || undefined, itemNumber: f.item || undefined, page: f.page, pageSize: 50 };
      if (kind === 'reservations') {
        const res = await c.api.get<ListPage<ReservationRow>>('/staff/reservations', {
          ...common,
          status: f.status || undefined,
          pickup: f.pickup || undefined,
          placedFrom: f.from || undefined,
          placedUntil: f.until || undefined,
        });
        results = res.ok
          ? html`${resultCount(res.body)}${reservationTableWithCard(res.body.items)}${pager(c, res.body)}`
          : html`<div class="notice refused" role="alert"><p>${res.problem.ja}</p></div>`;
      } else {
        const res = await c.api.get<ListPage<Loan>>('/staff/loans', {
          ...common,
          state: f.status || undefined,
          dueFrom: f.from || undefined,
          dueUntil: f.until || undefined,
        });
        results = res.ok
          ? html`${resultCount(res.body)}${loanTable(c, res.body.items, '/console/search', '貸出(返却期限の早い順)')}${pager(c, res.body)}`
          : html`<div class="notice refused" role="alert"><p>${res.problem.ja}</p></div>`;
      }
    }
    const statusOptions =
      kind === 'reservations'
        ? RESERVATION_STATUSES.map((s) => ({ code: s as string, label: RESERVATION_STATUS_JA[s] }))
        : LOAN_STATES.map((s) => ({ code: s.code as string, label: s.label }));
    return {
      title: '予約・貸出の検索',
      section: 'search',
      body: html` <form method="get" action="/console/search" class="card">
          <fieldset class="filters">
            <legend>探すもの</legend>
            <p>
              <label><input type="radio" name="kind" value="reservations" ${flag('checked', kind === 'reservations')} /> 予約</label>
            </p>
            <p>
              <label><input type="radio" name="kind" value="loans" ${flag('checked', kind === 'loans')} /> 貸出</label>
            </p>
          </fieldset>
          <div class="filters">
            <p><label for="s-card">利用者番号</label><input id="s-card" name="card" value="${f.card}" maxlength="32" autocomplete="off" /></p>
            <p><label for="s-title">書名または書誌ID</label><input id="s-title" name="title" value="${f.title}" maxlength="200" /></p>
            <p><label for="s-item">資料番号</label><input id="s-item" name="item" value="${f.item}" maxlength="64" autocomplete="off" /></p>
            <p>
              <label for="s-status">${kind === 'reservations' ? '利用状況' : '貸出の状態'}</label>
              <select id="s-status" name="status">
                <option value="">すべて</option>
                ${statusOptions.map((s) => html`<option value="${s.code}" ${flag('selected', s.code === f.status)}>${s.label}</option>`)}
              </select>
            </p>
            ${
              kind === 'reservations'
                ? html`<p>
                    <label for="s-pickup">受取場所</label
                    ><select id="s-pickup" name="pickup">
                      ${placeOptions(all, f.pickup)}
                    </select>
                  </p>`
                : null
            }
            <p>
              <label for="s-from">${kind === 'reservations' ? '予約日(から)' : '返却期限(から)'}</label
              ><input id="s-from" type="date" name="from" value="${f.from}" />
            </p>
            <p>
              <label for="s-until">${kind === 'reservations' ? '予約日(まで)' : '返却期限(まで)'}</label
              ><input id="s-until" type="date" name="until" value="${f.until}" />
            </p>
            <p><button type="submit">検索</button></p>
          </div>
        </form>
        ${
          results
            ? html`<section class="card" aria-labelledby="results-h">
                <h2 id="results-h">検索結果</h2>
                ${results}
              </section>`
            : null
        }`,
    };
  });

  r.get('/reservations/:id', async (c) => {
    const id = String(c.req.params.id);
    // An unknown id: the API's 404, as the page's own status and message.
    const d = must(await c.api.get<ReservationFull>(apiPath`/staff/reservations/${id}`));
    const loans = await c.api.get<Page<Loan>>('/staff/loans', { cardNumber: d.cardNumber, title: d.titleId, pageSize: 100 });
    const loan = loans.ok ? loans.body.items.find((l) => l.reservationId === d.reservationId) : undefined;
    const here = `/console/reservations/${encodeURIComponent(d.reservationId)}`;
    const all = loan && loan.state === 'ACTIVE' ? await places(c) : [];
    return {
      title: `予約「${d.title}」`,
      section: 'search',
      body: html` <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">${d.statusLabel} <span class="sub">予約ID ${d.reservationId}</span></h2>
          <dl class="facts-list">
            <dt>利用者番号</dt>
            <dd><a href="/console/counter?card=${encodeURIComponent(d.cardNumber)}">${d.cardNumber}</a></dd>
            <dt>書名</dt>
            <dd>${d.title}(${d.titleId})</dd>
            <dt>受取場所</dt>
            <dd>${d.pickup.label}</dd>
            <dt>予約順位</dt>
            <dd>${d.queuePosition ?? '—'}</dd>
            <dt>資料番号</dt>
            <dd>${d.itemNumber ?? '—'}</dd>
            <dt>予約日</dt>
            <dd>${jaDate(d.dates.placedOn)}</dd>
            ${
              d.dates.processingDay
                ? html`<dt>貸出処理日</dt>
                    <dd>${jaDate(d.dates.processingDay)}</dd>`
                : null
            }
            ${
              d.dates.pickupFrom || d.dates.pickupUntil
                ? html`<dt>受取期間</dt>
                    <dd>${jaDate(d.dates.pickupFrom)}〜${jaDate(d.dates.pickupUntil)}</dd>`
                : null
            }
            ${
              d.dates.due
                ? html`<dt>返却期限</dt>
                    <dd>${jaDate(d.dates.due)}(延長あと${d.renewalsLeft}回)</dd>`
                : null
            }
            ${
              d.dates.returnedOn
                ? html`<dt>返却日</dt>
                    <dd>${jaDate(d.dates.returnedOn)}</dd>`
                : null
            }
            ${
              d.dispatchFailures > 0
                ? html`<dt>発送できなかった回数</dt>
                    <dd>${d.dispatchFailures}</dd>`
                : null
            }
            ${
              d.reason
                ? html`<dt>理由</dt>
                    <dd class="why">${d.reason.ja} <code>${d.reason.rule}</code></dd>`
                : null
            }
          </dl>
        </section>
        ${actions(c, d, loan, all, here)}
        <section class="card" aria-labelledby="hist-h">
          <h2 id="hist-h">履歴</h2>
          ${history(d)}
        </section>
        <section class="card" aria-labelledby="mail-h">
          <h2 id="mail-h">通知メール</h2>
          ${table(
            '通知メール',
            ['種類', '日時', '状態'],
            d.mails.map(
              (m) =>
                html`<tr>
                  <td>${MAIL_KIND_JA[m.kind] ?? m.kind}</td>
                  <td>${jaMoment(m.at)}</td>
                  <td>${MAIL_STATE_JA[m.state] ?? m.state}</td>
                </tr>`,
            ),
            'ありません。',
          )}
        </section>`,
    };
  });

  r.post('/reservations/:id/cancel', async (c) => {
    const id = String(c.req.params.id);
    const to = `/console/reservations/${encodeURIComponent(id)}`;
    const res = await c.api.post<ReservationFull>(
      apiPath`/staff/reservations/${id}/cancel`,
      { channel: c.form.channel === 'phone' ? 'phone' : 'counter' },
      c.once,
    );
    if (!res.ok) return { to, flash: refusedFlash(res.problem) };
    return { to, flash: { kind: 'done', ja: `予約を取り消しました(${res.body.statusLabel})。` } };
  });
  r.post('/reservations/:id/pickup', async (c) => {
    const id = String(c.req.params.id);
    const to = `/console/reservations/${encodeURIComponent(id)}`;
    const res = await c.api.post<ReservationFull>(apiPath`/staff/reservations/${id}/pickup`, { cardShown: c.form.cardShown === 'on' }, c.once);
    if (!res.ok) return { to, flash: refusedFlash(res.problem) };
    return { to, flash: { kind: 'done', ja: `貸し出しました。返却期限は${jaDate(res.body.dates.due)}です。` } };
  });
  r.post('/loans/:loanId/return', async (c) => {
    const to = backTo(c.form.back, '/console/search');
    const res = await c.api.post<Loan>(apiPath`/staff/loans/${String(c.req.params.loanId)}/return`, { place: c.form.place ?? '' }, c.once);
    if (!res.ok) return { to, flash: refusedFlash(res.problem) };
    return {
      to,
      flash: {
        kind: 'done',
        ja:
          res.body.state === 'CLOSED'
            ? `「${res.body.title}」の返却を処理しました(返却済)。`
            : `「${res.body.title}」の返却を受け付けました(${res.body.returnedAt?.label ?? ''}、県立図書館に届くまで貸出中)。`,
      },
    };
  });
}

/** 「1,000件以上」: past the list's count (R-SCALE-2) the API gives a lower bound; staff narrow the search rather than read a figure. */
function resultCount(p: ListPage<unknown>): Html {
  const count = `${p.total.toLocaleString('ja-JP')}件${p.totalIsExact ? '' : '以上'}`;
  return html`<p class="facts">${count}${p.total > p.pageSize || !p.totalIsExact ? html`(${p.page}ページ目)` : null}</p>`;
}

/** 前へ/次へ: with a lower bound the last page is not known, but a next one is (the API counted past this page). */
function pager(c: ConsoleCtx, p: ListPage<unknown>): Html | null {
  const pages = Math.ceil(p.total / p.pageSize);
  if (p.totalIsExact && pages <= 1) return null;
  const more = !p.totalIsExact || p.page < pages;
  const link = (n: number) => {
    const q = new URLSearchParams(Object.entries(c.req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    q.set('page', String(n));
    return `/console/search?${q.toString()}`;
  };
  return html`<nav aria-label="ページ" class="pager">
    ${p.page > 1 ? html`<a href="${link(p.page - 1)}">前へ</a>` : null} ${p.totalIsExact ? `${p.page}/${pages}` : `${p.page}ページ目`}
    ${more ? html`<a href="${link(p.page + 1)}">次へ</a>` : null}
  </nav>`;
}

function reservationTableWithCard(rows: ReservationRow[]): Html {
  return table(
    '予約(新しい順)',
    ['利用者番号', '書名', '状態', '予約順位', '受取場所', '受取期間', '資料番号', '予約日'],
    rows.map(
      (r) =>
        html`<tr>
          <td><a href="/console/counter?card=${encodeURIComponent(r.cardNumber)}">${r.cardNumber}</a></td>
          <td><a href="/console/reservations/${encodeURIComponent(r.reservationId)}">${r.title}</a></td>
          <td><span class="status">${r.statusLabel}</span></td>
          <td>${r.queuePosition ?? '—'}</td>
          <td>${r.pickup.label}</td>
          <td>${r.pickupFrom ? html`${jaDate(r.pickupFrom)}〜${jaDate(r.pickupUntil)}` : '—'}</td>
          <td>${r.itemNumber ?? '—'}</td>
          <td>${jaDate(r.placedAt)}</td>
        </tr>`,
    ),
  );
}

function history(d: ReservationFull): Html {
  type Event = { at: string; what: Html; who: string; rule: string };
  const events: Event[] = [
    ...d.transitions.map((t) => ({
      at: t.at,
      what: html`状態: <strong>${RESERVATION_STATUS_JA[t.status]}</strong>${t.note ? html` <span class="sub">${t.note}</span>` : null}`,
      who: '',
      rule: '',
    })),
    ...d.staffActs.map((a) => ({
      at: a.at,
      what: html`職員の操作: ${ACTION_JA[a.action] ?? a.action} — ${a.outcome === 'done' ? '完了' : a.outcome === 'refused' ? '断り' : '結果不明'}`,
      who: a.by.kind === 'staff' ? `${a.by.name}(${a.by.staffNumber})` : `APIキー ${a.by.name}`,
      rule: a.rule ?? '',
    })),
  ].sort((x, y) => new Date(x.at).getTime() - new Date(y.at).getTime());
  return table(
    '履歴(古い順)',
    ['日時', '出来事', '誰が', '規則'],
    events.map(
      (e) =>
        html`<tr>
          <td>${jaMoment(e.at)}</td>
          <td>${e.what}</td>
          <td>${e.who || '—'}</td>
          <td>${e.rule ? html`<code>${e.rule}</code>` : '—'}</td>
        </tr>`,
    ),
  );
}

function actions(c: ConsoleCtx, d: ReservationFull, loan: Loan | undefined, all: Place[], here: string): Html {
  const forms: Html[] = [];
  const id = encodeURIComponent(d.reservationId);
  if (d.status === 'READY' || d.status === 'IN_DELIVERY') {
    forms.push(
      postForm(
        `/console/reservations/${id}/pickup`,
        c.csrf,
        html`<p class="tick">
            <input type="checkbox" id="r-shown" name="cardShown" value="on" />
            <label for="r-shown">利用者カードの提示を確認した(${d.pickup.code === 'pref' ? 'R-PREF-4' : 'R-COOP-1'})</label>
          </p>
          <p><button type="submit">受取(貸出)</button></p>`,
        { label: '受取' },
      ),
    );
  }
  if (OPEN.has(d.status)) {
    forms.push(
      postForm(
        `/console/reservations/${id}/cancel`,
        c.csrf,
        html`<p>
          <label for="r-channel">取消の受付方法</label>
          <select id="r-channel" name="channel">
            <option value="counter">窓口</option>
            <option value="phone">電話</option>
          </select>
          <button type="submit" class="danger">予約を取り消す</button>
        </p>`,
        { label: '取消' },
      ),
    );
  }
  if (loan && loan.state === 'ACTIVE') {
    if (loan.status === 'ON_LOAN') {
      forms.push(
        postForm(
          '/console/counter/renew',
          c.csrf,
          html`<input type="hidden" name="loanId" value="${loan.loanId}" /><input type="hidden" name="back" value="${here}" />
            <p>
              <label for="r-renew">延長の受付方法</label>
              <select id="r-renew" name="channel">
                <option value="counter">窓口</option>
                <option value="phone">電話</option>
              </select>
              <button type="submit">延長</button>
              ${loan.renewalBlockedBy ? html`<span class="why">今日は不可: ${loan.renewalBlockedBy.ja} <code>${loan.renewalBlockedBy.rule}</code></span>` : null}
            </p>`,
          { label: '延長' },
        ),
      );
    }
    forms.push(
      postForm(
        `/console/loans/${encodeURIComponent(loan.loanId)}/return`,
        c.csrf,
        html`<input type="hidden" name="back" value="${here}" />
          <p>
            <label for="r-place">返却された場所</label>
            <select id="r-place" name="place">
              ${all.map((p) => html`<option value="${p.code}">${p.label}</option>`)}
            </select>
            <button type="submit">返却を受け付ける</button>
          </p>`,
        { label: '返却' },
      ),
    );
  }
  return html`<section class="card" aria-labelledby="act-h">
    <h2 id="act-h">できる操作</h2>
    ${forms.length > 0 ? forms : html`<p class="empty">この状態ではできる操作はありません。</p>`}
  </section>`;
}
