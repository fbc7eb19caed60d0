// 利用者: register a patron (card number, name, e-mail, usual library) and print the temporary-password
// slip (R-ACCOUNT-1: shown once, never stored here); a patron's page: the loan limit (R-LIMIT-2), the
// usual cooperating library (R-RETURN-3), a new temporary password.
import { apiPath, must } from '../api-client';
import type { LibraryRow, NewPatron, Patron } from '../api-types';
import { flag, html } from '../html';
import type { ConsoleCtx, ConsoleRoutes } from '../index';
import { postForm, refusedFlash } from '../ui';

const CARD = /^[A-Za-z0-9-]{1,32}$/;

async function libraries(c: ConsoleCtx): Promise<LibraryRow[]> {
  const r = await c.api.get<{ items: LibraryRow[] }>('/staff/libraries');
  return r.ok ? r.body.items : [];
}

function librarySelect(id: string, libs: LibraryRow[], selected: number | null | undefined) {
  return html`<select id="${id}" name="usualLibraryNo">
    <option value="">なし</option>
    ${libs.map((l) => html`<option value="${l.no}" ${flag('selected', selected === l.no)}>${l.no} ${l.name}(${l.municipality})</option>`)}
  </select>`;
}

const patronUrl = (card: string) => `/console/patrons/${encodeURIComponent(card)}`;

export function patronPages(r: ConsoleRoutes): void {
  r.get('/patrons', async (c) => {
    const libs = await libraries(c);
    return {
      title: '利用者',
      section: 'patrons',
      body: html` <section class="card" aria-labelledby="find-h">
          <h2 id="find-h">利用者を表示</h2>
          <form method="get" action="/console/patrons/find" class="scan">
            <label for="find-card">利用者番号</label>
            <input id="find-card" name="card" required maxlength="32" autocomplete="off" autofocus data-scan />
            <button type="submit">表示</button>
          </form>
        </section>
        <section class="card" aria-labelledby="new-h">
          <h2 id="new-h">利用者を登録(仮パスワードを発行)</h2>
          ${postForm(
            '/console/patrons',
            c.csrf,
            html`<div class="filters">
              <p>
                <label for="p-card">利用者番号</label
                ><input id="p-card" name="cardNumber" required maxlength="32" pattern="[A-Za-z0-9\\-]{1,32}" autocomplete="off" />
              </p>
              <p><label for="p-name">氏名</label><input id="p-name" name="name" required maxlength="100" autocomplete="off" /></p>
              <p>
                <label for="p-email">メールアドレス(任意)</label><input id="p-email" name="email" type="email" maxlength="254" autocomplete="off" />
              </p>
              <p><label for="p-lib">いつも使う協力館(任意)</label>${librarySelect('p-lib', libs, null)}</p>
              <p><button type="submit">登録して仮パスワードを発行</button></p>
            </div>`,
          )}
        </section>`,
    };
  });

  r.get('/patrons/find', async (c) => {
    const card = typeof c.req.query.card === 'string' ? c.req.query.card.trim() : '';
    // A redirect, so the patron's page has one address (the form cannot put the card in the path).
    c.res.redirect(303, CARD.test(card) ? patronUrl(card) : '/console/patrons');
    return { title: '', section: 'patrons', body: html`` };
  });

  r.post('/patrons', async (c) => {
    const card = (c.form.cardNumber ?? '').trim();
    const lib = /^\d{1,2}$/.test(c.form.usualLibraryNo ?? '') ? Number(c.form.usualLibraryNo) : undefined;
    const body = {
      cardNumber: card,
      name: (c.form.name ?? '').trim(),
      ...(c.form.email?.trim() ? { email: c.form.email.trim() } : {}),
      ...(lib !== undefined ? { usualLibraryNo: lib } : {}),
    };
    const res = await c.api.post<NewPatron>('/staff/patrons', body);
    if (!res.ok) return { to: '/console/patrons', flash: refusedFlash(res.problem) };
    const p = res.body.patron;
    return {
      to: patronUrl(p.cardNumber),
      flash: {
        kind: 'done',
        ja: `利用者 ${p.cardNumber} を登録しました。仮パスワードのお知らせを印刷して渡してください(この一度だけ表示されます)。`,
        temporaryPassword: { cardNumber: p.cardNumber, name: p.name, temporaryPassword: res.body.temporaryPassword },
      },
    };
  });

  r.get('/patrons/:card', async (c) => {
    const card = String(c.req.params.card);
    const [p, libs] = await Promise.all([c.api.get<Patron>(apiPath`/staff/patrons/${card}`), libraries(c)]);
    const x = must(p); // an unknown card: the API's 404, as the page's own status and message
    const usual = libs.find((l) => l.no === x.usualLibraryNo);
    const here = patronUrl(x.cardNumber);
    return {
      title: `利用者 ${x.name}`,
      section: 'patrons',
      body: html` <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">利用者番号 ${x.cardNumber}</h2>
          <dl class="facts-list">
            <dt>氏名</dt>
            <dd>${x.name}</dd>
            <dt>メールアドレス</dt>
            <dd>${x.email ?? '未登録(予約の前に登録が必要、R-ACCOUNT-1)'}</dd>
            <dt>パスワード</dt>
            <dd>${x.mustChangePassword ? '仮パスワードのまま(最初のログインで変更)' : '設定済み'}</dd>
            <dt>貸出</dt>
            <dd>${x.loans} / ${x.loanLimit}点</dd>
            <dt>予約</dt>
            <dd>${x.reservations} / ${x.reservationLimit}件</dd>
            <dt>いつも使う協力館</dt>
            <dd>${usual ? `${usual.no} ${usual.name}` : 'なし'}</dd>
          </dl>
          <p><a class="button secondary" href="/console/counter?card=${encodeURIComponent(x.cardNumber)}">カウンターで開く</a></p>
        </section>
        <section class="card" aria-labelledby="limit-h">
          <h2 id="limit-h">協力館受取の貸出点数の上限(R-LIMIT-2)</h2>
          ${postForm(
            `${here}/loan-limit`,
            c.csrf,
            html`<label for="loanLimit">上限</label>
              <select id="loanLimit" name="loanLimit">
                ${Array.from({ length: 10 }, (_, i) => i + 1).map(
                  (n) => html`<option value="${n}" ${flag('selected', n === x.loanLimit)}>${n}点${n === 10 ? '(標準)' : ''}</option>`,
                )}
              </select>
              <button type="submit">変更</button>`,
            { className: 'inline' },
          )}
        </section>
        <section class="card" aria-labelledby="usual-h">
          <h2 id="usual-h">いつも使う協力館</h2>
          ${postForm(
            `${here}/usual-library`,
            c.csrf,
            html`<label for="u-lib">協力館</label>${librarySelect('u-lib', libs, x.usualLibraryNo)}<button type="submit">変更</button>`,
            { className: 'inline' },
          )}
        </section>
        <section class="card" aria-labelledby="pw-h">
          <h2 id="pw-h">仮パスワードの再発行</h2>
          ${postForm(
            `${here}/temporary-password`,
            c.csrf,
            html`<p>パスワードを忘れた利用者に、新しい仮パスワードを発行します(ログインのロックも解除)。</p>
              <button type="submit">仮パスワードを発行</button>`,
          )}
        </section>`,
    };
  });

  r.post('/patrons/:card/loan-limit', async (c) => {
    const card = String(c.req.params.card);
    const res = await c.api.put<Patron>(apiPath`/staff/patrons/${card}/loan-limit`, { loanLimit: Number(c.form.loanLimit) });
    if (!res.ok) return { to: patronUrl(card), flash: refusedFlash(res.problem) };
    return { to: patronUrl(card), flash: { kind: 'done', ja: `貸出点数の上限を${res.body.loanLimit}点にしました。` } };
  });

  r.post('/patrons/:card/usual-library', async (c) => {
    const card = String(c.req.params.card);
    const no = /^\d{1,2}$/.test(c.form.usualLibraryNo ?? '') ? Number(c.form.usualLibraryNo) : null;
    const res = await c.api.put<Patron>(apiPath`/staff/patrons/${card}/usual-library`, { usualLibraryNo: no });
    if (!res.ok) return { to: patronUrl(card), flash: refusedFlash(res.problem) };
    return {
      to: patronUrl(card),
      flash: { kind: 'done', ja: no === null ? 'いつも使う協力館をなしにしました。' : `いつも使う協力館を${no}番にしました。` },
    };
  });

  r.post('/patrons/:card/temporary-password', async (c) => {
    const card = String(c.req.params.card);
    const res = await c.api.post<NewPatron>(apiPath`/staff/patrons/${card}/temporary-password`);
    if (!res.ok) return { to: patronUrl(card), flash: refusedFlash(res.problem) };
    const p = res.body.patron;
    return {
      to: patronUrl(card),
      flash: {
        kind: 'done',
        ja: '新しい仮パスワードを発行しました。印刷して渡してください(この一度だけ表示されます)。',
        temporaryPassword: { cardNumber: p.cardNumber, name: p.name, temporaryPassword: res.body.temporaryPassword },
      },
    };
  });
}
