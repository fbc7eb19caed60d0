// 協力館: the 59 cooperating libraries, open or closed (休館等); closing one matters for R-RETURN-3's
// exception (a patron whose usual library was closed when reserving may return there once it reopens).
import { apiPath } from '../api-client';
import type { LibraryRow } from '../api-types';
import { html } from '../html';
import type { ConsoleRoutes } from '../index';
import { postForm, refusedFlash, table } from '../ui';

export function libraryPages(r: ConsoleRoutes): void {
  r.get('/libraries', async (c) => {
    const res = await c.api.get<{ items: LibraryRow[] }>('/staff/libraries');
    const closed = res.ok ? res.body.items.filter((l) => !l.isOpen).length : 0;
    return {
      title: '協力館',
      section: 'libraries',
      body: res.ok
        ? html`<p class="facts">${res.body.items.length}館 ・ 休館中 ${closed}館</p>
            ${table(
              '協力館の一覧',
              ['番号', '地域', '市町村', '名称', '状態', '操作'],
              res.body.items.map(
                (l) => html`<tr${l.isOpen ? null : html` class="late"`}>
  <td>${l.no}</td><td>${l.region}</td><td>${l.municipality}</td><td>${l.name}</td>
  <td>${l.isOpen ? '開館' : html`<strong>休館中</strong>`}</td>
  <td>${postForm(
    `/console/libraries/${l.no}/open`,
    c.csrf,
    html`<input type="hidden" name="isOpen" value="${l.isOpen ? 'false' : 'true'}" />
      <button type="submit" class="${l.isOpen ? 'secondary' : ''}" aria-label="${l.name}を${l.isOpen ? '休館にする' : '開館にする'}">
        ${l.isOpen ? '休館にする' : '開館にする'}
      </button>`,
    { className: 'inline' },
  )}</td>
</tr>`,
              ),
            )}`
        : html`<div class="notice refused" role="alert"><p>${res.problem.ja}</p></div>`,
    };
  });

  r.post('/libraries/:no/open', async (c) => {
    const no = String(c.req.params.no);
    const isOpen = c.form.isOpen === 'true';
    const res = await c.api.put<LibraryRow>(apiPath`/staff/libraries/${no}/open`, { isOpen });
    if (!res.ok) return { to: '/console/libraries', flash: refusedFlash(res.problem) };
    return { to: '/console/libraries', flash: { kind: 'done', ja: `${res.body.name}を${res.body.isOpen ? '開館' : '休館'}にしました。` } };
  });
}
