// 木曜処理: the preview of a processing day per cooperating library (the bags it will pack, what will
// fail and why), the run by hand, the earlier runs, and for a run its bag labels (one per patron,
// marked オンライン貸出サービス, R-COOP-2; a label-size print stylesheet) and its transit slips (搬送リスト,
// one A4 page per library, no names).
import { z } from 'zod';
import { apiPath } from '../api-client';
import type { Page, ThursdayRunRow } from '../api-types';
import type { ThursdayLabels, ThursdayPreview, ThursdayTransitSlips } from '../../api/schemas';
import { html, type Html } from '../html';
import type { ConsoleRoutes } from '../index';
import { jaDate, jaMoment, postForm, refusedFlash, table } from '../ui';

type Preview = z.infer<typeof ThursdayPreview>;
type Labels = z.infer<typeof ThursdayLabels>;
type Slips = z.infer<typeof ThursdayTransitSlips>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayOf = (v: unknown): string | undefined => (typeof v === 'string' && DAY.test(v) ? v : undefined);
const libraryOf = (v: unknown): number | undefined => (typeof v === 'string' && /^[1-9]\d?$/.test(v) ? Number(v) : undefined);

function runSummary(r: ThursdayRunRow): Html {
  return html`<dl class="facts-list">
    <dt>貸出処理日</dt>
    <dd>${jaDate(r.processingDay)}</dd>
    <dt>処理</dt>
    <dd>${r.processed}件(発送 ${r.dispatched}・発送できず ${r.failed}・予約解除 ${r.released}・確保待ちへ ${r.rebalanced})</dd>
    <dt>専用袋</dt>
    <dd>${r.bags}袋</dd>
    <dt>実行</dt>
    <dd>${jaMoment(r.startedAt)}〜${r.finishedAt ? jaMoment(r.finishedAt) : '実行中'}</dd>
  </dl>`;
}

function libraryFilter(action: string, day: string, libraries: { no: number; label: string }[], selected: number | undefined): Html {
  return html`<form method="get" action="${action}" class="filters no-print">
    <p>
      <label for="library">協力館</label>
      <select id="library" name="library">
        <option value="">すべて</option>
        ${libraries.map((l) => html`<option value="${l.no}" ${selected === l.no ? html` selected` : null}>${l.no} ${l.label}</option>`)}
      </select>
    </p>
    <p><button type="submit">表示</button></p>
    <p><a class="button secondary" href="/console/thursday/${day}">処理日の概要へ</a></p>
  </form>`;
}

export function thursdayPages(r: ConsoleRoutes): void {
  r.get('/thursday', async (c) => {
    const date = dayOf(c.req.query.date);
    const [preview, runs] = await Promise.all([
      c.api.get<Preview>('/staff/thursday-runs/preview', { date }),
      c.api.get<Page<ThursdayRunRow>>('/staff/thursday-runs', { pageSize: 20 }),
    ]);
    const day = preview.ok ? preview.body.processingDay : date;
    const previewBody = preview.ok
      ? html`<p class="facts">
            貸出処理日 ${jaDate(preview.body.processingDay)} ${jaMoment(preview.body.processingAt).slice(-5)} に処理すると: 発送
            ${preview.body.totals.dispatched}件・専用袋 ${preview.body.totals.bags}袋・発送できず ${preview.body.totals.failed}件・予約解除
            ${preview.body.totals.released}件・確保待ちへ ${preview.body.totals.rebalanced}件
          </p>
          ${
            preview.body.libraries.length === 0
              ? html`<p class="empty">発送する資料はありません。</p>`
              : preview.body.libraries.map(
                  (l) =>
                    html`<section class="card" aria-labelledby="lib-${l.libraryNo}">
                      <h3 id="lib-${l.libraryNo}">${l.pickup.label} <span class="sub">専用袋 ${l.bagCount}袋・${l.itemCount}点</span></h3>
                      ${table(
                        `${l.pickup.label}へ発送する専用袋`,
                        ['利用者番号', '氏名', '資料', '受取期間'],
                        l.bags.map(
                          (b) =>
                            html`<tr>
                              <td>${b.cardNumber}</td>
                              <td>${b.name}</td>
                              <td>
                                <ul>
                                  ${b.items.map((i) => html`<li><code>${i.itemNumber}</code> ${i.title}</li>`)}
                                </ul>
                              </td>
                              <td>${b.pickupWindow}</td>
                            </tr>`,
                        ),
                        '発送する資料はありません。',
                      )}
                      ${
                        l.failures.length > 0
                          ? table(
                              `${l.pickup.label}: 発送できない予約`,
                              ['利用者番号', '氏名', '資料', '理由', 'その後', '資料の行き先'],
                              l.failures.map(
                                (f) =>
                                  html`<tr>
                                    <td>${f.cardNumber}</td>
                                    <td>${f.name}</td>
                                    <td><code>${f.itemNumber}</code> ${f.title}</td>
                                    <td class="why">${f.cause.ja} <code>${f.cause.rule}</code></td>
                                    <td>${f.nextLabel}(${f.failures}回目)</td>
                                    <td>${f.copy.label}</td>
                                  </tr>`,
                              ),
                            )
                          : null
                      }
                    </section>`,
                )
          }`
      : html`<div class="notice refused" role="note"><p>${preview.problem.ja}</p></div>`;
    return {
      title: '木曜処理',
      section: 'thursday',
      body: html` <section aria-labelledby="preview-h" class="card">
          <h2 id="preview-h">処理の予定(協力館ごと)</h2>
          <form method="get" action="/console/thursday" class="filters">
            <p><label for="preview-date">貸出処理日</label><input id="preview-date" type="date" name="date" value="${day ?? ''}" /></p>
            <p><button type="submit" class="secondary">予定を表示</button></p>
          </form>
          ${previewBody}
        </section>
        <section aria-labelledby="run-h" class="card">
          <h2 id="run-h">貸出処理を実行する</h2>
          <p>処理日の ${'10:00'} を過ぎてから実行できます。同じ日を2度実行しても、処理は1度だけです。</p>
          ${postForm(
            '/console/thursday/run',
            c.csrf,
            html`<label for="run-day">貸出処理日</label>
              <input id="run-day" type="date" name="processingDay" value="${day ?? ''}" required />
              <button type="submit">実行</button>`,
            { className: 'scan' },
          )}
        </section>
        <section aria-labelledby="runs-h" class="card">
          <h2 id="runs-h">これまでの処理</h2>
          ${
            runs.ok
              ? table(
                  'これまでの貸出処理(新しい順)',
                  ['貸出処理日', '発送', '発送できず', '予約解除', '専用袋', '印刷'],
                  runs.body.items.map(
                    (x) =>
                      html`<tr>
                        <td><a href="/console/thursday/${x.processingDay}">${jaDate(x.processingDay)}</a></td>
                        <td>${x.dispatched}</td>
                        <td>${x.failed}</td>
                        <td>${x.released}</td>
                        <td>${x.bags}</td>
                        <td>
                          <a href="/console/thursday/${x.processingDay}/labels">袋ラベル</a> ・
                          <a href="/console/thursday/${x.processingDay}/transit-slips">搬送リスト</a>
                        </td>
                      </tr>`,
                  ),
                  'まだありません。',
                )
              : html`<p>${runs.problem.ja}</p>`
          }
        </section>`,
    };
  });

  r.post('/thursday/run', async (c) => {
    const day = dayOf(c.form.processingDay) ?? '';
    const res = await c.api.post<ThursdayRunRow>('/staff/thursday-runs', { processingDay: day }, c.once);
    if (!res.ok) return { to: `/console/thursday${day ? `?date=${day}` : ''}`, flash: refusedFlash(res.problem) };
    return {
      to: `/console/thursday/${res.body.processingDay}`,
      flash: { kind: 'done', ja: `${jaDate(res.body.processingDay)}の貸出処理: 発送 ${res.body.dispatched}件、専用袋 ${res.body.bags}袋。` },
    };
  });

  r.get('/thursday/:day', async (c) => {
    const day = dayOf(c.req.params.day) ?? 'invalid';
    const run = await c.api.get<ThursdayRunRow>(apiPath`/staff/thursday-runs/${day}`);
    return {
      title: `貸出処理 ${jaDate(day)}`,
      section: 'thursday',
      body: run.ok
        ? html`<section class="card" aria-labelledby="sum-h">
            <h2 id="sum-h">概要</h2>
            ${runSummary(run.body)}
            <p>
              <a class="button" href="/console/thursday/${day}/labels">専用袋のラベルを印刷</a>
              <a class="button" href="/console/thursday/${day}/transit-slips">搬送リストを印刷</a>
              <a class="button secondary" href="/console/thursday">木曜処理へ</a>
            </p>
          </section>`
        : html`<div class="notice refused" role="alert"><p>${run.problem.ja}</p></div>`,
    };
  });

  r.get('/thursday/:day/labels', async (c) => {
    const day = dayOf(c.req.params.day) ?? 'invalid';
    const library = libraryOf(c.req.query.library);
    const [all, res] = await Promise.all([
      c.api.get<Labels>(apiPath`/staff/thursday-runs/${day}/labels`),
      c.api.get<Labels>(apiPath`/staff/thursday-runs/${day}/labels`, { library }),
    ]);
    if (!res.ok || !all.ok) {
      const p = res.ok ? (all as { ok: false; problem: { ja: string } }).problem : res.problem;
      return { title: '専用袋のラベル', section: 'thursday', body: html`<div class="notice refused" role="alert"><p>${p.ja}</p></div>` };
    }
    const libs = [...new Map(all.body.labels.map((l) => [l.libraryNo, { no: l.libraryNo, label: l.pickup.label }])).values()];
    return {
      title: `専用袋のラベル ${jaDate(day)}`,
      section: 'thursday',
      printClass: 'print-labels',
      body: html`${libraryFilter(`/console/thursday/${day}/labels`, day, libs, library)}
        <p class="facts">${res.body.labels.length}袋(1人1袋、R-COOP-2) <button type="button" class="print-button no-print" hidden>印刷</button></p>
        <div class="labels printable-page">
          ${res.body.labels.map(
            (l) =>
              html`<article class="label" aria-label="専用袋 ${l.bag}">
                <p class="service">オンライン貸出サービス</p>
                <p class="dest">${res.body.headings.pickup ?? '受取館'}: ${l.pickup.label}</p>
                <p class="patron">
                  ${res.body.headings.cardNumber ?? '利用者番号'}: <strong>${l.cardNumber}</strong> ${res.body.headings.name ?? '氏名'}: ${l.name}
                </p>
                <p class="window">${res.body.headings.pickupWindow ?? '受取期間'}: ${l.pickupWindow}</p>
                <ul>
                  ${l.items.map((i) => html`<li><code>${i.itemNumber}</code> ${i.title}</li>`)}
                </ul>
                <p class="bag">専用袋 <code>${l.bag}</code></p>
              </article>`,
          )}
        </div>`,
    };
  });

  r.get('/thursday/:day/transit-slips', async (c) => {
    const day = dayOf(c.req.params.day) ?? 'invalid';
    const library = libraryOf(c.req.query.library);
    const [all, res] = await Promise.all([
      c.api.get<Slips>(apiPath`/staff/thursday-runs/${day}/transit-slips`),
      c.api.get<Slips>(apiPath`/staff/thursday-runs/${day}/transit-slips`, { library }),
    ]);
    if (!res.ok || !all.ok) {
      const p = res.ok ? (all as { ok: false; problem: { ja: string } }).problem : res.problem;
      return { title: '搬送リスト', section: 'thursday', body: html`<div class="notice refused" role="alert"><p>${p.ja}</p></div>` };
    }
    const libs = all.body.slips.map((s) => ({ no: s.libraryNo, label: s.pickup.label }));
    return {
      title: `搬送リスト ${jaDate(day)}`,
      section: 'thursday',
      printClass: 'print-a4',
      body: html`${libraryFilter(`/console/thursday/${day}/transit-slips`, day, libs, library)}
        <p class="facts">
          協力館へ搬送 ${jaDate(res.body.transportOn)}・${res.body.slips.length}館・専用袋 ${res.body.bagCount}袋・${res.body.itemCount}点
          <button type="button" class="print-button no-print" hidden>印刷</button>
        </p>
        <div class="printable-page">
          ${res.body.slips.map(
            (s) =>
              html`<section class="transit" aria-labelledby="slip-${s.libraryNo}">
                <h2 id="slip-${s.libraryNo}">搬送リスト ${s.pickup.label}</h2>
                <p>
                  オンライン貸出サービス ・ 貸出処理日 ${jaDate(day)} ・ 搬送日 ${jaDate(s.transportOn)} ・ 専用袋 ${s.bagCount}袋 ・ ${s.itemCount}点
                </p>
                ${table(
                  `${s.pickup.label}への専用袋`,
                  ['専用袋', '利用者番号', '点数', '資料番号'],
                  s.bags.map(
                    (b) =>
                      html`<tr>
                        <td><code>${b.bag}</code></td>
                        <td>${b.cardNumber}</td>
                        <td>${b.itemCount}</td>
                        <td>${b.itemNumbers.join('、')}</td>
                      </tr>`,
                  ),
                )}
                <p class="sign">受領 ${s.pickup.label}: ______________________ 日付: ____________</p>
              </section>`,
          )}
        </div>`,
    };
  });
}
