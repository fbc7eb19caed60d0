// 協力館: the 59 cooperating libraries, open or closed (休館等); closing one matters for R-RETURN-3's
// exception (a patron whose usual library was closed when reserving may return there once it reopens).
// 休館日 (spec §14, R-CLOSED-1…4): the closed days of the prefectural library and of each cooperating
// library, entered and removed as ranges; the dates on them move (the answer says how many).
import { apiPath } from '../api-client';
import type { ClosedDay, Closure, LibraryRow } from '../api-types';
import { html, type Html } from '../html';
import type { ConsoleRoutes } from '../index';
import { jaDate, postForm, refusedFlash, table } from '../ui';

/** Consecutive closed days of one place with one note, as one line (年末年始 12-29 … 01-03). */
interface ClosedRun {
  library: 'pref' | number;
  from: string;
  to: string;
  note: string | null;
}

function runsOf(days: readonly ClosedDay[]): ClosedRun[] {
  const byPlace = [...days].sort((x, y) => String(x.library).localeCompare(String(y.library)) || x.day.localeCompare(y.day));
  const runs: ClosedRun[] = [];
  for (const d of byPlace) {
    const last = runs.at(-1);
    const next = last ? new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : null;
    if (last && last.library === d.library && last.note === d.note && next === d.day) last.to = d.day;
    else runs.push({ library: d.library, from: d.day, to: d.day, note: d.note });
  }
  return runs.sort((x, y) => x.from.localeCompare(y.from));
}

const placeName = (library: 'pref' | number, libs: readonly LibraryRow[]): string =>
  library === 'pref' ? '県立図書館' : `${library} ${libs.find((l) => l.no === library)?.name ?? ''}`.trim();

const span = (from: string, to: string): string => (from === to ? jaDate(from) : `${jaDate(from)} ~ ${jaDate(to)}`);

function closedDaysSection(csrf: string, days: readonly ClosedDay[], libs: readonly LibraryRow[]): Html {
  return html`<section aria-labelledby="closed-h" class="card">
    <h2 id="closed-h">休館日</h2>
    <p>
      休館日に当たる受取開始日・取置期限・返却期限は次の開館日になります。県立図書館の休館日に当たる木曜日の貸出処理は、次の開館日に行います。登録・取消すると、対象の予約・貸出の日付も変わります。
    </p>
    ${postForm(
      '/console/libraries/closed-days',
      csrf,
      html`<label for="cd-library">館</label>
        <select id="cd-library" name="library">
          <option value="pref">県立図書館</option>
          ${libs.map((l) => html`<option value="${l.no}">${l.no} ${l.name}</option>`)}
        </select>
        <label for="cd-from">開始日</label>
        <input id="cd-from" name="from" type="date" required />
        <label for="cd-to">終了日(1日だけなら空欄)</label>
        <input id="cd-to" name="to" type="date" />
        <label for="cd-note">理由(任意)</label>
        <input id="cd-note" name="note" maxlength="200" placeholder="年末年始休館、蔵書点検など" />
        <button type="submit" name="action" value="close">休館日にする</button>
        <button type="submit" name="action" value="reopen" class="secondary">休館日を取り消す</button>`,
      { label: '休館日の登録・取消' },
    )}
    ${table(
      '今日以降の休館日',
      ['館', '期間', '理由', '操作'],
      runsOf(days).map(
        (r) =>
          html`<tr>
            <td>${placeName(r.library, libs)}</td>
            <td>${span(r.from, r.to)}</td>
            <td>${r.note ?? '—'}</td>
            <td>
              ${postForm(
                '/console/libraries/closed-days',
                csrf,
                html`<input type="hidden" name="library" value="${String(r.library)}" />
                  <input type="hidden" name="from" value="${r.from}" />
                  <input type="hidden" name="to" value="${r.to}" />
                  <button
                    type="submit"
                    name="action"
                    value="reopen"
                    class="secondary"
                    aria-label="${placeName(r.library, libs)}の休館日${span(r.from, r.to)}を取り消す"
                  >
                    取り消す
                  </button>`,
                { className: 'inline' },
              )}
            </td>
          </tr>`,
      ),
      '登録された休館日はありません。',
    )}
  </section>`;
}

export function libraryPages(r: ConsoleRoutes): void {
  r.get('/libraries', async (c) => {
    const [res, days] = await Promise.all([
      c.api.get<{ items: LibraryRow[] }>('/staff/libraries'),
      c.api.get<{ items: ClosedDay[] }>('/staff/closed-days'),
    ]);
    const closed = res.ok ? res.body.items.filter((l) => !l.isOpen).length : 0;
    return {
      title: '協力館',
      section: 'libraries',
      body: res.ok
        ? html`${closedDaysSection(c.csrf, days.ok ? days.body.items : [], res.body.items)}
            <p class="facts">${res.body.items.length}館 ・ 休館中 ${closed}館</p>
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

  r.post('/libraries/closed-days', async (c) => {
    const reopen = c.form.action === 'reopen';
    const library = c.form.library === 'pref' ? 'pref' : Number(c.form.library);
    const from = c.form.from ?? '';
    const to = c.form.to ? c.form.to : from;
    const note = c.form.note?.trim() ? c.form.note.trim() : undefined;
    const res = await c.api.post<Closure>(reopen ? '/staff/closed-days/reopen' : '/staff/closed-days', {
      library,
      from,
      to,
      ...(note && !reopen ? { note } : {}),
    });
    if (!res.ok) return { to: '/console/libraries', flash: refusedFlash(res.problem) };
    const where = res.body.library === 'pref' ? '県立図書館' : `協力館${res.body.library}`;
    const what = reopen ? 'の休館日を取り消しました' : 'を休館日にしました';
    const moved = res.body.moved.length > 0 ? `日付が変わった予約・貸出: ${res.body.moved.length}件。` : '日付が変わった予約・貸出はありません。';
    return {
      to: '/console/libraries',
      flash: { kind: 'done', ja: `${where}の${span(res.body.from, res.body.to)}${what}(${res.body.changedDays}日)。${moved}` },
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
